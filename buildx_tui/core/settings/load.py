"""Reading settings.toml: the effective :class:`Settings` and a :class:`SettingsProblem` for each
value that cannot be used (its default is used instead; the app still starts).

A problem names the file, the line and the key (``settings.toml:12: [build] platforms: …``).
A file that is not TOML at all, not UTF-8 or not readable is one problem, and every value is
its default.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

import tomlkit
from tomlkit.exceptions import ParseError

from buildx_tui.core.paths import reason, shown
from buildx_tui.core.platforms import PlatformError, parse_platform
from buildx_tui.core.settings.model import (
    CREATE_DRIVERS,
    ColorMode,
    Confirmations,
    CreateDefaults,
    Settings,
)

#: A key as Textual writes one: letters, digits, _ + - (``ctrl+shift+up``, ``f5``,
#: ``question_mark``) or a single printable character.
_KEY = re.compile(r"^(?:[A-Za-z0-9_+\-]+|[!-~])$")
T = TypeVar("T")
OUTCOME_ALL = "every setting has its default"
TABLES = frozenset({"builders", "build", "doctor", "create", "confirm", "ui", "keys"})


@dataclass(frozen=True)
class SettingsProblem:
    path: Path
    line: int | None  # 1-based; None when the whole file is concerned
    key: str  # "[build] platforms"; "" for the whole file
    message: str
    outcome: str  # what happens instead: "the default 10 is used"

    def __str__(self) -> str:
        where = shown(self.path) + (f":{self.line}" if self.line else "")
        what = f" {self.key}:" if self.key else ""
        return f"{where}:{what} {self.message}; {self.outcome}."


@dataclass(frozen=True)
class Loaded:
    path: Path
    settings: Settings
    problems: tuple[SettingsProblem, ...] = ()
    exists: bool = False
    #: Which settings the file gave (dotted: "build.platforms"), for ``--settings``.
    from_file: frozenset[str] = frozenset()


def line_of(text: str, table: str, key: str) -> int | None:
    """The line of ``key =`` inside ``[table]`` (1-based), None if not found."""
    current = ""
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(?:#.*)?$")
    for n, line in enumerate(text.splitlines(), 1):
        m = header.match(line)
        if m:
            current = m.group(1).strip().strip('"')
            continue
        stripped = line.lstrip()
        for quoted in (key, f'"{key}"', f"'{key}'"):
            if current == table and re.match(rf"{re.escape(quoted)}\s*=", stripped):
                return n
    return None


def _shown_value(value: object) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = f'"{value}"'
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(_shown_value(v) for v in value) + "]"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


class _Reader:
    """Reads one table's values, recording a problem (and the default) for each bad one."""

    def __init__(self, path: Path, text: str, doc: dict[str, Any]) -> None:
        self.path = path
        self.text = text
        self.doc = doc
        self.problems: list[SettingsProblem] = []
        self.given: set[str] = set()

    def problem(self, table: str, key: str, message: str, default: str) -> None:
        line = line_of(self.text, table, key) if key else _header_line(self.text, table)
        label = f"[{table}] {key}" if key else f"[{table}]"
        self.problems.append(SettingsProblem(self.path, line, label, message, default))

    def table(self, name: str, known: set[str]) -> dict[str, Any]:
        raw = self.doc.get(name, {})
        if not isinstance(raw, dict):
            self.problems.append(
                SettingsProblem(
                    self.path,
                    line_of(self.text, "", name),
                    name,
                    f"expected a table [{name}], found {_shown_value(raw)}",
                    f"the defaults of [{name}] are used",
                )
            )
            return {}
        out = dict(raw)
        for key in sorted(set(out) - known) if known else ():
            self.problem(name, key, "unknown setting (a typo?)", "it is ignored")
            out.pop(key)
        return out

    def value(
        self,
        table: dict[str, Any],
        tname: str,
        key: str,
        default: T,
        convert: Callable[[object], T],
    ) -> T:
        if key not in table:
            return default
        try:
            result = convert(table[key])
        except ValueError as exc:
            self.problem(
                tname, key, str(exc), f"the default {_shown_value(_plain(default))} is used"
            )
            return default
        self.given.add(f"{tname}.{key}")
        return result


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, ColorMode):
        return value.value
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number of seconds, found {_shown_value(value)}")
    seconds = float(value)
    if math.isnan(seconds) or seconds < 0 or math.isinf(seconds):
        raise ValueError(f"expected 0 or more seconds, found {_shown_value(value)}")
    return seconds


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, found {_shown_value(value)}")
    return value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a string, found {_shown_value(value)}")
    return str(value)


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):  # "linux/amd64,linux/arm64" is accepted too
        value = [v for v in (s.strip() for s in value.split(",")) if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of strings, found {_shown_value(value)}")
    return tuple(str(v) for v in value)


def _platforms(value: object) -> tuple[str, ...]:
    items = _strings(value)
    out: list[str] = []
    for item in items:
        try:
            platform = str(parse_platform(item))
        except PlatformError as exc:
            raise ValueError(str(exc)) from exc
        if platform in out:
            raise ValueError(f"{platform} is listed twice")
        out.append(platform)
    return tuple(out)


def _driver(value: object) -> str:
    text = _text(value)
    if text not in CREATE_DRIVERS:
        raise ValueError(f"{_shown_value(text)} is not one of {', '.join(CREATE_DRIVERS)}")
    return text


def _driver_opts(value: object) -> tuple[str, ...]:
    items = _strings(value)
    for item in items:
        if "=" not in item or item.startswith("="):
            raise ValueError(f"{_shown_value(item)} is not key=value")
    return items


def _color(value: object) -> ColorMode:
    text = _text(value) if not isinstance(value, int) or isinstance(value, bool) else str(value)
    try:
        return ColorMode(text)
    except ValueError:
        choices = ", ".join(m.value for m in ColorMode)
        raise ValueError(f"{_shown_value(value)} is not one of {choices}") from None


def _theme(value: object) -> str:
    text = _text(value).strip()
    if not text or len(text) > 100:
        raise ValueError(f"{_shown_value(value)} is not a theme name")
    return text


def _keys(reader: _Reader, table: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            reader.problem(
                "keys",
                binding_id,
                f'expected keys as a string (e.g. "ctrl+n"), found {_shown_value(keys)}',
                "the screen's own key is used",
            )
            continue
        parts = [k.strip() for k in keys.split(",")]
        bad = [k for k in parts if not _KEY.match(k)]
        if bad:
            reader.problem(
                "keys",
                binding_id,
                f"{_shown_value(bad[0])} is not a key name (e.g. ctrl+n, f5, question_mark)",
                "the screen's own key is used",
            )
            continue
        out[str(binding_id)] = ",".join(parts)
        reader.given.add(f"keys.{binding_id}")
    return out


def _known(cls: type) -> set[str]:
    return {f.name for f in fields(cls)}


def parse_settings(text: str, path: Path) -> Loaded:
    """The settings in ``text`` (the content of ``path``)."""
    defaults = Settings()
    try:
        doc = tomlkit.parse(text).unwrap()
    except ParseError as exc:
        problem = SettingsProblem(
            path, exc.line or None, "", f"not valid TOML ({exc})", OUTCOME_ALL
        )
        return Loaded(path, defaults, (problem,), exists=True)
    r = _Reader(path, text, doc)
    for name in sorted(set(doc) - TABLES):
        outside = not isinstance(doc[name], dict)
        r.problems.append(
            SettingsProblem(
                path,
                line_of(text, "", name) if outside else _header_line(text, name),
                name if outside else f"[{name}]",
                "a setting outside any table (it belongs under its [table])"
                if outside
                else "unknown table (a typo?)",
                "it is ignored",
            )
        )
    builders = r.table("builders", {"refresh"})
    build = r.table("build", {"platforms"})
    doctor = r.table("doctor", {"platforms"})
    create = r.table("create", _known(CreateDefaults))
    confirm = r.table("confirm", _known(Confirmations))
    ui = r.table("ui", {"theme", "color"})
    keys = r.table("keys", set())
    c0, k0 = defaults.create, defaults.confirm
    settings = replace(
        defaults,
        refresh=r.value(builders, "builders", "refresh", defaults.refresh, _number),
        build_platforms=r.value(build, "build", "platforms", defaults.build_platforms, _platforms),
        doctor_platforms=r.value(
            doctor, "doctor", "platforms", defaults.doctor_platforms, _platforms
        ),
        create=CreateDefaults(
            driver=r.value(create, "create", "driver", c0.driver, _driver),
            driver_opts=r.value(create, "create", "driver_opts", c0.driver_opts, _driver_opts),
            bootstrap=r.value(create, "create", "bootstrap", c0.bootstrap, _bool),
            use=r.value(create, "create", "use", c0.use, _bool),
        ),
        confirm=Confirmations(
            **{
                f.name: r.value(confirm, "confirm", f.name, getattr(k0, f.name), _bool)
                for f in fields(Confirmations)
            }
        ),
        theme=r.value(ui, "ui", "theme", defaults.theme, _theme),
        color=r.value(ui, "ui", "color", defaults.color, _color),
        keys=_keys(r, keys),
    )
    if settings.doctor_platforms == ():
        r.problem("doctor", "platforms", "no platform given", "the default is used")
        settings = replace(settings, doctor_platforms=defaults.doctor_platforms)
    problems = tuple(sorted(r.problems, key=lambda p: p.line or 0))
    return Loaded(path, settings, problems, exists=True, from_file=frozenset(r.given))


def _header_line(text: str, name: str) -> int | None:
    for n, line in enumerate(text.splitlines(), 1):
        if re.match(rf"^\s*\[\s*{re.escape(name)}\s*\]", line):
            return n
    return None


def load_settings(path: Path) -> Loaded:
    """The settings of the file at ``path``: the defaults if it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Loaded(path, Settings())
    except (OSError, ValueError) as exc:
        problem = SettingsProblem(path, None, "", f"cannot be read ({reason(exc)})", OUTCOME_ALL)
        return Loaded(path, Settings(), (problem,), exists=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = SettingsProblem(path, line, "", "is not UTF-8 text", OUTCOME_ALL)
        return Loaded(path, Settings(), (problem,), exists=True)
    return parse_settings(text, path)
