"""Bake runs in the app's own history: written and read back beside builds; a history file as
the code before bake runs (commit 4f018f7) wrote it still loads (tests/fixtures/app-history,
scripts/record_app_history_fixture.py), and stays loadable once bake runs are added to it."""

from __future__ import annotations

import shutil
import stat
from datetime import UTC, datetime
from pathlib import Path

from buildx_tui.core.build.history import History, HistoryEntry
from buildx_tui.core.build.history_bake import BakeEntry, BakeRequest, BakeTargetRun
from buildx_tui.core.build.spec import Output

OLD = Path(__file__).resolve().parents[2] / "fixtures/app-history/build-history-4f018f7.jsonl"


def bake_entry(**kw: object) -> BakeEntry:
    request = BakeRequest(
        workspace="/ws",
        files=("docker-bake.hcl",),
        targets=("default",),
        builder="lab-container",
        variables=(("REPLICAS", "3"),),
        sets=("app.args.GREETING=hey",),
        platforms=("linux/amd64",),
        push=True,
        allow=("fs.read=../outside",),
        argv=("buildx", "bake", "--builder", "lab-container", "--push", "default"),
    )
    values: dict[str, object] = {
        "request": request,
        "command": "(in /ws) docker buildx bake …",
        "started_at": datetime(2026, 12, 1, 21, 0, tzinfo=UTC),
        "result": "success",
        "duration_s": 3.25,
        "exit_code": 0,
        "targets": (
            BakeTargetRun(
                "app",
                "success",
                ("linux/amd64",),
                2.5,
                4,
                1,
                digest="sha256:" + "a" * 64,
                image_names=("127.0.0.1:5000/bh-app:v1",),
                build_ref="lab-container/lab-container0/abc",
            ),
            BakeTargetRun("tool", "failed", ("linux/amd64",), 1.0, 3, 0, "2/3 RUN false"),
        ),
        "id": "bake-1",
        **kw,
    }
    return BakeEntry(**values)  # type: ignore[arg-type]


def test_a_history_written_before_bake_runs_loads_as_it_was(tmp_path):
    shutil.copy(OLD, tmp_path / "build-history.jsonl")
    history = History(tmp_path)
    builds = history.load()
    assert [e.id for e in builds] == ["old-push", "old-fail", "old-cancel"]
    assert history.skipped == 0
    push = builds[0]
    assert push.spec.output is Output.PUSH and push.spec.build_args[1] == ("FROM_ENV", None)
    assert push.outputs.build_ref == "builds-rec-c/builds-rec-c0/m4ybrj08f3p7rr1x99x43eosp"
    assert builds[1].lanes[0].failed_step == "3/4 RUN false"
    assert history.load_runs() == builds


def test_a_bake_run_joins_the_old_file_and_builds_still_load_without_it(tmp_path):
    shutil.copy(OLD, tmp_path / "build-history.jsonl")
    history = History(tmp_path)
    entry = bake_entry()
    history.append(entry)
    runs = history.load_runs()
    assert [type(r).__name__ for r in runs] == ["HistoryEntry"] * 3 + ["BakeEntry"]
    assert runs[-1] == entry  # every field read back
    assert [e.id for e in history.load()] == ["old-push", "old-fail", "old-cancel"]
    assert history.skipped == 0
    # the old lines are untouched (appended, not rewritten), the file stays private
    lines = (tmp_path / "build-history.jsonl").read_text().splitlines()
    assert lines[:3] == OLD.read_text().splitlines()
    assert '"kind":"bake"' in lines[3]
    assert stat.S_IMODE((tmp_path / "build-history.jsonl").stat().st_mode) == 0o600


def test_the_limit_counts_bake_runs_and_keeps_both_kinds(tmp_path):
    history = History(tmp_path, max_entries=4)
    shutil.copy(OLD, tmp_path / "build-history.jsonl")
    for n in range(4):
        history.append(bake_entry(id=f"b{n}"))
    runs = history.load_runs()
    assert [r.id for r in runs][-4:] == ["b0", "b1", "b2", "b3"]
    assert len(runs) == 4
    assert all(isinstance(r, HistoryEntry) for r in history.load())


def test_a_damaged_bake_line_is_skipped_not_fatal(tmp_path):
    history = History(tmp_path)
    history.append(bake_entry())
    with open(tmp_path / "build-history.jsonl", "a") as f:
        f.write('{"version":1,"kind":"bake","started_at":"2026-12-01T21:00:00+00:00"}\n')
        f.write('{"version":1,"kind":"bake","started_at":"x","request":{"workspace":"/w"}}\n')
    assert [r.id for r in history.load_runs()] == ["bake-1"]
    assert history.skipped == 2


def test_pushed_reference_pinned_by_digest():
    entry = bake_entry()
    assert entry.reference == "127.0.0.1:5000/bh-app@sha256:" + "a" * 64
    assert bake_entry(targets=()).reference == ""
