"""Bake variables (`--list=type=variables,format=json`) and the check of a typed value.

A variable with a ``type`` (``number``, ``bool``, ``string``, ``list(string)`` …) is parsed by
bake from ``--var NAME=value``; a value that does not parse is refused before anything runs
(recorded: ``failed to parse REPLICAS as number``). :func:`check_value` says so first, in the form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from buildx_tui.core.bake.definition import DefinitionError

MAX_VALUE_CHARS = 4096


@dataclass(frozen=True)
class Variable:
    name: str
    type: str  # "" when untyped (bake takes it as a string)
    default: str
    description: str


def parse_list_variables(text: str) -> tuple[Variable, ...]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DefinitionError(f"bake --list did not give JSON: {exc}") from None
    if not isinstance(data, list):
        raise DefinitionError("bake --list did not give a JSON list")
    return tuple(
        Variable(
            name=str(d.get("name", "")),
            type=str(d.get("type", "")),
            default=str(d.get("value", "")),
            description=str(d.get("description", "")),
        )
        for d in data
        if isinstance(d, dict)
    )


def check_value(var: Variable, value: str) -> str | None:
    """What is wrong with ``value`` for ``var`` (None: bake will take it)."""
    if len(value) > MAX_VALUE_CHARS:
        return f"{var.name}: longer than {MAX_VALUE_CHARS} characters"
    if "\n" in value or "\x00" in value:
        return f"{var.name}: one line, without control characters"
    kind = var.type.strip()
    if kind == "number":
        try:
            float(value)
        except ValueError:
            return f"{var.name} is a number: {value!r} is not one"
        return None
    if kind == "bool":
        if value.lower() not in {"true", "false", "1", "0"}:
            return f"{var.name} is a bool: true or false, not {value!r}"
        return None
    return None
