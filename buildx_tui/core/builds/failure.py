"""A failed build's ``Error.Sources`` (base64): the Dockerfile lines around the failing
instruction, as BuildKit framed them, with the failing line(s) marked.

Recorded on the lab (history-inspect-failed.json), decoded::

    Dockerfile:5
    --------------------
       3 |     RUN echo "step one on $TARGETARCH"
       5 | >>> RUN echo "checking $TARGETARCH" && test "$TARGETARCH" = amd64
    --------------------
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

__all__ = ["FailureSource", "SourceLine", "parse_sources"]

_HEAD = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?:-\d+)?$")
_LINE = re.compile(r"^\s*(?P<n>\d+) \| (?P<mark>>>> |    )(?P<text>.*)$")


@dataclass(frozen=True)
class SourceLine:
    number: int
    text: str
    failing: bool


@dataclass(frozen=True)
class FailureSource:
    file: str  # "Dockerfile"
    line: int  # the first failing line
    lines: tuple[SourceLine, ...]

    @property
    def failing(self) -> tuple[SourceLine, ...]:
        return tuple(ln for ln in self.lines if ln.failing)


def parse_sources(encoded: str) -> FailureSource | None:
    """Decode and read ``Error.Sources``; None when absent or not in BuildKit's frame."""
    if not encoded:
        return None
    try:
        text = base64.b64decode(encoded, validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None
    rows = text.splitlines()
    head = next((m for m in (_HEAD.match(r.strip()) for r in rows[:3]) if m), None)
    lines: list[SourceLine] = []
    for row in rows:
        m = _LINE.match(row)
        if m:
            lines.append(SourceLine(int(m["n"]), m["text"], m["mark"] == ">>> "))
    if not lines:
        return None
    first = next((ln.number for ln in lines if ln.failing), lines[0].number)
    file = head["file"] if head else "Dockerfile"
    return FailureSource(file, int(head["line"]) if head else first, tuple(lines))
