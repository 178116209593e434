"""Two indexes compared platform by platform, and what a missing platform means for a host.

Stdlib only; never imports textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from buildx_tui.core.inspect.manifest.model import ImageIndex, PlatformEntry
from buildx_tui.core.inspect.manifest.platform import Platform, native_hosts, parse_platform


class DiffStatus(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    ONLY_LEFT = "only-left"
    ONLY_RIGHT = "only-right"


@dataclass(frozen=True)
class PlatformDiff:
    platform: str
    status: DiffStatus
    left_digest: str | None
    right_digest: str | None


@dataclass(frozen=True)
class IndexComparison:
    """Per-platform comparison of two indexes (left order first, then right-only platforms)."""

    entries: tuple[PlatformDiff, ...]

    def _with(self, status: DiffStatus) -> list[str]:
        return [e.platform for e in self.entries if e.status is status]

    @property
    def same(self) -> list[str]:
        return self._with(DiffStatus.SAME)

    @property
    def different(self) -> list[str]:
        return self._with(DiffStatus.DIFFERENT)

    @property
    def only_left(self) -> list[str]:
        return self._with(DiffStatus.ONLY_LEFT)

    @property
    def only_right(self) -> list[str]:
        return self._with(DiffStatus.ONLY_RIGHT)

    @property
    def identical(self) -> bool:
        return all(e.status is DiffStatus.SAME for e in self.entries)


def _platform_key(entry: PlatformEntry) -> str:
    if entry.platform is None:
        return f"(no platform) {entry.digest}"
    normal = entry.platform.normalized()
    return f"{normal}@{normal.os_version}" if normal.os_version else str(normal)


def _keyed(index: ImageIndex) -> dict[str, PlatformEntry]:
    result: dict[str, PlatformEntry] = {}
    for entry in index.platforms:
        result.setdefault(_platform_key(entry), entry)
    return result


def compare_indexes(left: ImageIndex, right: ImageIndex) -> IndexComparison:
    """Compare two indexes platform by platform (attestations ignored): same/different digest,
    only in left, only in right. Platforms are matched after normalisation."""
    lefts, rights = _keyed(left), _keyed(right)
    entries: list[PlatformDiff] = []
    for key, entry in lefts.items():
        other = rights.get(key)
        label = entry.platform_string
        if other is None:
            entries.append(PlatformDiff(label, DiffStatus.ONLY_LEFT, entry.digest, None))
        else:
            status = DiffStatus.SAME if other.digest == entry.digest else DiffStatus.DIFFERENT
            entries.append(PlatformDiff(label, status, entry.digest, other.digest))
    for key, entry in rights.items():
        if key not in lefts:
            entries.append(
                PlatformDiff(entry.platform_string, DiffStatus.ONLY_RIGHT, None, entry.digest)
            )
    return IndexComparison(tuple(entries))


def missing_platform_message(
    image: ImageIndex | Iterable[str | Platform], wanted: str | Platform
) -> str | None:
    """``None`` if the image runs natively on ``wanted``; else a sentence saying what that means.

    ``image`` is an index or the platforms of a single-platform image. E.g. ``no linux/arm64
    variant: it will not run natively on Apple silicon Macs ... (has: linux/amd64)``. An older
    variant of the same architecture counts as present (``linux/amd64`` for ``linux/amd64/v3``).
    Raises :class:`InvalidPlatform` for a malformed ``wanted``.
    """
    target = (wanted if isinstance(wanted, Platform) else parse_platform(wanted)).normalized()
    if isinstance(image, ImageIndex):
        available = [e.platform for e in image.platforms if e.platform is not None]
    else:
        available = [p if isinstance(p, Platform) else parse_platform(p) for p in image]
    if any(p.runs_natively_on(target) for p in available):
        return None
    hosts = native_hosts(target)
    has = ", ".join(str(p) for p in available) or "no runnable platform"
    return (
        f"no {target} variant: it will not run natively on {hosts}; they would need emulation "
        f"(has: {has})"
    )
