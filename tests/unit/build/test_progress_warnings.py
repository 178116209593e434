"""Build warnings in the rawjson stream (issue #11 item 9): a Dockerfile check (FromAsCasing)
recorded on the lab (tests/fixtures/local/msg-build-warning*-rawjson.stderr, INDEX.md)."""

from __future__ import annotations

import json

from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.core.progress.parser import BuildProgress
from tests.fakes import fixture

TWO = ("linux/amd64", "linux/arm64")
SHORT = "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)"


def parse(lines: list[str], platforms: tuple[str, ...] = TWO) -> ProgressSnapshot:
    bp = BuildProgress(platforms)
    bp.feed(lines)
    bp.close(0)
    return bp.snapshot()


def recorded(name: str = "msg-build-warning-rawjson.stderr") -> list[str]:
    return fixture(f"local/{name}").splitlines()


def warning_record(lines: list[str]) -> dict:
    return next(json.loads(x) for x in lines if '"warnings"' in x)["warnings"][0]


def test_the_recorded_dockerfile_check_is_parsed_whole():
    for name, platforms in (
        ("msg-build-warning-rawjson.stderr", TWO),
        ("msg-build-warning-single-rawjson.stderr", ()),
    ):
        snap = parse(recorded(name), platforms)
        assert snap.result == "success" and snap.problems == ()
        (w,) = snap.warnings
        assert w.short == SHORT
        assert w.detail == ("The 'as' keyword should match the case of the 'from' keyword",)
        assert w.url == "https://docs.docker.com/go/dockerfile/rule/from-as-casing/"
        assert w.level == 1
        assert (w.source, w.start_line, w.end_line) == ("Dockerfile", 1, 1)
        assert w.source_lines == ("FROM busybox as base",)
        assert w.where == "Dockerfile:1"
        # BuildKit attaches Dockerfile checks to the definition's vertex: the shared lane.
        assert (w.lane, w.step_name) == ("shared", "load build definition from Dockerfile")


def test_a_warning_heard_before_its_vertex_is_placed_once_the_vertex_comes():
    lines = recorded()
    record = warning_record(lines)
    first = json.dumps({"warnings": [record]})
    bp = BuildProgress(TWO)
    bp.feed([first])
    assert bp.snapshot().warnings[0].lane is None
    bp.feed([x for x in lines if '"warnings"' not in x])
    bp.close(0)
    (w,) = bp.snapshot().warnings
    assert w.lane == "shared" and w.step_name == "load build definition from Dockerfile"


def test_ranges_over_several_lines_and_missing_source_info():
    record = warning_record(recorded())
    several = dict(record, range=[{"start": {"line": 1}, "end": {"line": 2}}])
    bare = {k: v for k, v in record.items() if k not in ("sourceInfo", "range")}
    broken = dict(record, range="line 1", sourceInfo={"data": "not base64!"})
    snap = parse([json.dumps({"warnings": [several, bare, broken]})])
    multi, nothing, bad = snap.warnings
    assert multi.where == "Dockerfile:1-2"
    assert multi.source_lines == ("FROM busybox as base", "RUN echo hi")
    assert (nothing.source, nothing.start_line, nothing.source_lines, nothing.where) == (
        None, None, (), ""
    )  # fmt: skip
    assert bad.start_line is None and bad.short == SHORT
