"""Snapshots of the Builds list (all builders: the limits said) and of a failed build's details
at 80x24, 120x36 and 180x50, on `history` output recorded on the lab.

Review changes with `pytest tests/ui/builds/test_builds_snapshots.py --snapshot-report`."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from textual.widgets import Input

from buildx_tui.ui.builds.details import BuildDetailsScreen
from buildx_tui.ui.builds.screen import BuildsScreen
from tests.helpers.builds import B2, C, b2_backend, b2_records, builds_app, builds_backend, refs

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


async def _settle(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def _list(pilot) -> None:
    await _settle(pilot)
    await pilot.app.push_screen(BuildsScreen(None))
    await _settle(pilot)


async def _failed(pilot) -> None:
    await _settle(pilot)
    await pilot.app.push_screen(BuildDetailsScreen(C, refs()["failing"]))
    await _settle(pilot)


async def _multi_node(pilot) -> None:
    await _settle(pilot)
    records = b2_records()
    screen = BuildDetailsScreen(B2, records[0].id, records)
    await pilot.app.push_screen(screen)
    for _ in range(100):  # each node's record read, then the provenance's ids (a busy machine)
        await _settle(pilot)
        if screen.details is not None and screen.ids is not None:
            break
    await _settle(pilot)


def _app():
    return builds_app(builds_backend(), Path(tempfile.mkdtemp(prefix="builds-snap-")))


@pytest.mark.parametrize("size", SIZES)
def test_builds_list(snap_compare, size):
    assert snap_compare(_app(), terminal_size=SIZES[size], run_before=_list)


@pytest.mark.parametrize("size", SIZES)
def test_failed_build_details(snap_compare, size):
    assert snap_compare(_app(), terminal_size=SIZES[size], run_before=_failed)


@pytest.mark.parametrize("size", SIZES)
def test_multi_node_build_details(snap_compare, size):
    """A two-node build failed on arm64: each platform with its node, status, duration; the
    arm64 node's failure; the node l and t open marked."""
    app = builds_app(b2_backend(), Path(tempfile.mkdtemp(prefix="builds-snap-")))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=_multi_node)
