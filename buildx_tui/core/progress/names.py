"""Pure helpers for the progress parser: vertex-name prefixes, platforms, timestamps.

BuildKit's Dockerfile frontend names a vertex ``[<platform>[-><target>] [<stage>] <n>/<N>] <instr>``
(``prefixCommand`` in dockerfile2llb): the platform part only when several platforms are built,
the stage only for named (or ``stage-N``) stages, ``n`` right-aligned to the width of ``N`` (so
``[linux/amd64 builder  8/16]`` has two spaces). Frontend-internal steps read ``[internal] ...`` or
``[linux/arm64 internal] ...``; steps outside the Dockerfile (``exporting to image``, ``resolve
image config for ...``, ``[auth] ...``) carry no platform.

Everything here is stdlib only and never raises on odd input.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from buildx_tui.core.platforms import KNOWN_OS, normalize

__all__ = [
    "KNOWN_OS",
    "VertexName",
    "normalize_platform",
    "parse_timestamp",
    "parse_vertex_name",
]

# One set of normalisation rules for the whole program: containerd's, in core/platforms.
normalize_platform = normalize


@dataclass(frozen=True, slots=True)
class VertexName:
    """What a vertex name says about where a step belongs.

    ``platform`` is the lane platform: for a cross step ``[linux/amd64->arm64 ...]`` it is the
    *target* (``linux/arm64``) and ``runs_on`` is the platform the step executes on
    (``linux/amd64``); for other steps ``runs_on`` is ``None``.
    """

    title: str
    platform: str | None = None
    runs_on: str | None = None
    stage: str | None = None
    index: int | None = None
    total: int | None = None
    internal: bool = False


def _cross_target(base: str, target: str) -> str:
    # formatTargetPlatform: "->arch[/variant]" when only the arch differs, "->os/arch[/v]" else.
    first = target.split("/", 1)[0].split("(", 1)[0]
    if first in KNOWN_OS:
        return normalize_platform(target)
    base_os = base.split("/", 1)[0]
    return normalize_platform(f"{base_os}/{target}")


def parse_vertex_name(name: str) -> VertexName:
    """Split a vertex name into its bracket prefix facts and the step title."""
    if not name.startswith("["):
        return VertexName(title=name)
    end = name.find("]")
    if end < 0:
        return VertexName(title=name)
    tokens = name[1:end].split()
    if not tokens:
        return VertexName(title=name)
    title = name[end + 1 :].lstrip()
    index: int | None = None
    total: int | None = None
    internal = False
    last = tokens[-1]
    num, sep, den = last.partition("/")
    if sep and num.isdigit() and den.isdigit():
        index, total = int(num), int(den)
        tokens.pop()
    elif last == "internal":
        internal = True
        tokens.pop()
    platform: str | None = None
    runs_on: str | None = None
    if tokens and "/" in tokens[0]:
        token = tokens.pop(0)
        base, arrow, target = token.partition("->")
        base = normalize_platform(base)
        if arrow and target:
            platform = _cross_target(base, target)
            runs_on = base
        else:
            platform = base
    if index is None and not internal:
        # An unknown label such as "[auth]": keep the whole name, it is part of the title.
        return VertexName(title=name if platform is None else title or name, platform=platform)
    stage = " ".join(tokens) or None
    return VertexName(
        title=title or name,
        platform=platform,
        runs_on=runs_on,
        stage=stage,
        index=index,
        total=total,
        internal=internal,
    )


_second_cache: dict[str, int] = {}


def parse_timestamp(value: object) -> float | None:
    """RFC 3339 (Go ``time.Time`` JSON, nanoseconds, ``Z`` or offset) -> POSIX seconds, or ``None``.

    The whole-second part is cached, so parsing a stream's timestamps costs one dict lookup and
    one ``float()`` each.
    """
    if not isinstance(value, str) or len(value) < 20 or value[10] not in "Tt ":
        return None
    head = value[:19]
    base = _second_cache.get(head)
    if base is None:
        try:
            base = calendar.timegm(
                (
                    int(head[0:4]),
                    int(head[5:7]),
                    int(head[8:10]),
                    int(head[11:13]),
                    int(head[14:16]),
                    int(head[17:19]),
                    0,
                    0,
                    0,
                )
            )
        except ValueError:
            return None
        if len(_second_cache) >= 65536:
            _second_cache.clear()
        _second_cache[head] = base
    rest = value[19:]
    if rest == "Z" or rest == "z":
        return float(base)
    if rest[-1] in "Zz" and rest[0] == ".":
        try:
            return base + float(rest[:-1])
        except ValueError:
            return None
    # General form: optional fraction, then Z or +hh:mm / -hh:mm.
    i = 0
    frac = 0.0
    if rest[0] == ".":
        i = 1
        while i < len(rest) and rest[i].isdigit():
            i += 1
        try:
            frac = float(rest[:i])
        except ValueError:
            return None
    zone = rest[i:]
    if zone in ("Z", "z"):
        return base + frac
    if len(zone) == 6 and zone[0] in "+-" and zone[3] == ":":
        try:
            offset = int(zone[1:3]) * 3600 + int(zone[4:6]) * 60
        except ValueError:
            return None
        return base + frac - offset if zone[0] == "+" else base + frac + offset
    return None
