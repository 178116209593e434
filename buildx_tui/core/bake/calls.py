"""The outputs of `--call`: build checks per target (`bake --call check,format=json`), the
entitlements bake asks for, and `build --call=outline|targets,format=json`.

A check warning names its rule, message, the Dockerfile and the line range; the Dockerfile's
text comes base64 in ``sources``, so the line itself is shown without reading the file again.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from buildx_tui.core.bake.definition import DefinitionError

_PASS = re.compile(r'^Pass "(?P<flags>[^"]+)" to grant requested privileges\.$')
_ASKED = "Your build is requesting privileges"


@dataclass(frozen=True)
class CheckWarning:
    target: str
    rule: str
    message: str
    url: str
    file: str
    line: int | None
    source_line: str  # the Dockerfile's line, '' when bake did not send the file

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


def _loads(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DefinitionError(f"{what} did not give JSON: {exc}") from None


def _source_lines(source: object) -> tuple[str, list[str]]:
    if not isinstance(source, dict):
        return "", []
    name = str(source.get("filename", ""))
    try:
        data = base64.b64decode(str(source.get("data", "")), validate=True)
    except (binascii.Error, ValueError):
        return name, []
    return name, data.decode("utf-8", "replace").splitlines()


def _first_line(warning: dict[str, Any]) -> int | None:
    ranges = (warning.get("location") or {}).get("ranges") or []
    if ranges and isinstance(ranges[0], dict):
        line = (ranges[0].get("start") or {}).get("line")
        if isinstance(line, int):
            return line
    return None


def parse_bake_check(text: str) -> dict[str, tuple[CheckWarning, ...]]:
    """`bake --call check,format=json` stdout -> each target's warnings (empty: clean)."""
    data = _loads(text, "bake --call check")
    out: dict[str, tuple[CheckWarning, ...]] = {}
    for name, entry in ((data or {}).get("target") or {}).items():
        if not isinstance(entry, dict):
            continue
        check = entry.get("check") or {}
        sources = [_source_lines(s) for s in check.get("sources") or ()]
        context = str((entry.get("build") or {}).get("context", ""))
        found: list[CheckWarning] = []
        for w in check.get("warnings") or ():
            if not isinstance(w, dict):
                continue
            index = (w.get("location") or {}).get("sourceIndex", 0)
            fname, lines = (
                sources[index] if isinstance(index, int) and index < len(sources) else ("", [])
            )
            line = _first_line(w)
            shown = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
            path = f"{context}/{fname}" if context and context != "." and fname else fname
            found.append(
                CheckWarning(
                    target=str(name),
                    rule=str(w.get("ruleName", "")),
                    message=str(w.get("detail") or w.get("description") or ""),
                    url=str(w.get("url", "")),
                    file=path or "Dockerfile",
                    line=line,
                    source_line=shown,
                )
            )
        out[str(name)] = tuple(found)
    return out


@dataclass(frozen=True)
class Entitlement:
    flag: str  # what to pass to --allow: "fs.read=../outside"
    reason: str  # bake's words: "Read access to path ../outside"


def parse_entitlements(stderr: str) -> tuple[Entitlement, ...]:
    """The entitlements bake refused to grant silently (its "requesting privileges" message),
    each with bake's own words for what it grants; () when it asked for none."""
    if _ASKED not in stderr:
        return ()
    reasons: list[str] = []
    flags: list[str] = []
    for line in stderr.splitlines():
        if line.startswith(" - "):
            reasons.append(line[3:].strip())
        m = _PASS.match(line.strip())
        if m:
            flags = [f.removeprefix("--allow=") for f in m["flags"].split()]
    return tuple(
        Entitlement(flag, reasons[i] if i < len(reasons) else "") for i, flag in enumerate(flags)
    )


@dataclass(frozen=True)
class OutlineArg:
    name: str
    default: str | None
    description: str
    line: int | None


def parse_outline(text: str) -> tuple[str, tuple[OutlineArg, ...]]:
    """`build --call=outline,format=json` -> (the target stage, its build args)."""
    data = _loads(text, "build --call=outline")
    args = tuple(
        OutlineArg(
            name=str(a.get("name", "")),
            default=None if a.get("value") is None else str(a["value"]),
            description=str(a.get("description", "")),
            line=_first_line(a),
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
    data = _loads(text, "build --call=targets")
    return tuple(
        StageTarget(
            name=str(t.get("name", "")),
            base=str(t.get("base", "")),
            description=str(t.get("description", "")),
            default=bool(t.get("default")),
            line=_first_line(t),
        )
        for t in (data.get("targets") or ())
        if isinstance(t, dict)
    )
