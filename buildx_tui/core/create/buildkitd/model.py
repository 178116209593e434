"""Model of the parts of BuildKit's ``buildkitd.toml`` that buildx-tui edits, and loading it.

Only the global ``debug`` flag and the ``[registry."HOST"]`` tables (``mirrors``, ``http``,
``insecure``, ``ca`` and the ``[[registry."HOST".keypair]]`` array of tables) are modelled; every
other key and table of the file is left to the tomlkit document and never touched.

Loading is strict about *types* (a file BuildKit would refuse to start with, such as
``mirrors = "x"``, raises :class:`ConfigError`) and lenient about *values* (an unknown host syntax,
a missing ``cert`` in a keypair...): those are reported by ``validate()`` so the wizard can show
them next to the field and still edit the file.

Public names are re-exported by :mod:`.config`; import them from there.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Literal

Severity = Literal["error", "warning"]

#: Keys of a ``[registry."HOST"]`` table that the model owns. Anything else in the table
#: (``tlsconfigdir``, keys of future BuildKit versions...) is kept as it is.
REGISTRY_KEYS: tuple[str, ...] = ("mirrors", "http", "insecure", "ca", "keypair")


@dataclass(frozen=True)
class KeyPair:
    """One ``[[registry."HOST".keypair]]`` entry: a client certificate and its key (file paths).

    A key missing from the file loads as ``""`` (``validate()`` reports it).
    """

    key: str
    cert: str


@dataclass
class RegistryConfig:
    """The settings of one ``[registry."HOST"]`` table.

    ``None`` / empty list means "not set in the file" (BuildKit's default applies: HTTPS with
    certificate checks, except that localhost/127.0.0.0/8/::1 default to plain HTTP).
    ``http = true`` wins over ``insecure = true`` in BuildKit.
    """

    mirrors: list[str] = field(default_factory=list)
    http: bool | None = None
    insecure: bool | None = None
    ca: list[str] = field(default_factory=list)
    keypairs: list[KeyPair] = field(default_factory=list)

    def is_empty(self) -> bool:
        """True when the table sets none of the modelled keys."""
        return (
            not self.mirrors
            and self.http is None
            and self.insecure is None
            and not self.ca
            and not self.keypairs
        )


@dataclass
class BuildkitdConfig:
    """``debug`` and the registry tables of a buildkitd.toml, keyed by host (``docker.io``,
    ``127.0.0.1:5000``, ``[::1]:5000``...). Dict order is the order of the tables in the file;
    new registries are appended in dict order."""

    debug: bool | None = None
    registries: dict[str, RegistryConfig] = field(default_factory=dict)


@dataclass(frozen=True)
class ConfigProblem:
    """One finding about a config, attached to a TOML path.

    ``field`` is a TOML-style path: ``""`` for the whole file, ``debug``,
    ``registry."docker.io"``, ``registry."docker.io".mirrors[0]``,
    ``registry."h".keypair[1].cert``. ``line``/``column`` (1-based) are known only for TOML
    syntax errors. Errors make the file unusable or wrong; warnings are worth a look.
    """

    field: str
    message: str
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f"line {self.line}"
            if self.column is not None:
                where += f", column {self.column}"
            where += ": "
        prefix = f"{self.field}: " if self.field else ""
        return f"{where}{prefix}{self.message}"


class ConfigError(ValueError):
    """A buildkitd.toml that cannot be loaded or edited. ``problems`` holds every reason found
    (all with severity ``"error"``); ``str()`` lists them one per line."""

    def __init__(self, problems: list[ConfigProblem] | ConfigProblem) -> None:
        self.problems: tuple[ConfigProblem, ...] = (
            (problems,) if isinstance(problems, ConfigProblem) else tuple(problems)
        )
        super().__init__("\n".join(str(p) for p in self.problems))


def host_field(host: str) -> str:
    """TOML path of a registry table, as used in :attr:`ConfigProblem.field`."""
    escaped = host.replace("\\", "\\\\").replace('"', '\\"')
    return f'registry."{escaped}"'


# --- loading -----------------------------------------------------------------------------

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")
_DECLARED_TWICE = re.compile(r"^Cannot declare \((.*)\) twice$")


def loads_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads`` with its error turned into a :class:`ConfigError` that says where."""
    if text.startswith("\ufeff"):
        raise ConfigError(
            ConfigProblem(
                "",
                "the file starts with a byte order mark (BOM); save it as UTF-8 without BOM",
                "error",
                1,
                1,
            )
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_problem(str(exc), text)) from exc


def _syntax_problem(raw: str, text: str) -> ConfigProblem:
    line: int | None = None
    column: int | None = None
    message = raw
    m = _POSITION.search(raw)
    if m:
        line, column = int(m.group(1)), int(m.group(2))
        message = raw[: m.start()]
    else:
        m_end = _AT_END.search(raw)
        if m_end:
            message = raw[: m_end.start()]
            line = text.count("\n") + 1
    twice = _DECLARED_TWICE.match(message)
    if twice:
        path = _table_path_from_tuple_repr(twice.group(1))
        message = (
            f"[{path}] is declared twice; TOML allows each table once "
            "(merge the two sections into one)"
        )
    else:
        message = f"not valid TOML: {message[:1].lower()}{message[1:]}"
    return ConfigProblem("", message, "error", line, column)


def _table_path_from_tuple_repr(inner: str) -> str:
    # tomllib words it "Cannot declare ('registry', '127.0.0.1:5000') twice".
    parts = re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", inner)
    names = [a or b for a, b in parts]
    if not names:
        return inner
    return ".".join(n if re.fullmatch(r"[A-Za-z0-9_-]+", n) else f'"{n}"' for n in names)


def parse(text: str) -> BuildkitdConfig:
    """Load the modelled part of a buildkitd.toml.

    Raises :class:`ConfigError` for invalid TOML (with line and column) and for keys we model
    that have the wrong type (e.g. ``mirrors = "x"``, ``http = "yes"``, ``[registry."h".keypair]``
    written as a single table): BuildKit refuses to start with such a file. Every type problem of
    the file is reported at once.
    """
    return model_from_data(loads_toml(text))


def model_from_data(data: Mapping[str, Any]) -> BuildkitdConfig:
    """Build the model from a ``tomllib`` result; see :func:`parse`."""
    problems: list[ConfigProblem] = []
    config = BuildkitdConfig()

    if "debug" in data:
        debug = data["debug"]
        if isinstance(debug, bool):
            config.debug = debug
        else:
            problems.append(
                ConfigProblem("debug", f"expected true or false, got {_describe(debug)}")
            )

    registries = data.get("registry")
    if registries is not None and not isinstance(registries, dict):
        problems.append(
            ConfigProblem(
                "registry",
                f'expected tables like [registry."docker.io"], got {_describe(registries)}',
            )
        )
    elif registries:
        for host, table in registries.items():
            where = host_field(host)
            if not isinstance(table, dict):
                problems.append(
                    ConfigProblem(where, f"expected a table of settings, got {_describe(table)}")
                )
                continue
            config.registries[host] = _registry_from_table(where, table, problems)

    if problems:
        raise ConfigError(problems)
    return config


def _registry_from_table(
    where: str, table: Mapping[str, Any], problems: list[ConfigProblem]
) -> RegistryConfig:
    reg = RegistryConfig()
    reg.mirrors = _string_list(f"{where}.mirrors", table.get("mirrors"), "mirror.gcr.io", problems)
    reg.ca = _string_list(f"{where}.ca", table.get("ca"), "/etc/certs/ca.pem", problems)
    for key in ("http", "insecure"):
        if key in table:
            value = table[key]
            if isinstance(value, bool):
                setattr(reg, key, value)
            else:
                problems.append(
                    ConfigProblem(
                        f"{where}.{key}", f"expected true or false, got {_describe(value)}"
                    )
                )
    if "keypair" in table:
        reg.keypairs = _keypairs(where, table["keypair"], problems)
    return reg


def _string_list(path: str, value: Any, example: str, problems: list[ConfigProblem]) -> list[str]:
    if value is None:
        return []
    name = path.rsplit(".", 1)[-1]
    if isinstance(value, str):
        problems.append(
            ConfigProblem(
                path,
                f'expected an array of strings, got {_describe(value)}; write {name} = ["{value}"]',
            )
        )
        return []
    if not isinstance(value, list):
        problems.append(
            ConfigProblem(
                path, f'expected an array of strings like ["{example}"], got {_describe(value)}'
            )
        )
        return []
    out: list[str] = []
    for i, item in enumerate(value):
        if isinstance(item, str):
            out.append(item)
        else:
            problems.append(
                ConfigProblem(f"{path}[{i}]", f"expected a string, got {_describe(item)}")
            )
    return out


def _keypairs(where: str, value: Any, problems: list[ConfigProblem]) -> list[KeyPair]:
    path = f"{where}.keypair"
    if isinstance(value, dict):
        problems.append(
            ConfigProblem(
                path,
                "keypair must be an array of tables: write the header with double brackets, "
                f"[[{path}]], with key = ... and cert = ... under it",
            )
        )
        return []
    if not isinstance(value, list):
        problems.append(
            ConfigProblem(
                path,
                f"expected an array of tables ([[{path}]] with key and cert), "
                f"got {_describe(value)}",
            )
        )
        return []
    out: list[KeyPair] = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            problems.append(
                ConfigProblem(
                    f"{path}[{i}]", f"expected a table with key and cert, got {_describe(entry)}"
                )
            )
            continue
        fields: dict[str, str] = {}
        for name in ("key", "cert"):
            item = entry.get(name, "")
            if isinstance(item, str):
                fields[name] = item
            else:
                problems.append(
                    ConfigProblem(
                        f"{path}[{i}].{name}", f"expected a file path string, got {_describe(item)}"
                    )
                )
                fields[name] = ""
        out.append(KeyPair(key=fields["key"], cert=fields["cert"]))
    return out


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'a string ("{shown}")'
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime | date | time):
        return f"a date/time ({value.isoformat()})"
    return type(value).__name__
