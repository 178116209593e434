"""`history rm` of old records: what goes, on the lab's recorded `history ls` (builds-rec-c:
six records over five seconds, two of them Error) and its recorded `history rm`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from buildx_tui.core.builds.cleanup import (
    CleanupChoice,
    CleanupError,
    StatusChoice,
    age_text,
    parse_age,
    plan_cleanup,
)
from buildx_tui.core.builds.records import parse_ls
from tests.fakes import fixture

RECORDS = parse_ls(fixture("local/history-ls-c.json")).records
MULTI = parse_ls(fixture("local/history-ls-multinode.json")).records
#: m4yb… (17:57:55.99) and auuo… (17:57:57.58) are over a minute old then; wqej… (17:57:58.25) not.
NOW = datetime(2026, 12, 1, 17, 58, 58, tzinfo=UTC)


def ids(plan) -> list[str]:
    return [g.record.id[:4] for g in plan.goes]


def test_ages() -> None:
    assert parse_age("7d") == timedelta(days=7)
    assert parse_age("1d12h") == timedelta(days=1, hours=12)
    assert parse_age(" 90m ") == timedelta(minutes=90)
    assert parse_age("") is None
    for bad in ("7", "d", "7 days", "-1h", "x" * 5000):
        with pytest.raises(CleanupError) as e:
            parse_age(bad)
        assert e.value.field == "older_than" and len(str(e.value)) < 120
    assert age_text(timedelta(days=3, hours=4, minutes=5)) == "3d 4h"
    assert age_text(timedelta(seconds=40)) == "40s"
    assert age_text(timedelta(days=2, seconds=61)) == "2d 0h"


def test_by_status_error_is_failed_and_cancelled() -> None:
    plan = plan_cleanup("builds-rec-c", RECORDS, CleanupChoice(status=StatusChoice.ERROR), NOW)
    assert ids(plan) == ["kojq", "wqej"]
    assert [g.record.name for g in plan.goes] == ["slow", "failing"]
    assert plan.argv() == (
        "buildx", "history", "rm", "--builder", "builds-rec-c",
        "kojqonku934a2h84hw2esxb1z", "wqej9xjeco031y2ztoul7k5l1",
    )  # fmt: skip
    assert plan.headline() == ("2 records would be removed (failed or cancelled (Error)); 4 stay.")


def test_by_age_and_keep_newest() -> None:
    old = plan_cleanup("b", RECORDS, CleanupChoice(older_than="1m"), NOW)
    assert ids(old) == ["auuo", "m4yb"]
    assert all(g.age is not None and g.age >= timedelta(minutes=1) for g in old.goes)
    keep = plan_cleanup("b", RECORDS, CleanupChoice(keep_newest="4"), NOW)
    assert ids(keep) == ["auuo", "m4yb"]
    both = plan_cleanup(
        "b", RECORDS, CleanupChoice(keep_newest="1", status=StatusChoice.COMPLETED), NOW
    )
    assert ids(both) == ["4m62", "4vv6", "auuo", "m4yb"]
    none = plan_cleanup("b", RECORDS, CleanupChoice(older_than="30d"), NOW)
    assert none.goes == () and none.headline().startswith("No record matches (older than 30d)")


def test_a_record_on_two_nodes_is_one_ref() -> None:
    plan = plan_cleanup("builds-rec-m", MULTI, CleanupChoice(keep_newest="0"), NOW)
    assert len(plan.goes) == 2 and len(plan.spec.refs) == 1


def test_nothing_chosen_and_bad_numbers_are_refused() -> None:
    with pytest.raises(CleanupError, match="choose an age, a status"):
        plan_cleanup("b", RECORDS, CleanupChoice(), NOW)
    with pytest.raises(CleanupError) as e:
        plan_cleanup("b", RECORDS, CleanupChoice(keep_newest="-3"), NOW)
    assert e.value.field == "keep_newest"


def test_running_records_never_go() -> None:
    running = parse_ls(fixture("local/history-ls-running.json")).records
    assert any(r.status.value == "running" for r in running)
    plan = plan_cleanup("b", running, CleanupChoice(keep_newest="0"), NOW + timedelta(days=9))
    assert all(g.record.status.value != "running" for g in plan.goes)
    assert plan.running >= 1


def test_history_rm_prints_nothing() -> None:
    """Why the screen compares `history ls` before and after: rm says nothing, even for a
    record already gone."""
    assert fixture("local/history-rm.stdout") == fixture("local/history-rm-missing.stdout") == ""
    assert fixture("local/history-rm-missing.stderr") == ""
