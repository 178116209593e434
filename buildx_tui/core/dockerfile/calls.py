"""The JSON of `--call=check|outline|targets,format=json` (build, and each target of bake's
`--call check`), as recorded from buildx v0.36.1 / BuildKit v0.32.2.

A check warning names its rule, message, the Dockerfile and the line range; the Dockerfile's
text comes base64 in ``sources``, so the line itself is shown without reading the file again. A
check of a Dockerfile that does not parse still prints JSON: no warnings, a ``buildError`` with
the message and the line.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any


class CallOutputError(ValueError):
    """The call did not print the JSON expected (text output, or nothing)."""


@dataclass(frozen=True)
class CheckWarning:
    target: str  # the bake target; "" for a build
    rule: str
    message: str
    url: str
    file: str
    line: int | None
    source_line: str  # the Dockerfile's line, '' when the call did not send the file

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True)
class BuildError:
    """The Dockerfile could not be read as one (a syntax error), where it is known."""

    message: str
    line: int | None
    source_line: str


@dataclass(frozen=True)
class CheckResult:
    warnings: tuple[CheckWarning, ...]
    error: BuildError | None = None


def loads(text: str, what: str) -> Any:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CallOutputError(f"{what} did not give JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CallOutputError(f"{what} did not give a JSON object")
    return data


def _source_lines(source: object) -> tuple[str, list[str]]:
    if not isinstance(source, dict):
        return "", []
    name = str(source.get("filename", ""))
    try:
        data = base64.b64decode(str(source.get("data", "")), validate=True)
    except (binascii.Error, ValueError):
        return name, []
    return name, data.decode("utf-8", "replace").splitlines()


def first_line(item: dict[str, Any]) -> int | None:
    """The first line of an item's ``location`` (a warning, an arg, a stage, an error)."""
    location = item.get("location") or {}
    ranges = location.get("ranges") or [] if isinstance(location, dict) else []
    if ranges and isinstance(ranges[0], dict):
        line = (ranges[0].get("start") or {}).get("line")
        if isinstance(line, int):
            return line
    return None


def _line_of(lines: list[str], line: int | None) -> str:
    return lines[line - 1] if line is not None and 0 < line <= len(lines) else ""


def check_warnings(
    check: dict[str, Any], *, context: str = "", target: str = ""
) -> tuple[CheckWarning, ...]:
    """The warnings of one check result (``{"warnings": […], "sources": […]}``); the file is
    named under ``context`` when that is not '.'."""
    sources = [_source_lines(s) for s in check.get("sources") or ()]
    found: list[CheckWarning] = []
    for w in check.get("warnings") or ():
        if not isinstance(w, dict):
            continue
        index = (w.get("location") or {}).get("sourceIndex", 0)
        fname, lines = (
            sources[index] if isinstance(index, int) and index < len(sources) else ("", [])
        )
        line = first_line(w)
        path = f"{context}/{fname}" if context and context != "." and fname else fname
        found.append(
            CheckWarning(
                target=target,
                rule=str(w.get("ruleName", "")),
                message=str(w.get("detail") or w.get("description") or ""),
                url=str(w.get("url", "")),
                file=path or "Dockerfile",
                line=line,
                source_line=_line_of(lines, line),
            )
        )
    return tuple(found)


def parse_check(text: str) -> CheckResult:
    """`build --call=check,format=json` stdout -> its warnings, and the syntax error when the
    Dockerfile did not parse."""
    data = loads(text, "build --call=check")
    error = data.get("buildError")
    found = None
    if isinstance(error, dict):
        sources = [_source_lines(s) for s in data.get("sources") or ()]
        lines = sources[0][1] if sources else []
        line = first_line(error)
        found = BuildError(str(error.get("message", "")), line, _line_of(lines, line))
    return CheckResult(check_warnings(data), found)


@dataclass(frozen=True)
class OutlineArg:
    name: str
    default: str | None
    description: str
    line: int | None


def parse_outline(text: str) -> tuple[str, tuple[OutlineArg, ...]]:
    """`build --call=outline,format=json` -> (the target stage, its build args)."""
    data = loads(text, "build --call=outline")
    args = tuple(
        OutlineArg(
            name=str(a.get("name", "")),
            default=None if a.get("value") is None else str(a["value"]),
            description=str(a.get("description", "")),
            line=first_line(a),
        )
        for a in (data.get("args") or ())
        if isinstance(a, dict)
    )
    return str(data.get("name", "")), args


@dataclass(frozen=True)
class StageTarget:
    name: str
    base: str
    description: str
    default: bool
    line: int | None


def parse_targets(text: str) -> tuple[StageTarget, ...]:
    """`build --call=targets,format=json` -> the Dockerfile's stages one can build."""
    data = loads(text, "build --call=targets")
    return tuple(
        StageTarget(
            name=str(t.get("name", "")),
            base=str(t.get("base", "")),
            description=str(t.get("description", "")),
            default=bool(t.get("default")),
            line=first_line(t),
        )
        for t in (data.get("targets") or ())
        if isinstance(t, dict)
    )
