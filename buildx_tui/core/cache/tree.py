"""The records as a tree by Parents, and the sorted / filtered lists the screen shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from buildx_tui.core.cache.records import CacheRecord


@dataclass(frozen=True)
class Row:
    """A record in display order: its depth in the tree (0 in a flat list)."""

    record: CacheRecord
    depth: int


def children_of(records: Sequence[CacheRecord]) -> dict[str, list[CacheRecord]]:
    """Each record's children: the records that name it among their Parents."""
    kids: dict[str, list[CacheRecord]] = {}
    for r in records:
        for p in r.parents:
            kids.setdefault(p, []).append(r)
    return kids


def tree_rows(records: Sequence[CacheRecord]) -> list[Row]:
    """Roots (no parent among the records) largest first, each followed by its subtree.

    A record with several parents (a merge or diff) is shown under the first; a parent that is not
    in the list (another node's, or filtered out) makes the record a root."""
    ids = {r.id for r in records}
    kids = children_of(records)
    rows: list[Row] = []
    seen: set[str] = set()

    def walk(r: CacheRecord, depth: int) -> None:
        if r.id in seen:
            return
        seen.add(r.id)
        rows.append(Row(r, depth))
        for c in sorted(kids.get(r.id, []), key=_by_size):
            if c.parents and c.parents[0] == r.id:
                walk(c, depth + 1)

    roots = [r for r in records if not r.parents or r.parents[0] not in ids]
    for r in sorted(roots, key=_by_size):
        walk(r, 0)
    for r in records:  # a cycle would leave some unseen: show them flat rather than lose them
        if r.id not in seen:
            walk(r, 0)
    return rows


def _by_size(r: CacheRecord) -> tuple[int, str]:
    return (-r.size, r.id)


class SortKey(StrEnum):
    TREE = "tree"
    SIZE = "size"
    LAST_USED = "last used"
    USAGE = "usage"
    TYPE = "type"

    def next(self) -> SortKey:
        keys = list(SortKey)
        return keys[(keys.index(self) + 1) % len(keys)]


def _age_key(r: CacheRecord) -> tuple[float, str]:
    age = r.age
    return (-(age.low if age is not None else float("inf")), r.id)  # oldest first


def sorted_rows(records: Sequence[CacheRecord], key: SortKey) -> list[Row]:
    if key is SortKey.TREE:
        return tree_rows(records)
    if key is SortKey.SIZE:
        ordered = sorted(records, key=_by_size)
    elif key is SortKey.LAST_USED:
        ordered = sorted(records, key=_age_key)
    elif key is SortKey.USAGE:
        ordered = sorted(records, key=lambda r: (-r.usage_count, r.id))
    else:
        ordered = sorted(records, key=lambda r: (r.type, -r.size, r.id))
    return [Row(r, 0) for r in ordered]


def matches(record: CacheRecord, text: str) -> bool:
    """The filter box: every word must be in the ID, type, description or the marks' words."""
    hay = " ".join(
        (
            record.id,
            record.type,
            record.description,
            "shared" if record.shared else "private",
            "reclaimable" if record.reclaimable else "in-use",
            "mutable" if record.mutable else "",
        )
    ).lower()
    return all(word in hay for word in text.lower().split())


def filter_records(records: Sequence[CacheRecord], text: str) -> list[CacheRecord]:
    return [r for r in records if matches(r, text)] if text.strip() else list(records)
