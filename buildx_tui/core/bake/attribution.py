"""Which steps of a bake's rawjson stream belong to which target.

With several targets buildx prefixes every vertex name with its target (util/progress
`WithPrefix`: ``[app linux/arm64 2/3] RUN …``, ``[tool] exporting to image``); a vertex two
targets share (a common base stage) arrives under each target's name with the same digest. With
one target there is no prefix. ``[internal] load local bake definitions`` is bake's own.

:class:`BakeProgress` routes each vertex (name without the target prefix) and its statuses, logs
and warnings to its target's :class:`~buildx_tui.core.progress.parser.BuildProgress` (the shared
parser, one per target, with that target's platforms). A digest seen under several targets is
*shared*: :class:`BakeSnapshot` lists it once with the targets sharing it, and the targets'
views leave it out, so it is never charged to one of them. Bake's own steps and text lines go to
a bake-level parser. ``ERROR: target X: …`` names the failing target.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from buildx_tui.core.progress.model import LaneSnapshot, ProgressSnapshot, StepSnapshot
from buildx_tui.core.progress.parser import BuildProgress

_TARGET_ERROR = re.compile(r"^ERROR: target (?P<target>[^:\s]+): (?P<msg>.*)$")
CANCEL_EXIT = 130
#: bake's own step (reading its files): no target's, even with one target (no prefixes then).
BAKE_DEFINITION = "[internal] load local bake definitions"


@dataclass(frozen=True)
class SharedStep:
    step: StepSnapshot
    targets: tuple[str, ...]


@dataclass(frozen=True)
class TargetProgress:
    name: str
    snapshot: ProgressSnapshot  # the target's own parser; shared digests left in
    own: frozenset[str]  # digests only this target has

    def own_steps(self) -> tuple[StepSnapshot, ...]:
        return tuple(
            s for lane in self.snapshot.all_lanes for s in lane.steps if s.digest in self.own
        )

    def own_lanes(self) -> tuple[LaneSnapshot, ...]:
        """The target's lanes (platforms, then its own shared lane: export, push) without the
        steps it shares with other targets; counts recomputed, empty lanes left out."""
        out: list[LaneSnapshot] = []
        for lane in self.snapshot.all_lanes:
            steps = tuple(s for s in lane.steps if s.digest in self.own)
            if not steps and not (lane.requested and lane.kind == "platform"):
                continue
            finished = [s for s in steps if s.finished]
            out.append(
                dataclasses.replace(
                    lane,
                    steps=steps,
                    steps_total=len(steps),
                    steps_finished=len(finished),
                    steps_done=sum(s.state in ("done", "cached") for s in steps),
                    steps_cached=sum(s.state == "cached" for s in steps),
                    steps_failed=sum(s.state == "error" for s in steps),
                    steps_running=sum(s.state == "running" for s in steps),
                    progress=len(finished) / len(steps) if steps else lane.progress,
                )
            )
        return tuple(out)

    @property
    def failed_step(self) -> StepSnapshot | None:
        for step in self.own_steps():
            if step.state == "error":
                return step
        return None


@dataclass(frozen=True)
class BakeSnapshot:
    targets: tuple[TargetProgress, ...]
    shared: tuple[SharedStep, ...]
    bake: ProgressSnapshot  # bake's own steps and the stream's text lines
    ended: bool
    exit_code: int | None
    failed_target: str | None
    error: str | None

    def target(self, name: str) -> TargetProgress | None:
        return next((t for t in self.targets if t.name == name), None)


def split_prefix(name: str, targets: Sequence[str]) -> tuple[str | None, str]:
    """``[app linux/amd64 2/3] RUN x`` -> ("app", "[linux/amd64 2/3] RUN x"); ``[app] export``
    -> ("app", "export"); a name whose first word is not a target -> (None, name)."""
    if not name.startswith("["):
        return None, name
    end = name.find("]")
    if end == -1:
        return None, name
    head = name[1:end]
    first, _, rest = head.partition(" ")
    if first not in targets:
        return None, name
    tail = name[end + 1 :].lstrip()
    return first, (f"[{rest}] {tail}" if rest else tail)


class BakeProgress:
    """Feed bake's stderr line by line; take :meth:`snapshot`. One thread at a time."""

    def __init__(
        self, platforms: Mapping[str, Sequence[str]], *, clock: Callable[[], float] | None = None
    ) -> None:
        self._names = tuple(platforms)
        self._single = self._names[0] if len(self._names) == 1 else None
        self._parsers = {t: BuildProgress(p, clock=clock) for t, p in platforms.items()}
        self._bake = BuildProgress((), clock=clock)
        self._owners: dict[str, list[str]] = {}
        self._failed: str | None = None
        self._error: str | None = None
        self._version = 0
        self._snap_version = -1

    @property
    def dirty(self) -> bool:
        return self._version != self._snap_version

    def _route(self, digest: object) -> list[BuildProgress]:
        owners = self._owners.get(str(digest))
        if not owners:
            return [self._bake]
        return [self._parsers[t] for t in owners]

    def feed_line(self, line: str) -> None:
        self._version += 1
        text = line.strip()
        if not text.startswith("{"):
            m = _TARGET_ERROR.match(text)
            if m and m["target"] in self._parsers:
                self._failed = m["target"]
                self._error = m["msg"]
                self._parsers[m["target"]].feed_line(f"ERROR: {m['msg']}")
            elif text.startswith("ERROR:") and self._error is None:
                self._error = text[6:].strip()
            self._bake.feed_line(text)
            return
        try:
            obj = json.loads(text)
        except ValueError:
            self._bake.feed_line(text)  # counted there as a problem
            return
        if not isinstance(obj, dict):
            self._bake.feed_line(text)
            return
        out: dict[int, tuple[BuildProgress, dict[str, list[Any]]]] = {}

        def put(parser: BuildProgress, key: str, record: Any) -> None:
            out.setdefault(id(parser), (parser, {}))[1].setdefault(key, []).append(record)

        for v in obj.get("vertexes") or ():
            if not isinstance(v, dict):
                continue
            name = str(v.get("name", ""))
            target, bare = split_prefix(name, self._names)
            if target is None and self._single is not None and name != BAKE_DEFINITION:
                target = self._single
            digest = str(v.get("digest", ""))
            if target is None:
                put(self._bake, "vertexes", v)
                continue
            owners = self._owners.setdefault(digest, [])
            if target not in owners:
                owners.append(target)
            put(self._parsers[target], "vertexes", {**v, "name": bare})
        for key in ("statuses", "logs", "warnings"):
            for r in obj.get(key) or ():
                if isinstance(r, dict):
                    for parser in self._route(r.get("vertex")):
                        put(parser, key, r)
        if len(out) == 1 and "vertexes" not in obj:
            # statuses / logs / warnings of one target's steps (most lines): the line as it came
            (parser, _), *_ = out.values()
            parser.feed_line(text)
            return
        for parser, status in out.values():
            parser.feed_line(json.dumps(status))

    def close(self, exit_code: int) -> None:
        """End of stream. A target that failed gets bake's code; when bake failed or was
        cancelled, a target every step of which (as announced so far) finished without error
        completed, the others were stopped (cancelled)."""
        self._version += 1
        self._bake.close(exit_code)
        for name, parser in self._parsers.items():
            if exit_code == 0 or name == self._failed:
                parser.close(exit_code)
                continue
            snap = parser.snapshot()
            steps = [s for lane in snap.all_lanes for s in lane.steps]
            if any(s.state == "error" for s in steps):
                parser.close(exit_code)
            elif steps and all(s.finished for s in steps) and exit_code != CANCEL_EXIT:
                parser.close(0)
            else:
                parser.close(CANCEL_EXIT)

    def snapshot(self) -> BakeSnapshot:
        self._snap_version = self._version
        snaps = {t: p.snapshot() for t, p in self._parsers.items()}
        shared_digests = {d for d, owners in self._owners.items() if len(owners) > 1}
        shared: list[SharedStep] = []
        for digest in sorted(shared_digests, key=lambda d: self._owners[d][0]):
            first = snaps[self._owners[digest][0]]
            for lane in first.all_lanes:
                step = lane.step(digest)
                if step is not None:
                    shared.append(SharedStep(step, tuple(self._owners[digest])))
                    break
        shared.sort(key=lambda s: (s.step.started or float("inf"), s.step.seq))
        targets = tuple(
            TargetProgress(
                t,
                snaps[t],
                frozenset(d for d, owners in self._owners.items() if owners == [t]),
            )
            for t in self._names
        )
        bake = self._bake.snapshot()
        return BakeSnapshot(
            targets=targets,
            shared=tuple(shared),
            bake=bake,
            ended=bake.ended,
            exit_code=bake.exit_code,
            failed_target=self._failed,
            error=self._error,
        )
