"""Snapshots of the replayed build (history logs recorded on the lab) at 80x24, 120x36, 180x50:
a completed two-platform build, one failed on arm64 only (its step log open), a missing record.

Review changes with `pytest tests/ui/builds/test_replay_snapshots.py --snapshot-report`."""

from __future__ import annotations

import pytest

from buildx_tui.ui.builds.replay import BuildReplayScreen, lane_id
from buildx_tui.ui.common.lanes.lane import LaneView
from tests.helpers.replay import BUILDER, MISSING, REFS, replay_app, settle

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


async def _open(pilot, ref: str, builder: str = BUILDER) -> BuildReplayScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = BuildReplayScreen(builder, ref)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def _completed(pilot) -> None:  # type: ignore[no-untyped-def]
    await _open(pilot, REFS["two-platform"])


async def _failed_log(pilot) -> None:  # type: ignore[no-untyped-def]
    screen = await _open(pilot, REFS["failed-arm64"])
    screen.set_focus(screen.query_one(f"#{lane_id('linux/arm64')}", LaneView))
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


async def _missing(pilot) -> None:  # type: ignore[no-untyped-def]
    await _open(pilot, MISSING)


SCENES = {"completed": _completed, "failed-step-log": _failed_log, "missing": _missing}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_replay(snap_compare, scene, size):  # type: ignore[no-untyped-def]
    assert snap_compare(replay_app(), terminal_size=SIZES[size], run_before=SCENES[scene])
