"""The outputs of `--call` that are bake's own: build checks per target (`bake --call
check,format=json`) and the entitlements bake asks for. A target's check result is read by the
shared :mod:`buildx_tui.core.dockerfile.calls` (the build form reads its checks, outlines and
targets there too).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from buildx_tui.core.bake.definition import DefinitionError
from buildx_tui.core.dockerfile.calls import CheckWarning, check_warnings

__all__ = ["CheckWarning", "Entitlement", "parse_bake_check", "parse_entitlements"]

_PASS = re.compile(r'^Pass "(?P<flags>[^"]+)" to grant requested privileges\.$')
_ASKED = "Your build is requesting privileges"


def _loads(text: str, what: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise DefinitionError(f"{what} did not give JSON: {exc}") from None


def parse_bake_check(text: str) -> dict[str, tuple[CheckWarning, ...]]:
    """`bake --call check,format=json` stdout -> each target's warnings (empty: clean)."""
    data = _loads(text, "bake --call check")
    out: dict[str, tuple[CheckWarning, ...]] = {}
    for name, entry in ((data or {}).get("target") or {}).items():
        if not isinstance(entry, dict):
            continue
        context = str((entry.get("build") or {}).get("context", ""))
        out[str(name)] = check_warnings(entry.get("check") or {}, context=context, target=str(name))
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
