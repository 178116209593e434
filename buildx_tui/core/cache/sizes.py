"""Sizes as buildx writes them and as docker reads them.

buildx prints every size with go-units ``HumanSize``: decimal units (1 kB = 1000 B) and four
significant digits ("4.096kB", "532.5kB", "3.113MB"), so a size read back is exact only to its
fourth digit. The prune flags (``--max-used-space 1GB``) are read by docker's ``opts.MemBytes``,
that is go-units ``RAMInBytes``: BINARY units (1GB = 1024³ bytes), with or without the ``B`` or
``iB``. The two meet on one screen, so both are here, each named for its rule.
"""

from __future__ import annotations

import re

DECIMAL_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
_DECIMAL: dict[str, int] = {unit.lower(): int(1000**i) for i, unit in enumerate(DECIMAL_UNITS)}
_HUMAN = re.compile(r"^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([kmgtpezy]?b)\s*$", re.IGNORECASE)
_RAM = re.compile(r"^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$")
_BINARY = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}


class SizeError(ValueError):
    """A size that cannot be read; the message says what was expected."""


def parse_human_size(text: str) -> int:
    """Bytes from buildx's ``HumanSize`` text ("4.096kB" -> 4096, "0B" -> 0)."""
    m = _HUMAN.match(text)
    if m is None:
        raise SizeError(f"not a size as buildx writes them (such as 4.096kB): {text[:40]!r}")
    return round(float(m.group(1)) * _DECIMAL[m.group(2).lower()])


def human_size(size: float) -> str:
    """go-units ``HumanSize``: what buildx would print for ``size`` bytes."""
    value = float(size)
    i = 0
    while value >= 1000 and i < len(DECIMAL_UNITS) - 1:
        value /= 1000
        i += 1
    return f"{value:.4g}{DECIMAL_UNITS[i]}"


def parse_flag_size(text: str) -> int:
    """Bytes from a prune space flag's value, read as docker reads it (binary: 1GB = 1024³)."""
    value = text.strip()
    m = _RAM.match(value)
    if m is None:
        raise SizeError(f"not a size: {value[:40]!r} (a number with k, m, g, t or p: 512m, 10GB)")
    try:
        number = float(m.group(1))
    except ValueError as error:  # "1.2.3" passes the pattern (as in go-units) but is no number
        raise SizeError(f"not a size: {value[:40]!r}") from error
    unit = (m.group(2) or "").lower()
    return int(number * _BINARY.get(unit, 1))


def size_slack(text: str) -> float:
    """How far the exact byte count may be from what ``text`` says: half a unit of its 4th
    significant digit (go-units prints "%.4g": "92.87MB" is 92.865 to 92.875 MB). 0 for bytes."""
    m = _HUMAN.match(text)
    if m is None:
        return 0.0
    number, unit = float(m.group(1)), _DECIMAL[m.group(2).lower()]
    if unit == 1 or number < 1:  # bytes are whole; buildx never prints "0.5kB"
        return 0.0
    return float(0.5 * 10.0 ** (len(str(int(number))) - 4) * unit)
