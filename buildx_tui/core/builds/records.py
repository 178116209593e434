"""`docker buildx history ls --format json`: one record per line (snake_case keys).

What the lab shows (buildx v0.36.1, BuildKit v0.32.2; tests/fixtures/local/history-ls-*):
``ref`` is ``builder/node/id``; ``status`` is ``Running``, ``Completed`` or ``Error`` — a build
cancelled with SIGINT is listed as ``Error`` too (only ``history inspect`` says ``canceled``),
so the list says "error" and the details say which; a running record has no ``completed_at``
and 0/0 steps until it ends; there is no duration: it is computed here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "BuildRecord",
    "BuildStatus",
    "LsParse",
    "parse_ls",
    "parse_time",
    "split_ref",
]


class BuildStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    #: `history ls` says Error for a failed build and for a cancelled one alike.
    ERROR = "error"
    FAILED = "failed"  # from `history inspect`
    CANCELLED = "cancelled"  # from `history inspect` ("canceled")
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, text: str) -> BuildStatus:
        key = text.strip().lower()
        return {
            "running": cls.RUNNING,
            "completed": cls.COMPLETED,
            "error": cls.ERROR,
            "failed": cls.FAILED,
            "canceled": cls.CANCELLED,
            "cancelled": cls.CANCELLED,
        }.get(key, cls.UNKNOWN)

    @property
    def is_error(self) -> bool:
        return self in (BuildStatus.ERROR, BuildStatus.FAILED, BuildStatus.CANCELLED)


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 time with nanoseconds (Go's), as a timezone-aware datetime; else None."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if "." in text:  # Python keeps microseconds: cut the fraction to 6 digits
        head, _, rest = text.partition(".")
        digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
        zone = rest[len(digits) :]
        text = f"{head}.{digits[:6].ljust(6, '0')}{zone}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def split_ref(ref: str) -> tuple[str, str, str]:
    """``builder/node/id`` -> its three parts; a bare id gives ``("", "", id)``."""
    parts = ref.split("/")
    if len(parts) >= 3:
        return parts[0], "/".join(parts[1:-1]), parts[-1]
    return "", "", parts[-1]


@dataclass(frozen=True)
class BuildRecord:
    """One line of `history ls`."""

    ref: str  # builder/node/id, as listed
    name: str
    status: BuildStatus
    created_at: datetime | None
    completed_at: datetime | None
    total_steps: int
    completed_steps: int
    cached_steps: int

    @property
    def builder(self) -> str:
        return split_ref(self.ref)[0]

    @property
    def node(self) -> str:
        return split_ref(self.ref)[1]

    @property
    def id(self) -> str:
        """What `history inspect/export/rm` take."""
        return split_ref(self.ref)[2]

    def duration_s(self, now: datetime) -> float | None:
        """Completed - created; a running build: until ``now``; unknown without a start."""
        if self.created_at is None:
            return None
        end = self.completed_at
        if end is None:
            if self.status is not BuildStatus.RUNNING:
                return None
            end = now
        return max(0.0, (end - self.created_at).total_seconds())

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BuildRecord:
        ref = data.get("ref")
        if not isinstance(ref, str) or not ref:
            raise ValueError("no ref")
        name = data.get("name")
        status = data.get("status")
        return cls(
            ref=ref,
            name=name if isinstance(name, str) else "",
            status=BuildStatus.parse(status) if isinstance(status, str) else BuildStatus.UNKNOWN,
            created_at=parse_time(data.get("created_at")),
            completed_at=parse_time(data.get("completed_at")),
            total_steps=_int(data.get("total_steps")),
            completed_steps=_int(data.get("completed_steps")),
            cached_steps=_int(data.get("cached_steps")),
        )


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class LsParse:
    records: tuple[BuildRecord, ...]
    #: Lines that were not a record (kept short, to say so rather than drop them silently).
    bad_lines: tuple[str, ...] = ()


def parse_ls(text: str) -> LsParse:
    """Every record of `history ls --format json`, newest first (by start; running first on a
    tie). A line that is not a JSON record is kept in ``bad_lines``, never fatal."""
    records: list[BuildRecord] = []
    bad: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            records.append(BuildRecord.from_json(data))
        except ValueError:
            bad.append(line[:200])
    return LsParse(tuple(sort_newest_first(records)), tuple(bad))


def sort_newest_first(records: list[BuildRecord]) -> list[BuildRecord]:
    def key(r: BuildRecord) -> tuple[float, str]:
        return (r.created_at.timestamp() if r.created_at else 0.0, r.ref)

    return sorted(records, key=key, reverse=True)
