#!/usr/bin/env python3
"""Regenerate screenshots/create-*.svg: the create wizard, headless, on recorded real buildx output
(the scenes of tests/helpers/create_scenes.py, as the snapshots), and screenshots/recreate-*.svg
(the recreate wizard's scenes of tests/helpers/recreate.py).

.venv/bin/python scripts/screenshots_create.py
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.create_scenes import (  # noqa: E402
    SIZE,
    SNAP_DIR,
    WIZARD_SCENES,
    leave_scene,
    wizard_scene,
)
from tests.helpers.recreate import RECREATE_SCENES, recreate_scene  # noqa: E402
from tests.helpers.recreate import SNAP_DIR as RECREATE_DIR  # noqa: E402

OUT = ROOT / "screenshots"


async def shoot(name: str, scene: str | None) -> Path:
    app, run_before = wizard_scene(scene) if scene else leave_scene()
    async with app.run_test(size=SIZE) as pilot:
        await run_before(pilot)
        await pilot.pause()
        path = app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    shutil.rmtree(SNAP_DIR, ignore_errors=True)
    return Path(path)


async def shoot_recreate(scene: str) -> Path:
    app, run_before = recreate_scene(scene)
    async with app.run_test(size=SIZE) as pilot:
        await run_before(pilot)
        await pilot.pause()
        path = app.save_screenshot(filename=f"recreate-{scene}.svg", path=str(OUT))
    shutil.rmtree(RECREATE_DIR, ignore_errors=True)
    return Path(path)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for scene in WIZARD_SCENES:
        print(await shoot(f"create-{scene}", scene))
    print(await shoot("create-leave-node", None))
    for scene in RECREATE_SCENES:
        print(await shoot_recreate(scene))


if __name__ == "__main__":
    asyncio.run(main())
