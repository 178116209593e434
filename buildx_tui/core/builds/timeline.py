"""A build's waterfall as pure data: rows, bar columns for a given width, time axis ticks.

The timeline screen draws what :func:`layout` returns; everything that can be measured (which
column a bar starts at, which rows are a platform's, where a tick goes) is decided here and
unit-tested without Textual. Times are seconds from the build's start (the trace's first span).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from buildx_tui.core.builds.trace import SHARED, BuildTrace, PlatformTotal, TraceStep

#: Tick intervals tried, smallest first (seconds).
NICE_STEPS = (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)
#: At least this many columns between two ticks (a label such as "1m30s" fits).
MIN_TICK_GAP = 10


@dataclass(frozen=True, slots=True)
class Bar:
    start_col: int
    end_col: int
    """Exclusive; a bar is at least one column wide (a cached step takes no time)."""

    @property
    def width(self) -> int:
        return self.end_col - self.start_col


@dataclass(frozen=True, slots=True)
class GroupRow:
    """The heading of a platform's rows."""

    platform: str
    total: PlatformTotal
    bar: Bar
    """First start -> last end of the platform's steps."""


@dataclass(frozen=True, slots=True)
class StepRow:
    step: TraceStep
    bar: Bar
    critical: bool


Row = GroupRow | StepRow


@dataclass(frozen=True, slots=True)
class Tick:
    col: int
    seconds: float
    label: str


@dataclass(frozen=True, slots=True)
class Timeline:
    width: int
    span: float
    """Seconds the ``width`` columns cover."""
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    totals: tuple[PlatformTotal, ...]
    duration: float
    """The whole command (the trace's root span)."""

    @property
    def step_rows(self) -> tuple[StepRow, ...]:
        return tuple(r for r in self.rows if isinstance(r, StepRow))


def fmt_seconds(seconds: float) -> str:
    """``0.25s``, ``3s``, ``12.5s``, ``1m30s``, ``1h2m``."""
    if seconds < 0:
        seconds = 0.0
    if seconds < 10:
        text = f"{seconds:.2f}".rstrip("0").rstrip(".")
        return f"{text or '0'}s"
    if seconds < 60:
        text = f"{seconds:.1f}".rstrip("0").rstrip(".")
        return f"{text}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s" if secs else f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes}m" if minutes else f"{hours}h"


def bar_for(start: float, end: float, span: float, width: int) -> Bar:
    """Columns [start_col, end_col) of an interval on ``width`` columns covering ``span`` s."""
    if width <= 0:
        return Bar(0, 0)
    scale = width / span if span > 0 else 0.0
    first = min(width - 1, max(0, math.floor(start * scale)))
    last = min(width, max(first + 1, math.ceil(end * scale)))
    return Bar(first, last)


def ticks_for(span: float, width: int) -> tuple[Tick, ...]:
    """Ticks at a round interval, at least :data:`MIN_TICK_GAP` columns apart, from 0."""
    if width <= 0 or span <= 0:
        return (Tick(0, 0.0, "0s"),)
    per_col = span / width
    step = next((s for s in NICE_STEPS if s / per_col >= MIN_TICK_GAP), None)
    if step is None:  # a very long build: whole hours
        step = math.ceil(per_col * MIN_TICK_GAP / 3600) * 3600
    ticks: list[Tick] = []
    count = int(span / step + 1e-9)
    for i in range(count + 1):
        seconds = i * step
        col = min(width - 1, math.floor(seconds / per_col + 1e-9))
        ticks.append(Tick(col, seconds, fmt_seconds(seconds)))
    return tuple(ticks)


def layout(trace: BuildTrace, width: int) -> Timeline:
    """The rows of ``trace``: per platform (sorted; shared steps last) a
    heading with its wall time, then its steps in start order; bars on ``width`` columns."""
    width = max(1, width)
    last_end = max((s.end for s in trace.steps), default=0.0)
    span = max(trace.duration, last_end) or 1.0
    rows: list[Row] = []
    totals = trace.totals()
    for total in totals:
        steps = trace.steps_of(total.platform)
        first = min(s.start for s in steps)
        end = max(s.end for s in steps)
        rows.append(GroupRow(total.platform, total, bar_for(first, end, span, width)))
        for step in steps:
            bar = bar_for(step.start, step.end, span, width)
            rows.append(StepRow(step, bar, trace.on_critical_path(step)))
    return Timeline(
        width=width,
        span=span,
        rows=tuple(rows),
        ticks=ticks_for(span, width),
        totals=totals,
        duration=trace.duration,
    )


def slowest_platform(totals: tuple[PlatformTotal, ...]) -> PlatformTotal | None:
    """The platform whose steps took longest end to end (shared steps aside)."""
    platforms = [t for t in totals if t.platform != SHARED and t.steps]
    return max(platforms, key=lambda t: t.wall_time, default=None)
