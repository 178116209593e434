"""Snapshots of the replayed build (history logs recorded on the lab) at 80x24, 120x36, 180x50:
a completed two-platform build (named), one failed on arm64 only (its step log open), a missing
record (the builder replay-rec is gone: the badges say unknown), and one node's record of a
two-node build (b2-rec: the arm64 node's lane says QEMU and names the node).

Review changes with `pytest tests/ui/builds/test_replay_snapshots.py --snapshot-report`."""

from __future__ import annotations

import pytest

from buildx_tui.ui.builds.replay import BuildReplayScreen, lane_id
from buildx_tui.ui.common.lanes.lane import LaneView
from tests.helpers.replay import (
    B2,
    B2_REFS,
    BUILDER,
    MISSING,
    REFS,
    b2_backend,
    replay_app,
    settle,
)

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


async def _open(pilot, ref: str, builder: str = BUILDER, **kw) -> BuildReplayScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = BuildReplayScreen(builder, ref, **kw)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def _completed(pilot) -> None:  # type: ignore[no-untyped-def]
    await _open(pilot, REFS["two-platform"], name="ctx", node="replay-rec0")


async def _failed_log(pilot) -> None:  # type: ignore[no-untyped-def]
    screen = await _open(pilot, REFS["failed-arm64"])
    screen.set_focus(screen.query_one(f"#{lane_id('linux/arm64')}", LaneView))
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


async def _missing(pilot) -> None:  # type: ignore[no-untyped-def]
    await _open(pilot, MISSING)


async def _node(pilot) -> None:  # type: ignore[no-untyped-def]
    await _open(pilot, B2_REFS["arm"], B2, name="ctx", node="b2-rec-arm")


SCENES = {
    "completed": _completed,
    "failed-step-log": _failed_log,
    "missing": _missing,
    "node-record": _node,
}
APPS = {"node-record": b2_backend}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_replay(snap_compare, scene, size):  # type: ignore[no-untyped-def]
    backend = APPS[scene]() if scene in APPS else None
    assert snap_compare(replay_app(backend), terminal_size=SIZES[size], run_before=SCENES[scene])
