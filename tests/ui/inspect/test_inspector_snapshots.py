"""Snapshots of the manifest inspector on imagetools output recorded on the lab; the index, an
expanded platform and a comparison also at 80x24 and 180x50 (issue #11 item 14).

Review changes with `pytest tests/ui/inspect/test_inspector_snapshots.py --snapshot-report` before
updating.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from buildx_tui.ui.inspect.nodes import NodeKind
from buildx_tui.ui.inspect.screen import InspectorScreen
from tests.helpers.inspector import (
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

SIZE = (120, 40)
#: The other sizes every screen is seen at (ARCHITECTURE.md).
SIZES = {"80x24": (80, 24), "180x50": (180, 50)}


async def _open(pilot, reference: str | None, host: str = "linux/amd64") -> InspectorScreen:
    await settle(pilot)
    screen = InspectorScreen(reference, host_platform=host)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    for box in screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()
    return screen


async def _index(pilot) -> None:
    await _open(pilot, REF1)


async def _expanded_platform(pilot) -> None:
    screen = await _open(pilot, REF1)
    tree = screen.manifest_tree
    tree.move_cursor(find(tree, NodeKind.PLATFORM, AMD64))
    await pilot.press("enter")
    await settle(pilot)
    tree.move_cursor(find(tree, NodeKind.ATTESTATION, ATT_AMD64))
    await pilot.press("enter")
    await settle(pilot)
    tree.move_cursor(find(tree, NodeKind.PLATFORM, AMD64))
    await pilot.pause()


async def _compare(pilot) -> None:
    screen = await _open(pilot, REF1)
    screen.compare(REF1, REF2)
    await settle(pilot)
    for box in screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


def test_index(snap_compare):
    assert snap_compare(inspector_app(), terminal_size=SIZE, run_before=_index)


def test_expanded_platform(snap_compare):
    assert snap_compare(inspector_app(), terminal_size=(120, 50), run_before=_expanded_platform)


def test_compare(snap_compare):
    assert snap_compare(inspector_app(), terminal_size=SIZE, run_before=_compare)


SIZED = {"index": _index, "expanded-platform": _expanded_platform, "compare": _compare}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SIZED))
def test_inspector_sized(snap_compare, scene, size):
    assert snap_compare(inspector_app(), terminal_size=SIZES[size], run_before=SIZED[scene])


def test_single_platform_on_apple_silicon(snap_compare):
    async def run_before(pilot) -> None:
        await _open(pilot, SINGLE, host="linux/arm64")

    assert snap_compare(inspector_app(), terminal_size=SIZE, run_before=run_before)


def test_not_found(snap_compare):
    async def run_before(pilot) -> None:
        await _open(pilot, ERRORS["tag-not-found"])

    assert snap_compare(inspector_app(), terminal_size=SIZE, run_before=run_before)


def test_bad_reference(snap_compare):
    async def run_before(pilot) -> None:
        screen = await _open(pilot, None)
        screen.query_one("#reference", Input).value = "127.0.0.1:5000/Inspector-Demo:1"
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(inspector_app(), terminal_size=SIZE, run_before=run_before)
