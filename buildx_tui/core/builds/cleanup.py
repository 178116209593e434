"""Which old build records of a builder a `docker buildx history rm` would remove, chosen by
age, by status and/or "keep the newest N", listed before anything runs.

buildx v0.36.1: ``docker buildx history rm [--builder B] [--all] [REF…]`` (REF: the record id,
looked up on every node of the builder); it prints nothing and exits 0, even for a ref that is
already gone (tests/fixtures/local/history-rm*.std*). So the screen compares `history ls`
before and after. `history ls` says ``Error`` for a failed build and a cancelled one alike
(:mod:`.records`): the status choice "failed or cancelled" is that one word. Running records are
never chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .commands import RmSpec
from .records import BuildRecord, BuildStatus

__all__ = [
    "CleanupChoice",
    "CleanupError",
    "CleanupPlan",
    "StatusChoice",
    "age_text",
    "parse_age",
    "plan_cleanup",
]

_AGE = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
#: The most refs one command names (a longer list is refused: use "all" with --all instead).
MAX_REFS = 500


class StatusChoice(StrEnum):
    ANY = "any"
    ERROR = "error"  # failed or cancelled: `history ls` says Error for both
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return {
            StatusChoice.ANY: "any status",
            StatusChoice.ERROR: "failed or cancelled (Error)",
            StatusChoice.COMPLETED: "completed",
        }[self]


class CleanupError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_age(text: str) -> timedelta | None:
    """``7d``, ``12h``, ``90m``, ``1d12h``, ``2w`` (s, m, h, d, w); '' is None; raises
    CleanupError on anything else."""
    value = text.strip()
    if not value:
        return None
    if len(value) > 40:
        raise CleanupError("older_than", f"{len(value)} characters: write an age like 7d or 12h")
    parts = _AGE.findall(value)
    if not parts or _AGE.sub("", value).strip():
        shown = value if len(value) <= 20 else value[:19] + "…"
        raise CleanupError(
            "older_than", f"{shown!r} is not an age: write a number and a unit, e.g. 7d, 12h, 90m"
        )
    seconds = sum(int(n) * _UNIT[u.lower()] for n, u in parts)
    if seconds > 100 * 365 * 86400:
        raise CleanupError("older_than", "more than 100 years: no record is that old")
    return timedelta(seconds=seconds)


def age_text(age: timedelta) -> str:
    """``3d 4h``, ``2d 0h``, ``2h 5m``, ``40s``: the largest unit and the next one."""
    seconds = max(0, int(age.total_seconds()))
    out: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if out or seconds >= size or unit == "s":
            out.append(f"{seconds // size}{unit}")
            seconds %= size
        if len(out) == 2:
            break
    return " ".join(out)


@dataclass(frozen=True)
class CleanupChoice:
    """What the user typed: every criterion given must hold for a record to go."""

    older_than: str = ""
    status: StatusChoice = StatusChoice.ANY
    keep_newest: str = ""


@dataclass(frozen=True)
class Going:
    record: BuildRecord
    age: timedelta | None


@dataclass(frozen=True)
class CleanupPlan:
    builder: str
    goes: tuple[Going, ...]
    stays: int
    running: int  # running records: never chosen
    criteria: str

    @property
    def spec(self) -> RmSpec:
        return RmSpec(self.builder, tuple(dict.fromkeys(g.record.id for g in self.goes)))

    def argv(self) -> tuple[str, ...]:
        return self.spec.argv()

    def headline(self) -> str:
        n = len(self.goes)
        if not n:
            return f"No record matches ({self.criteria}): nothing would be removed."
        plural = "s" if n != 1 else ""
        return f"{n} record{plural} would be removed ({self.criteria}); {self.stays} stay."


def _keep(text: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 6:
        shown = value if len(value) <= 20 else value[:19] + "…"
        raise CleanupError("keep_newest", f"{shown!r} is not a number of records (0 or more)")
    return int(value)


def plan_cleanup(
    builder: str, records: tuple[BuildRecord, ...], choice: CleanupChoice, now: datetime
) -> CleanupPlan:
    """The records that would go. Raises CleanupError (with the field) on bad input or when
    nothing was chosen (removing every record is `--all`, a choice of its own)."""
    age = parse_age(choice.older_than)
    keep = _keep(choice.keep_newest)
    if age is None and keep is None and choice.status is StatusChoice.ANY:
        raise CleanupError(
            "older_than", "choose an age, a status or how many of the newest to keep"
        )
    newest = sorted(records, key=_started, reverse=True)
    kept_newest = {r.ref for r in newest[:keep]} if keep is not None else set()
    goes: list[Going] = []
    running = 0
    for r in newest:
        if r.status is BuildStatus.RUNNING:
            running += 1
            continue
        r_age = now - r.created_at if r.created_at is not None else None
        if r.ref in kept_newest:
            continue
        if choice.status is StatusChoice.ERROR and not r.status.is_error:
            continue
        if choice.status is StatusChoice.COMPLETED and r.status is not BuildStatus.COMPLETED:
            continue
        if age is not None and (r_age is None or r_age < age):
            continue
        goes.append(Going(r, r_age))
    if len(goes) > MAX_REFS:
        raise CleanupError(
            "keep_newest", f"{len(goes)} records: one command names at most {MAX_REFS}"
        )
    criteria = [choice.status.label] if choice.status is not StatusChoice.ANY else []
    if age is not None:
        criteria.append(f"older than {choice.older_than.strip()}")
    if keep is not None:
        criteria.append(f"all but the newest {keep}")
    return CleanupPlan(builder, tuple(goes), len(records) - len(goes), running, ", ".join(criteria))


def _started(r: BuildRecord) -> tuple[float, str]:
    return (r.created_at.timestamp() if r.created_at else 0.0, r.ref)
