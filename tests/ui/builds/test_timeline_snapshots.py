"""Snapshots of the timeline (history trace recorded on the lab) at 80x24, 120x36, 180x50: a
two-platform build, a failed one compared with it, a running build (no trace yet); the
two-platform build again with the light theme and with NO_COLOR (the critical path keeps its own
colour, apart from failed and cached, and its * mark without colour).

Review changes with `pytest tests/ui/builds/test_timeline_snapshots.py --snapshot-report`."""

from __future__ import annotations

import pytest

from buildx_tui.ui.builds.timeline import BuildTimelineScreen
from tests.helpers.replay import BUILDER, REFS, replay_app, settle

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


def _scene(ref: str, compare: str | None = None, theme: str = ""):  # type: ignore[no-untyped-def]
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        if theme:
            pilot.app.theme = theme
        await settle(pilot)
        await pilot.app.push_screen(BuildTimelineScreen(BUILDER, ref, compare))
        await settle(pilot)

    return run_before


SCENES = {
    "two-platform": _scene(REFS["two-platform"]),
    "compare": _scene(REFS["failed-arm64"], REFS["two-platform"]),
    "running": _scene(REFS["running"]),
    "light-theme": _scene(REFS["failed-arm64"], theme="textual-light"),
    "no-color": _scene(REFS["failed-arm64"]),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_timeline(snap_compare, monkeypatch, scene, size):  # type: ignore[no-untyped-def]
    if scene == "no-color":
        monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(replay_app(), terminal_size=SIZES[size], run_before=SCENES[scene])
