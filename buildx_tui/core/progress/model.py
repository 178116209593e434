"""Immutable views of a build's progress.

Produced by :class:`buildx_tui.core.progress.parser.BuildProgress`.

These objects are what crosses from the worker thread to the UI: frozen dataclasses holding
tuples, never the parser's mutable state. Times are POSIX seconds (floats) as stamped by BuildKit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from buildx_tui.core.progress.names import normalize_platform

__all__ = [
    "DEFAULT_LANE",
    "FINISHED_STATES",
    "SHARED_LANE",
    "BuildResult",
    "LaneKind",
    "LaneSnapshot",
    "LogLine",
    "ProgressSnapshot",
    "StatusSnapshot",
    "StepSnapshot",
    "StepState",
    "WarningSnapshot",
]

StepState = Literal["pending", "running", "done", "cached", "error", "cancelled"]
BuildResult = Literal["running", "success", "failed", "cancelled"]
LaneKind = Literal["platform", "default", "shared"]

#: Key of the lane holding steps without a platform (context transfer, export, push).
SHARED_LANE = "shared"
#: Key of the lane for unprefixed Dockerfile steps when the platform is unknown.
DEFAULT_LANE = "default"

FINISHED_STATES: frozenset[StepState] = frozenset({"done", "cached", "error", "cancelled"})


class LogLine(NamedTuple):
    """One line of a step's output; ``stream`` is 1 for stdout, 2 for stderr."""

    stream: int
    text: str


@dataclass(frozen=True, slots=True)
class StatusSnapshot:
    """A sub-progress item of a step (``transferring context``, ``pushing layers``, a layer...)."""

    id: str
    name: str | None
    current: int
    total: int | None
    started: float | None
    completed: float | None
    timestamp: float | None

    @property
    def done(self) -> bool:
        return self.completed is not None

    @property
    def fraction(self) -> float | None:
        """``current / total`` clamped to [0, 1] when the total is known."""
        if not self.total or self.total <= 0:
            return None
        return max(0.0, min(1.0, self.current / self.total))


@dataclass(frozen=True, slots=True)
class StepSnapshot:
    """One vertex of the build, as shown in a lane."""

    digest: str
    seq: int
    """Order in which the parser first heard of the vertex."""
    name: str
    """Name with the ``[platform stage n/N]`` prefix stripped."""
    full_name: str
    lane: str
    platform: str | None
    runs_on: str | None
    """For a cross step ``[linux/amd64->arm64 ...]``: the platform it executes on."""
    stage: str | None
    index: int | None
    total: int | None
    internal: bool
    state: StepState
    cached: bool
    started: float | None
    """First start."""
    completed: float | None
    """Last completion; ``None`` while the step is pending or running."""
    duration: float
    """Time spent in finished run intervals (BuildKit may run a vertex more than once)."""
    running_since: float | None
    """Start of the open run interval, if the step is running."""
    error: str | None
    logs: tuple[LogLine, ...]
    log_lines_total: int
    log_lines_dropped: int
    log_chars_dropped: int
    statuses: tuple[StatusSnapshot, ...]

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def position(self) -> str:
        """``"builder 8/16"``, ``"2/3"``, ``"internal"`` or ``""``."""
        if self.index is not None:
            pos = f"{self.index}/{self.total}"
            return f"{self.stage} {pos}" if self.stage else pos
        return "internal" if self.internal else ""

    def elapsed(self, now: float | None) -> float | None:
        """Run time so far: finished intervals plus the open one measured to ``now``."""
        if self.started is None:
            return None
        if self.running_since is not None and now is not None:
            return self.duration + max(0.0, now - self.running_since)
        return self.duration


@dataclass(frozen=True, slots=True)
class LaneSnapshot:
    """The steps of one platform (or of the shared lane) and their aggregates."""

    key: str
    kind: LaneKind
    platform: str | None
    requested: bool
    """True when the caller asked for this platform."""
    steps: tuple[StepSnapshot, ...]
    result: BuildResult
    steps_total: int
    steps_finished: int
    steps_done: int
    """Finished without error: done + cached."""
    steps_cached: int
    steps_failed: int
    steps_running: int
    declared_steps: int | None
    """Sum over stages of the ``N`` in ``n/N`` (what the Dockerfile declares), if any."""
    current: StepSnapshot | None
    """The most recently started step among the running ones."""
    current_elapsed: float | None
    started: float | None
    completed: float | None
    """Last completion, once every step of the lane finished."""
    wall_time: float | None
    """First start -> last completion (or -> now while running)."""
    progress: float

    @property
    def failed_step(self) -> StepSnapshot | None:
        for step in self.steps:
            if step.state == "error":
                return step
        return None

    def step(self, digest: str) -> StepSnapshot | None:
        for step in self.steps:
            if step.digest == digest:
                return step
        return None


@dataclass(frozen=True, slots=True)
class WarningSnapshot:
    """A build warning (Dockerfile check rules like ``FromAsCasing`` and the like), base64 fields
    decoded. ``lane`` is the lane of the step it is attached to (for Dockerfile checks, the
    shared lane's ``load build definition``); ``source`` the file it is about (``Dockerfile``),
    ``start_line``/``end_line`` its range there (1-based) and ``source_lines`` that range's text
    (at most a few lines), when BuildKit sent them."""

    level: int
    short: str
    detail: tuple[str, ...]
    url: str | None
    vertex: str | None
    step_name: str | None
    lane: str | None
    source: str | None = None
    start_line: int | None = None
    end_line: int | None = None
    source_lines: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """``Dockerfile:1`` or ``Dockerfile:3-5``; '' when no range was sent."""
        if self.start_line is None:
            return self.source or ""
        lines = str(self.start_line)
        if self.end_line is not None and self.end_line != self.start_line:
            lines += f"-{self.end_line}"
        return f"{self.source or 'Dockerfile'}:{lines}"


@dataclass(frozen=True, slots=True)
class ProgressSnapshot:
    """Everything the UI needs to draw a build, at one moment."""

    version: int
    """Change counter of the parser when the snapshot was taken."""
    events: int
    """JSON lines applied so far."""
    lines: int
    """Lines fed so far (JSON, text, garbage)."""
    lanes: tuple[LaneSnapshot, ...]
    """Platform lanes: requested platforms first (in the order given), then discovered ones."""
    shared: LaneSnapshot
    result: BuildResult
    ended: bool
    exit_code: int | None
    progress: float
    final_error: str | None
    text_lines: tuple[str, ...]
    """Non-JSON lines of the stream (bounded; the last ones are kept)."""
    text_lines_dropped: int
    warnings: tuple[WarningSnapshot, ...]
    problems: tuple[tuple[str, int], ...]
    """(kind, count) of what the parser could not use: invalid_json, bad_base64, ..."""
    problem_samples: tuple[str, ...]
    now: float | None
    """Build clock: the injected clock mapped to BuildKit time, else the latest stream timestamp."""
    started: float | None
    completed: float | None
    wall_time: float | None

    @property
    def all_lanes(self) -> tuple[LaneSnapshot, ...]:
        return (*self.lanes, self.shared)

    @property
    def problem_count(self) -> int:
        return sum(count for _, count in self.problems)

    def lane(self, key: str) -> LaneSnapshot | None:
        """The lane for a key (``linux/arm64``, ``arm64``, ``shared``, ``default``)."""
        for lane in self.all_lanes:
            if lane.key == key:
                return lane
        norm = normalize_platform(key)
        for lane in self.lanes:
            if lane.key == norm:
                return lane
        return None
