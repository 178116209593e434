"""The mutable records :class:`~.parser.BuildProgress` keeps while it reads a build's stream.

One :class:`StepRecord` per BuildKit vertex (its run intervals, log ring, sub-progress items),
one :class:`LaneRecord` per lane (its steps, in the order :func:`order_steps` gives them), one
:class:`StatusRecord` per sub-progress item of a step. Only the parser changes them and only
:mod:`.snapshot` reads them; the UI never sees them (it gets the immutable snapshots of
:mod:`.model`). Slotted plain classes: they are created and touched per stream line.
"""

from __future__ import annotations

from collections import deque

from buildx_tui.core.progress.model import LaneKind, LogLine, StepSnapshot, StepState
from buildx_tui.core.progress.names import VertexName


class StatusRecord:
    __slots__ = ("completed", "current", "id", "name", "started", "timestamp", "total")

    def __init__(self, status_id: str) -> None:
        self.id = status_id
        self.name: str | None = None
        self.current = 0
        self.total: int | None = None
        self.started: object = None
        self.completed: object = None
        self.timestamp: object = None


class StepRecord:
    __slots__ = (
        "cached",
        "digest",
        "error",
        "first_start",
        "info",
        "intervals",
        "key",
        "lane",
        "log_chars",
        "log_chars_dropped",
        "log_lines_dropped",
        "log_lines_total",
        "logs",
        "orphan",
        "partial",
        "raw_name",
        "seq",
        "snap",
        "snap_version",
        "started_raw",
        "state",
        "statuses",
        "version",
    )

    def __init__(self, digest: str, seq: int) -> None:
        self.digest = digest
        self.seq = seq
        self.raw_name: str | None = None
        self.info = VertexName(title=digest)
        self.lane: LaneRecord | None = None
        self.orphan = False
        self.key: tuple[object, ...] | None = None
        self.started_raw: object = None
        self.state: StepState = "pending"
        self.cached = False
        self.error: str | None = None
        self.first_start: float | None = None
        self.intervals: dict[float, float | None] = {}
        self.logs: deque[LogLine] = deque()
        self.log_chars = 0
        self.log_lines_total = 0
        self.log_lines_dropped = 0
        self.log_chars_dropped = 0
        self.partial: dict[int, bytes] | None = None
        self.statuses: dict[str, StatusRecord] = {}
        self.version = 0
        self.snap: StepSnapshot | None = None
        self.snap_version = -1


class LaneRecord:
    __slots__ = ("key", "kind", "ordered", "platform", "requested", "steps")

    def __init__(self, key: str, kind: LaneKind, platform: str | None, requested: bool) -> None:
        self.key = key
        self.kind: LaneKind = kind
        self.platform = platform
        self.requested = requested
        self.steps: list[StepRecord] = []
        self.ordered: list[StepRecord] | None = None


def order_steps(steps: list[StepRecord]) -> list[StepRecord]:
    """Stages in order of their first start (unstarted ones by first sighting), ``n`` inside.

    A step without ``n/N`` is a group of its own. Runs only when a lane's membership or a
    first start changed, never per log line.
    """
    inf = float("inf")
    group_start: dict[str, float] = {}
    group_seen: dict[str, int] = {}
    groups: list[str] = []
    for step in steps:
        group = f"s:{step.info.stage}" if step.info.index is not None else f"v:{step.digest}"
        groups.append(group)
        start = step.first_start if step.first_start is not None else inf
        group_start[group] = min(start, group_start.get(group, inf))
        group_seen[group] = min(step.seq, group_seen.get(group, step.seq))
    keyed = [
        ((group_start[g], group_seen[g], step.info.index or 0, step.seq), step)
        for g, step in zip(groups, steps, strict=True)
    ]
    keyed.sort(key=lambda pair: pair[0])
    return [step for _, step in keyed]
