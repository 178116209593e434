#!/usr/bin/env python3
"""Regenerate screenshots/inspector-*.svg from the running app (headless), on imagetools output
recorded on the lab (tests/fixtures/local/INDEX.md).

.venv/bin/python scripts/screenshots_inspector.py
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

from buildx_tui.ui.inspect.nodes import NodeKind  # noqa: E402
from buildx_tui.ui.inspect.screen import InspectorScreen  # noqa: E402
from tests.helpers.inspector import (  # noqa: E402
    AMD64,
    ATT_AMD64,
    ERRORS,
    REF1,
    REF2,
    SINGLE,
    find,
    inspector_app,
    settle,
)

OUT = ROOT / "screenshots"


async def _expand_amd64(pilot: Pilot[None], screen: InspectorScreen) -> None:
    tree = screen.manifest_tree
    for kind, digest in ((NodeKind.PLATFORM, AMD64), (NodeKind.ATTESTATION, ATT_AMD64)):
        tree.move_cursor(find(tree, kind, digest))
        await pilot.press("enter")
        await settle(pilot)
    tree.move_cursor(find(tree, NodeKind.PLATFORM, AMD64))


async def _compare(pilot: Pilot[None], screen: InspectorScreen) -> None:
    screen.compare(REF1, REF2)
    await settle(pilot)
    screen.compare_view.table.move_cursor(row=1, column=2)


Step = Callable[[Pilot[None], InspectorScreen], Awaitable[None]]
# name, reference, the user's platform, terminal size, what to do after the index is shown
SHOTS: list[tuple[str, str, str, tuple[int, int], Step | None]] = [
    ("inspector-index", REF1, "linux/amd64", (120, 36), None),
    ("inspector-platform", REF1, "linux/amd64", (120, 50), _expand_amd64),
    ("inspector-compare", REF1, "linux/amd64", (120, 36), _compare),
    ("inspector-single-platform", SINGLE, "linux/arm64", (120, 40), None),
    ("inspector-not-found", ERRORS["tag-not-found"], "linux/amd64", (120, 30), None),
]


async def shoot(
    name: str, reference: str, host: str, size: tuple[int, int], step: Step | None
) -> Path:
    app = inspector_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = InspectorScreen(reference, host_platform=host)
        await app.push_screen(screen)
        await settle(pilot)
        if step is not None:
            await step(pilot, screen)
        for box in screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()
        path = app.save_screenshot(filename=f"{name}.svg", path=str(OUT))
    return Path(path)


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    for shot in SHOTS:
        print(await shoot(*shot))


if __name__ == "__main__":
    asyncio.run(main())
