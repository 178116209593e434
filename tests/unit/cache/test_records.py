"""core/cache: du JSON, sizes, ages, totals and the tree, on outputs recorded on the lab
(tests/fixtures/local/du-*, written by scripts/record_cache_fixtures.py; see INDEX.md)."""

from __future__ import annotations

import json

import pytest

from buildx_tui.core.cache.ages import age_range, parse_go_duration
from buildx_tui.core.cache.records import RECORD_TYPES, parse_du_json
from buildx_tui.core.cache.sizes import (
    SizeError,
    human_size,
    parse_flag_size,
    parse_human_size,
    size_slack,
)
from buildx_tui.core.cache.totals import parse_du_summary, totals
from buildx_tui.core.cache.tree import SortKey, filter_records, sorted_rows, tree_rows
from tests.fakes import fixture

DU_FILES = ["du-container.json", "du-remote.json", "du-default.json"]


def raw(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in fixture(f"local/{name}").splitlines() if line.strip()]


@pytest.mark.parametrize("name", DU_FILES)
def test_every_recorded_record_is_read_with_its_size_printed_back(name: str) -> None:
    result = parse_du_json(fixture(f"local/{name}"))
    assert not result.problems
    assert len(result.records) == len(raw(name)) > 0
    for record, data in zip(result.records, raw(name), strict=True):
        assert record.id == data["ID"]
        assert human_size(record.size) == data["Size"]  # the bytes print back as buildx did
        assert record.reclaimable is data["Reclaimable"] and record.shared is data["Shared"]
        assert record.type in RECORD_TYPES
        assert record.created_at is not None
        assert record.age is not None, record.last_used  # every recorded "… ago" is understood


def test_the_container_builder_has_the_record_types_the_recorder_built() -> None:
    types = {r.type for r in parse_du_json(fixture("local/du-container.json")).records}
    assert {"regular", "source.local", "exec.cachemount", "frontend"} <= types


def test_old_buildkit_of_the_default_builder_answers_json_with_shared_records() -> None:
    records = parse_du_json(fixture("local/du-default.json")).records
    assert any(r.shared for r in records) and any(not r.shared for r in records)


@pytest.mark.parametrize(
    ("name", "json_name"),
    [
        ("du-container.stdout", "du-container.json"),
        ("du-remote.stdout", "du-remote.json"),
        ("du-default.stdout", "du-default.json"),
    ],
)
def test_totals_agree_with_buildx_own_summary(name: str, json_name: str) -> None:
    """Each line of the plain du's summary is what we print, or we mark ours "≈" and buildx's
    byte count lies within our rounding. (The JSON and the table are two runs of du, a moment
    apart: the lab's remote and default builders may be building in between.)"""
    said = parse_du_summary(fixture(f"local/{name}"))
    assert "Total" in said and "Reclaimable" in said
    ours = {
        line.name: line.sum
        for line in totals(parse_du_json(fixture(f"local/{json_name}")).records).summary_lines()
    }
    assert set(ours) == set(said)
    if json_name == "du-container.json":  # nothing else used this builder between the two runs
        for key, text in said.items():
            assert ours[key].text() == text or (
                ours[key].text().startswith("≈") and ours[key].agrees_with(text)
            )


def test_totals_per_type_add_up() -> None:
    records = parse_du_json(fixture("local/du-container.json")).records
    t = totals(records)
    assert sum(x.size for x in t.by_type) == t.total.value
    assert sum(x.count for x in t.by_type) == t.count == len(records)
    assert [x.size for x in t.by_type] == sorted((x.size for x in t.by_type), reverse=True)


def test_bad_lines_are_named_not_raised() -> None:
    text = fixture("local/du-container.json").splitlines()[0] + '\nnot json\n[1]\n{"ID":"x"}\n'
    result = parse_du_json(text)
    assert len(result.records) == 1
    assert [p.split(":")[0] for p in result.problems] == ["line 2", "line 3", "line 4"]


@pytest.mark.parametrize(
    ("text", "size"), [("0B", 0), ("656B", 656), ("4.096kB", 4096), ("532.5kB", 532500),
                       ("1.2GB", 1_200_000_000), ("185.9MB", 185_900_000)],
)  # fmt: skip
def test_human_sizes(text: str, size: int) -> None:
    assert parse_human_size(text) == size
    assert human_size(size) == text


def test_slack_is_half_the_fourth_digit() -> None:
    assert size_slack("92.87MB") == pytest.approx(5000)
    assert size_slack("4.096kB") == pytest.approx(0.5)
    assert size_slack("656B") == 0


@pytest.mark.parametrize(
    ("text", "size"), [("1GB", 1024**3), ("3MB", 3 * 1024**2), ("512m", 512 * 1024**2),
                       ("10gib", 10 * 1024**3), ("1000", 1000), ("1.5k", 1536)],
)  # fmt: skip
def test_flag_sizes_are_binary_as_docker_reads_them(text: str, size: int) -> None:
    assert parse_flag_size(text) == size


@pytest.mark.parametrize("text", ["", "ten", "1.2.3GB", "5 XB", "-1GB", "1" * 10_000 + "x"])
def test_bad_flag_sizes_say_so(text: str) -> None:
    with pytest.raises(SizeError, match="not a size"):
        parse_flag_size(text)


def test_every_age_word_of_go_units() -> None:
    assert age_range("Less than a second ago") == age_range("less than a second ago")
    r = age_range("17 minutes ago")
    assert r is not None and (r.low, r.high) == (17 * 60, 18 * 60)
    r = age_range("3 hours ago")
    assert r is not None and (r.low, r.high) == (2.5 * 3600, 3.5 * 3600)
    r = age_range("About an hour ago")
    assert r is not None and r.older_than(3000) is True and r.older_than(7200) is False
    r = age_range("2 days ago")
    assert r is not None and r.older_than(36 * 3600) is True and r.older_than(60 * 3600) is None
    assert age_range("yesterday") is None


@pytest.mark.parametrize(("text", "seconds"), [("24h", 86400), ("1h30m", 5400), ("90s", 90),
                                                ("1.5h", 5400), ("300ms", 0.3)])  # fmt: skip
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


def test_days_are_no_go_duration_and_the_message_says_so() -> None:
    with pytest.raises(ValueError, match="168h"):
        parse_go_duration("7d")


def test_tree_puts_every_child_under_its_parent() -> None:
    records = parse_du_json(fixture("local/du-container.json")).records
    rows = tree_rows(records)
    assert sorted(r.record.id for r in rows) == sorted(r.id for r in records)
    position = {row.record.id: i for i, row in enumerate(rows)}
    depth = {row.record.id: row.depth for row in rows}
    children = [r for r in records if r.parents]
    assert children  # the recording has layers on layers
    for r in children:
        assert position[r.parents[0]] < position[r.id]
        assert depth[r.id] == depth[r.parents[0]] + 1


def test_sort_keys_and_filter() -> None:
    records = parse_du_json(fixture("local/du-container.json")).records
    sizes = [row.record.size for row in sorted_rows(records, SortKey.SIZE)]
    assert sizes == sorted(sizes, reverse=True)
    usage = [row.record.usage_count for row in sorted_rows(records, SortKey.USAGE)]
    assert usage == sorted(usage, reverse=True)
    assert SortKey.TYPE.next() is SortKey.TREE
    cache_mounts = filter_records(records, "exec.cachemount")
    assert cache_mounts and all(r.type == "exec.cachemount" for r in cache_mounts)
    assert filter_records(records, "") == list(records)
    assert filter_records(records, "x" * 10_000) == []


def test_a_sum_agrees_only_within_the_rounding() -> None:
    from buildx_tui.core.cache.totals import Sum

    s = Sum(3_000_463, 508.0)
    assert s.text() == "≈3MB"
    assert s.agrees_with("3.001MB") and s.agrees_with("3MB")
    assert not s.agrees_with("3.002MB") and not s.agrees_with("2.998MB")
    assert not s.agrees_with("lots")
    assert Sum(4096, 0.0).text() == "4.096kB"
