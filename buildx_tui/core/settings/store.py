"""Where settings.toml lives, writing one value back into it (comments and layout kept,
atomically), and the effective values in words (``buildx-tui --settings``).

The file is ``$BUILDX_TUI_SETTINGS`` if set, else ``settings.toml`` in platformdirs' user config
folder for buildx-tui (``~/.config/buildx-tui/settings.toml`` on Linux). Nothing writes it until
a value is remembered (a theme chosen in the palette): then a missing file is made from
:data:`~buildx_tui.core.settings.model.TEMPLATE` (0600, in a 0700 folder).
"""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

import tomlkit
from tomlkit.exceptions import ParseError
from tomlkit.items import Table

from buildx_tui.core.atomic import replace_file
from buildx_tui.core.paths import reason, shown
from buildx_tui.core.settings.load import Loaded
from buildx_tui.core.settings.model import TEMPLATE, Confirmations, CreateDefaults

APP_NAME = "buildx-tui"
FILE_NAME = "settings.toml"
ENV_PATH = "BUILDX_TUI_SETTINGS"


def settings_path() -> Path:
    """``$BUILDX_TUI_SETTINGS``, else ``<user config dir>/buildx-tui/settings.toml``."""
    given = os.environ.get(ENV_PATH)
    if given:
        return Path(given).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False) / FILE_NAME


class SettingsWriteError(Exception):
    """A value could not be written back; the message says why (the file is as it was)."""


def remember(path: Path, table: str, key: str, value: str | bool | float | list[str]) -> None:
    """Set ``[table] key = value`` in the file at ``path`` and write it atomically; every
    comment and the rest of the file stay as they were. A missing file starts from the
    template. Raises :class:`SettingsWriteError` (the file unchanged) when it cannot be read,
    is not TOML (it is never overwritten then) or cannot be written."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = TEMPLATE
    except (OSError, ValueError) as exc:
        why = reason(exc) if not isinstance(exc, UnicodeDecodeError) else "it is not UTF-8"
        raise SettingsWriteError(f"{shown(path)} cannot be read ({why})") from exc
    try:
        doc = tomlkit.parse(text)
    except ParseError as exc:
        raise SettingsWriteError(
            f"{shown(path)} is not valid TOML ({exc}); it is left as it is"
        ) from exc
    existing = doc.get(table)
    if existing is None:
        existing = tomlkit.table()
        doc[table] = existing
    if not isinstance(existing, Table):
        raise SettingsWriteError(f"{shown(path)}: {table} is not a table; it is left as it is")
    existing[key] = value
    try:
        # a link (dotfiles) stays a link: the file it leads to is written
        replace_file(Path(os.path.realpath(path)), tomlkit.dumps(doc), backup=False)
    except (OSError, ValueError) as exc:
        raise SettingsWriteError(f"{shown(path)} cannot be written ({reason(exc)})") from exc


def _toml(value: object) -> str:
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, str):
        value = str(value)  # an enum's text
    item = tomlkit.item(value)
    return item.as_string()


def describe(loaded: Loaded) -> str:
    """The path and every effective value, marked ``# default`` or ``# from the file``, then
    the problems (``buildx-tui --settings``)."""
    s = loaded.settings
    state = "" if loaded.exists else "   (does not exist: every value is the default)"
    out = [f"# settings file: {loaded.path}{state}"]

    def line(dotted: str, value: object) -> str:
        key = dotted.rsplit(".", 1)[1]
        origin = "from the file" if dotted in loaded.from_file else "default"
        return f"{key} = {_toml(value)}  # {origin}"

    sections: list[tuple[str, list[tuple[str, object]]]] = [
        ("builders", [("refresh", s.refresh)]),
        ("build", [("platforms", s.build_platforms)]),
        ("doctor", [("platforms", s.doctor_platforms)]),
        ("create", [(f.name, getattr(s.create, f.name)) for f in fields(CreateDefaults)]),
        ("confirm", [(f.name, getattr(s.confirm, f.name)) for f in fields(Confirmations)]),
        ("ui", [("theme", s.theme), ("color", s.color)]),
    ]
    for table, values in sections:
        out.append(f"\n[{table}]")
        out.extend(line(f"{table}.{key}", value) for key, value in values)
    out.append("\n[keys]")
    if s.keys:
        out.extend(f"{_toml(k)} = {_toml(v)}  # from the file" for k, v in sorted(s.keys.items()))
    else:
        out.append("# no key overrides")
    if loaded.problems:
        out.append("\n# problems (their defaults are used):")
        out.extend(f"#   {p}" for p in loaded.problems)
    return "\n".join(out) + "\n"
