"""Each node's record of a multi-node build, and which node built each platform.

What buildx v0.36.1 accepts as REF in `history inspect/logs/trace/attachment`
(commands/history/utils.go ``queryRecords``; tests/fixtures/local/b2node-*):

* a record id: asked of every node of the builder; the NEWEST record with that id wins, so
  only one node's record of a multi-node build is ever shown that way;
* ``node/id`` is refused (``no record found for ref "b2-rec-arm/…"``);
* ``^N``: the N-th newest record of all the builder's nodes together (newest first by start
  time, running ones included; `trace` counts completed records only).

So each node's record is read with ``^N``, N worked out from an unfiltered `history ls` just
before, and what came back is checked (same id, same start) before it is believed: a build
started in between shifts N, and the app then says so instead of showing another build.

The native/QEMU badge of a replayed lane comes from the node that ran the record, read from
`buildx ls` now (:func:`lane_emulation`); a node no longer there gives ``Emulation.UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from buildx_tui.core.builders import Builder
from buildx_tui.core.builds.details import BuildDetails, BuildError
from buildx_tui.core.builds.records import BuildRecord, BuildStatus
from buildx_tui.core.platforms import Emulation, try_parse

__all__ = [
    "NodePart",
    "PlatformRow",
    "lane_emulation",
    "merged_details",
    "offset_ref",
    "platform_rows",
    "record_ref",
    "same_record",
]


def _completed(record: BuildRecord) -> bool:
    return record.completed_at is not None and record.status is not BuildStatus.RUNNING


def _start(record: BuildRecord) -> float:
    return record.created_at.timestamp() if record.created_at else 0.0


def offset_ref(
    listed: Sequence[BuildRecord], target: BuildRecord, *, completed_only: bool = False
) -> str | None:
    """``^N`` naming ``target`` among ``listed`` (an unfiltered `history ls` of its builder), as
    buildx counts; None when ``target`` is not listed or shares its start with another record
    (buildx's order between the two is not known)."""
    pool = [r for r in listed if not completed_only or _completed(r)]
    pool.sort(key=_start, reverse=True)
    for index, record in enumerate(pool):
        if record.ref == target.ref:
            ties = sum(1 for r in pool if _start(r) == _start(target))
            return f"^{index}" if ties == 1 else None
    return None


def same_record(details: BuildDetails, record: BuildRecord) -> bool:
    """`history inspect` gave ``record`` (not another build that took its place)."""
    return details.id == record.id and _same_time(details.started_at, record.created_at)


def _same_time(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and a == b


@dataclass(frozen=True)
class NodePart:
    """One node's record of a build and what was read of it: its details, or why not."""

    record: BuildRecord
    details: BuildDetails | None = None
    problem: str = ""

    @property
    def node(self) -> str:
        return self.record.node

    @property
    def status(self) -> BuildStatus:
        return self.details.status if self.details is not None else self.record.status

    @property
    def duration_s(self) -> float | None:
        if self.details is not None and self.details.duration_s is not None:
            return self.details.duration_s
        rec = self.record
        if rec.created_at is None or rec.completed_at is None:
            return None
        return max(0.0, (rec.completed_at - rec.created_at).total_seconds())

    @property
    def error(self) -> BuildError | None:
        return self.details.error if self.details is not None else None


@dataclass(frozen=True)
class PlatformRow:
    """A platform of the build, the node that built it, how it went there."""

    platform: str
    node: str
    status: BuildStatus
    duration_s: float | None
    error: BuildError | None = None
    problem: str = ""  # why this node's record could not be read


def platform_rows(parts: Sequence[NodePart]) -> tuple[PlatformRow, ...]:
    """One row per platform each node's record names (a node whose record could not be read:
    one row without a platform, saying why)."""
    rows: list[PlatformRow] = []
    for part in parts:
        platforms = part.details.platforms if part.details is not None else ()
        for platform in platforms or ("",):
            err = part.error
            if err is not None and err.platform and platform and err.platform != platform:
                err = None  # this node failed on its other platform
            rows.append(
                PlatformRow(platform, part.node, part.status, part.duration_s, err, part.problem)
            )
    return tuple(rows)


def lane_emulation(builder: Builder | None, node: str, platform: str) -> Emulation:
    """Whether ``node`` of ``builder`` runs ``platform`` natively or under QEMU, from what the
    node reports now; UNKNOWN when the node (or the builder) is gone, or it does not list the
    platform (a stopped node lists only its pinned ones)."""
    if builder is None:
        return Emulation.UNKNOWN
    want = try_parse(platform)
    if want is None:
        return Emulation.UNKNOWN
    nodes = [n for n in builder.nodes if n.name == node] if node else list(builder.nodes)
    if len(nodes) != 1:
        return Emulation.UNKNOWN
    for info in nodes[0].platform_info():
        if try_parse(info.name) == want:
            return info.emulation
    return Emulation.UNKNOWN


def record_ref(
    listed: Sequence[BuildRecord], target: BuildRecord, *, completed_only: bool = False
) -> str | None:
    """What to give `history inspect/logs` (``completed_only``: `trace`) to reach ``target``:
    its id when it is the newest record with that id (buildx picks the newest), else ``^N``."""
    pool = [r for r in listed if r.id == target.id and (not completed_only or _completed(r))]
    newest = max(pool, key=_start, default=None)
    alone = sum(1 for r in pool if _start(r) == _start(target)) == 1
    if newest is not None and newest.ref == target.ref and alone:
        return target.id
    return offset_ref(listed, target, completed_only=completed_only)


_ORDER = (
    BuildStatus.RUNNING,
    BuildStatus.FAILED,
    BuildStatus.ERROR,
    BuildStatus.CANCELLED,
    BuildStatus.UNKNOWN,
    BuildStatus.COMPLETED,
)


def merged_details(parts: Sequence[NodePart]) -> BuildDetails | None:
    """The build as one: every node's platforms, steps, materials and attachments; the worst
    status; from the first start to the last end. Its ``error`` is None: each node's failure
    belongs to its platforms (:func:`platform_rows`). None when no record could be read."""
    read = [p.details for p in parts if p.details is not None]
    if not read:
        return None
    primary = next((d for d in read if d.error is not None), read[0])
    statuses = {d.status for d in read}
    status = next((s for s in _ORDER if s in statuses), primary.status)
    starts = [d.started_at for d in read if d.started_at is not None]
    ends = [d.completed_at for d in read if d.completed_at is not None]
    start = min(starts) if starts else None
    end = max(ends) if ends and len(ends) == len(read) else None
    duration = (end - start).total_seconds() if start is not None and end is not None else None
    return replace(
        primary,
        status=status,
        platforms=tuple(dict.fromkeys(p for d in read for p in d.platforms)),
        started_at=start,
        completed_at=end,
        duration_s=duration,
        completed_steps=sum(d.completed_steps for d in read),
        total_steps=sum(d.total_steps for d in read),
        cached_steps=sum(d.cached_steps for d in read),
        materials=tuple(dict.fromkeys(m for d in read for m in d.materials)),
        attachments=tuple(dict.fromkeys(a for d in read for a in d.attachments)),
        error=None,
        notes=tuple(dict.fromkeys(n for d in read for n in d.notes)),
    )
