"""Snapshots of the screens (pytest-textual-snapshot), on recorded real buildx output; the list,
a node's details, the help and the remove dialog also at 80x24 and 180x50 (issue #11 item 14).

Review changes with `pytest tests/ui/builders/test_snapshots.py --snapshot-report` before updating.
"""

from __future__ import annotations

import pytest

from buildx_tui.ui.builders.table import BuildersTable, RowRef
from tests.demo import demo_app

SIZE = (120, 36)
#: The other sizes every screen is seen at (ARCHITECTURE.md).
SIZES = {"80x24": (80, 24), "180x50": (180, 50)}


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.1)  # the details panel follows the cursor after a short debounce


@pytest.mark.parametrize("scene", ["ls", "unreachable", "daemon-down", "lab-stopped", "no-buildx"])
def test_builders_screen(snap_compare, scene):
    assert snap_compare(demo_app(scene), terminal_size=SIZE, run_before=_settle)


async def _select_remote_node(pilot) -> None:
    await _settle(pilot)
    pilot.app.screen.query_one(BuildersTable).select(RowRef("remotetest", "remotetest0"))
    await pilot.pause(0.1)


async def _help(pilot) -> None:
    await _settle(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


async def _remove_dialog(pilot) -> None:
    await _settle(pilot)
    pilot.app.screen.query_one(BuildersTable).select(RowRef("seedlocal"))
    await pilot.pause()
    await pilot.press("d")
    await pilot.pause()
    await pilot.click("#opt-keep_state")
    await pilot.pause()


def test_node_details(snap_compare):
    assert snap_compare(demo_app("ls"), terminal_size=SIZE, run_before=_select_remote_node)


def test_help(snap_compare):
    assert snap_compare(
        demo_app("ls"), terminal_size=SIZE, press=["question_mark"], run_before=_settle
    )


def test_remove_dialog_with_keep_state(snap_compare):
    assert snap_compare(demo_app("ls"), terminal_size=SIZE, run_before=_remove_dialog)


SIZED = {
    "ls": _settle,
    "node-details": _select_remote_node,
    "help": _help,
    "remove-dialog": _remove_dialog,
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SIZED))
def test_builders_sized(snap_compare, scene, size):
    assert snap_compare(demo_app("ls"), terminal_size=SIZES[size], run_before=SIZED[scene])
