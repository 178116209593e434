"""What a screen showing lanes does with them, live (ui/build/progress.py) or replayed
(ui/builds/replay.py): place them in a grid, attach the build's warnings to them, move between
them, open a step's full log."""

from __future__ import annotations

from typing import Any

from textual.containers import Grid
from textual.screen import Screen

from buildx_tui.core.progress.model import ProgressSnapshot, WarningSnapshot
from buildx_tui.ui.common.lanes.lane import LaneView
from buildx_tui.ui.common.lanes.step_log import BuildLogScreen

#: Lanes side by side at the most (the shared lane spans the rest of the last row).
MAX_COLUMNS = 3
#: The narrowest a lane is laid out (the lanes take fewer columns on a narrow screen).
LANE_WIDTH = 36


def lay_out_lanes(grid: Grid, width: int) -> None:
    """As many columns as fit in ``width`` (at most MAX_COLUMNS); the last lane (the shared
    steps) takes what its row leaves."""
    count = len(grid.children)
    columns = min(MAX_COLUMNS, max(1, count), max(1, width // LANE_WIDTH))
    grid.styles.grid_size_columns = columns
    grid.styles.grid_size_rows = max(1, (count + columns - 1) // columns)
    if count:
        grid.children[-1].styles.column_span = columns - (count - 1) % columns


def warnings_by_lane(snap: ProgressSnapshot) -> dict[str, tuple[WarningSnapshot, ...]]:
    """The build's warnings per lane key; one not placed on a lane yet goes to the shared lane."""
    warned: dict[str, list[WarningSnapshot]] = {}
    for warning in snap.warnings:
        warned.setdefault(warning.lane or snap.shared.key, []).append(warning)
    return {key: tuple(found) for key, found in warned.items()}


def focus_lane(screen: Screen[Any], delta: int) -> None:
    """Focus the lane ``delta`` away from the focused one (round the ends)."""
    lanes = list(screen.query(LaneView))
    if not lanes:
        return
    focused = screen.focused
    index = lanes.index(focused) if isinstance(focused, LaneView) and focused in lanes else -1
    screen.set_focus(lanes[(index + delta) % len(lanes)])


def step_log(snap: ProgressSnapshot | None, message: LaneView.OpenStep) -> BuildLogScreen | None:
    """The full log of the step a lane asked to open, as ``snap`` has it (None: gone)."""
    if snap is None:
        return None
    lane = snap.lane(message.lane)
    step = lane.step(message.digest) if lane is not None else None
    return BuildLogScreen(message.lane, step) if step is not None else None
