"""What the build form says about its input: an `Issue` of a field, with its `Severity`.

Shared by the form parser (:mod:`.form`), the advanced options (:mod:`.options`, :mod:`.cache`)
and the checks (:mod:`.checks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Issue", "Severity"]


class Severity(StrEnum):
    ERROR = "error"  # bad input: nothing runs
    REFUSAL = "refusal"  # buildx will refuse this combination: asked before running
    WARNING = "warning"  # buildx runs it, but it is known to fail: asked before running
    NOTE = "note"  # worth knowing, no action needed


@dataclass(frozen=True)
class Issue:
    field: str  # form field it belongs to: context, dockerfile, target, tags, build_args, ...
    severity: Severity
    message: str
