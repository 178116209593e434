"""The demo's recordings, read from the package (``data/buildx/…``, ``data/local/…``)."""

from __future__ import annotations

import gzip
from importlib import resources
from importlib.resources.abc import Traversable


def _folder(parts: list[str]) -> Traversable:
    folder = resources.files(__package__ or "buildx_tui.demo") / "data"
    for part in parts:
        folder = folder / part
    return folder


def read(name: str) -> str:
    """The recording ``buildx/<file>`` or ``local/<file>`` (stored as ``<file>.gz`` when big),
    as text. Raises FileNotFoundError for a name the demo does not ship."""
    *parts, file = name.split("/")
    folder = _folder(parts)
    plain = folder / file
    if plain.is_file():
        return plain.read_text(encoding="utf-8")
    packed = folder / (file + ".gz")
    if packed.is_file():
        return gzip.decompress(packed.read_bytes()).decode("utf-8")
    raise FileNotFoundError(f"the demo has no recording named {name!r}")


def names() -> list[str]:
    """Every recording shipped (``buildx/…``, ``local/…``; without ``.gz``)."""
    out: list[str] = []
    for group in ("buildx", "local"):
        for entry in _folder([group]).iterdir():
            out.append(f"{group}/{entry.name.removesuffix('.gz')}")
    return sorted(out)
