#!/usr/bin/env python3
"""Regenerate screenshots/build-*.svg: the build launcher, a live build, its summary, a failed
platform, a step's log, the history and the login form — from the running app (headless) on
recorded real buildx output (the scenes of tests/helpers/build_scenes.py, as the snapshots).

.venv/bin/python scripts/screenshots_build.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.build_scenes import SCENES, stable_environment  # noqa: E402

SIZE = (120, 36)
OUT = ROOT / "screenshots"


async def shoot(name: str) -> Path:
    history = stable_environment()
    scene = SCENES[name]
    app = scene.app(history)
    async with app.run_test(size=SIZE) as pilot:
        await scene.steps(history)(pilot)
        await pilot.pause()
        path = app.save_screenshot(
            filename=f"build-{name.removeprefix('build-')}.svg", path=str(OUT)
        )
    return Path(path)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name in SCENES:
        print(await shoot(name))


if __name__ == "__main__":
    asyncio.run(main())
