"""Platform strings: parse, normalise, validate, order; native vs emulated vs pinned.

A BuildKit worker reports the platforms it can build for. Which of them run natively depends on
the node's own architecture; the rest need a QEMU binfmt handler. Platforms pinned with
`buildx create --platform` are a third, independent property (the `*` of `buildx ls`), which
users often mistake for "native" (docker/buildx#36, #151); we keep the three apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

#: GOOS values: what may stand first in a platform string.
KNOWN_OS: Final = frozenset(
    {
        "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
        "linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
    }
)  # fmt: skip
KNOWN_ARCH: Final = frozenset(
    {
        "amd64", "386", "arm64", "arm", "riscv64", "ppc64", "ppc64le", "s390x", "mips",
        "mipsle", "mips64", "mips64le", "loong64", "wasm",
    }
)  # fmt: skip
#: containerd's architecture aliases: alias -> (arch, default variant).
ARCH_ALIASES: Final = {
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
_VARIANT_RE = re.compile(r"^[a-z0-9]+$")

# CPU families that run each other's binaries without emulation.
_NATIVE_FAMILY = {
    "amd64": frozenset({"amd64", "386"}),
    "arm64": frozenset({"arm64"}),
}


#: The platforms people build for most, in the order the UI offers them.
COMMON_PLATFORMS: Final = (
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "linux/arm/v6",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
    "linux/riscv64",
)


class PlatformError(ValueError):
    """A platform string that buildx would reject, with a message for the user."""


@dataclass(frozen=True, order=True)
class Platform:
    os: str
    arch: str
    variant: str = ""

    def __str__(self) -> str:
        return f"{self.os}/{self.arch}" + (f"/{self.variant}" if self.variant else "")

    @property
    def family(self) -> str:
        """The platform without its variant, e.g. ``linux/arm`` for ``linux/arm/v7``."""
        return f"{self.os}/{self.arch}"


def normalize_parts(os_name: str, arch: str, variant: str = "") -> tuple[str, str, str]:
    """containerd's ``platforms.Normalize``: lowercase; ``aarch64``/``arm64/v8`` -> ``arm64``;
    ``x86_64``/``amd64/v1`` -> ``amd64``; bare ``arm`` -> ``arm/v7``; ``armel`` -> ``arm/v6``;
    ``i686`` -> ``386``; a numeric variant ``7`` -> ``v7``; ``macos`` -> ``darwin``."""
    os_name, arch, variant = os_name.lower(), arch.lower(), variant.lower()
    if arch in ARCH_ALIASES:
        arch, alias_variant = ARCH_ALIASES[arch]
        variant = variant or alias_variant
    if variant.isdigit():
        variant = "v" + variant
    if (arch == "arm64" and variant == "v8") or (arch == "amd64" and variant == "v1"):
        variant = ""
    elif arch == "arm" and not variant:
        variant = "v7"
    if os_name == "macos":
        os_name = "darwin"
    return os_name, arch, variant


_normalized: dict[str, str] = {}


def normalize(text: str) -> str:
    """Normalise any platform-ish string leniently, never raising (for strings BuildKit or a
    registry wrote): ``arm64`` -> ``linux/arm64``, ``linux/arm64/v8`` -> ``linux/arm64``,
    ``linux/arm`` -> ``linux/arm/v7``. An OS of ``os(version)`` is kept as written. Cached."""
    cached = _normalized.get(text)
    if cached is not None:
        return cached
    parts = [p for p in text.strip().split("/") if p]
    if not parts:
        result = text
    else:
        if parts[0].split("(", 1)[0].lower() not in KNOWN_OS:
            parts.insert(0, "linux")
        os_part = parts[0]
        os_version = ""
        if "(" in os_part:
            os_part, _, os_version = os_part.partition("(")
            os_version = "(" + os_version
        os_name, arch, variant = normalize_parts(
            os_part, parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""
        )
        result = "/".join(x for x in (os_name + os_version, arch, variant) if x)
    if len(_normalized) < 1024:
        _normalized[text] = result
    return result


def parse_platform(text: str) -> Platform:
    """Parse and normalise ``os/arch[/variant]`` as buildx does (``linux/arm64/v8`` is
    ``linux/arm64``). For user input: raises PlatformError with a user-facing message.
    """
    raw = text.strip()
    if not raw:
        raise PlatformError("empty platform: expected os/arch[/variant], e.g. linux/arm64")
    if any(c.isspace() for c in raw):
        raise PlatformError(f"{raw!r}: a platform has no spaces; separate several with commas")
    parts = raw.lower().split("/")
    if len(parts) < 2 or len(parts) > 3 or not all(parts):
        raise PlatformError(
            f"{raw!r}: expected os/arch[/variant], e.g. linux/amd64 or linux/arm/v7"
        )
    variant = parts[2] if len(parts) == 3 else ""
    if variant and not _VARIANT_RE.match(variant):
        raise PlatformError(f"{raw!r}: bad variant {variant!r}")
    os_name, arch, variant = normalize_parts(parts[0], parts[1], variant)
    if os_name not in KNOWN_OS:
        raise PlatformError(f"{raw!r}: unknown OS {os_name!r} (e.g. linux, windows, darwin)")
    if arch not in KNOWN_ARCH:
        raise PlatformError(
            f"{raw!r}: unknown architecture {parts[1]!r} (known: {', '.join(sorted(KNOWN_ARCH))})"
        )
    return Platform(os_name, arch, variant)


def parse_platform_list(text: str) -> list[Platform]:
    """Parse a comma-separated list (``--platform linux/amd64,linux/arm64``); duplicates are
    errors."""
    items = [p for p in (s.strip() for s in text.split(",")) if p]
    if not items:
        raise PlatformError("no platform given: expected e.g. linux/amd64,linux/arm64")
    result: list[Platform] = []
    for item in items:
        plat = parse_platform(item)
        if plat in result:
            raise PlatformError(f"{item!r} is listed twice")
        result.append(plat)
    return result


_OS_TITLES: Final = {
    "linux": "Linux",
    "windows": "Windows",
    "darwin": "macOS",
    "freebsd": "FreeBSD",
}


def os_title(os_name: str) -> str:
    """An OS as people write it: ``windows`` -> ``Windows``."""
    return _OS_TITLES.get(os_name, os_name)


#: amd64's variants: the x86-64 micro-architecture levels (containerd normalises v1 away).
AMD64_VARIANTS: Final = ("v1", "v2", "v3", "v4")


def variant_problem(plat: Platform) -> str | None:
    """Why ``plat``'s variant is not a real one, or None. Only amd64's are judged (v1 to v4,
    the x86-64 levels): BuildKit refuses to run processes for any other (``no support for
    running processes with linux/amd64/v9 platform``); buildx itself accepts any variant."""
    if plat.arch == "amd64" and plat.variant and plat.variant not in AMD64_VARIANTS:
        return (
            f"{plat} is not a real platform: amd64's variants are v1 to v4 (the x86-64 "
            "micro-architecture levels)"
        )
    return None


def try_parse(text: str) -> Platform | None:
    try:
        return parse_platform(text)
    except PlatformError:
        return None


class Emulation(StrEnum):
    NATIVE = "native"
    EMULATED = "emulated"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class NodePlatform:
    """One platform a node can build for, and how."""

    name: str
    emulation: Emulation
    pinned: bool = False


def native_platform(reported: Sequence[str], pinned: Iterable[str] = ()) -> Platform | None:
    """The node's own platform: BuildKit lists it first, after any pinned platforms."""
    pinned_set = {p for p in (try_parse(x) for x in pinned) if p}
    for name in reported:
        plat = try_parse(name)
        if plat is None or plat in pinned_set:
            continue
        return Platform(plat.os, plat.arch)
    # Every reported platform is pinned: fall back to the first reported one.
    first = next((p for p in (try_parse(x) for x in reported) if p), None)
    return Platform(first.os, first.arch) if first else None


def native_family(arch: str) -> frozenset[str]:
    """The architectures a CPU of ``arch`` runs without emulation (amd64 runs 386 too)."""
    return _NATIVE_FAMILY.get(arch, frozenset({arch}))


def classify_platforms(reported: Sequence[str], pinned: Iterable[str] = ()) -> list[NodePlatform]:
    """Tell native, emulated and pinned platforms apart for a node's reported platform list."""
    pinned_list = list(pinned)
    pinned_set = {p for p in (try_parse(x) for x in pinned_list) if p}
    native = native_platform(reported, pinned_list)
    family = native_family(native.arch) if native else frozenset()
    out: list[NodePlatform] = []
    for name in reported:
        plat = try_parse(name)
        if plat is None or native is None:
            out.append(NodePlatform(name, Emulation.UNKNOWN, False))
            continue
        native_here = plat.os == native.os and plat.arch in family
        out.append(
            NodePlatform(
                name,
                Emulation.NATIVE if native_here else Emulation.EMULATED,
                plat in pinned_set,
            )
        )
    return out
