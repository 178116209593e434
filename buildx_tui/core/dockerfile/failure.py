"""A `--call` that gave no answer: buildx's own words, the Dockerfile line they name, and
whether the builder refused the call itself (its BuildKit's frontend does not know it: the
docker driver of dockerd 20.10 answers `unsupported request frontend.lint`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.dockerfile.calls import CallOutputError, CheckResult, parse_check

_PREFIXES = (
    "ERROR: ",
    "failed to build: ",
    "failed to solve: ",
    "rpc error: code = Unknown desc = ",
)
_LINE = re.compile(r"\bon line (\d+)\b")
_REFUSED = re.compile(r"unsupported request frontend\.(\w+)")


@dataclass(frozen=True)
class CallFailure:
    message: str  # buildx's words, without its "ERROR: failed to build: failed to solve:"
    line: int | None = None  # the Dockerfile line the message names
    refused: str = ""  # the request the builder's frontend refused ("lint", "outline" …)


def _strip(line: str) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if line.startswith(prefix):
                line, changed = line[len(prefix) :], True
    return line.strip()


def call_failure(result: CommandResult) -> CallFailure:
    """Why ``result`` (a call that printed no usable JSON) failed, in buildx's words."""
    if result.cancelled:
        return CallFailure("cancelled")
    errors = [ln for ln in result.stderr.splitlines() if ln.startswith("ERROR: ")]
    if errors:
        message = _strip(errors[-1])
    else:
        message = result.error_text() if result.stderr.strip() else ""
        message = message or f"exit status {result.returncode} and no output"
    line = _LINE.search(message)
    refused = _REFUSED.search(message)
    return CallFailure(
        message, int(line.group(1)) if line else None, refused.group(1) if refused else ""
    )


T = TypeVar("T")


@dataclass(frozen=True)
class CallRead(Generic[T]):
    """What a call gave: its parsed answer, or why there is none."""

    value: T | None
    failure: CallFailure | None = None


def read_call(result: CommandResult, parse: Callable[[str], T]) -> CallRead[T]:
    """An outline or a list of targets: ``parse`` of stdout when the call succeeded."""
    if result.ok:
        try:
            return CallRead(parse(result.stdout))
        except CallOutputError as exc:
            return CallRead(None, CallFailure(str(exc)))
    return CallRead(None, call_failure(result))


def read_check(result: CommandResult) -> CallRead[CheckResult]:
    """A check exits 1 when it finds something, and prints its JSON all the same (a syntax
    error included, as ``buildError``): the JSON is read whatever the exit status."""
    if not result.cancelled and result.stdout.strip():
        try:
            return CallRead(parse_check(result.stdout))
        except CallOutputError:
            pass
    return CallRead(None, call_failure(result))
