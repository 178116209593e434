"""`history logs --progress rawjson` replayed through the shared progress parser; its problems;
following a running build; the step-by-step compare of two builds."""

from __future__ import annotations

import threading

import pytest

from buildx_tui.core.builds.compare import compare_builds
from buildx_tui.core.builds.follow import LogFollower
from buildx_tui.core.builds.logs import (
    ProblemKind,
    history_problem,
    lane_steps,
    logs_argv,
    platforms_in,
    replay_text,
)
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.progress.model import ProgressSnapshot
from tests.fakes import FakeBackend, Reply, fixture

ROLES = ("two-platform", "cached", "failed-arm64")


def replay(name: str) -> ProgressSnapshot:
    return replay_text(fixture(f"local/history-logs-{name}.stderr"))


def test_argv() -> None:
    assert logs_argv("b", "r") == [
        "buildx", "history", "logs", "--builder", "b", "r", "--progress", "rawjson",
    ]  # fmt: skip


def test_a_finished_build_is_one_line() -> None:
    for role in ROLES:
        assert len(fixture(f"local/history-logs-{role}.stderr").splitlines()) == 1


@pytest.mark.parametrize("role", ROLES)
def test_replay_has_the_live_runs_steps_per_platform(role: str) -> None:
    replayed = replay(role)
    live = replay(f"{role}-live")
    assert lane_steps(replayed) == lane_steps(live)
    assert {lane.key for lane in replayed.lanes} == {"linux/amd64", "linux/arm64"}
    for lane in replayed.all_lanes:
        other = live.lane(lane.key)
        assert other is not None
        assert lane.steps_cached == other.steps_cached
        assert lane.result == other.result
        assert [s.state for s in lane.steps] == [s.state for s in other.steps]


def test_replayed_durations_are_the_recorded_ones() -> None:
    replayed, live = replay("two-platform"), replay("two-platform-live")
    for lane in replayed.lanes:
        other = live.lane(lane.key)
        assert other is not None
        assert lane.wall_time == pytest.approx(other.wall_time, abs=0.01)


def test_failed_on_arm64_only() -> None:
    snap = replay("failed-arm64")
    assert snap.result == "failed"  # from the stream: history logs exits 0 either way
    arm = snap.lane("linux/arm64")
    amd = snap.lane("linux/amd64")
    assert arm is not None and amd is not None
    assert arm.result == "failed" and amd.result != "failed"
    step = arm.failed_step
    assert step is not None and step.position == "work 1/2"
    assert any("failing on aarch64" in line.text for line in step.logs)
    assert step.error and "exit code: 3" in step.error


def test_cached_rerun_is_cached() -> None:
    snap = replay("cached")
    for key in ("linux/amd64", "linux/arm64"):
        lane = snap.lane(key)
        assert lane is not None and lane.steps_cached >= 5


def result(stderr: str, code: int = 1) -> CommandResult:
    return CommandResult(("buildx",), "docker buildx", code, "", stderr, 0.1)


@pytest.mark.parametrize(
    ("file", "kind", "words"),
    [
        ("history-logs-default.stderr", ProblemKind.NO_HISTORY_API, "no build history"),
        ("history-logs-missing.stderr", ProblemKind.MISSING, "has no record"),
        ("history-trace-missing.stderr", ProblemKind.MISSING, "has no record"),
        ("history-trace-running.stderr", ProblemKind.MISSING, "has no record"),
        ("history-logs-unreachable.stderr", ProblemKind.UNREACHABLE, "could not be reached"),
    ],
)
def test_problems_from_recordings(file: str, kind: ProblemKind, words: str) -> None:
    problem = history_problem(result(fixture(f"local/{file}")), "b", "r")
    assert problem is not None
    assert problem.kind is kind
    assert words in problem.message
    assert problem.detail.startswith("ERROR:")


def test_other_problems() -> None:
    other = history_problem(result("ERROR: something new", 2), "b", "r")
    assert other is not None and other.kind is ProblemKind.OTHER and "exit 2" in other.message
    assert history_problem(result("", 0), "b", "r") is None


# -- following a running build -----------------------------------------------------------------
def follower(
    lines: list[str], code: int = 0, stderr: str = ""
) -> tuple[LogFollower, list[ProgressSnapshot]]:
    argv = tuple(logs_argv("replay-rec", "ref1"))
    backend = FakeBackend(replies={argv: Reply(code, "", stderr, lines=lines)})
    posted: list[ProgressSnapshot] = []
    ticks = iter(range(10**6))
    return (
        LogFollower(backend, "replay-rec", "ref1", posted.append, clock=lambda: float(next(ticks))),
        posted,
    )


def test_follow_feeds_each_new_line_and_ends_with_the_build() -> None:
    lines = fixture("local/history-logs-running.stderr").splitlines()
    assert len(lines) > 5  # the recording followed the build: many lines
    f, posted = follower(lines)
    outcome = f.run()
    assert outcome.followed and outcome.problem is None
    assert outcome.lines == len(lines)
    # every line that changed something was posted (the fake clock lets each through), and
    # nothing was posted for lines that changed nothing: versions strictly increase
    versions = [s.version for s in posted]
    assert versions == sorted(set(versions))
    assert 1 < len(posted) <= len(lines)
    assert posted[0].result == "running"
    assert outcome.snapshot.result == "success"
    # the followed build has the steps of its replay once it had ended
    assert lane_steps(outcome.snapshot) == lane_steps(replay("running-after"))


def test_follow_of_a_finished_build_is_one_snapshot() -> None:
    f, posted = follower(fixture("local/history-logs-two-platform.stderr").splitlines())
    outcome = f.run()
    assert not outcome.followed
    assert len(posted) == 1
    assert lane_steps(outcome.snapshot) == lane_steps(replay("two-platform"))


def test_follow_coalesces_under_a_slow_clock() -> None:
    lines = fixture("local/history-logs-running.stderr").splitlines()
    argv = tuple(logs_argv("b", "r"))
    posted: list[ProgressSnapshot] = []
    f = LogFollower(
        FakeBackend(replies={argv: Reply(0, "", "", lines=lines)}), "b", "r", posted.append,
        clock=lambda: 0.0, min_interval=10.0,
    )  # fmt: skip
    outcome = f.run()
    assert len(posted) == 1  # the first line only: the clock never moved on
    assert outcome.snapshot.result == "success"


def test_follow_reports_the_problem() -> None:
    f, posted = follower([], code=1, stderr=fixture("local/history-logs-default.stderr"))
    outcome = f.run()
    assert outcome.problem is not None and outcome.problem.kind is ProblemKind.NO_HISTORY_API
    assert posted == []


def test_follow_posts_from_the_ticker_after_a_burst() -> None:
    lines = fixture("local/history-logs-running.stderr").splitlines()
    gate = threading.Event()
    argv = tuple(logs_argv("b", "r"))
    posted: list[ProgressSnapshot] = []
    now = [0.0]
    f = LogFollower(
        FakeBackend(replies={argv: Reply(0, "", "", lines=lines, gate=gate)}), "b", "r",
        posted.append, clock=lambda: now[0], min_interval=0.01,
    )  # fmt: skip
    done: list[object] = []
    t = threading.Thread(target=lambda: done.append(f.run()))
    t.start()
    try:
        # lines all fed at t=0: one post; the rest waits for the ticker once time moves
        while f.lines < len(lines):
            pass
        assert len(posted) == 1
        now[0] = 1.0
        for _ in range(200):
            if len(posted) == 2:
                break
            threading.Event().wait(0.01)
        assert len(posted) == 2
        assert posted[-1].version > posted[0].version
    finally:
        gate.set()
        t.join(5)
    assert done


# -- compare -----------------------------------------------------------------------------------
def test_compare_with_the_cached_rerun() -> None:
    diffs = {d.lane: d for d in compare_builds(replay("two-platform"), replay("cached"))}
    arm = diffs["linux/arm64"]
    assert arm.count("cache-hit") >= 5
    assert arm.after_wall is not None and arm.before_wall is not None
    assert arm.after_wall < arm.before_wall
    back = {d.lane: d for d in compare_builds(replay("cached"), replay("two-platform"))}
    assert back["linux/arm64"].count("cache-lost") == arm.count("cache-hit")


def test_compare_with_the_failed_build() -> None:
    diffs = {d.lane: d for d in compare_builds(replay("two-platform"), replay("failed-arm64"))}
    failed = [s for s in diffs["linux/arm64"].steps if s.change == "failed"]
    assert [s.key for s in failed] == ["work 1/2"]
    assert diffs["linux/amd64"].count("failed") == 0
    stopped = [s.key for s in diffs["linux/amd64"].steps if s.change == "stopped"]
    assert "work 2/2" in stopped  # cancelled when arm64 failed: not "faster"


def test_compare_same_build_is_all_same() -> None:
    diffs = compare_builds(replay("two-platform"), replay("two-platform-live"))
    assert all(s.change == "same" for d in diffs for s in d.steps)
    assert all(s.delta is not None and abs(s.delta) < 0.01 for d in diffs for s in d.steps)


def test_platforms_in_the_first_line_make_the_lanes() -> None:
    first = fixture("local/history-logs-two-platform.stderr").splitlines()[0]
    assert platforms_in(first) == ("linux/amd64", "linux/arm64")
    assert platforms_in("ERROR: x") == platforms_in("{bad") == platforms_in('{"vertexes": 3}') == ()
    snap = replay("two-platform")
    assert all(lane.requested for lane in snap.lanes)  # not taken for build-platform stages


def test_follow_waits_for_the_ui_to_draw_at_most_ui_wait() -> None:
    import time

    lines = fixture("local/history-logs-running.stderr").splitlines()
    argv = tuple(logs_argv("b", "r"))
    ticks = iter(range(10**6))

    def make(post) -> LogFollower:  # type: ignore[no-untyped-def]
        return LogFollower(
            FakeBackend(replies={argv: Reply(0, "", "", lines=lines)}), "b", "r", post,
            clock=lambda: float(next(ticks)), ui_wait_s=0.05,
        )  # fmt: skip

    never: list[ProgressSnapshot] = []
    start = time.monotonic()
    outcome = make(never.append).run()
    waited = time.monotonic() - start
    assert outcome.posts == len(never) > 2
    assert waited >= 0.05 * (outcome.posts - 1)  # each post waited for a draw that never came

    drawn: list[ProgressSnapshot] = []
    holder: list[LogFollower] = []

    def post(snapshot: ProgressSnapshot) -> None:
        drawn.append(snapshot)
        holder[0].drawn()  # the UI drew it at once

    f = make(post)
    holder.append(f)
    start = time.monotonic()
    f.run()
    assert time.monotonic() - start < 0.05 * (len(drawn) - 1)
    assert len(drawn) == len(never)


def test_follow_keeps_the_gc_frozen_until_released() -> None:
    import gc

    lines = fixture("local/history-logs-two-platform.stderr").splitlines()
    argv = tuple(logs_argv("b", "r"))
    backend = FakeBackend(replies={argv: Reply(0, "", "", lines=lines)})
    f = LogFollower(backend, "b", "r", lambda _s: None, freeze_gc=True, keep_frozen=True)
    try:
        f.run()
        assert gc.get_freeze_count() > 0  # the screen releases it once the end is drawn
        f.release_gc()
        assert gc.get_freeze_count() == 0
        LogFollower(backend, "b", "r", lambda _s: None, freeze_gc=True).run()
        assert gc.get_freeze_count() == 0  # not kept: released by run() itself
    finally:
        gc.unfreeze()


def test_a_record_without_a_trace_is_said_with_what_still_works() -> None:
    # Synthetic (not a recording): the error line `history trace` printed on the lab for a
    # record of lab-container (0.3 s build made by an e2e test), copied from the command log.
    stderr = 'ERROR: build record "pwczfn3je59t960ucujo3gyqh" is missing a trace\n'
    result = CommandResult(("buildx",), "docker buildx history trace …", 1, "", stderr, 1.2)
    problem = history_problem(result, "lab-container", "pwczfn3je59t960ucujo3gyqh")
    assert problem is not None and problem.kind is ProblemKind.NO_TRACE
    assert "kept no trace" in problem.message and "logs (l)" in problem.message
    assert "missing a trace" in problem.detail  # buildx's own words stay under it
