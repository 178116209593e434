"""core/builds/nodes on a two-node builder's history recorded on the lab
(scripts/record_multinode_history_fixtures.py: b2-rec, node b2-rec-amd pinned linux/amd64,
b2-rec-arm pinned linux/arm64; a build that completed, then one failing on arm64 only)."""

from __future__ import annotations

import json
import shlex
from dataclasses import replace

from buildx_tui.core.builders import parse_ls_json as parse_builders
from buildx_tui.core.builds.details import parse_inspect
from buildx_tui.core.builds.grouping import group_records
from buildx_tui.core.builds.nodes import (
    NodePart,
    lane_emulation,
    merged_details,
    offset_ref,
    platform_rows,
    record_ref,
    same_record,
)
from buildx_tui.core.builds.records import BuildRecord, BuildStatus, parse_ls
from buildx_tui.core.platforms import Emulation
from tests.fakes import fixture

LISTED = parse_ls(fixture("local/b2node-history-ls.json")).records
GROUPS = group_records(LISTED)
FAILED, DONE = GROUPS  # newest first


def _by_node(group_records: tuple[BuildRecord, ...], node: str) -> BuildRecord:
    return next(r for r in group_records if r.node == node)


def _index_command(name: str) -> list[str]:
    """The command INDEX.md says made a recording (so the refs are the recorded ones)."""
    for line in fixture("local/INDEX.md").splitlines():
        if line.startswith(f"| {name} |"):
            return shlex.split(line.split("`")[1])
    raise AssertionError(name)


def _details(name: str):  # type: ignore[no-untyped-def]
    return parse_inspect(fixture(f"local/{name}"))


def test_the_failed_build_is_two_records_of_one_id():
    assert [len(g.records) for g in GROUPS] == [2, 2]
    assert FAILED.status is BuildStatus.ERROR
    assert {r.node for r in FAILED.records} == {"b2-rec-amd", "b2-rec-arm"}


def test_offsets_are_the_ones_recorded_and_each_gave_its_record():
    for kind, group in (("failed", FAILED), ("done", DONE)):
        for node in ("amd", "arm"):
            record = _by_node(group.records, f"b2-rec-{node}")
            name = f"b2node-inspect-{kind}-{node}.json"
            asked = _index_command(name)[6]  # docker buildx history inspect --builder B REF
            assert offset_ref(LISTED, record) == asked
            assert same_record(_details(name), record)


def test_an_answer_for_another_record_is_not_believed():
    amd = _by_node(FAILED.records, "b2-rec-amd")
    arm_details = _details("b2node-inspect-failed-arm.json")
    assert not same_record(arm_details, amd)  # same id, other start: the other node's


def test_the_id_reaches_the_newest_record_only_the_other_needs_an_offset():
    arm = _by_node(FAILED.records, "b2-rec-arm")
    amd = _by_node(FAILED.records, "b2-rec-amd")
    assert record_ref(LISTED, arm) == arm.id  # as recorded: the id gave the arm64 record
    assert same_record(_details("b2node-inspect-failed-id.json"), arm)
    assert record_ref(LISTED, amd) == "^1"
    refused = fixture("local/b2node-inspect-node-ref.stderr")
    assert "no record found" in refused  # node/id is not a ref buildx takes


def test_trace_counts_completed_records_only():
    running = replace(LISTED[0], ref="b2-rec/b2-rec-amd/zzz", completed_at=None)
    running = replace(running, status=BuildStatus.RUNNING)
    listed = (running, *LISTED)
    amd = _by_node(FAILED.records, "b2-rec-amd")
    assert offset_ref(listed, amd) == "^2"
    assert offset_ref(listed, amd, completed_only=True) == "^1"


def test_a_record_not_listed_or_tied_has_no_offset():
    gone = replace(LISTED[0], ref="b2-rec/b2-rec-amd/gone")
    assert offset_ref(LISTED, gone) is None
    twin = replace(LISTED[1], ref="b2-rec/b2-rec-x/twin")
    assert offset_ref((*LISTED, twin), LISTED[1]) is None


def test_each_platform_with_its_node_status_duration_and_failure():
    parts = [
        NodePart(
            _by_node(FAILED.records, "b2-rec-amd"), _details("b2node-inspect-failed-amd.json")
        ),
        NodePart(
            _by_node(FAILED.records, "b2-rec-arm"), _details("b2node-inspect-failed-arm.json")
        ),
    ]
    rows = {r.platform: r for r in platform_rows(parts)}
    assert set(rows) == {"linux/amd64", "linux/arm64"}
    assert rows["linux/amd64"].node == "b2-rec-amd"
    assert rows["linux/amd64"].status is BuildStatus.COMPLETED
    assert rows["linux/amd64"].error is None
    assert rows["linux/arm64"].node == "b2-rec-arm"
    assert rows["linux/arm64"].status is BuildStatus.FAILED
    err = rows["linux/arm64"].error
    assert err is not None and "exit code: 3" in err.message
    recorded = json.loads(fixture("local/b2node-inspect-failed-arm.json"))["Duration"] / 1e9
    assert rows["linux/arm64"].duration_s == recorded
    merged = merged_details(parts)
    assert merged is not None
    assert merged.status is BuildStatus.FAILED
    assert set(merged.platforms) == {"linux/amd64", "linux/arm64"}
    assert merged.total_steps == sum(p.details.total_steps for p in parts if p.details)
    assert merged.error is None  # each node's failure belongs to its platform


def test_a_node_whose_record_could_not_be_read_says_why():
    part = NodePart(_by_node(FAILED.records, "b2-rec-amd"), problem="deleted")
    (row,) = platform_rows([part])
    assert row.platform == "" and row.problem == "deleted" and row.node == "b2-rec-amd"
    assert merged_details([part]) is None


def test_lane_emulation_from_the_node_that_ran_it():
    ls = parse_builders(
        fixture("local/b2node-ls.json"),
        pinned={"b2-rec": {"b2-rec-amd": ["linux/amd64"], "b2-rec-arm": ["linux/arm64"]}},
    )
    builder = next(b for b in ls.builders if b.name == "b2-rec")
    assert lane_emulation(builder, "b2-rec-amd", "linux/amd64") is Emulation.NATIVE
    assert lane_emulation(builder, "b2-rec-arm", "linux/arm64") is Emulation.EMULATED
    assert lane_emulation(builder, "gone-node", "linux/arm64") is Emulation.UNKNOWN
    assert lane_emulation(None, "b2-rec-arm", "linux/arm64") is Emulation.UNKNOWN
