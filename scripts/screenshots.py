#!/usr/bin/env python3
"""Regenerate screenshots/*.svg from the running app (headless), on recorded real buildx output.

.venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from buildx_tui.ui.builders.table import BuildersTable, RowRef  # noqa: E402
from tests.demo import demo_app  # noqa: E402

SIZE = (120, 36)
OUT = ROOT / "screenshots"


async def _settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.1)  # the details panel follows the cursor after a short debounce


async def _select(pilot: Pilot[None], ref: RowRef) -> None:
    pilot.app.screen.query_one(BuildersTable).select(ref)
    await pilot.pause(0.1)


async def _remove_dialog(pilot: Pilot[None]) -> None:
    await _select(pilot, RowRef("seedlocal"))
    await pilot.press("d")
    await pilot.pause()
    await pilot.click("#opt-keep_state")
    await pilot.pause()


async def _help(pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")
    await pilot.pause()


Step = Callable[[Pilot[None]], Awaitable[None]]
SHOTS: list[tuple[str, str, Step | None]] = [
    ("builders", "ls", None),
    ("builders-unreachable", "unreachable", None),
    ("builders-stopped", "lab-stopped", None),
    ("node-details", "ls", lambda p: _select(p, RowRef("remotetest", "remotetest0"))),
    ("docker-unreachable", "daemon-down", None),
    ("buildx-missing", "no-buildx", None),
    ("remove-dialog", "ls", _remove_dialog),
    ("help", "ls", _help),
]


async def shoot(name: str, scene: str, step: Step | None) -> Path:
    app = demo_app(scene)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(pilot)
        if step is not None:
            await step(pilot)
        await pilot.pause()
        path = app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    return Path(path)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, scene, step in SHOTS:
        print(await shoot(name, scene, step))


if __name__ == "__main__":
    asyncio.run(main())
