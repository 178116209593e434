"""Typed access to parsed JSON that raises :class:`~.model.ManifestError` naming the field.

The helpers of :mod:`.parse`: ``get_str(obj, "mediaType", "manifests[2]")`` returns the string or
raises ``manifests[2].mediaType: expected a string, got number``, never a ``KeyError`` or
``TypeError``; :func:`load_json` turns bytes, text or a mapping into the top-level object.

Stdlib only; never imports textual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Final

from buildx_tui.core.inspect.manifest.model import ManifestError

_DIGEST_RE: Final = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")
DIGEST_HEX_LENGTHS: Final = {"sha256": 64, "sha384": 96, "sha512": 128}

Json = object


def type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def as_object(value: Json, path: str) -> dict[str, Json]:
    if not isinstance(value, dict):
        where = path or "document"
        raise ManifestError(f"{where}: expected a JSON object, got {type_name(value)}")
    return value


def get_str(obj: dict[str, Json], key: str, path: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise ManifestError(f"{join_path(path, key)}: missing")
        return ""
    if not isinstance(value, str):
        raise ManifestError(f"{join_path(path, key)}: expected a string, got {type_name(value)}")
    return value


def get_int(obj: dict[str, Json], key: str, path: str, *, required: bool = True) -> int | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise ManifestError(f"{join_path(path, key)}: missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ManifestError(f"{join_path(path, key)}: expected an integer, got {type_name(value)}")
    if value < 0:
        raise ManifestError(f"{join_path(path, key)}: must not be negative, got {value}")
    return value


def get_bool(obj: dict[str, Json], key: str, path: str) -> bool:
    value = obj.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ManifestError(
            f"{join_path(path, key)}: expected true or false, got {type_name(value)}"
        )
    return value


def get_str_list(obj: dict[str, Json], key: str, path: str) -> tuple[str, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ManifestError(f"{join_path(path, key)}: expected an array, got {type_name(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise ManifestError(
                f"{join_path(path, key)}[{i}]: expected a string, got {type_name(item)}"
            )
    return tuple(value)


def get_str_map(obj: dict[str, Json], key: str, path: str) -> dict[str, str]:
    value = obj.get(key)
    if value is None:
        return {}
    mapping = as_object(value, join_path(path, key))
    for k, v in mapping.items():
        if not isinstance(v, str):
            raise ManifestError(
                f"{join_path(path, key)}[{k!r}]: expected a string, got {type_name(v)}"
            )
    return {k: v for k, v in mapping.items() if isinstance(v, str)}


def get_key_set(obj: dict[str, Json], key: str, path: str) -> tuple[str, ...]:
    """Docker's ``{"80/tcp": {}}`` sets (ExposedPorts, Volumes): the keys, in order."""
    value = obj.get(key)
    if value is None:
        return ()
    return tuple(as_object(value, join_path(path, key)))


def check_digest(digest: str, where: str) -> str:
    algo, _, hex_part = digest.partition(":")
    expected = DIGEST_HEX_LENGTHS.get(algo)
    ok = bool(_DIGEST_RE.fullmatch(digest))
    if ok and expected is not None:
        ok = len(hex_part) == expected and re.fullmatch(r"[0-9a-f]+", hex_part) is not None
    if not ok:
        raise ManifestError(f"{where}: invalid digest {digest!r} (expected e.g. sha256:<64 hex>)")
    return digest


def load_json(data: bytes | str | Mapping[str, Json], what: str) -> dict[str, Json]:
    if isinstance(data, Mapping):
        return dict(data)
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ManifestError(
                f"{what}: not UTF-8 text ({error.reason} at byte {error.start})"
            ) from None
    elif isinstance(data, str):
        text = data
    else:
        raise ManifestError(f"{what}: expected bytes, text or a mapping, got {type(data).__name__}")
    if not text.strip():
        raise ManifestError(f"{what}: empty input, expected JSON")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(
            f"{what}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise ManifestError(f"{what}: JSON nested too deeply") from None
    return as_object(value, "")
