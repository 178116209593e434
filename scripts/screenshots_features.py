#!/usr/bin/env python3
"""Regenerate screenshots of the Builds, Bake, Cache and Doctor screens (screenshots/builds-*.svg,
bake.svg, cache.svg, doctor.svg, replay.svg, timeline.svg) from the running app (headless), on
output recorded on the lab: each screen opened over the builders list as the snapshot tests open
it (tests/helpers/all_screens.py).

.venv/bin/python scripts/screenshots_features.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.all_screens import SCREENS, all_screens_app, seeded_history, settle  # noqa: E402
from tests.helpers.build_scenes import stable_environment  # noqa: E402

OUT = ROOT / "screenshots"
SIZE = (120, 36)
#: file name -> the screen (a key of SCREENS).
SHOTS = {
    "builds": "builds",
    "build-details-failed": "build-details",
    "build-replay": "replay",
    "build-timeline": "timeline",
    "bake": "bake",
    "cache": "cache",
    "doctor": "doctor",
}


async def shoot(name: str, screen: str, folder: Path) -> None:
    app = all_screens_app(seeded_history(folder / name))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await SCREENS[screen](pilot)
        await settle(pilot)
        app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"screenshots/{name}.svg")


def main() -> int:
    stable_environment()
    with tempfile.TemporaryDirectory(prefix="shots-") as tmp:
        for name, screen in SHOTS.items():
            asyncio.run(shoot(name, screen, Path(tmp)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
