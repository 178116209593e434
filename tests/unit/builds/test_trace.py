"""`history trace` Jaeger JSON -> steps, totals, critical path; and the waterfall layout."""

from __future__ import annotations

import itertools
import json

import pytest

from buildx_tui.core.builds.timeline import (
    GroupRow,
    bar_for,
    fmt_seconds,
    layout,
    slowest_platform,
    ticks_for,
)
from buildx_tui.core.builds.trace import SHARED, TraceError, parse_spans, parse_trace, trace_argv
from tests.fakes import fixture


def trace(role: str):  # type: ignore[no-untyped-def]
    return parse_trace(fixture(f"local/history-trace-{role}.json"))


def raw_spans(role: str) -> list[dict[str, object]]:
    return list(json.loads(fixture(f"local/history-trace-{role}.json"))["data"][0]["spans"])


def test_argv() -> None:
    assert trace_argv("b", "r1") == ["buildx", "history", "trace", "--builder", "b", "r1"]


def test_two_platform_steps_per_platform() -> None:
    t = trace("two-platform")
    assert t.platforms == ("linux/amd64", "linux/arm64", SHARED)
    for platform in ("linux/amd64", "linux/arm64"):
        positions = [s.position for s in t.steps_of(platform)]
        assert positions == [
            "base 1/3", "base 2/3", "base 3/3", "work 1/2", "work 2/2", "stage-2 2/3",
            "stage-2 3/3",
        ]  # fmt: skip
    assert not any(s.cached or s.error for s in t.steps)
    # every step is a span of the recording that names a vertex, with its timing (µs -> s)
    spans = {s["spanID"]: s for s in raw_spans("two-platform")}
    origin = min(int(s["startTime"]) for s in spans.values())  # type: ignore[call-overload]
    for step in t.steps:
        raw = spans[step.span_id]
        assert step.name == raw["operationName"]
        assert step.duration == pytest.approx(int(raw["duration"]) / 1e6)  # type: ignore[call-overload]
        assert step.start == pytest.approx((int(raw["startTime"]) - origin) / 1e6)  # type: ignore[call-overload]


def test_cache_request_spans_are_not_steps() -> None:
    t = trace("two-platform")
    assert not any(s.name.startswith("cache request") for s in t.steps)
    assert any(
        str(s["operationName"]).startswith("cache request") for s in raw_spans("two-platform")
    )


def test_cached_build_shows_load_cache_steps_marked_cached() -> None:
    t = trace("cached")
    cached = [s for s in t.steps if s.cached]
    assert {s.platform for s in cached} == {"linux/amd64", "linux/arm64"}
    assert all(s.title == "RUN cat /copied" and s.position == "stage-2 3/3" for s in cached)


def test_failed_arm64_marks_the_failing_step() -> None:
    t = trace("failed-arm64")
    failed = [s for s in t.steps if s.error and s.platform == "linux/arm64"]
    assert [s.position for s in failed] == ["work 1/2"]
    assert "aarch64" in failed[0].title
    totals = {p.platform: p for p in t.totals()}
    assert totals["linux/arm64"].failed == 1
    # amd64's step still running when arm64 failed was stopped: not a failure of its own
    stopped = [s for s in t.steps if s.stopped]
    assert [(s.platform, s.position) for s in stopped] == [("linux/amd64", "work 2/2")]
    assert not stopped[0].error
    assert totals["linux/amd64"].failed == 0 and totals["linux/amd64"].stopped == 1


def test_totals_are_first_start_to_last_end() -> None:
    t = trace("two-platform")
    for total in t.totals():
        steps = t.steps_of(total.platform)
        assert total.steps == len(steps)
        assert total.wall_time == pytest.approx(
            max(s.end for s in steps) - min(s.start for s in steps)
        )
        assert total.busy_time == pytest.approx(sum(s.duration for s in steps))
    # QEMU's cost: arm64 (emulated) took longer than amd64 on the lab
    totals = {p.platform: p for p in t.totals()}
    assert totals["linux/arm64"].wall_time > totals["linux/amd64"].wall_time
    assert t.duration >= max(p.wall_time for p in t.totals())


def test_critical_path_ends_with_the_last_step_and_is_a_chain() -> None:
    t = trace("two-platform")
    path = [s for s in t.steps if t.on_critical_path(s)]
    assert path[-1].end == max(s.end for s in t.steps)
    for earlier, later in itertools.pairwise(path):
        assert earlier.start < later.start
        assert earlier.end <= later.start + 0.05
    # one platform's chain after the shared steps
    assert {s.platform for s in path} == {SHARED, "linux/arm64"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "not JSON"),
        ("[1, 2]", "no data"),
        ('{"data": []}', "no data"),
        ('{"data": [{"spans": []}]}', "no spans"),
        ('{"data": [{"spans": [{"operationName": "x"}]}]}', "no spans"),
    ],
)
def test_bad_input_is_a_clear_error(text: str, words: str) -> None:
    with pytest.raises(TraceError, match=words):
        parse_spans(text)


def test_odd_spans_never_raise() -> None:
    odd = {"spanID": "a", "operationName": 3, "startTime": "x", "duration": -5}
    odd["tags"] = [{"key": 1}]
    tags = [{"key": "vertex", "value": "sha256:1"}, {"key": "error", "value": True}]
    step = {"spanID": "b", "operationName": "[linux/arm64 1/2] RUN x", "startTime": 10,
            "duration": 5, "tags": tags}  # fmt: skip
    doc = {"data": [{"traceID": "t", "spans": [odd, step]}]}
    t = parse_trace(json.dumps(doc))
    assert [(s.platform, s.position, s.error) for s in t.steps] == [("linux/arm64", "1/2", True)]


# -- the waterfall ----------------------------------------------------------------------------
def test_layout_groups_rows_by_platform_with_bars_in_range() -> None:
    t = trace("two-platform")
    for width in (20, 60, 140):
        tl = layout(t, width)
        groups = [r for r in tl.rows if isinstance(r, GroupRow)]
        assert [g.platform for g in groups] == list(t.platforms)
        assert len(tl.step_rows) == len(t.steps)
        for row in tl.rows:
            assert 0 <= row.bar.start_col < row.bar.end_col <= width
        # rows follow their heading
        current = None
        for row in tl.rows:
            if isinstance(row, GroupRow):
                current = row.platform
            else:
                assert row.step.platform == current


def test_layout_bars_scale_with_time() -> None:
    t = trace("two-platform")
    tl = layout(t, 100)
    longest = max(tl.step_rows, key=lambda r: r.step.duration)
    shortest = min(tl.step_rows, key=lambda r: r.step.duration)
    assert longest.bar.width > 10 * shortest.bar.width
    last = max(tl.step_rows, key=lambda r: r.step.end)
    assert last.bar.end_col >= 95
    assert sum(1 for r in tl.step_rows if r.critical) == len(t.critical_path)


def test_cached_zero_length_step_gets_one_column() -> None:
    tl = layout(trace("cached"), 50)
    for row in tl.step_rows:
        if row.step.cached:
            assert row.step.duration < 0.001
            assert row.bar.width == 1


def test_bar_for_edges() -> None:
    assert bar_for(0, 10, 10, 10) == bar_for(0.0, 10.0, 10.0, 10)
    assert (bar_for(0, 10, 10, 10).start_col, bar_for(0, 10, 10, 10).end_col) == (0, 10)
    assert bar_for(10, 10, 10, 10).start_col == 9  # a step at the very end is still drawn
    assert bar_for(5, 5, 10, 10).width == 1
    assert bar_for(0, 1, 0, 10).width == 1  # no span
    assert bar_for(0, 1, 1, 0).width == 0


def test_ticks_are_round_and_spaced() -> None:
    ticks = ticks_for(3.07, 60)
    assert [t.label for t in ticks] == ["0s", "1s", "2s", "3s"]
    assert all(b.col - a.col >= 10 for a, b in itertools.pairwise(ticks))
    ticks = ticks_for(125, 80)
    assert ticks[1].label == "30s" and ticks[-1].label == "2m"
    assert ticks_for(0, 10)[0].label == "0s"
    assert len(ticks_for(100_000, 40)) >= 2


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (0.25, "0.25s"), (3, "3s"), (12.5, "12.5s"), (90, "1m30s"), (120, "2m"),
     (3720, "1h2m"), (-1, "0s")],
)  # fmt: skip
def test_fmt_seconds(seconds: float, text: str) -> None:
    assert fmt_seconds(seconds) == text


def test_slowest_platform_is_the_emulated_one_on_the_lab() -> None:
    slow = slowest_platform(trace("two-platform").totals())
    assert slow is not None and slow.platform == "linux/arm64"
    assert slowest_platform(()) is None
