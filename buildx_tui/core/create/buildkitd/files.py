"""The buildkitd.toml on disk: where a path really leads, reading it, writing it atomically with
one backup, and putting a backup back. Imported through :mod:`.config`.

Decisions
---------
* **Links.** A config path may be a symbolic link (dotfiles managers make them). Everything that
  touches the file (reading, the ``.bak``, the temporary copies, the undo of a failed create)
  works on the file the link leads to, found once by :func:`resolve_config_path`; its
  :class:`ConfigFile` is what the wizard shows. The link itself is never replaced.
* **A dangling link** (it leads to a file that does not exist) is written through: the file it
  points to is created, with its missing folders, as an editor or ``echo > link`` does. Someone
  who linked the config into their dotfiles expects the file there; refusing would send them
  out of the app to create an empty file. :meth:`ConfigFile.describe` says so before anything
  is written. A link loop is an OS error (ELOOP) that the wizard's checks show.
* **Modes.** A file buildx-tui creates is 0600 and every folder it creates 0700, whatever the
  umask: the file holds the user's registry settings, only theirs to read. An existing file keeps
  its mode, and so does its ``.bak`` (the undo puts the ``.bak`` back in the file's place).
* **Backups.** One previous version, ``<name>.bak`` beside the (real) file, replaced on each
  write: predictable for the UI to name, and no unbounded growth in the config directory.
* **Temporary files** are ``.NAME.<12 hex>.tmp`` and ``.NAME.bak.<12 hex>.tmp`` beside the file.
  A process killed mid-write leaves one behind: the next write of the same file removes those
  older than :data:`STALE_TEMP_S` (a concurrent writer's fresh one is left alone).
* **Names.** Those temporary names are the file's name plus :data:`TEMP_NAME_EXTRA` characters:
  :func:`config_name_problem` says when that does not fit the file system.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from buildx_tui.core.atomic import (
    BACKUP_SUFFIX,
    STALE_TEMP_S,
    TEMP_NAME_EXTRA,
    backup_path,
    replace_file,
    restore_file,
)
from buildx_tui.core.create.buildkitd.model import (
    BuildkitdConfig,
    ConfigError,
    ConfigProblem,
    parse,
)
from buildx_tui.core.paths import (
    PRIVATE_DIR_MODE,
    PRIVATE_FILE_MODE,
    existing_parent,
    look,
    remove_empty_dirs,
    shown,
)

__all__ = [
    "BACKUP_SUFFIX",
    "PRIVATE_DIR_MODE",
    "PRIVATE_FILE_MODE",
    "STALE_TEMP_S",
    "TEMP_NAME_EXTRA",
    "ConfigFile",
    "WriteResult",
    "backup_path",
    "config_name_problem",
    "read_config",
    "remove_empty_dirs",
    "resolve_config_path",
    "restore_file",
    "write_atomic",
    "write_config",
]

_NAME_MAX = 255  # when the file system does not say (os.pathconf)
_PATH_MAX = 4096


# --- where a path leads ------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigFile:
    """A config path as given, and the file that is really read and written."""

    path: Path  # as given
    target: Path  # symbolic links followed: the file read, backed up, written and restored
    link: bool  # ``path`` itself is a symbolic link
    exists: bool  # ``target`` exists
    new_dirs: tuple[Path, ...] = ()  # folders a write creates for it, outermost first

    @property
    def dangling(self) -> bool:
        """A link to a file that does not exist: writing creates that file."""
        return self.link and not self.exists

    def describe(self) -> str:
        """The path for the user: for a link, where it leads (and that the file will be
        created there, for a dangling link)."""
        if not self.link:
            return shown(self.path)
        if self.dangling:
            return (
                f"{shown(self.path)} (a link to {shown(self.target)}, which does not exist yet: "
                "it will be created there)"
            )
        return f"{shown(self.path)} (a link to {shown(self.target)})"

    def creates(self) -> str:
        """``""``, or which folders a write will create (for the plan's screen)."""
        if not self.new_dirs:
            return ""
        word = "folder" if len(self.new_dirs) == 1 else "folders"
        return f"creates the {word} " + ", ".join(shown(d) for d in self.new_dirs)


def resolve_config_path(path: Path | str) -> ConfigFile:
    """Follow ``path``'s symbolic links once, to the file :func:`write_config` will write (a
    dangling link: the file it points to). Never raises: a path the OS refuses is kept as
    given, for the checks to report."""
    given = Path(path)
    try:
        target = Path(os.path.realpath(given))
    except ValueError:  # a NUL character
        target = given
    found = look(target)
    missing: list[Path] = []
    parent = target.parent
    while look(parent).missing and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    return ConfigFile(given, target, os.path.islink(given), found.exists, tuple(reversed(missing)))


def config_name_problem(path: Path | str) -> str | None:
    """Why the file at ``path`` (links already followed) cannot be written with its temporary
    and backup copies beside it (a name or path too long for its file system), else None."""
    p = Path(path)
    name = len(os.fsencode(p.name))
    where = existing_parent(p)
    name_max, path_max = _NAME_MAX, _PATH_MAX
    if where.exists:
        with contextlib.suppress(OSError, ValueError):
            name_max = os.pathconf(where.path, "PC_NAME_MAX")
        with contextlib.suppress(OSError, ValueError):
            path_max = os.pathconf(where.path, "PC_PATH_MAX")
    if name + TEMP_NAME_EXTRA > name_max:
        return (
            f"the file name {shown(p.name)} is {name} characters long; buildx-tui writes "
            f"temporary and backup copies beside it whose names are {TEMP_NAME_EXTRA} longer, so "
            f"at most {name_max - TEMP_NAME_EXTRA} fit on this file system"
        )
    full = len(os.fsencode(os.path.abspath(p))) + TEMP_NAME_EXTRA
    if full >= path_max:
        return (
            f"the path {shown(p)} is too long: with the {TEMP_NAME_EXTRA} more characters of "
            f"its temporary copies it must stay under {path_max} characters"
        )
    return None


# --- reading and writing -----------------------------------------------------------------


def read_config(path: Path | str) -> tuple[str, BuildkitdConfig]:
    """The text of ``path`` (links followed) and its model; ``("", BuildkitdConfig())`` if it
    does not exist. Raises :class:`ConfigError` as :func:`parse` does, and ``OSError``."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return "", BuildkitdConfig()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(ConfigProblem("", f"the file is not UTF-8 text ({exc.reason})")) from exc
    return text, parse(text)


@dataclass(frozen=True)
class WriteResult:
    target: Path  # the file written (links followed)
    backup: Path | None  # where the previous version is, None when there was none
    created_dirs: tuple[Path, ...] = ()  # folders made for it, outermost first (mode 0700)


def write_atomic(path: Path | str, text: str, backup: bool = True) -> Path | None:
    """:func:`write_config`; returns only the backup path (``None`` when none was made)."""
    return write_config(path, text, backup=backup).backup


def write_config(path: Path | str, text: str, backup: bool = True) -> WriteResult:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given) so that readers see either the
    old or the new file, never a part.

    ``path`` is resolved by :func:`resolve_config_path`: a symlink's target is written (created
    for a dangling link), the link stays. Missing folders are created, mode 0700. The text goes
    to a temporary file beside the target, is fsynced, gets the mode of the file it replaces (a
    new file: 0600), then ``os.replace`` puts it in place and the folder is fsynced. With
    ``backup`` and an existing file, the previous content is first saved as ``<name>.bak`` beside
    it (one generation, same mode), itself written atomically. Temporary files of this same file
    left by a writer that died (older than :data:`STALE_TEMP_S`) are removed first.

    On any failure the original file is untouched, temporary files and the folders made for it
    are removed and the error propagates.
    """
    target = resolve_config_path(path).target
    saved, created = replace_file(target, text, backup=backup)
    return WriteResult(target, saved, created)
