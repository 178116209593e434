"""A finding about the create wizard's input (shared by the create_* checks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class CreateProblem:
    """One finding about the wizard's input. ``field`` names the input it is about."""

    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return self.message


def errors_in(problems: Iterable[CreateProblem]) -> list[CreateProblem]:
    return [p for p in problems if p.severity == "error"]


def endpoint_scheme(endpoint: str) -> str | None:
    scheme, sep, _rest = endpoint.partition("://")
    return scheme.lower() if sep else None
