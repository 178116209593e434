"""Paths the user typed, or made from what they typed, looked at without raising.

A form field can hold anything a paste holds, and the OS answers a path with more than "there"
or "not there": 10,000 characters give ENAMETOOLONG, a link loop ELOOP, a file used as a folder
ENOTDIR, a folder without access EACCES, and a NUL character makes Python raise ValueError before
the OS is asked. ``pathlib.Path.exists()``/``is_dir()`` raise on most of these; ``os.path.exists``
hides them all as "does not exist". The checks of the features use :func:`look`, which keeps the
error so a message can say it (:func:`reason`), and :func:`shown` so a message never repeats a
10,000-character paste.

Folders the app makes for itself (its history, a new buildkitd.toml's folders) are private:
:func:`make_private_dirs` creates each missing one with mode 0700, whatever the umask.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_SHOWN", "PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "Look", "can_access",
           "existing_parent", "expand_user", "look", "make_private_dirs", "reason",
           "remove_empty_dirs", "shown"]  # fmt: skip

#: Longer paths are shortened in messages to their start and end, and their length. Real
#: paths stay whole (a file name has at most 255 bytes); a paste of thousands does not.
MAX_SHOWN = 200
#: Files and folders the app creates for the user: only theirs to read.
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700

StrPath = str | os.PathLike[str]


def shown(path: StrPath, *, quote: bool = False) -> str:
    """``path`` for a message: as is (``repr`` with ``quote``) up to :data:`MAX_SHOWN`
    characters, else its first and last characters and its length."""
    text = os.fspath(path)
    if len(text) <= MAX_SHOWN:
        return repr(text) if quote else text
    short = f"{text[:120]}…{text[-40:]}"
    return f"{short!r} ({len(text)} characters)" if quote else f"{short} ({len(text)} characters)"


def reason(exc: OSError | ValueError) -> str:
    """Why the OS refused a path, in words (no path in it)."""
    if not isinstance(exc, OSError):
        return "the path contains a NUL character"
    if exc.errno == errno.ENAMETOOLONG:
        return "the path or one of its names is too long for the file system"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links (a link that points to itself?)"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or str(exc)


@dataclass(frozen=True)
class Look:
    """What ``os.stat`` said about a path: its ``st``, or that it is missing (both ``None``),
    or the ``error`` that kept it from being looked at."""

    path: str
    st: os.stat_result | None = None
    error: OSError | ValueError | None = None

    @property
    def exists(self) -> bool:
        return self.st is not None

    @property
    def missing(self) -> bool:
        return self.st is None and self.error is None

    @property
    def is_dir(self) -> bool:
        return self.st is not None and stat.S_ISDIR(self.st.st_mode)

    @property
    def is_file(self) -> bool:
        return self.st is not None and stat.S_ISREG(self.st.st_mode)

    def problem(self, what: str = "", *, quote: bool = False) -> str:
        """``cannot use WHAT PATH: REASON`` (only meaningful when ``error`` is set)."""
        about = f"{what} {shown(self.path, quote=quote)}" if what else shown(self.path, quote=quote)
        why = reason(self.error) if self.error is not None else "it does not exist"
        return f"cannot use {about}: {why}"


def look(path: StrPath) -> Look:
    """``os.stat(path)`` (links followed) that never raises: missing is ENOENT only."""
    text = os.fspath(path)
    try:
        return Look(text, os.stat(text))
    except FileNotFoundError:
        return Look(text)
    except (OSError, ValueError) as exc:
        return Look(text, error=exc)


def existing_parent(path: StrPath) -> Look:
    """The nearest folder above ``path`` that exists (as :func:`look` sees it), or the first one
    that cannot be looked at (its ``error`` set): where a new file or folder would be made."""
    current = os.path.abspath(os.fspath(path))
    while True:
        parent = os.path.dirname(current)
        found = look(parent)
        if not found.missing or parent == current:
            return found
        current = parent


def can_access(path: StrPath, mode: int) -> bool:
    """``os.access`` that answers False instead of raising (a NUL character)."""
    try:
        return os.access(path, mode)
    except (OSError, ValueError):
        return False


def expand_user(path: str) -> str:
    """``os.path.expanduser``; a path it cannot expand (``~name`` with a NUL character) stays
    as typed, for the checks to refuse."""
    try:
        return os.path.expanduser(path)
    except (KeyError, ValueError):
        return path


def make_private_dirs(directory: StrPath) -> tuple[Path, ...]:
    """Create ``directory`` and its missing parents, each with mode 0700 (set exactly, whatever
    the umask); returns those created, outermost first. Existing folders are left as they are.
    On failure the folders made so far are removed and the error propagates."""
    missing: list[Path] = []
    d = Path(directory)
    while look(d).missing and d != d.parent:
        missing.append(d)
        d = d.parent
    created: list[Path] = []
    try:
        for d in reversed(missing):
            try:
                os.mkdir(d, PRIVATE_DIR_MODE)
            except FileExistsError:
                continue  # made by someone else meanwhile: not ours
            created.append(d)
            os.chmod(d, PRIVATE_DIR_MODE)  # the umask may have taken bits away
    except BaseException:
        remove_empty_dirs(tuple(created))
        raise
    return tuple(created)


def remove_empty_dirs(dirs: tuple[Path, ...]) -> tuple[Path, ...]:
    """Remove ``dirs`` (outermost first, as :func:`make_private_dirs` returns them) while they
    are empty, innermost first; returns those removed, outermost first. Never raises."""
    removed: list[Path] = []
    for d in reversed(dirs):
        try:
            d.rmdir()
        except OSError:
            break  # not empty (or gone): its parents are not empty either
        removed.append(d)
    return tuple(reversed(removed))
