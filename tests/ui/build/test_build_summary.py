"""The build summary's rows (ui/build/summary.py, ui/common/text_table.py): the columns a Rich
table drew, made as plain lines; a long failing step or warning folds under its own column."""

from __future__ import annotations

import base64
import json

from rich.table import Table
from rich.text import Text

from buildx_tui.core.build.history import BuildOutputs
from buildx_tui.core.build.platform_choices import Support
from buildx_tui.core.build.spec import Output
from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.core.progress.parser import BuildProgress
from buildx_tui.ui.build.summary import lane_table, summary, warning_rows
from buildx_tui.ui.common.text_table import columns, labelled
from tests.fakes import fixture
from tests.helpers.render import plain

TWO = ("linux/amd64", "linux/arm64")
SUPPORT = {"linux/amd64": Support.NATIVE, "linux/arm64": Support.EMULATED}


def snapshot(name: str, exit_code: int) -> ProgressSnapshot:
    bp = BuildProgress(TWO)
    bp.feed(fixture(f"buildx/{name}").splitlines())
    bp.close(exit_code)
    return bp.snapshot()


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


def lines_of(texts: list[Text]) -> list[str]:
    return [t.plain for t in texts]


def rich_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """What the summary's Rich table drew (box=None, two spaces after each column)."""
    table = Table(box=None, padding=(0, 2, 0, 0), show_edge=False)
    for name in header:
        table.add_column(name, no_wrap=True)
    for row in rows:
        table.add_row(*row)
    return [line.rstrip() for line in plain(table).splitlines()]


def test_columns_are_the_rich_table_they_replace() -> None:
    header = ["platform", "result", "time", "steps"]
    rows = [
        ["linux/amd64", "✔ success", "1.2s", "4/4"],
        ["linux/arm64 (QEMU)", "✖ failed", "12.5s", "2/4"],
        ["shared", "", "0.1s", "3/3"],
    ]
    assert lines_of(columns(header, rows)) == rich_table(header, rows)


def test_a_last_column_too_long_folds_under_itself() -> None:
    long = "2/3 RUN " + "make all " * 12
    made = lines_of(columns(["platform", "failing step"], [["linux/arm64", long]], width=60))
    offset = len("linux/arm64") + 2
    assert made[0] == "platform     failing step"
    assert made[1].startswith("linux/arm64  2/3 RUN make all")
    assert len(made) > 2, made
    for line in made[1:]:
        assert len(line) <= 60, line
    for line in made[2:]:  # under the column, not under the platform
        assert line[:offset] == " " * offset and line[offset] != " ", line
    assert " ".join(" ".join(line.split()) for line in made[1:]).endswith(long.strip())


def test_labelled_body_lines_sit_beside_the_label_and_fold_there() -> None:
    made = lines_of(labelled(Text("warning"), [Text("short"), Text("x" * 50)], indent=8, width=30))
    assert made[0] == "warning short"
    assert all(line.startswith(" " * 8) for line in made[1:])
    assert "".join(line.strip() for line in made[1:]) == "x" * 50
    assert all(len(line) <= 30 for line in made)


def test_summary_of_a_failed_build_matches_its_lanes() -> None:
    snap = snapshot("build-onefails-rawjson.stderr", 1)
    text = summary(
        snap,
        BuildOutputs(),
        output=Output.PUSH,
        duration_s=3.0,
        support=SUPPORT,
        error="process did not complete successfully",
        hint="",
        exit_code=1,
        width=150,
    )
    assert isinstance(text, Text)
    rows = text.plain.splitlines()
    assert rows[0].startswith("✖ Build failed after 3.0s (exit 1)")
    header = next(r for r in rows if r.startswith("platform"))
    names = ["platform", "result", "time", "steps", "cached", "slowdown", "failing", "step"]
    assert header.split() == names
    arm = next(r for r in rows if r.startswith("linux/arm64"))
    failed = snap.lane("linux/arm64")
    assert failed is not None and failed.failed_step is not None
    assert "(QEMU)" in arm and "✖ failed" in arm and failed.failed_step.name[:20] in arm
    # every row's cells start where the header's do
    col = header.index("result")
    for row in rows[rows.index(header) + 1 : rows.index(header) + 1 + len(snap.lanes)]:
        assert row[col - 2 : col] == "  " and row[col] != " ", row
    assert rows[-1] == "error   process did not complete successfully"


def test_narrow_summary_moves_the_failing_step_under_the_table() -> None:
    snap = snapshot("build-onefails-rawjson.stderr", 1)
    rows = lane_table(snap, SUPPORT, narrow=True, width=76)
    assert "failing step" not in rows[0].plain
    assert all(len(r.plain) <= 76 for r in rows)


def test_warnings_beside_their_label_and_the_count_of_the_rest() -> None:
    bp = BuildProgress(TWO)
    warnings = [{"level": 1, "short": b64(f"Rule{i}: something said {i}")} for i in range(7)]
    bp.feed_line(json.dumps({"warnings": warnings}))
    rows = lines_of(warning_rows(bp.snapshot().warnings, 60))
    assert rows[0].startswith("warning ⚠ Rule0: something said 0")
    assert all(r.startswith(" " * 8) for r in rows[1:])
    assert rows[-1].strip() == "2 more warnings"
