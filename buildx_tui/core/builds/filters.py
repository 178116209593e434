"""The Builds list's filter line, e.g. ``status:error since:2h >30s app``.

Words: ``status:running|completed|error`` (error: failed or cancelled: `history ls` does not
tell them apart), ``since:DURATION`` (started within, e.g. 90s, 15m, 2h, 3d), ``>DURATION``
(slower than), anything else: a piece of the name or ref (all must match, any case). "This
directory only" is `history ls --local` (a flag of the command, not a word here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from buildx_tui.core.builds.grouping import BuildGroup
from buildx_tui.core.builds.records import BuildStatus

__all__ = ["FilterError", "ListFilter", "parse_duration", "parse_filter"]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d)$")
_STATUS_WORDS = {
    "running": frozenset({BuildStatus.RUNNING}),
    "completed": frozenset({BuildStatus.COMPLETED}),
    "error": frozenset({BuildStatus.ERROR, BuildStatus.FAILED, BuildStatus.CANCELLED}),
    "failed": frozenset({BuildStatus.ERROR, BuildStatus.FAILED}),
}
MAX_FILTER = 500


class FilterError(ValueError):
    pass


def parse_duration(text: str) -> float:
    m = _DURATION.match(text.strip().lower())
    if not m:
        raise FilterError(f"{text[:40]!r} is not a duration (e.g. 30s, 15m, 2h, 3d)")
    return float(m[1]) * _UNITS[m[2]]


@dataclass(frozen=True)
class ListFilter:
    statuses: frozenset[BuildStatus] = frozenset()
    since_s: float | None = None
    slower_than_s: float | None = None
    words: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.statuses or self.since_s is not None or self.slower_than_s or self.words)

    def matches(self, group: BuildGroup, now: datetime) -> bool:
        if self.statuses and group.status not in self.statuses:
            return False
        if self.since_s is not None:
            start = group.created_at
            if start is None or start < now - timedelta(seconds=self.since_s):
                return False
        if self.slower_than_s is not None:
            took = group.duration_s(now)
            if took is None or took <= self.slower_than_s:
                return False
        haystack = " ".join([group.name, *(r.ref for r in group.records)]).lower()
        return all(word in haystack for word in self.words)


def parse_filter(text: str) -> ListFilter:
    """Raises :class:`FilterError` with a sentence for a word it cannot read."""
    if len(text) > MAX_FILTER:
        raise FilterError(f"The filter is {len(text):,} characters long: {MAX_FILTER} at most")
    statuses: set[BuildStatus] = set()
    since: float | None = None
    slower: float | None = None
    words: list[str] = []
    for word in text.split():
        low = word.lower()
        if low.startswith("status:"):
            value = low.removeprefix("status:")
            if value not in _STATUS_WORDS:
                raise FilterError(f"status:{value[:20]} is not one of: {', '.join(_STATUS_WORDS)}")
            statuses |= _STATUS_WORDS[value]
        elif low.startswith("since:"):
            since = parse_duration(low.removeprefix("since:"))
        elif low.startswith(">"):
            slower = parse_duration(low[1:])
        else:
            words.append(low)
    return ListFilter(frozenset(statuses), since, slower, tuple(words))
