#!/usr/bin/env python3
"""Regenerate screenshots/demo-*.svg: the README's "first five minutes", taken in
`buildx-tui --demo` (the app on the recordings shipped in the package; nothing is run).

.venv/bin/python scripts/screenshots_demo.py
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input  # noqa: E402

from buildx_tui.demo.app import make_demo_app  # noqa: E402
from buildx_tui.demo.backend import INSPECT_REFERENCE  # noqa: E402
from buildx_tui.ui.builders.table import BuildersTable, RowRef  # noqa: E402
from tests.helpers.all_screens import settle  # noqa: E402

SIZE = (120, 36)
OUT = ROOT / "screenshots"


async def _lab_container(pilot: Pilot[None]) -> None:
    pilot.app.screen.query_one(BuildersTable).select(RowRef("lab-container"))
    await settle(pilot)


async def _create(pilot: Pilot[None]) -> None:
    await pilot.press("c")
    await settle(pilot)


async def _form(pilot: Pilot[None]) -> None:
    await _lab_container(pilot)
    await pilot.press("n")
    await settle(pilot)


async def _build(pilot: Pilot[None]) -> None:
    await _form(pilot)
    await pilot.press("ctrl+b")
    await settle(pilot)
    screen = pilot.app.screen
    for _ in range(200):  # the recorded build replays at its real pace (about 3 s)
        if not getattr(screen, "running", False):
            break
        await asyncio.sleep(0.1)
    await settle(pilot)


async def _inspect(pilot: Pilot[None]) -> None:
    await pilot.press("i")
    await settle(pilot)
    box = pilot.app.screen.query_one("#reference", Input)
    box.value = INSPECT_REFERENCE
    pilot.app.screen.set_focus(box)
    await pilot.press("enter")
    await settle(pilot)


Step = Callable[[Pilot[None]], Awaitable[None]]
SHOTS: list[tuple[str, Step | None]] = [
    ("demo-start", None),
    ("demo-create", _create),
    ("demo-build-form", _form),
    ("demo-build-done", _build),
    ("demo-inspect", _inspect),
]


async def shoot(name: str, step: Step | None) -> Path:
    app = make_demo_app(refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if step is not None:
            app.clear_notifications()  # the welcome notice is in demo-start only
            await step(pilot)
        await pilot.pause()
        path = app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    return Path(path)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, step in SHOTS:
        print(await shoot(name, step))


if __name__ == "__main__":
    asyncio.run(main())
