"""Writing a file atomically: readers see the old or the new file, never a part of it.

Shared by the features that write the user's files (a builder's buildkitd.toml, the app's
settings.toml). The text goes to a temporary file beside the target (``.NAME.<12 hex>.tmp``,
0600 from the start), is fsynced, gets the mode of the file it replaces (a new file: 0600), then
``os.replace`` puts it in place and the folder is fsynced. With ``backup``, the previous content
is first saved as ``NAME.bak`` (one generation, same mode), itself written atomically. Temporary
files of the same target left by a writer that died (older than :data:`STALE_TEMP_S`) are
removed first. Missing folders are created 0700 (:func:`~buildx_tui.core.paths.make_private_dirs`).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import time
from pathlib import Path

from buildx_tui.core.paths import PRIVATE_FILE_MODE, make_private_dirs, remove_empty_dirs

__all__ = ["BACKUP_SUFFIX", "STALE_TEMP_S", "TEMP_NAME_EXTRA", "backup_path", "replace_file",
           "restore_file"]  # fmt: skip

BACKUP_SUFFIX = ".bak"
#: A temporary file older than this (seconds) was left by a writer that died.
STALE_TEMP_S = 60.0
_TOKEN_HEX = 12
#: The longest name written beside a file: ``.NAME.bak.<12 hex>.tmp`` is NAME + 22 characters.
TEMP_NAME_EXTRA = len(".") + len(BACKUP_SUFFIX) + len(".") + _TOKEN_HEX + len(".tmp")


def backup_path(path: Path | str) -> Path:
    """Where :func:`replace_file` keeps the previous version: ``<name>.bak`` next to it."""
    p = Path(path)
    return p.with_name(p.name + BACKUP_SUFFIX)


def replace_file(
    target: Path, text: str, *, backup: bool = True
) -> tuple[Path | None, tuple[Path, ...]]:
    """Replace ``target`` (a real file, not a link) with ``text`` (UTF-8, newlines as given);
    returns where the previous version was saved (None: no backup) and the folders made for it,
    outermost first. On any failure the original file is untouched, temporary files and the
    folders made for it are removed and the error propagates."""
    created = make_private_dirs(target.parent)
    try:
        _remove_stale_temps(target)
        try:
            st: os.stat_result | None = os.stat(target)
        except FileNotFoundError:
            st = None
        mode = stat.S_IMODE(st.st_mode) if st is not None else PRIVATE_FILE_MODE
        new_tmp = _write_temp(target, text.encode("utf-8"), mode)
        try:
            saved: Path | None = None
            if backup and st is not None:
                saved = backup_path(target)
                _replace_with(saved, target.read_bytes(), mode)
            os.replace(new_tmp, target)
        except BaseException:
            _unlink_quietly(new_tmp)
            raise
    except BaseException:
        remove_empty_dirs(created)
        raise
    _fsync_dir(target.parent)
    return saved, created


def restore_file(path: Path | str, data: bytes, mode: int) -> None:
    """Put ``data`` back at ``path`` with ``mode``, atomically (no backup, links not
    followed: ``path`` is the real file)."""
    target = Path(path)
    _replace_with(target, data, mode)
    _fsync_dir(target.parent)


def _temp_pattern(target: Path) -> re.Pattern[str]:
    name = re.escape(target.name)
    return re.compile(rf"\.{name}(?:{re.escape(BACKUP_SUFFIX)})?\.[0-9a-f]{{{_TOKEN_HEX}}}\.tmp")


def _remove_stale_temps(target: Path) -> None:
    """Remove ``.NAME.<hex>.tmp`` / ``.NAME.bak.<hex>.tmp`` files older than STALE_TEMP_S."""
    pattern = _temp_pattern(target)
    now = time.time()
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        with contextlib.suppress(OSError):
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(st.st_mode) and now - st.st_mtime > STALE_TEMP_S:
                os.unlink(entry.path)


def _replace_with(path: Path, data: bytes, mode: int) -> None:
    tmp = _write_temp(path, data, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _write_temp(beside: Path, data: bytes, mode: int) -> Path:
    """Write ``data`` to a new hidden file next to ``beside``, fsynced, with ``mode``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = beside.with_name(f".{beside.name}.{secrets.token_hex(_TOKEN_HEX // 2)}.tmp")
        try:
            # 0600 from the start, so a private file never has a readable temporary copy
            fd = os.open(tmp, flags, PRIVATE_FILE_MODE)
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(f"cannot create a temporary file next to {beside}")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), mode)  # exactly, whatever the umask
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
