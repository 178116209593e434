"""buildkitd.toml for the builder wizard: model, validation, round-trip editing, atomic writing.

The one import path for the rest of the program::

    from buildx_tui.core.create.buildkitd.config import (
        BuildkitdConfig, RegistryConfig, KeyPair, ConfigProblem, ConfigError,
        read_config, parse, validate, has_errors, normalize, render, apply, write_atomic,
        write_config, resolve_config_path, config_path_for_builder, DAEMON_JSON_TRAP,
    )

Flow of the wizard: ``text, config = read_config(path)`` (``""`` and an empty model when the file
does not exist) -> the user edits ``config`` -> ``validate(config)`` lists errors and warnings per
field (``normalize(config)`` offers the mirror fixes) -> ``apply(text, config)`` (``render(config)``
for a new file) gives the exact bytes to show -> ``write_atomic(path, new_text)``.

Decisions
---------
* **Errors.** :class:`ConfigError` (a ``ValueError`` holding ``problems``) is *raised* when text
  cannot be loaded or edited: invalid TOML (``line``/``column`` set), wrong types for modelled keys
  (``mirrors = "x"``: BuildKit would not start), a layout tomlkit cannot reproduce or edit.
  :func:`validate` *returns* :class:`ConfigProblem` s (``severity`` ``"error"`` or ``"warning"``)
  about values: host syntax, mirrors, duplicates, certificate files. ``render``/``apply`` write
  what the model says; gate writing on ``not has_errors(validate(config))``.
* **Mirror schemes.** BuildKit wants ``host[:port][/path]``; it drops a scheme (older versions
  could not use it) and ``http://`` does *not* make it use plain HTTP: that is read from
  ``[registry."MIRROR-HOST"] http = true``. So a scheme is a warning, the model keeps what the
  user typed (an untouched file stays byte-identical), and :func:`normalize` strips schemes and
  trailing slashes, drops repeats, and for an ``http://`` mirror (not localhost, whose default is
  already plain HTTP) sets ``http = true`` on the mirror host's table, creating it if needed.
* **Duplicates.** A dict cannot hold one host twice; TOML that declares a table twice is a syntax
  error with its line. Spellings of one registry (case, scheme, trailing slash) are errors from
  ``validate``; :func:`check_hosts` checks the wizard's rows before they become a dict. Repeated
  mirrors are warnings. Docker Hub is ``docker.io``: ``index.docker.io`` and friends are warned.
* **Editing.** Only what differs between the text's model and the new model is touched (see
  :mod:`.edit`). Every result is parsed again and must hold exactly the
  new model and, apart from it, the same data as before; otherwise ``ConfigError``. Comments
  inside a removed registry table go with it; a comment block separated by a blank line at its
  end (it introduces what follows) stays. CRLF files stay CRLF; the number of newlines at the
  end of the file is kept.
* **Files.** Reading and writing are in :mod:`.files` (re-exported here): a symlinked path is
  resolved once (:func:`resolve_config_path`) and the file it leads to is read, written, backed
  up (one ``<name>.bak`` beside it) and restored; files the app creates are 0600 in 0700
  folders; temporary files a killed writer left are removed by the next write.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs

from buildx_tui.core.commands import validate_builder_name
from buildx_tui.core.create.buildkitd.edit import edit_document
from buildx_tui.core.create.buildkitd.files import (
    BACKUP_SUFFIX,
    ConfigFile,
    WriteResult,
    backup_path,
    config_name_problem,
    read_config,
    remove_empty_dirs,
    resolve_config_path,
    restore_file,
    write_atomic,
    write_config,
)
from buildx_tui.core.create.buildkitd.model import (
    REGISTRY_KEYS,
    BuildkitdConfig,
    ConfigError,
    ConfigProblem,
    KeyPair,
    RegistryConfig,
    Severity,
    host_field,
    loads_toml,
    model_from_data,
    parse,
)
from buildx_tui.core.create.buildkitd.validate import (
    DOCKER_HUB,
    DOCKER_HUB_ALIASES,
    MirrorRef,
    canonical_host,
    check_hosts,
    has_errors,
    host_syntax_error,
    is_localhost,
    mirror_syntax_error,
    normalize,
    parse_mirror,
    validate,
)

__all__ = [
    "APP_NAME",
    "BACKUP_SUFFIX",
    "DAEMON_JSON_TRAP",
    "DOCKER_HUB",
    "DOCKER_HUB_ALIASES",
    "NEW_FILE_HEADER",
    "REGISTRY_KEYS",
    "BuildkitdConfig",
    "ConfigError",
    "ConfigFile",
    "ConfigProblem",
    "KeyPair",
    "MirrorRef",
    "RegistryConfig",
    "Severity",
    "WriteResult",
    "apply",
    "backup_path",
    "canonical_host",
    "check_hosts",
    "config_dir_default",
    "config_name_problem",
    "config_path_for_builder",
    "has_errors",
    "host_field",
    "host_syntax_error",
    "is_localhost",
    "mirror_syntax_error",
    "normalize",
    "parse",
    "parse_mirror",
    "read_config",
    "remove_empty_dirs",
    "render",
    "resolve_config_path",
    "restore_file",
    "validate",
    "write_atomic",
    "write_config",
]

APP_NAME = "buildx-tui"

#: For the wizard to show next to the registry settings.
DAEMON_JSON_TRAP = (
    "A docker-container or kubernetes builder runs its own BuildKit, which never reads the "
    'engine\'s /etc/docker/daemon.json: "insecure-registries" and "registry-mirrors" set there do '
    "not apply to it. Set mirrors, http/insecure and certificates in this buildkitd.toml instead; "
    "buildx hands it to the builder (--buildkitd-config) when it creates it."
)

#: First lines of a file written by :func:`render`.
NEW_FILE_HEADER = (
    "# BuildKit daemon configuration (buildkitd.toml), written by buildx-tui.\n"
    "# Used with: docker buildx create --buildkitd-config <this file>\n"
    "# Reference: https://docs.docker.com/build/buildkit/toml-configuration/\n"
)


# --- rendering and editing ---------------------------------------------------------------


def render(config: BuildkitdConfig) -> str:
    """A new buildkitd.toml for ``config``: a short header comment, ``debug``, then one
    ``[registry."HOST"]`` table per registry in dict order (keys indented two spaces, like
    BuildKit's docs). Does not validate: see :func:`validate`."""
    start = NEW_FILE_HEADER + "\n"
    if config.debug is not None:
        start += f"debug = {'true' if config.debug else 'false'}\n\n"
    out = apply(start, config)
    return out.rstrip("\n") + "\n"


def apply(existing_text: str, config: BuildkitdConfig) -> str:
    """``existing_text`` with the modelled part replaced by ``config``, changing only what
    differs from what the text holds: comments, key order, unknown keys and tables are kept byte
    for byte (see :mod:`buildx_tui.core.create.buildkitd.edit` for where changes land). If nothing
    differs the text is returned unchanged.

    Raises :class:`ConfigError` if ``existing_text`` is not valid TOML or has wrong types for the
    modelled keys, or if the edit could not be made without changing something else (checked by
    parsing the result again). Does not validate values: see :func:`validate`.
    """
    crlf = _uses_crlf(existing_text)
    text = existing_text.replace("\r\n", "\n") if crlf else existing_text
    before_data = loads_toml(text)
    old = model_from_data(before_data)
    if old == config:
        return existing_text
    try:
        out = edit_document(text, old, config)
    except ConfigError:
        raise
    except Exception as exc:  # tomlkit raises many types; the user needs one message
        raise ConfigError(
            ConfigProblem(
                "",
                "buildx-tui cannot edit this file's layout safely "
                f"({type(exc).__name__}: {exc}); edit it by hand or start a new file",
            )
        ) from exc
    _verify(out, before_data, old, config)
    return out.replace("\n", "\r\n") if crlf else out


def _uses_crlf(text: str) -> bool:
    return "\r\n" in text and text.count("\r\n") == text.count("\n")


def _verify(
    out: str, before: Mapping[str, Any], old: BuildkitdConfig, new: BuildkitdConfig
) -> None:
    """The result must hold exactly ``new`` and, apart from that, the same data as before."""
    try:
        after = loads_toml(out)
        got = model_from_data(after)
    except ConfigError as exc:
        raise _unsafe("the result would not load", exc) from exc
    if got != new:
        raise _unsafe("the result would not hold the new settings", None)
    removed = set(old.registries) - set(new.registries)
    added = set(new.registries) - set(old.registries)
    if _others(before, drop=removed) != _others(after, drop=added):
        raise _unsafe("other settings of the file would change", None)


def _unsafe(why: str, cause: Exception | None) -> ConfigError:
    detail = f" ({cause})" if cause else ""
    return ConfigError(
        ConfigProblem(
            "",
            f"buildx-tui cannot edit this file's layout safely: {why}{detail}; "
            "edit it by hand or start a new file",
        )
    )


def _others(data: Mapping[str, Any], drop: set[str]) -> dict[str, Any]:
    """``data`` without the modelled keys (and without the registries in ``drop``)."""
    rest = copy.deepcopy(dict(data))
    rest.pop("debug", None)
    registries = rest.get("registry")
    if isinstance(registries, dict):
        for host in list(registries):
            table = registries[host]
            if host in drop:
                del registries[host]
                continue
            if isinstance(table, dict):
                for key in REGISTRY_KEYS:
                    table.pop(key, None)
                if not table:
                    del registries[host]
        if not registries:
            del rest["registry"]
    return rest


# --- files -------------------------------------------------------------------------------


def config_dir_default() -> Path:
    """``<user config dir>/buildx-tui`` from platformdirs (e.g. ``~/.config/buildx-tui``)."""
    return platformdirs.user_config_path(APP_NAME, appauthor=False)


def config_path_for_builder(name: str, config_dir: Path | str | None = None) -> Path:
    """``<config_dir>/buildkitd/<name>.toml``; ``config_dir`` defaults to
    :func:`config_dir_default` (tests pass a temporary directory).

    ``name`` must be a valid buildx builder name (a letter, then letters, digits, ``.``, ``_``,
    ``-``; at most ``MAX_NAME_LENGTH`` characters, so the file name and its temporary and backup
    names fit the file system); buildx lower-cases builder names, so the file name is lower case
    too. Raises ``ValueError`` (:class:`InvalidName`) otherwise, which also rules out paths like
    ``../x``. Does not touch the file system.
    """
    stored = validate_builder_name(name)
    base = Path(config_dir) if config_dir is not None else config_dir_default()
    return base / "buildkitd" / f"{stored}.toml"
