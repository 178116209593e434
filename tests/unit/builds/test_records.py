"""core/builds on the `history` output recorded on the lab (scripts/record_history_fixtures.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from buildx_tui.core.builds.commands import (
    AttachmentSpec,
    ExportSpec,
    InspectSpec,
    LsSpec,
    RmSpec,
    check_export_path,
)
from buildx_tui.core.builds.details import DetailsError, parse_inspect
from buildx_tui.core.builds.filters import FilterError, parse_filter
from buildx_tui.core.builds.grouping import group_records
from buildx_tui.core.builds.limits import LimitKind, classify_history_error
from buildx_tui.core.builds.link import OurRun, link_record, record_name_for
from buildx_tui.core.builds.provenance import parse_request_ids
from buildx_tui.core.builds.records import BuildStatus, parse_ls, parse_time
from tests.fakes import fixture

LS = "local/history-ls-c.json"


def _raw(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in fixture(name).splitlines() if line.strip()]


def test_ls_records_keep_every_field_of_the_recording():
    parsed = parse_ls(fixture(LS))
    raw = _raw(LS)
    assert parsed.bad_lines == ()
    assert len(parsed.records) == len(raw)
    by_ref = {r.ref: r for r in parsed.records}
    for item in raw:
        rec = by_ref[str(item["ref"])]
        assert rec.name == item["name"]
        assert rec.total_steps == item["total_steps"]
        assert rec.completed_steps == item["completed_steps"]
        assert rec.cached_steps == item["cached_steps"]
        assert rec.status.value == str(item["status"]).lower()
        assert rec.builder == "builds-rec-c" and rec.node == "builds-rec-c0"
        assert rec.id == str(item["ref"]).rsplit("/", 1)[-1]


def test_ls_is_newest_first_with_a_computed_duration():
    records = parse_ls(fixture(LS)).records
    starts = [r.created_at for r in records]
    assert all(s is not None for s in starts)
    assert starts == sorted(starts, reverse=True)  # type: ignore[type-var]
    now = datetime(2030, 1, 1, tzinfo=UTC)
    for rec, item in zip(
        records, sorted(_raw(LS), key=lambda i: str(i["created_at"]), reverse=True), strict=True
    ):
        start = datetime.fromisoformat(str(item["created_at"])[:26] + "+00:00")
        end = datetime.fromisoformat(str(item["completed_at"])[:26] + "+00:00")
        assert rec.duration_s(now) == pytest.approx((end - start).total_seconds(), abs=1e-5)


def test_a_cancelled_build_is_listed_as_error_and_inspected_as_cancelled():
    slow = next(r for r in parse_ls(fixture(LS)).records if r.name == "slow")
    assert slow.status is BuildStatus.ERROR
    details = parse_inspect(fixture("local/history-inspect-cancelled.json"))
    assert details.status is BuildStatus.CANCELLED
    assert details.error is not None and details.error.message == "context canceled"


def test_a_running_record_has_no_end_and_its_duration_runs_to_now():
    running = parse_ls(fixture("local/history-ls-running.json")).records[0]
    assert running.status is BuildStatus.RUNNING
    assert running.completed_at is None and running.created_at is not None
    assert running.duration_s(running.created_at + timedelta(seconds=5)) == pytest.approx(5.0)


def test_bad_lines_are_kept_not_fatal():
    parsed = parse_ls('not json\n{"no":"ref"}\n' + fixture(LS))
    assert len(parsed.bad_lines) == 2 and parsed.records


def test_parse_time_cuts_nanoseconds():
    when = parse_time("2026-12-01T17:56:26.944725378Z")
    assert when == datetime(2026, 12, 1, 17, 56, 26, 944725, tzinfo=UTC)
    assert parse_time("yesterday") is None and parse_time(None) is None


def test_failed_inspect_gives_platform_failing_line_and_log():
    details = parse_inspect(fixture("local/history-inspect-failed.json"))
    raw = json.loads(fixture("local/history-inspect-failed.json"))
    assert details.status is BuildStatus.FAILED
    err = details.error
    assert err is not None
    assert err.platform == "linux/arm64"
    assert err.logs == tuple(raw["Error"]["Logs"])
    assert err.source is not None
    failing = err.source.failing
    assert [ln.number for ln in failing] == [err.source.line] == [5]
    assert 'test "$TARGETARCH" = amd64' in failing[0].text
    assert any(not ln.failing for ln in err.source.lines)
    # the pretty format buildx prints says the same line
    assert f">>> {failing[0].text}" in fixture("local/history-inspect-failed.txt")


def test_push_inspect_gives_digest_materials_and_attachments():
    details = parse_inspect(fixture("local/history-inspect-push.json"))
    meta = json.loads(fixture("local/history-meta-push.json"))
    assert details.platforms == ("linux/amd64", "linux/arm64")
    assert details.image_digest == meta["containerimage.digest"]
    assert details.materials[0].image == "127.0.0.1:5000/busybox:latest"
    assert {a.kind for a in details.attachments} >= {"index", "manifest", "provenance"}
    assert details.error is None


def test_args_and_target():
    details = parse_inspect(fixture("local/history-inspect-args.json"))
    assert details.target == "release"
    assert dict(details.build_args) == {"GREETING": "bonjour", "LEVEL": "3"}


def test_secret_and_ssh_ids_from_a_max_provenance_only():
    ids = parse_request_ids(fixture("local/history-attachment-secrets-provenance.json"))
    assert ids.complete and ids.secrets == ("token",) and ids.ssh == ("default",)
    minimal = parse_request_ids(fixture("local/history-attachment-provenance.json"))
    assert not minimal.complete and minimal.secrets == ()
    assert "s3cr3t" not in fixture("local/history-attachment-secrets-provenance.json")


def test_inspect_refuses_non_json_in_words():
    with pytest.raises(DetailsError, match="did not print JSON"):
        parse_inspect("ERROR: boom")
    with pytest.raises(DetailsError, match="without a build Ref"):
        parse_inspect("[]")


def test_multi_node_records_are_one_build_with_both_nodes():
    records = parse_ls(fixture("local/history-ls-multinode.json")).records
    assert len(records) == 2
    groups = group_records(records)
    assert len(groups) == 1
    assert set(groups[0].nodes) == {"builds-rec-m-amd", "builds-rec-m-arm"}
    assert groups[0].total_steps == sum(r.total_steps for r in records)
    single = group_records(parse_ls(fixture(LS)).records)
    assert len(single) == len(parse_ls(fixture(LS)).records)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("local/history-ls-default.stderr", LimitKind.NO_HISTORY_API),
        ("local/history-ls-dead.stderr", LimitKind.UNREACHABLE),
        ("local/history-inspect-missing.stderr", LimitKind.MISSING_RECORD),
        ("local/history-inspect-multinode-node.stderr", LimitKind.MISSING_RECORD),
        ("local/history-ls-c-local-nogit.stderr", LimitKind.NOT_A_CHECKOUT),
    ],
)
def test_limits_are_classified(name: str, kind: LimitKind):
    limit = classify_history_error("b", fixture(name), 1)
    assert limit.kind is kind
    assert limit.message and limit.detail


def test_argv_specs():
    assert LsSpec("b", ("status=error",), local=True).argv() == (
        "buildx", "history", "ls", "--builder", "b", "--format", "json",
        "--filter", "status=error", "--local",
    )  # fmt: skip
    assert InspectSpec("b", "x").argv()[-3:] == ("x", "--format", "json")
    assert AttachmentSpec("b", "x", "provenance", "linux/arm64").argv()[-4:] == (
        "--type", "provenance", "--platform", "linux/arm64",
    )  # fmt: skip
    assert ExportSpec("b", "x", "/t/a.dockerbuild").argv()[-2:] == ("-o", "/t/a.dockerbuild")
    assert RmSpec("b", ("x", "y")).argv()[-2:] == ("x", "y")
    assert check_export_path("") and check_export_path("a/") and check_export_path("x" * 5000)
    assert check_export_path("a.dockerbuild") == ""


def test_filters():
    records = parse_ls(fixture(LS)).records
    groups = group_records(records)
    now = max(r.completed_at for r in records if r.completed_at)  # type: ignore[type-var]
    errors = [g for g in groups if parse_filter("status:error").matches(g, now)]
    assert {g.name for g in errors} == {"failing", "slow"}
    slow = [g for g in groups if parse_filter(">3s").matches(g, now)]
    assert [g.name for g in slow] == ["slow"]
    assert [g.name for g in groups if parse_filter("ARGS").matches(g, now)] == ["args (release)"]
    assert all(parse_filter("since:1h").matches(g, now) for g in groups)
    for bad in ("status:weird", "since:yesterday", ">fast", "x" * 600):
        with pytest.raises(FilterError):
            parse_filter(bad)


def test_link_by_build_ref_then_by_name_and_time():
    records = parse_ls(fixture(LS)).records
    meta = json.loads(fixture("local/history-meta-push.json"))
    push = next(r for r in records if r.id == meta["buildx.build.ref"].rsplit("/", 1)[-1])
    exact = OurRun("a", "builds-rec-c", "/x/app", "", datetime(2000, 1, 1, tzinfo=UTC),
                   build_ref=meta["buildx.build.ref"])  # fmt: skip
    link = link_record(push, [exact])
    assert link is not None and link.exact
    failing = next(r for r in records if r.name == "failing")
    assert failing.created_at is not None
    by_time = OurRun("b", "builds-rec-c", "/tmp/x/failing", "", failing.created_at)
    link = link_record(failing, [exact, by_time])
    assert link is not None and not link.exact and link.run.key == "b"
    other = OurRun("c", "lab-container", "/tmp/x/failing", "", failing.created_at)
    assert link_record(failing, [other]) is None
    assert record_name_for("/x/args", "release") == "args (release)"


def test_an_attachment_is_indented_when_it_is_json_else_as_printed():
    from buildx_tui.core.builds.details import attachment_text

    printed = fixture("local/history-attachment-provenance.json")
    shown = attachment_text(printed)
    assert json.loads(shown) == json.loads(printed)
    assert shown.splitlines()[1].startswith('  "buildDefinition"')
    assert attachment_text("not json at all\n") == "not json at all\n"
