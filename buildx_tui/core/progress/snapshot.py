"""Immutable views (:mod:`.model`) of the records :class:`~.parser.BuildProgress` keeps.

:func:`progress_snapshot` builds the :class:`~.model.ProgressSnapshot` the UI draws from, lane by
lane (:func:`lane_snapshot`: steps in order, counts, the current step, wall time, the lane's
result) and step by step (:func:`step_snapshot`: the union of a step's run intervals as its
duration). A step's view is cached on its record until the step changes, so a snapshot costs
little more than the number of lanes and steps. Pure functions of the records; stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable

from buildx_tui.core.progress.model import (
    FINISHED_STATES,
    BuildResult,
    LaneSnapshot,
    ProgressSnapshot,
    StatusSnapshot,
    StepSnapshot,
    WarningSnapshot,
)
from buildx_tui.core.progress.names import parse_timestamp
from buildx_tui.core.progress.state import LaneRecord, StepRecord, order_steps


def wall_time(started: float | None, completed: float | None, now: float | None) -> float | None:
    """From the first start to the last end; while running, to ``now``; None before a start."""
    if started is None:
        return None
    if completed is not None:
        return completed - started
    return max(0.0, now - started) if now is not None else None


def progress_snapshot(
    platform_lanes: Iterable[LaneRecord],
    shared_lane: LaneRecord,
    now: float | None,
    *,
    version: int,
    events: int,
    lines: int,
    result: BuildResult,
    ended: bool,
    exit_code: int | None,
    final_error: str | None,
    text_lines: tuple[str, ...],
    text_lines_dropped: int,
    warnings: tuple[WarningSnapshot, ...],
    problems: tuple[tuple[str, int], ...],
    problem_samples: tuple[str, ...],
) -> ProgressSnapshot:
    """The view of the whole build: the lanes shown (``platform_lanes``, then the shared one),
    overall progress and times, and the parser's counters passed through."""
    lanes = tuple(
        lane_snapshot(lane, now, ended=ended, build_result=result) for lane in platform_lanes
    )
    shared = lane_snapshot(shared_lane, now, ended=ended, build_result=result)
    all_lanes = (*lanes, shared)
    total = sum(lane.steps_total for lane in all_lanes)
    finished = sum(lane.steps_finished for lane in all_lanes)
    progress = 1.0 if result == "success" else (finished / total if total else 0.0)
    starts = [lane.started for lane in all_lanes if lane.started is not None]
    started = min(starts) if starts else None
    completed: float | None = None
    if ended:
        ends = [s.completed for lane in all_lanes for s in lane.steps if s.completed is not None]
        completed = max(ends) if ends else None
    wall = wall_time(started, completed, now)
    return ProgressSnapshot(
        version=version,
        events=events,
        lines=lines,
        lanes=lanes,
        shared=shared,
        result=result,
        ended=ended,
        exit_code=exit_code,
        progress=progress,
        final_error=final_error,
        text_lines=text_lines,
        text_lines_dropped=text_lines_dropped,
        warnings=warnings,
        problems=problems,
        problem_samples=problem_samples,
        now=now,
        started=started,
        completed=completed,
        wall_time=wall,
    )


def lane_snapshot(
    lane: LaneRecord, now: float | None, *, ended: bool, build_result: BuildResult
) -> LaneSnapshot:
    """The view of one lane: its steps in order, counts, current step, times and result."""
    ordered = lane.ordered
    if ordered is None:
        ordered = lane.ordered = order_steps(lane.steps)
    steps = tuple(step_snapshot(s, lane) for s in ordered)
    finished = done = cached = failed = running = cancelled = 0
    started: float | None = None
    completed: float | None = None
    current: StepSnapshot | None = None
    declared: dict[str | None, int] = {}
    for s in steps:
        state = s.state
        if state in FINISHED_STATES:
            finished += 1
            if state == "done":
                done += 1
            elif state == "cached":
                done += 1
                cached += 1
            elif state == "error":
                failed += 1
            else:
                cancelled += 1
        elif state == "running":
            running += 1
            if current is None or _run_start(s) >= _run_start(current):
                current = s
        if s.started is not None and (started is None or s.started < started):
            started = s.started
        if s.completed is not None and (completed is None or s.completed > completed):
            completed = s.completed
        if s.index is not None and s.total is not None and s.total > declared.get(s.stage, 0):
            declared[s.stage] = s.total
    total = len(steps)
    all_finished = finished == total
    if not all_finished:
        completed = None
    if failed:
        result: BuildResult = "failed"
    elif cancelled:
        result = "cancelled"
    elif ended:
        if not steps or lane.kind == "shared":
            # The shared lane (context, export, push) succeeded only if the build did.
            result = build_result
        elif build_result == "success" or all_finished:
            result = "success"
        else:
            result = "cancelled"
    else:
        result = "running"
    wall = wall_time(started, completed, now)
    if ended and build_result == "success" and steps and result == "success":
        progress = 1.0
    else:
        progress = finished / total if total else 0.0
    return LaneSnapshot(
        key=lane.key,
        kind=lane.kind,
        platform=lane.platform,
        requested=lane.requested,
        steps=steps,
        result=result,
        steps_total=total,
        steps_finished=finished,
        steps_done=done,
        steps_cached=cached,
        steps_failed=failed,
        steps_running=running,
        declared_steps=sum(declared.values()) if declared else None,
        current=current,
        current_elapsed=current.elapsed(now) if current is not None else None,
        started=started,
        completed=completed,
        wall_time=wall,
        progress=progress,
    )


def step_snapshot(step: StepRecord, lane: LaneRecord) -> StepSnapshot:
    """The view of one step; rebuilt only when the step changed since its last view."""
    snap = step.snap
    if snap is not None and step.snap_version == step.version:
        return snap
    duration = 0.0
    running_since: float | None = None
    completed: float | None = None
    cur_start: float | None = None
    cur_stop = 0.0
    for start, stop in sorted(step.intervals.items()):
        if stop is None:
            if step.state == "running":
                running_since = start
            continue
        completed = stop if completed is None or stop > completed else completed
        if cur_start is None or start > cur_stop:
            if cur_start is not None:
                duration += cur_stop - cur_start
            cur_start, cur_stop = start, stop
        elif stop > cur_stop:
            cur_stop = stop
    if cur_start is not None:
        duration += cur_stop - cur_start
    if step.state not in FINISHED_STATES:
        completed = None
    statuses = tuple(
        StatusSnapshot(
            id=s.id,
            name=s.name,
            current=s.current,
            total=s.total,
            started=parse_timestamp(s.started),
            completed=parse_timestamp(s.completed),
            timestamp=parse_timestamp(s.timestamp),
        )
        for s in step.statuses.values()
    )
    info = step.info
    snap = StepSnapshot(
        digest=step.digest,
        seq=step.seq,
        name=info.title,
        full_name=step.raw_name if step.raw_name is not None else step.digest,
        lane=lane.key,
        platform=info.platform,
        runs_on=info.runs_on,
        stage=info.stage,
        index=info.index,
        total=info.total,
        internal=info.internal,
        state=step.state,
        cached=step.cached,
        started=step.first_start,
        completed=completed,
        duration=duration,
        running_since=running_since,
        error=step.error,
        logs=tuple(step.logs),
        log_lines_total=step.log_lines_total,
        log_lines_dropped=step.log_lines_dropped,
        log_chars_dropped=step.log_chars_dropped,
        statuses=statuses,
    )
    step.snap = snap
    step.snap_version = step.version
    return snap


def _run_start(step: StepSnapshot) -> float:
    since = step.running_since if step.running_since is not None else step.started
    return since if since is not None else 0.0
