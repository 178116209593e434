"""Totals of a builder's cache, summed as buildx sums them (``printSummary`` in du.go).

buildx adds exact byte counts; we add sizes read back from its four-digit text, so a total here can
differ from buildx's own in its last digit (each record is off by at most half a unit of its 4th
digit). :func:`parse_du_summary` reads buildx's own totals from plain `du` for comparison.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from buildx_tui.core.cache.records import CacheRecord
from buildx_tui.core.cache.sizes import SizeError, human_size, parse_human_size, size_slack


@dataclass(frozen=True)
class TypeTotal:
    type: str
    count: int
    size: int
    reclaimable: int


@dataclass(frozen=True)
class Sum:
    """A sum of sizes read back from buildx's text: ``value`` give or take ``slack`` bytes."""

    value: int = 0
    slack: float = 0.0

    def add(self, size: int, slack: float) -> Sum:
        return Sum(self.value + size, self.slack + slack)

    @property
    def exact_text(self) -> bool:
        """True when every byte count the sum may stand for prints the same: buildx's text."""
        shown = human_size(self.value)
        low, high = math.ceil(self.value - self.slack), math.floor(self.value + self.slack)
        return human_size(low) == shown == human_size(high)  # byte counts are whole

    def text(self) -> str:
        """As buildx would print it; "≈" first when the rounding of the parts leaves it open."""
        return human_size(self.value) if self.exact_text else "≈" + human_size(self.value)

    def agrees_with(self, text: str) -> bool:
        """Whether buildx's ``text`` ("3.001MB", itself rounded) may print the same bytes."""
        try:
            said = parse_human_size(text)
        except SizeError:
            return False
        give = size_slack(text)
        return said - give <= self.value + self.slack and self.value - self.slack <= said + give


@dataclass(frozen=True)
class SummaryLine:
    name: str
    sum: Sum


@dataclass(frozen=True)
class Totals:
    count: int
    total: Sum
    reclaimable: Sum
    shared: Sum
    private: Sum
    by_type: tuple[TypeTotal, ...] = field(default=())

    def summary_lines(self) -> list[SummaryLine]:
        """The lines plain `du` ends with, in its order (Shared/Private only when shared > 0)."""
        lines: list[SummaryLine] = []
        if self.shared.value > 0:
            lines += [SummaryLine("Shared", self.shared), SummaryLine("Private", self.private)]
        lines += [SummaryLine("Reclaimable", self.reclaimable), SummaryLine("Total", self.total)]
        return lines


def totals(records: Iterable[CacheRecord]) -> Totals:
    """Totals as buildx's summary computes them, with a line per record type (largest first)."""
    count = 0
    total = reclaimable = shared = private = Sum()
    per: dict[str, list[int]] = {}
    for r in records:
        count += 1
        slack = size_slack(r.size_text)
        t = per.setdefault(r.type, [0, 0, 0])
        t[0] += 1
        if r.size > 0:
            total = total.add(r.size, slack)
            t[1] += r.size
            if r.reclaimable:
                reclaimable = reclaimable.add(r.size, slack)
                t[2] += r.size
        if r.shared:
            shared = shared.add(r.size, slack)
        elif r.size > 0:
            private = private.add(r.size, slack)
    by_type = sorted(
        (TypeTotal(k, v[0], v[1], v[2]) for k, v in per.items()), key=lambda t: (-t.size, t.type)
    )
    return Totals(count, total, reclaimable, shared, private, tuple(by_type))


_SUMMARY = re.compile(r"^(Shared|Private|Reclaimable|Total):\s+(\S+)\s*$")


def parse_du_summary(text: str) -> dict[str, str]:
    """buildx's own totals from the end of plain `du` ("Total:\\t7.24MB"): name -> text."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        m = _SUMMARY.match(line)
        if m is not None:
            found[m.group(1)] = m.group(2)
    return found
