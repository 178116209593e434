"""`docker buildx du --format json` (buildx >= 0.28): one JSON object per line, one per record.

Keys: ID, Parents (a list or null), Type ("regular", "source.local", "exec.cachemount",
"frontend", "internal", "source.git.checkout"), Description, Size (go-units text, see
:mod:`.sizes`), Shared, Reclaimable (buildx's ``!InUse``), Mutable, CreatedAt (Go's
``time.String()``), LastUsedAt (words, see :mod:`.ages`; "" when never used), UsageCount.
A multi-node builder's records come one node after the other, not told apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from buildx_tui.core.cache.ages import AgeRange, age_range
from buildx_tui.core.cache.sizes import SizeError, parse_human_size

#: Record types BuildKit keeps on a plain prune (without --all).
KEPT_TYPES = ("internal", "frontend")
#: The record types BuildKit knows (client/diskusage.go), for the type filter.
RECORD_TYPES = (
    "regular",
    "source.local",
    "exec.cachemount",
    "source.git.checkout",
    "frontend",
    "internal",
)


@dataclass(frozen=True)
class CacheRecord:
    id: str
    parents: tuple[str, ...]
    type: str
    description: str
    size: int  # bytes, exact to the 4th digit of ``size_text``
    size_text: str  # as buildx printed it
    shared: bool
    reclaimable: bool
    mutable: bool
    created_at: datetime | None
    last_used: str  # as buildx printed it ("3 hours ago"); "" never used
    usage_count: int

    @property
    def in_use(self) -> bool:
        return not self.reclaimable

    @property
    def age(self) -> AgeRange | None:
        """The range of ages the ``last_used`` words stand for (None: never used or unknown)."""
        return age_range(self.last_used) if self.last_used else None


@dataclass(frozen=True)
class DuResult:
    records: tuple[CacheRecord, ...]
    problems: tuple[str, ...] = ()  # lines that could not be read, each said once


_GO_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))? ([+-]\d{4})")


def parse_go_time(text: str) -> datetime | None:
    """Go's ``time.String()`` ("2026-12-01 15:23:58.566662324 +0000 UTC"), to microseconds."""
    m = _GO_TIME.match(text.strip())
    if m is None:
        return None
    fraction = (m.group(2) or "0")[:6].ljust(6, "0")
    try:
        when = datetime.strptime(f"{m.group(1)}.{fraction} {m.group(3)}", "%Y-%m-%d %H:%M:%S.%f %z")
    except ValueError:
        return None
    return when.astimezone(UTC)


def _bool(v: object) -> bool:
    return v is True


def parse_record(data: dict[str, object]) -> CacheRecord:
    """One JSON object of `du --format json`; raises ValueError when it is no record."""
    rid = data.get("ID")
    if not isinstance(rid, str) or not rid:
        raise ValueError("no ID")
    size_text = data.get("Size")
    if not isinstance(size_text, str):
        raise ValueError(f"{rid}: no Size")
    try:
        size = parse_human_size(size_text)
    except SizeError as error:
        raise ValueError(f"{rid}: {error}") from error
    parents = data.get("Parents")
    count = data.get("UsageCount")
    created = data.get("CreatedAt")
    return CacheRecord(
        id=rid,
        parents=tuple(p for p in parents if isinstance(p, str))
        if isinstance(parents, list)
        else (),
        type=str(data.get("Type") or "regular"),
        description=str(data.get("Description") or ""),
        size=size,
        size_text=size_text,
        shared=_bool(data.get("Shared")),
        reclaimable=_bool(data.get("Reclaimable")),
        mutable=_bool(data.get("Mutable")),
        created_at=parse_go_time(created) if isinstance(created, str) else None,
        last_used=str(data.get("LastUsedAt") or ""),
        usage_count=count if isinstance(count, int) and not isinstance(count, bool) else 0,
    )


def parse_du_json(text: str) -> DuResult:
    """Every record of `du --format json`; unreadable lines are named in ``problems``."""
    records: list[CacheRecord] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            records.append(parse_record(data))
        except ValueError as error:
            problems.append(f"line {number}: {error}"[:200])
    return DuResult(tuple(records), tuple(problems))
