"""core/cache prune: argv, checks and the PREVIEW, against what BuildKit really removed.

Each `prune-X.stdout` was recorded on the lab right after `du-before-X.json`
(scripts/record_cache_fixtures.py): the preview computed from the du must list exactly the
records the prune printed, or, where it cannot be exact (space limits), contain them and say so.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from buildx_tui.core.builders import Node, NodeStatus, parse_ls_json
from buildx_tui.core.cache.commands import (
    buildkit_version,
    du_json_argv,
    du_problem,
    pruned_ids,
    space_flags,
)
from buildx_tui.core.cache.prune import (
    Fate,
    Preview,
    PruneChoice,
    PruneError,
    check_choice,
    preview,
)
from buildx_tui.core.cache.records import parse_du_json
from buildx_tui.core.cache.sizes import parse_human_size
from buildx_tui.core.cache.tree import children_of
from tests.fakes import fixture

EXACT = {
    "until-24h": PruneChoice(until="24h"),
    "reserved-1gb": PruneChoice(reserved_space="1GB"),
    "max-used-1gb": PruneChoice(max_used_space="1GB"),
    "type-cachemount": PruneChoice(type="exec.cachemount"),
    "type-local-verbose": PruneChoice(type="source.local"),
    "until-4s": PruneChoice(until="4s"),
    "default": PruneChoice(),
    "all": PruneChoice(all=True),
}
NOT_EXACT = {
    "min-free-1mb": PruneChoice(min_free_space="1MB"),
    "max-used-3mb": PruneChoice(max_used_space="3MB"),
}


def run(name: str, choice: PruneChoice) -> tuple[set[str], set[str], set[str], Preview]:
    records = parse_du_json(fixture(f"local/du-before-{name}.json")).records
    p = preview(records, check_choice("cache-c", choice, space_allowed=True))
    out = fixture(f"local/prune-{name}.stdout")
    return {r.id for r in p.goes}, {r.id for r in p.may_go}, set(pruned_ids(out)), p


@pytest.mark.parametrize("name", sorted(EXACT))
def test_preview_lists_exactly_what_buildkit_removed(name: str) -> None:
    goes, may, removed, p = run(name, EXACT[name])
    assert not may
    assert goes == removed
    total = fixture(f"local/prune-{name}.stdout").strip().splitlines()[-1]
    assert total.startswith("Total:")
    said = total.split()[-1]
    if removed:  # the bytes too: as buildx's "Total:" prints them, or "≈" and within rounding
        shown = p.goes_bytes.text()
        assert shown in p.headline()
        assert shown == said or (shown.startswith("≈") and p.goes_bytes.agrees_with(said))
    else:
        assert p.headline() == "Nothing would be removed."


def test_the_recordings_cover_removals_and_keeps() -> None:
    """Without this the test above could pass on prunes that removed nothing."""
    removed = {name: run(name, choice)[2] for name, choice in EXACT.items()}
    assert removed["until-4s"] and removed["default"] and removed["all"]
    assert not removed["until-24h"]
    before = parse_du_json(fixture("local/du-before-until-4s.json")).records
    assert len(removed["until-4s"]) < len(before)  # until kept the recent ones
    before = parse_du_json(fixture("local/du-before-default.json")).records
    kept = [r for r in before if r.id not in removed["default"]]
    assert kept and all(r.type == "frontend" for r in kept)  # only --all removes it


@pytest.mark.parametrize("name", sorted(NOT_EXACT))
def test_space_limits_give_candidates_and_say_why(name: str) -> None:
    goes, may, removed, p = run(name, NOT_EXACT[name])
    assert removed and removed <= goes | may
    assert may and "may be" in p.headline()


def test_max_used_space_says_how_much_must_go() -> None:
    records = parse_du_json(fixture("local/du-before-max-used-3mb.json")).records
    spec = check_choice("cache-c", PruneChoice(max_used_space="3MB"), space_allowed=True)
    p = preview(records, spec)
    unshared = sum(r.size for r in records if not r.shared)
    assert p.at_least == unshared - 3 * 1024**2  # docker reads 3MB as 3 MiB
    said = fixture("local/prune-max-used-3mb.stdout").strip().splitlines()[-1].split()[-1]
    assert parse_human_size(said) >= p.at_least * 0.999
    assert any("one at a time" in n for n in p.notes)


def test_in_use_records_and_their_parents_stay() -> None:
    records = list(parse_du_json(fixture("local/du-before-default.json")).records)
    child = next(r for r in records if r.parents)
    records[records.index(child)] = replace(child, reclaimable=False)
    p = preview(records, check_choice("b", PruneChoice(all=True), space_allowed=True))
    assert p.fates[child.id] is Fate.STAYS and p.why[child.id] == "in use"
    assert p.fates[child.parents[0]] is Fate.STAYS
    assert "stays" in p.why[child.parents[0]]


def test_shared_records_stay_without_all() -> None:
    records = parse_du_json(fixture("local/du-default.json")).records
    shared = [r for r in records if r.shared]
    p = preview(records, check_choice("default", PruneChoice(), space_allowed=False))
    assert shared and all(p.fates[r.id] is Fate.STAYS for r in shared)
    p = preview(records, check_choice("default", PruneChoice(all=True), space_allowed=False))
    assert all(p.fates[r.id] is Fate.GOES for r in shared if r.reclaimable)


def test_until_near_the_limit_is_a_may_go() -> None:
    records = parse_du_json(fixture("local/du-default.json")).records  # used hours ago
    kids = children_of(records)
    leaves = [r for r in records if r.last_used.endswith(" hours ago") and r.id not in kids]
    assert leaves
    leaf = leaves[0]
    n = int(leaf.last_used.split()[0])

    def fate(until: str) -> Fate:
        choice = PruneChoice(until=until, all=True)
        return preview(records, check_choice("default", choice, space_allowed=False)).fates[leaf.id]

    assert fate(f"{n}h") is Fate.MAY_GO  # "3 hours ago" is 2.5 h to 3.5 h
    assert fate(f"{n + 1}h") is Fate.STAYS
    assert fate(f"{n - 1}h") is Fate.GOES


def test_argv_has_each_filter_and_flag() -> None:
    spec = check_choice(
        "cache-c",
        PruneChoice(until="24h", type="regular", id="abc1", all=True, max_used_space="2GB",
                    reserved_space="1GB", min_free_space="10GB"),
        space_allowed=True,
    )  # fmt: skip
    assert spec.argv() == (
        "buildx", "prune", "--builder", "cache-c", "--force", "--all",
        "--filter", "until=24h", "--filter", "type=regular", "--filter", "id=abc1",
        "--max-used-space", "2GB", "--reserved-space", "1GB", "--min-free-space", "10GB",
    )  # fmt: skip
    assert check_choice("b", PruneChoice(), space_allowed=False).argv() == (
        "buildx", "prune", "--builder", "b", "--force",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("choice", "field", "words"),
    [
        (PruneChoice(until="7d"), "until", "168h"),
        (PruneChoice(until="x" * 10_000), "until", "too long"),
        (PruneChoice(type="image"), "type", "not a record type"),
        (PruneChoice(id="a,b"), "id", "letters and digits"),
        (PruneChoice(max_used_space="lots"), "max_used_space", "not a size"),
        (PruneChoice(min_free_space="0"), "min_free_space", "above zero"),
    ],
)
def test_bad_fields_are_named(choice: PruneChoice, field: str, words: str) -> None:
    with pytest.raises(PruneError, match=words) as caught:
        check_choice("b", choice, space_allowed=True)
    assert caught.value.field == field


def test_space_limits_refused_where_buildkit_is_old() -> None:
    with pytest.raises(PruneError, match=r"v0\.17") as caught:
        check_choice("default", PruneChoice(reserved_space="1GB"), space_allowed=False)
    assert caught.value.field == "reserved_space"


def test_space_flags_follow_the_recorded_versions() -> None:
    ls = parse_ls_json(fixture("local/du-ls.json"))
    assert space_flags(ls.get("cache-c").nodes).allowed  # type: ignore[union-attr]
    old = space_flags(ls.get("default").nodes)  # type: ignore[union-attr]
    assert not old.allowed and "v0.17" in old.reason
    assert not space_flags(ls.get("lab-dead").nodes).allowed  # type: ignore[union-attr]
    assert buildkit_version("v0.8+unknown") == (0, 8, 0)
    assert buildkit_version("v0.32.2") == (0, 32, 2)
    assert buildkit_version("") is None
    assert not space_flags([]).allowed
    assert space_flags([Node("n", "e", NodeStatus.RUNNING, version="v0.17.0")]).allowed


def test_du_errors_are_explained() -> None:
    title, fix = du_problem(1, fixture("local/du-dead.stderr"))
    assert "does not answer" in title and "reload" in fix
    title, _ = du_problem(1, 'unknown flag: --format\nSee "docker buildx du --help".')
    assert "0.28" in title
    assert du_json_argv("b")[:6] == ("buildx", "du", "--builder", "b", "--format", "json")


def test_buildx_refusal_on_old_buildkit_is_what_we_prevent() -> None:
    assert "v0.17.0+" in fixture("local/prune-default-max-used-refused.stderr")
