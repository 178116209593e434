"""How long ago a record was last used, as far as buildx says.

`du --format json` gives ``LastUsedAt`` as go-units ``HumanDuration`` + " ago" ("17 minutes ago",
"About an hour ago", "3 days ago"): a range, not an instant. :func:`age_range` turns the words back
into the range of ages (seconds) that print them, so that a prune preview can say which records an
``until`` filter surely removes, surely keeps, or may remove.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MIN = 60.0
_HOUR = 3600.0
_DAY = 24 * _HOUR


@dataclass(frozen=True)
class AgeRange:
    """An age in seconds, at least ``low`` and less than ``high``."""

    low: float
    high: float

    def older_than(self, seconds: float) -> bool | None:
        """True: surely older; False: surely not; None: the words cannot tell."""
        if self.low >= seconds:
            return True
        if self.high <= seconds:
            return False
        return None


_FIXED = {
    "less than a second": AgeRange(0, 1),
    "1 second": AgeRange(1, 2),
    "about a minute": AgeRange(_MIN, 2 * _MIN),
    # HumanDuration rounds hours: "About an hour" is 60 minutes up to 1.5 hours.
    "about an hour": AgeRange(_HOUR, 1.5 * _HOUR),
}
_COUNTED = re.compile(r"^(\d+) (second|minute|hour|day|week|month|year)s?$")


def age_range(text: str) -> AgeRange | None:
    """The ages that buildx prints as ``text`` ("3 hours ago"), None for words it never prints."""
    words = text.strip().lower().removesuffix(" ago").strip()
    if words in _FIXED:
        return _FIXED[words]
    m = _COUNTED.match(words)
    if m is None:
        return None
    n, unit = int(m.group(1)), m.group(2)
    if unit == "second":
        return AgeRange(n, n + 1)
    if unit == "minute":
        return AgeRange(n * _MIN, (n + 1) * _MIN)
    # From here go-units works in hours rounded to the nearest (years: truncated).
    if unit == "hour":
        return AgeRange((n - 0.5) * _HOUR, (n + 0.5) * _HOUR)
    if unit == "day":
        return AgeRange((24 * n - 0.5) * _HOUR, (24 * n + 23.5) * _HOUR)
    if unit == "week":
        return AgeRange((168 * n - 0.5) * _HOUR, (168 * n + 167.5) * _HOUR)
    if unit == "month":
        return AgeRange((720 * n - 0.5) * _HOUR, (720 * n + 719.5) * _HOUR)
    return AgeRange(8760 * n * _HOUR, 8760 * (n + 1) * _HOUR)


_GO_DURATION = re.compile(r"^(?:(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$")
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_UNIT_S = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": _MIN, "h": _HOUR}


def parse_go_duration(text: str) -> float:
    """Seconds from a Go duration ("24h", "1h30m", "90s"), as buildx's ``until`` filter reads it.

    Raises ValueError with a message a user can act on (Go knows no "d": 7 days is "168h")."""
    value = text.strip()
    if value in ("0", ""):
        raise ValueError("a duration is needed, such as 24h, 30m or 1h30m")
    if _GO_DURATION.match(value) is None:
        hint = " (Go durations have no days: 7 days is 168h)" if value.endswith("d") else ""
        raise ValueError(f"not a duration: {value[:40]!r}; use h, m, s as in 24h or 1h30m{hint}")
    return sum(float(n) * _UNIT_S[u] for n, u in _PART.findall(value))


def describe_seconds(seconds: float) -> str:
    """A short reading of a duration for the preview ("2 h", "45 s", "3 days")."""
    if seconds >= 2 * _DAY:
        return f"{seconds / _DAY:g} days"
    if seconds >= _HOUR:
        return f"{seconds / _HOUR:g} h"
    if seconds >= _MIN:
        return f"{seconds / _MIN:g} min"
    return f"{seconds:g} s"


_SHORT = {
    "less than a second": "<1 s",
    "about a minute": "~1 min",
    "about an hour": "~1 h",
}
_SHORT_UNIT = {"second": "s", "minute": "min", "hour": "h", "day": "d", "week": "wk", "month": "mo",
               "year": "y"}  # fmt: skip


def short_words(text: str) -> str:
    """buildx's "17 minutes ago" in a narrow column: "17 min ago" (unknown words as they are)."""
    words = text.strip().removesuffix(" ago").strip()
    short = _SHORT.get(words.lower())
    if short is None:
        m = _COUNTED.match(words.lower())
        if m is None:
            return text
        short = f"{m.group(1)} {_SHORT_UNIT[m.group(2)]}"
    return f"{short} ago"
