"""bench/phases.py: a build's phases by BuildKit's own time stamps (bench_build_ui's "where")."""

from __future__ import annotations

import json
from pathlib import Path

from bench.phases import _epoch, phases

STREAM = Path(__file__).parents[1] / "fixtures" / "buildx" / "build-multiplatform-rawjson.stderr"


def stamps(lines: list[str]) -> tuple[float, float]:
    starts, ends = [], []
    for line in lines:
        for v in json.loads(line).get("vertexes") or []:
            if v.get("started"):
                starts.append(_epoch(v["started"]))
            if v.get("completed"):
                ends.append(_epoch(v["completed"]))
    return min(starts), max(ends)


def test_a_recorded_build_splits_into_its_three_phases() -> None:
    lines = STREAM.read_text().splitlines()
    first, last = stamps([line for line in lines if line.startswith("{")])
    found = phases([*lines, "not json", "{broken"], first - 0.25, last + 0.5)
    assert found is not None
    assert abs(found.start - 0.25) < 1e-6 and abs(found.end - 0.5) < 1e-6
    assert abs(found.steps - (last - first)) < 1e-6 and found.steps > 1.0
    assert abs(found.life - (found.start + found.steps + found.end)) < 1e-6


def test_fractions_are_kept_and_a_stream_without_stamps_says_so() -> None:
    assert _epoch("2026-12-02T06:50:09.000002Z") - _epoch("2026-12-02T06:50:09Z") > 1e-6
    assert abs(_epoch("2026-12-02T06:50:09.5Z") - _epoch("2026-12-02T06:50:09Z") - 0.5) < 1e-9
    assert phases(['{"vertexes":[{"digest":"sha256:a","name":"x"}]}'], 0.0, 1.0) is None
