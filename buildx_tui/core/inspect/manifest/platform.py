"""Platforms of image indexes: parse, normalise, compare; "will it run natively here?".

A small, self-contained helper for :mod:`.model`, :mod:`.parse` and :mod:`.compare`:
containerd's normalisation (``linux/arm64/v8`` is ``linux/arm64``, ``linux/arm`` is
``linux/arm/v7``, ``x86_64`` is ``amd64``) and which variants a host runs without emulation.

Stdlib only; never imports textual.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from buildx_tui.core.platforms import normalize_parts

__all__ = [
    "InvalidPlatform",
    "Platform",
    "native_hosts",
    "normalize_platform",
    "parse_platform",
    "same_platform",
]


class InvalidPlatform(ValueError):
    """A platform string that is not ``os/arch[/variant]``."""


@dataclass(frozen=True)
class Platform:
    """An OCI platform: ``os``, ``architecture``, optional ``variant``, ``os.version``, features.

    ``str()`` is the usual ``os/arch[/variant]`` (as ``imagetools inspect`` prints it).
    """

    os: str
    architecture: str
    variant: str = ""
    os_version: str = ""
    os_features: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = f"{self.os}/{self.architecture}"
        return f"{text}/{self.variant}" if self.variant else text

    @property
    def is_unknown(self) -> bool:
        """``unknown/unknown``: the platform BuildKit gives attestation manifests."""
        return self.os == "unknown" and self.architecture == "unknown"

    def normalized(self) -> Platform:
        """containerd's normalisation: lowercase, ``aarch64``/``arm64/v8`` -> ``arm64``,
        ``x86_64``/``amd64/v1`` -> ``amd64``, bare ``arm`` -> ``arm/v7``, ``i386`` -> ``386``."""
        os_name, arch, variant = normalize_parts(self.os, self.architecture, self.variant)
        return Platform(os_name, arch, variant, self.os_version, self.os_features)

    def matches(self, other: Platform | str) -> bool:
        """Same platform after normalisation (``linux/arm64/v8`` matches ``linux/arm64``).

        ``os.version`` is compared only when both sides have one.
        """
        theirs = other if isinstance(other, Platform) else parse_platform(other)
        a, b = self.normalized(), theirs.normalized()
        if (a.os, a.architecture, a.variant) != (b.os, b.architecture, b.variant):
            return False
        return not (a.os_version and b.os_version and a.os_version != b.os_version)

    def runs_natively_on(self, host: Platform | str) -> bool:
        """Whether an image for this platform runs on ``host`` without emulation.

        Same platform after normalisation, or an older variant of the same architecture:
        ``amd64`` on an ``amd64/v3`` host, ``arm/v6`` on an ``arm/v7`` host, plain ``arm64`` on
        any ``arm64``. Other architectures never count (32-bit ``arm`` does not run on every
        ``arm64`` CPU: Apple silicon has no AArch32).
        """
        image = self.normalized()
        target = (host if isinstance(host, Platform) else parse_platform(host)).normalized()
        if image.os != target.os or image.architecture != target.architecture:
            return False
        if image.os_version and target.os_version and image.os_version != target.os_version:
            return False
        if image.variant == target.variant:
            return True
        if image.architecture in ("amd64", "arm"):
            return _variant_level(image.variant) <= _variant_level(target.variant)
        return image.architecture == "arm64" and not image.variant


def _variant_level(variant: str) -> int:
    """``""`` -> 1 (amd64 baseline), ``v2`` -> 2, ``v7`` -> 7; unknown variants sort last."""
    if not variant:
        return 1
    match = re.fullmatch(r"v?(\d+)", variant)
    return int(match.group(1)) if match else 99


def parse_platform(text: str) -> Platform:
    """Parse ``os/arch[/variant]`` (also ``os(version)/arch``); raise :class:`InvalidPlatform`."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidPlatform("a platform is os/arch[/variant], e.g. linux/arm64; got nothing")
    stripped = text.strip()
    parts = stripped.split("/")
    if len(parts) not in (2, 3) or any(not part for part in parts):
        raise InvalidPlatform(
            f"invalid platform {text!r}: expected os/arch[/variant], e.g. linux/arm64 or "
            "linux/arm/v7"
        )
    os_part, os_version = parts[0], ""
    version_match = re.fullmatch(r"([^()]+)\(([^()]*)\)", os_part)
    if version_match:
        os_part, os_version = version_match.group(1), version_match.group(2)
    for part in (os_part, *parts[1:]):
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", part):
            raise InvalidPlatform(f"invalid platform {text!r}: {part!r} is not a valid component")
    return Platform(
        os=os_part.lower(),
        architecture=parts[1].lower(),
        variant=parts[2].lower() if len(parts) == 3 else "",
        os_version=os_version,
    )


def normalize_platform(platform: str | Platform) -> str:
    """``linux/arm64/v8`` -> ``linux/arm64``, ``linux/arm`` -> ``linux/arm/v7``, and so on."""
    parsed = platform if isinstance(platform, Platform) else parse_platform(platform)
    return str(parsed.normalized())


def same_platform(a: str | Platform, b: str | Platform) -> bool:
    """Whether two platform strings/objects name the same platform after normalisation."""
    left = a if isinstance(a, Platform) else parse_platform(a)
    return left.matches(b)


_NATIVE_HOSTS: Final = {
    "linux/arm64": (
        "Apple silicon Macs and other 64-bit ARM machines (AWS Graviton, Raspberry Pi 4/5)"
    ),
    "linux/amd64": "x86-64 servers and PCs (most cloud VMs and CI runners)",
    "linux/arm/v7": "32-bit ARM boards (Raspberry Pi with a 32-bit OS)",
    "linux/arm/v6": "ARMv6 boards (Raspberry Pi Zero / 1)",
    "linux/386": "32-bit x86 machines",
    "linux/ppc64le": "IBM POWER servers",
    "linux/s390x": "IBM Z mainframes",
    "linux/riscv64": "64-bit RISC-V machines",
}


def native_hosts(platform: str | Platform) -> str:
    """Which machines run ``platform`` natively, in words (``x86-64 servers and PCs ...``)."""
    parsed = platform if isinstance(platform, Platform) else parse_platform(platform)
    key = str(parsed.normalized())
    return _NATIVE_HOSTS.get(key, f"{key} machines")
