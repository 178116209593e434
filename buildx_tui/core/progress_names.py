"""Pure helpers for :mod:`buildx_tui.core.progress`: vertex-name prefixes, platforms, timestamps.

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
from typing import Final

__all__ = [
    "KNOWN_OS",
    "VertexName",
    "normalize_platform",
    "parse_timestamp",
    "parse_vertex_name",
]

#: GOOS values: a first path component in this set is an OS, otherwise the string is relative
#: (``->arm64`` means "same OS as the base platform").
KNOWN_OS: Final = frozenset(
    {
        "aix",
        "android",
        "darwin",
        "dragonfly",
        "freebsd",
        "hurd",
        "illumos",
        "ios",
        "js",
        "linux",
        "nacl",
        "netbsd",
        "openbsd",
        "plan9",
        "solaris",
        "wasip1",
        "windows",
        "zos",
    }
)

_ARCH_ALIASES: Final = {
    "x86_64": ("amd64", ""),
    "x86-64": ("amd64", ""),
    "aarch64": ("arm64", ""),
    "armhf": ("arm", "v7"),
    "armel": ("arm", "v6"),
    "i386": ("386", ""),
    "i486": ("386", ""),
    "i586": ("386", ""),
    "i686": ("386", ""),
}

_platform_cache: dict[str, str] = {}


def normalize_platform(platform: str) -> str:
    """Normalise a platform string the way containerd's ``platforms.Normalize`` + ``Format`` do.

    ``arm64`` -> ``linux/arm64``; ``linux/arm64/v8`` -> ``linux/arm64``; ``linux/arm`` ->
    ``linux/arm/v7``; ``linux/amd64/v1`` -> ``linux/amd64``; ``x86_64`` -> ``linux/amd64``.
    Variants other than the defaults (``linux/amd64/v3``, ``linux/arm/v6``) are kept. Results are
    cached: the set of platforms in one program run is tiny.
    """
    cached = _platform_cache.get(platform)
    if cached is not None:
        return cached
    parts = [p for p in platform.strip().lower().split("/") if p]
    if not parts:
        result = platform
    else:
        os_part = parts[0]
        if os_part.split("(", 1)[0] not in KNOWN_OS:
            parts.insert(0, "linux")
            os_part = "linux"
        arch = parts[1] if len(parts) > 1 else ""
        variant = parts[2] if len(parts) > 2 else ""
        alias = _ARCH_ALIASES.get(arch)
        if alias is not None:
            arch, alias_variant = alias
            variant = variant or alias_variant
        if variant.isdigit():
            variant = "v" + variant
        if (arch == "arm64" and variant == "v8") or (arch == "amd64" and variant == "v1"):
            variant = ""
        elif arch == "arm" and not variant:
            variant = "v7"
        result = "/".join(p for p in (os_part, arch, variant) if p)
    if len(_platform_cache) < 1024:
        _platform_cache[platform] = result
    return result


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
