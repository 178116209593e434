"""Two builds of the same thing, step by step: which got slower, which stopped hitting the cache.

Compared on the replayed logs (:func:`.logs.replay_text`), not on the traces: a trace shows a
cached chain as one ``load cache`` span of its last step (the steps under it are absent), while
the logs list every step with its cached flag. ``history trace --compare`` prints nothing a
program can read (it serves the Jaeger UI), so the diff is made here.

Steps are matched per lane by position (``work 1/2``): the vertex name holds the command with
its build args expanded, so a changed ``ARG`` would otherwise hide the match; internal steps
(no position) by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from buildx_tui.core.progress.model import ProgressSnapshot, StepSnapshot

Change = Literal[
    "slower", "faster", "same", "cache-lost", "cache-hit", "failed", "stopped", "new", "gone"
]

#: A step is slower/faster when it changed by more than this many seconds and this share.
MIN_DELTA_S = 0.1
MIN_RATIO = 0.2


@dataclass(frozen=True, slots=True)
class StepDiff:
    lane: str
    key: str
    """What matched the two steps: the position, or the name of an internal step."""
    name: str
    before: StepSnapshot | None
    after: StepSnapshot | None
    change: Change

    @property
    def delta(self) -> float | None:
        """Seconds gained (+) or saved (-), when both ran."""
        if self.before is None or self.after is None:
            return None
        return self.after.duration - self.before.duration


@dataclass(frozen=True, slots=True)
class LaneDiff:
    lane: str
    before_wall: float | None
    after_wall: float | None
    steps: tuple[StepDiff, ...]

    def count(self, change: Change) -> int:
        return sum(1 for s in self.steps if s.change == change)


def _key(step: StepSnapshot) -> str:
    return step.position if step.index is not None else step.name


def _change(before: StepSnapshot | None, after: StepSnapshot | None) -> Change:
    if before is None:
        return "new"
    if after is None:
        return "gone"
    if after.state == "error" and before.state != "error":
        return "failed"
    if after.state in ("cancelled", "pending", "running"):
        return "stopped"  # did not finish in the second build: its time says nothing
    if before.cached and not after.cached:
        return "cache-lost"
    if after.cached and not before.cached:
        return "cache-hit"
    delta = after.duration - before.duration
    base = max(before.duration, 1e-9)
    if abs(delta) > MIN_DELTA_S and abs(delta) / base > MIN_RATIO:
        return "slower" if delta > 0 else "faster"
    return "same"


def compare_builds(before: ProgressSnapshot, after: ProgressSnapshot) -> tuple[LaneDiff, ...]:
    """Lane by lane (those of ``after`` first, in its order), step by step."""
    keys = list(dict.fromkeys([lane.key for lane in after.all_lanes]))
    keys += [lane.key for lane in before.all_lanes if lane.key not in keys]
    diffs: list[LaneDiff] = []
    for key in keys:
        a = before.lane(key)
        b = after.lane(key)
        old = {_key(s): s for s in (a.steps if a else ())}
        new = {_key(s): s for s in (b.steps if b else ())}
        order = list(dict.fromkeys([*new, *old]))
        steps = tuple(
            StepDiff(
                lane=key,
                key=k,
                name=(new.get(k) or old[k]).name,
                before=old.get(k),
                after=new.get(k),
                change=_change(old.get(k), new.get(k)),
            )
            for k in order
        )
        diffs.append(LaneDiff(key, a.wall_time if a else None, b.wall_time if b else None, steps))
    return tuple(diffs)
