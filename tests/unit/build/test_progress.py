"""BuildProgress on real `--progress=rawjson` streams (tests/fixtures/buildx, see INDEX.md)."""

from __future__ import annotations

import base64
import dataclasses
import gzip
import json
import random
from functools import cache
from pathlib import Path

import pytest

from buildx_tui.core.progress.model import LogLine, ProgressSnapshot, StepSnapshot
from buildx_tui.core.progress.names import (
    normalize_platform,
    parse_timestamp,
    parse_vertex_name,
)
from buildx_tui.core.progress.parser import BuildProgress

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "buildx"
TWO = ("linux/amd64", "linux/arm64")
FOUR = ("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386")


@cache
def raw(name: str) -> bytes:
    data = (FIXTURES / name).read_bytes()
    return gzip.decompress(data) if name.endswith(".gz") else data


def lines(name: str) -> list[bytes]:
    return raw(name).splitlines()


def parse(
    name: str,
    platforms: tuple[str, ...] = TWO,
    exit_code: int | None = None,
    max_log_lines: int = 2000,
    max_log_chars: int = 512 * 1024,
) -> ProgressSnapshot:
    bp = BuildProgress(platforms, max_log_lines=max_log_lines, max_log_chars=max_log_chars)
    bp.feed(lines(name))
    bp.close(exit_code)
    return bp.snapshot()


def step(snap: ProgressSnapshot, lane: str, position: str) -> StepSnapshot:
    found = snap.lane(lane)
    assert found is not None, lane
    matches = [s for s in found.steps if s.position == position]
    assert len(matches) == 1, (lane, position, [s.position for s in found.steps])
    return matches[0]


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def vertex(digest: str, name: str, **fields: object) -> str:
    return json.dumps({"vertexes": [{"digest": digest, "name": name, **fields}]})


def log(digest: str, text: str, stream: int = 1) -> str:
    return json.dumps(
        {
            "logs": [
                {
                    "vertex": digest,
                    "stream": stream,
                    "data": b64(text),
                    "timestamp": "2026-11-22T21:00:00.5Z",
                }
            ]
        }
    )


T0 = "2026-11-22T21:00:00Z"
T1 = "2026-11-22T21:00:01.25Z"
T2 = "2026-11-22T21:00:03.5Z"
T3 = "2026-11-22T21:00:04Z"


# --------------------------------------------------------------------------- real streams


def test_multiplatform_success_two_lanes_and_shared() -> None:
    snap = parse("build-multiplatform-rawjson.stderr", exit_code=0)
    assert snap.result == "success" and snap.ended and snap.progress == 1.0
    assert [lane.key for lane in snap.lanes] == ["linux/amd64", "linux/arm64"]
    assert snap.problems == () and snap.text_lines == () and snap.final_error is None
    for lane, uname in (("linux/amd64", "x86_64"), ("linux/arm64", "aarch64")):
        ln = snap.lane(lane)
        assert ln is not None and ln.requested and ln.result == "success"
        assert [s.position for s in ln.steps] == ["internal", "1/3", "2/3", "3/3"]
        assert ln.steps_total == ln.steps_done == 4 and ln.declared_steps == 3
        arch = lane.split("/")[1]
        run = step(snap, lane, "2/3")
        assert run.name == f'RUN echo "arch={arch} uname=$(uname -m)" && sleep 2'
        assert run.full_name == f"[{lane} 2/3] {run.name}"
        assert run.logs == (LogLine(1, f"arch={arch} uname={uname}"),)
        assert 2.0 <= run.duration < 3.0  # the RUN sleeps 2 s
        assert ln.wall_time is not None and 2.0 < ln.wall_time < 3.0
    assert [s.name for s in snap.shared.steps] == [
        "load build definition from Dockerfile",
        "load .dockerignore",
        "load build context",
        "exporting to image",
    ]
    export = snap.shared.steps[-1]
    assert export.internal is False and export.platform is None
    push = export.statuses[-1]
    assert push.id.startswith("pushing manifest for 127.0.0.1:5000/demo:1@sha256:97a6ef38")
    assert push.done
    assert all(s.done for s in export.statuses)
    # The recorded command took 2.7 s; BuildKit's own clock says first start -> last completion:
    assert snap.wall_time is not None and 2.0 < snap.wall_time < 2.7


def test_multiplatform_result_needs_end_of_stream() -> None:
    bp = BuildProgress(TWO)
    bp.feed(lines("build-multiplatform-rawjson.stderr"))
    assert bp.snapshot().result == "running"  # nothing in rawjson says "success"
    bp.close()  # exit code unknown: inferred from the stream (all steps finished, no error)
    assert bp.snapshot().result == "success"


def test_vertex_restarts_are_kept_as_intervals() -> None:
    # "[linux/arm64 1/3] FROM" gets 10 records; it completes and restarts several times.
    snap = parse("build-multiplatform-rawjson.stderr", exit_code=0)
    from_step = step(snap, "linux/arm64", "1/3")
    assert from_step.state == "done" and from_step.running_since is None
    assert from_step.completed is not None and from_step.started is not None
    assert from_step.duration <= from_step.completed - from_step.started + 1e-6
    assert [s.id.split(" ")[0] for s in from_step.statuses] == [
        "resolve",
        "sha256:5a71428915e7566890f59f797b6c99ad6871822d962d8f0dfbe69008a7f73593",
        "extracting",
    ]
    layer = from_step.statuses[1]
    assert layer.current == layer.total == 1084370 and layer.fraction == 1.0


def test_onefails_arm64_lane_failed_amd64_lane_intact() -> None:
    bp = BuildProgress(TWO)
    bp.feed(lines("build-onefails-rawjson.stderr"))
    # The final "ERROR: ..." text line already ends the build, before the exit code is known.
    assert bp.ended and bp.result == "failed"
    bp.close(1)
    snap = bp.snapshot()
    assert snap.result == "failed" and snap.exit_code == 1
    assert snap.final_error == (
        'failed to build: failed to solve: process "/bin/sh -c test \\"$TARGETARCH\\" = amd64'
        ' || { echo \\"this step fails on $TARGETARCH\\" >&2; exit 3; }" did not complete'
        " successfully: exit code: 3"
    )
    arm = snap.lane("linux/arm64")
    assert arm is not None and arm.result == "failed" and arm.steps_failed == 1
    failed = arm.failed_step
    assert failed is not None and failed.position == "3/4"
    assert failed.name.startswith('RUN test "arm64" = amd64 || { echo "this step fails on arm64"')
    assert failed.error is not None and failed.error.endswith("exit code: 3")
    assert failed.logs == (LogLine(2, "this step fails on arm64"),)  # on stderr
    copy = step(snap, "linux/arm64", "4/4")
    assert copy.state == "cancelled" and copy.started is None  # announced, never ran
    assert step(snap, "linux/arm64", "1/4").state == "cached"

    amd = snap.lane("linux/amd64")
    assert amd is not None and amd.result == "success"
    assert [s.state for s in amd.steps] == ["done", "cached", "done", "done", "done"]
    assert step(snap, "linux/amd64", "2/4").logs == (LogLine(1, "arch=amd64 uname=x86_64"),)
    assert snap.shared.result == "failed"  # nothing was exported
    assert snap.text_lines[0] == "Dockerfile:4"
    assert any(">>> RUN test" in t for t in snap.text_lines)
    assert snap.text_lines[-1].startswith("ERROR: failed to build:")
    assert len(snap.text_lines) == 9 and snap.problems == ()


def test_cancelled_build() -> None:
    bp = BuildProgress()  # platforms not given: lanes are discovered from vertex names
    bp.feed(lines("build-cancelled-rawjson.stderr"))
    assert bp.result == "cancelled"  # from "ERROR: ... Canceled: context canceled"
    bp.close(130)
    snap = bp.snapshot()
    assert snap.result == "cancelled"
    assert snap.final_error == "failed to build: failed to solve: Canceled: context canceled"
    assert [lane.key for lane in snap.lanes] == ["linux/arm64", "linux/amd64"]  # first seen
    for lane in snap.lanes:
        assert lane.result == "cancelled" and not lane.requested
        arch = lane.key.split("/")[1]
        run = step(snap, lane.key, "2/2")
        assert run.state == "cancelled"
        assert run.error is not None and run.error.endswith(
            "exit code: 137: context canceled: context canceled"
        )
        assert run.logs == (LogLine(1, f"sleeping 30s on {arch}"),)
        # INDEX.md: SIGINT arrived when both RUN steps had been running for ~4.6 s
        assert 4.0 < run.duration < 5.5
        assert step(snap, lane.key, "1/2").state == "cached"


def test_cancel_inferred_without_exit_code() -> None:
    snap = parse("build-cancelled-rawjson.stderr", exit_code=None)
    assert snap.result == "cancelled"


def test_four_platform_lanes() -> None:
    snap = parse("build-4platform-rawjson.stderr", FOUR, exit_code=0)
    assert [lane.key for lane in snap.lanes] == list(FOUR)
    unames = {
        "linux/amd64": "x86_64",
        "linux/arm64": "aarch64",
        "linux/arm/v7": "armv7l",
        "linux/386": "x86_64",  # INDEX.md: 386 ran natively on the x86_64 kernel
    }
    for lane in snap.lanes:
        assert lane.result == "success" and lane.steps_total == 3 and lane.declared_steps == 2
        run = step(snap, lane.key, "2/2")
        assert len(run.logs) == 1
        assert run.logs[0].text.startswith(f"TARGETPLATFORM={lane.key} ")
        assert run.logs[0].text.endswith(f"uname -m={unames[lane.key]}")
    # FROM came from cache for the two platforms built before; arm/v7 and 386 were new.
    assert [step(snap, p, "1/2").state for p in FOUR] == ["cached", "cached", "done", "done"]
    assert snap.shared.steps[-1].name == "exporting to image"
    assert len(snap.shared.steps[-1].statuses) == 16


def test_four_platform_lanes_discovered_in_stream_order() -> None:
    snap = parse("build-4platform-rawjson.stderr", (), exit_code=0)
    assert [lane.key for lane in snap.lanes] == [
        "linux/386",
        "linux/arm64",
        "linux/amd64",
        "linux/arm/v7",
    ]


def test_requested_platform_spellings_are_normalised() -> None:
    snap = parse("build-4platform-rawjson.stderr", ("amd64", "linux/arm64/v8", "linux/arm", "386"))
    assert [lane.key for lane in snap.lanes] == list(FOUR)
    assert all(lane.requested and lane.steps_total == 3 for lane in snap.lanes)


def test_heavy_bounded_logs_and_steps_per_platform() -> None:
    snap = parse("build-heavy-rawjson.stderr.gz", exit_code=0)
    assert snap.result == "success" and snap.events == 34353 and snap.problems == ()
    for lane in snap.lanes:
        arch = lane.key.split("/")[1]
        # INDEX.md: 26 steps per platform (builder 16 + stage-1 10) ...
        assert lane.declared_steps == 26
        numbered = [s for s in lane.steps if s.index is not None]
        # ... but stage-1 1/10 and 2/10 are the same vertexes as builder 1/16 and 2/16
        assert len(numbered) == 24
        assert {s.position for s in numbered if s.stage == "stage-1"} == {
            f"stage-1 {n}/10" for n in range(3, 11)
        }
        assert [s.position for s in lane.steps][:3] == ["internal", "builder 1/16", "builder 2/16"]
        assert lane.steps_total == lane.steps_done == 25 and lane.steps_cached == 1
        assert step(snap, lane.key, "builder 2/16").name == "WORKDIR /app"

        short = step(snap, lane.key, "builder 8/16")  # emit short 5000 + a summary line
        assert short.log_lines_total == 5001
        assert len(short.logs) == 2000 and short.log_lines_dropped == 3001
        assert short.logs[-1] == LogLine(1, f"heavy {arch} short: 5000 lines done")
        assert short.logs[0].text == f"heavy {arch} short 3002/5000"  # lines 3002..5001 kept
        err = step(snap, lane.key, "builder 11/16")  # 1500 lines on stderr: under the bound
        assert err.log_lines_total == 1501 and err.log_lines_dropped == 0
        assert sum(1 for line in err.logs if line.stream == 2) == 1500
        assert sum(s.log_lines_total for s in lane.steps) == 26568


def test_heavy_char_bound_and_lines_split_across_chunks() -> None:
    snap = parse(
        "build-heavy-rawjson.stderr.gz", max_log_lines=100_000, max_log_chars=50_000, exit_code=0
    )
    long = step(snap, "linux/arm64", "builder 10/16")  # 2501 lines, 558927 bytes
    kept = sum(len(line.text) + 1 for line in long.logs)
    assert kept <= 50_000 and kept + long.log_chars_dropped == 558927
    assert long.log_lines_total == 2501 == len(long.logs) + long.log_lines_dropped

    # "seq 1 3000" output arrives in 4096-byte chunks that cut lines in two ("104" + "1\n").
    snap = parse("build-heavy-rawjson.stderr.gz", max_log_lines=5000, exit_code=0)
    seq = step(snap, "linux/amd64", "builder 6/16")
    assert [line.text for line in seq.logs] == [str(i) for i in range(1, 3001)]


def test_heavy_lane_times() -> None:
    snap = parse("build-heavy-rawjson.stderr.gz", exit_code=0)
    amd, arm = snap.lane("linux/amd64"), snap.lane("linux/arm64")
    assert amd is not None and arm is not None
    assert amd.wall_time is not None and arm.wall_time is not None
    # arm64 runs under QEMU: the same Dockerfile takes about three times as long.
    assert 25 < amd.wall_time < 35 and 80 < arm.wall_time < 90
    assert snap.wall_time is not None and 87 < snap.wall_time < 88  # 87.9 s command


def test_heavy_mid_stream_running_steps() -> None:
    bp = BuildProgress(TWO)
    bp.feed(lines("build-heavy-rawjson.stderr.gz")[:15000])
    snap = bp.snapshot()
    assert snap.result == "running" and not snap.ended and 0 < snap.progress < 1
    arm = snap.lane("linux/arm64")
    assert arm is not None and arm.result == "running" and arm.steps_running == 1
    assert arm.current is not None and arm.current.position == "builder 8/16"
    assert arm.current_elapsed is not None and arm.current_elapsed > 10
    assert arm.completed is None and arm.wall_time is not None


# --------------------------------------------------------------------------- chunked input


@pytest.mark.parametrize(
    "name", ["build-multiplatform-rawjson.stderr", "build-onefails-rawjson.stderr"]
)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_chunks_split_anywhere_give_the_same_state(name: str, seed: int) -> None:
    data = raw(name)
    by_line = BuildProgress(TWO)
    by_line.feed(data.splitlines())
    by_line.close(1)
    rng = random.Random(seed)
    by_chunk = BuildProgress(TWO)
    pos = 0
    while pos < len(data):
        size = rng.choice([1, 2, 3, 7, 64, 500, 4096])
        by_chunk.feed_chunk(data[pos : pos + size])
        pos += size
    by_chunk.close(1)
    assert by_chunk.snapshot() == by_line.snapshot()


def test_heavy_chunks_equal_lines() -> None:
    data = raw("build-heavy-rawjson.stderr.gz")
    by_line = BuildProgress(TWO)
    by_line.feed(data.splitlines())
    by_line.close(0)
    by_chunk = BuildProgress(TWO)
    for pos in range(0, len(data), 65521):
        by_chunk.feed_chunk(data[pos : pos + 65521])
    by_chunk.close(0)
    assert by_chunk.snapshot() == by_line.snapshot()


def test_str_and_bytes_lines_are_equivalent() -> None:
    data = raw("build-onefails-rawjson.stderr")
    a, b = BuildProgress(TWO), BuildProgress(TWO)
    a.feed(data.splitlines())
    b.feed(data.decode().splitlines(keepends=True))
    assert a.snapshot() == b.snapshot()


# --------------------------------------------------------------------------- robustness


def test_truncated_last_line_and_garbage_never_raise() -> None:
    good = lines("build-multiplatform-rawjson.stderr")
    bp = BuildProgress(TWO)
    bp.feed(good[:-1])
    bp.feed_chunk(good[-1][: len(good[-1]) // 2])  # the process died mid-line
    garbage: list[str | bytes] = [
        b"\x00\xff\xfe binary junk",
        "{not json",
        "[1, 2, 3]",
        "{}",
        '{"vertexes": 5}',
        '{"vertexes": [{"name": "no digest"}], "future": true}',
        '{"statuses": [{"vertex": "sha256:x"}]}',
        '{"logs": [7]}',
        '{"vertexes": [{"digest": "sha256:bad-time", "name": "x", "started": "yesterday"}]}',
        "   ",
        "",
        '{"vertexes": []} trailing',
    ]
    bp.feed(garbage)
    bp.close()
    snap = bp.snapshot()
    problems = dict(snap.problems)
    assert problems["invalid_json"] == 3  # truncated line, "{not json", trailing text
    assert problems["not_solve_status"] == 1
    assert problems["bad_field"] == 1 and problems["bad_timestamp"] == 1
    assert problems["bad_record"] == 3
    assert "\x00\ufffd\ufffd binary junk" in snap.text_lines and "[1, 2, 3]" in snap.text_lines
    # The last "exporting to image" record was lost: the stream ended with a step unfinished.
    assert problems["ended_early"] == 1 and snap.result == "failed"
    assert snap.lane("linux/amd64") is not None
    assert len(snap.problem_samples) == sum(problems.values())


def test_logs_before_vertex_and_invalid_base64() -> None:
    bp = BuildProgress(["linux/arm64"])
    bp.feed_line(log("sha256:a", "early line\n"))
    bp.feed_line('{"logs": [{"vertex": "sha256:a", "stream": 1, "data": "!!not base64!!"}]}')
    assert bp.snapshot().lane("linux/arm64").steps == ()  # type: ignore[union-attr]
    bp.feed_line(vertex("sha256:a", "[2/3] RUN make", started=T0))
    snap = bp.snapshot()
    run = step(snap, "linux/arm64", "2/3")
    assert run.logs == (LogLine(1, "early line"),) and run.state == "running"
    assert dict(snap.problems) == {"record_before_vertex": 1, "bad_base64": 1}


def test_later_updates_win_and_restarts_accumulate() -> None:
    bp = BuildProgress()
    d = "sha256:v"
    assert bp.feed_line(vertex(d, "[builder 1/2] RUN a"))
    assert bp.feed_line(vertex(d, "[builder 1/2] RUN a", started=T0))
    assert not bp.feed_line(vertex(d, "[builder 1/2] RUN a", started=T0))  # identical
    # BuildKit re-sends the initial record: it must not reset a started vertex
    assert not bp.feed_line(vertex(d, "[builder 1/2] RUN a"))
    assert step(bp.snapshot(), "default", "builder 1/2").state == "running"
    bp.feed_line(vertex(d, "[builder 1/2] RUN a", started=T0, completed=T1))
    bp.feed_line(vertex(d, "[builder 1/2] RUN a", started=T2))  # restarted
    running = step(bp.snapshot(), "default", "builder 1/2")
    assert running.state == "running" and running.completed is None
    assert running.duration == 1.25 and running.running_since == parse_timestamp(T2)
    assert running.elapsed(parse_timestamp(T3)) == 1.75
    bp.feed_line(vertex(d, "[builder 1/2] RUN a", started=T2, completed=T3, cached=True))
    done = step(bp.snapshot(), "default", "builder 1/2")
    assert done.state == "cached" and done.duration == 1.75
    assert done.started == parse_timestamp(T0) and done.completed == parse_timestamp(T3)
    lane = bp.snapshot().lane("default")
    assert lane is not None and lane.kind == "default" and lane.wall_time == 4.0


def test_unknown_fields_are_ignored() -> None:
    bp = BuildProgress()
    rec = {
        "vertexes": [
            {"digest": "sha256:u", "name": "exporting to image", "started": T0, "shiny": [1]}
        ],
        "newTopLevel": {"x": 1},
    }
    assert bp.feed_line(json.dumps(rec))
    snap = bp.snapshot()
    assert snap.problems == () and snap.shared.steps[0].state == "running"


def test_carriage_returns_and_long_lines() -> None:
    bp = BuildProgress(max_line_chars=100)
    bp.feed_line(vertex("sha256:c", "[1/1] RUN curl", started=T0))
    bp.feed_line(log("sha256:c", " 10%\r 50%\r100%\nwindows line\r\n"))
    bp.feed_line(log("sha256:c", "x" * 250 + "\n"))
    bp.feed_line(log("sha256:c", "no newline yet"))
    bp.feed_line(vertex("sha256:c", "[1/1] RUN curl", started=T0, completed=T1))
    logs = step(bp.snapshot(), "default", "1/1").logs
    assert [line.text for line in logs[:2]] == ["100%", "windows line"]
    assert logs[2].text == "x" * 100 + "… [150 more chars]"
    assert logs[3].text == "no newline yet"  # flushed when the step completed


def test_warnings_are_decoded() -> None:
    bp = BuildProgress()
    bp.feed_line(vertex("sha256:w", "[internal] load build definition from Dockerfile"))
    warning = {
        "vertex": "sha256:w",
        "level": 1,
        "short": b64("FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)"),
        "detail": [b64("'as' and 'FROM' keywords' casing do not match")],
        "url": "https://docs.docker.com/go/dockerfile/rule/from-as-casing/",
        "sourceInfo": {"filename": "Dockerfile"},
        "range": [{"start": {"line": 1}, "end": {"line": 1}}],
    }
    bp.feed_line(json.dumps({"warnings": [warning, {"short": "%%%"}]}))
    snap = bp.snapshot()
    first, second = snap.warnings
    assert first.short.startswith("FromAsCasing:") and first.level == 1
    assert first.detail == ("'as' and 'FROM' keywords' casing do not match",)
    assert first.step_name == "load build definition from Dockerfile"
    assert first.lane == "shared" and first.url is not None
    assert second.short == "%%%" and dict(snap.problems) == {"bad_base64": 1}


# --------------------------------------------------------------------------- lanes


def test_cross_step_goes_to_target_lane() -> None:
    bp = BuildProgress(TWO)
    bp.feed_line(vertex("sha256:1", "[linux/amd64 build 3/5] RUN go build"))
    bp.feed_line(vertex("sha256:2", "[linux/amd64->arm64 build 3/5] RUN go build"))
    bp.feed_line(vertex("sha256:3", "[linux/amd64->arm/v7 build 3/5] RUN go build"))
    snap = bp.snapshot()
    amd, arm = step(snap, "linux/amd64", "build 3/5"), step(snap, "linux/arm64", "build 3/5")
    assert amd.runs_on is None and arm.runs_on == "linux/amd64"
    assert arm.name == "RUN go build" and arm.platform == "linux/arm64"
    armv7 = snap.lane("linux/arm/v7")
    assert armv7 is not None and not armv7.requested and armv7.steps[0].runs_on == "linux/amd64"


def test_single_platform_steps_go_to_the_requested_lane() -> None:
    bp = BuildProgress(["linux/arm64"])
    bp.feed_line(vertex("sha256:m", "[internal] load metadata for docker.io/library/alpine:3"))
    bp.feed_line(vertex("sha256:c", "[internal] load build context"))
    bp.feed_line(vertex("sha256:r", "[2/5] RUN apk add git"))
    bp.feed_line(vertex("sha256:e", "exporting to image"))
    snap = bp.snapshot()
    assert [lane.key for lane in snap.lanes] == ["linux/arm64"]
    assert [s.position for s in snap.lanes[0].steps] == ["internal", "2/5"]
    assert [s.name for s in snap.shared.steps] == ["load build context", "exporting to image"]


def test_vertex_name_parsing() -> None:
    p = parse_vertex_name("[linux/amd64 builder  8/16] RUN sh bin/emit.sh short 5000 500")
    assert (p.platform, p.stage, p.index, p.total) == ("linux/amd64", "builder", 8, 16)
    assert p.title == "RUN sh bin/emit.sh short 5000 500" and p.runs_on is None
    p = parse_vertex_name("[linux/arm64 internal] load metadata for 127.0.0.1:5000/busybox:latest")
    assert p.platform == "linux/arm64" and p.internal and p.index is None
    p = parse_vertex_name("[linux/amd64->windows/amd64 2/3] RUN x")
    assert (p.platform, p.runs_on) == ("windows/amd64", "linux/amd64")
    p = parse_vertex_name("[2/5] ONBUILD RUN x")
    assert p.platform is None and p.stage is None and p.title == "ONBUILD RUN x"
    p = parse_vertex_name("[auth] library/busybox:pull token for registry-1.docker.io")
    assert p.title == "[auth] library/busybox:pull token for registry-1.docker.io"
    assert parse_vertex_name("exporting to image").title == "exporting to image"
    assert parse_vertex_name("[unclosed").title == "[unclosed"


def test_normalize_platform_and_timestamps() -> None:
    assert normalize_platform("linux/arm64/v8") == "linux/arm64"
    assert normalize_platform("arm") == "linux/arm/v7"
    assert normalize_platform("linux/amd64/v3") == "linux/amd64/v3"
    assert normalize_platform("x86_64") == "linux/amd64"
    assert parse_timestamp("1970-01-01T00:00:01.5Z") == 1.5
    assert parse_timestamp("1970-01-01T01:00:01+01:00") == 1.0
    assert parse_timestamp("1970-01-01T00:00:01.25-00:30") == 1801.25
    assert parse_timestamp("not a time") is None and parse_timestamp(5) is None


# --------------------------------------------------------------------------- snapshots


def test_snapshot_is_immutable_and_dirty_flag_coalesces() -> None:
    bp = BuildProgress(TWO)
    heavy = lines("build-heavy-rawjson.stderr.gz")
    bp.feed(heavy[:5000])
    assert bp.dirty
    first = bp.snapshot()
    assert not bp.dirty and bp.snapshot() is first  # nothing new: same object
    frozen_lanes = dataclasses.astuple(first.lanes[0])
    bp.feed(heavy[5000:6000])
    assert bp.dirty and bp.version > first.version
    second = bp.snapshot()
    assert dataclasses.astuple(first.lanes[0]) == frozen_lanes  # the old view did not move
    assert second.events == 6000 and first.events == 5000
    with pytest.raises(dataclasses.FrozenInstanceError):
        second.result = "failed"  # type: ignore[misc,unused-ignore]
    # Unchanged steps are shared between snapshots (cheap to take at 20/s).
    same = [
        a is b
        for la, lb in zip(first.lanes, second.lanes, strict=True)
        for a, b in zip(la.steps, lb.steps, strict=False)
    ]
    assert any(same) and not all(same)


def test_injected_clock_makes_now_tick_with_skew_correction() -> None:
    local = [1000.0]
    bp = BuildProgress(clock=lambda: local[0])
    bp.feed_line(vertex("sha256:t", "[1/1] RUN sleep 9", started=T0))
    t0 = parse_timestamp(T0)
    assert t0 is not None
    local[0] += 2.5
    snap = bp.snapshot()
    assert snap.now == pytest.approx(t0 + 2.5)
    lane = snap.lane("default")
    assert lane is not None and lane.current_elapsed == pytest.approx(2.5)
    local[0] += 1.0
    assert bp.snapshot().now == pytest.approx(t0 + 3.5)  # not dirty, but the clock moved


def test_exit_codes_decide_the_result() -> None:
    for code, expected in ((0, "success"), (1, "failed"), (130, "cancelled"), (143, "cancelled")):
        snap = parse("build-multiplatform-rawjson.stderr", exit_code=code)
        assert snap.result == expected, code
    empty = BuildProgress(TWO)
    empty.close()
    snap = empty.snapshot()
    assert snap.result == "failed" and dict(snap.problems) == {"empty_stream": 1}
    assert all(lane.result == "failed" and lane.steps == () for lane in snap.lanes)


def _mutate(value: object, rng: random.Random) -> object:
    """Replace one randomly chosen value somewhere inside a JSON document."""
    junk: list[object] = [None, 0, -1, 1.5, "", "x", "!!!", [], {}, True, [None], {"a": 1}]
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value))
        return {**value, key: _mutate(value[key], rng)}
    if isinstance(value, list) and value and rng.random() < 0.8:
        i = rng.randrange(len(value))
        return [*value[:i], _mutate(value[i], rng), *value[i + 1 :]]
    return rng.choice(junk)


@pytest.mark.parametrize(
    "name",
    [
        "build-multiplatform-rawjson.stderr",
        "build-onefails-rawjson.stderr",
        "build-cancelled-rawjson.stderr",
    ],
)
def test_fuzzed_real_streams_never_raise(name: str) -> None:
    rng = random.Random(name)
    for _ in range(40):
        bp = BuildProgress(TWO)
        for line in raw(name).decode().splitlines():
            roll = rng.random()
            if line.startswith("{") and roll < 0.3:
                line = json.dumps(_mutate(json.loads(line), rng))
            elif roll < 0.35:
                line = line[: rng.randrange(len(line) + 1)]
            elif roll < 0.4:
                pos = rng.randrange(len(line) + 1)
                line = line[:pos] + rng.choice(['"', "}", "\\", "\x00", "é"]) + line[pos:]
            bp.feed_line(line)
        bp.close(rng.choice([None, 0, 1, 130]))
        snap = bp.snapshot()
        assert "internal_error" not in dict(snap.problems), snap.problem_samples


def test_text_lines_are_bounded() -> None:
    bp = BuildProgress(max_text_lines=100)
    bp.feed(f"#{i} some plain progress line" for i in range(250))
    snap = bp.snapshot()
    assert len(snap.text_lines) == 100 and snap.text_lines_dropped == 150
    assert snap.text_lines[0] == "#150 some plain progress line"


def test_progress_modules_import_only_the_stdlib() -> None:
    # (names starting with "_" are site hooks: the editable-install finder, _distutils_hack)
    import subprocess
    import sys

    code = (
        "import sys, buildx_tui.core.progress.parser as p\n"
        "mods = {m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names)\n"
        "print(sorted(m for m in mods if not m.startswith('_') and m != 'buildx_tui'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
