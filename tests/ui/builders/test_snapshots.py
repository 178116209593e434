"""Snapshots of the screens (pytest-textual-snapshot), on recorded real buildx output.

Review changes with `pytest tests/ui/builders/test_snapshots.py --snapshot-report` before updating.
"""

from __future__ import annotations

import pytest

from buildx_tui.ui.builders.table import BuildersTable, RowRef
from tests.demo import demo_app

SIZE = (120, 36)


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.1)  # the details panel follows the cursor after a short debounce


@pytest.mark.parametrize("scene", ["ls", "unreachable", "daemon-down", "lab-stopped", "no-buildx"])
def test_builders_screen(snap_compare, scene):
    assert snap_compare(demo_app(scene), terminal_size=SIZE, run_before=_settle)


def test_node_details(snap_compare):
    async def select_remote_node(pilot) -> None:
        await _settle(pilot)
        pilot.app.screen.query_one(BuildersTable).select(RowRef("remotetest", "remotetest0"))
        await pilot.pause(0.1)

    assert snap_compare(demo_app("ls"), terminal_size=SIZE, run_before=select_remote_node)


def test_help(snap_compare):
    assert snap_compare(
        demo_app("ls"), terminal_size=SIZE, press=["question_mark"], run_before=_settle
    )


def test_remove_dialog_with_keep_state(snap_compare):
    async def open_dialog(pilot) -> None:
        await _settle(pilot)
        pilot.app.screen.query_one(BuildersTable).select(RowRef("seedlocal"))
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#opt-keep_state")
        await pilot.pause()

    assert snap_compare(demo_app("ls"), terminal_size=SIZE, run_before=open_dialog)
