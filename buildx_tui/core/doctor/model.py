"""What a doctor check says: its status, what it found (and the command that found it), why it
matters, and the fix (an argv the app can run, or a command to run elsewhere)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    WARNING = "warning"
    FAILED = "failed"
    UNKNOWN = "unknown"


#: The mark shown before a status word (meaning never by colour alone).
MARK = {
    Status.PASSED: "✓",
    Status.WARNING: "!",
    Status.FAILED: "✗",
    Status.UNKNOWN: "?",
}


@dataclass(frozen=True)
class Fix:
    """What to do. ``argv`` (after ``docker``) when the app can run it for the user (confirm
    first); else ``command``: a command line to run elsewhere (another machine, a root shell)."""

    text: str
    argv: tuple[str, ...] = ()
    command: str = ""


@dataclass(frozen=True)
class CheckResult:
    """One finding. ``key`` identifies it across re-runs (``node:lab-remote/lab-remote0``)."""

    key: str
    title: str
    status: Status
    found: str
    command: str = ""  # the command (or file) that found it
    why: str = ""  # why it matters
    fix: Fix | None = None


@dataclass(frozen=True)
class Check:
    """A check: ``run`` gives one result per thing it looked at (a node, a platform …)."""

    id: str
    title: str
    run: Callable[[], tuple[CheckResult, ...]]
    timeout_s: float
    #: What it needs from the user's input, e.g. the wanted platforms (shown in the help).
    about: str = ""
    tags: tuple[str, ...] = field(default=())


def worst(statuses: list[Status]) -> Status:
    """The overall status: failed > warning > unknown > passed (nothing: unknown)."""
    for status in (Status.FAILED, Status.WARNING, Status.UNKNOWN):
        if status in statuses:
            return status
    return Status.PASSED if statuses else Status.UNKNOWN
