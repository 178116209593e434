"""Where a bake runs: the workspace folder (bake reads its files, and resolves the contexts and
``--file`` paths in them, from the directory it runs in: the gateway runs it there, ``cwd``) and
the files to name with ``--file``.

A path the user gives is looked at first: a folder, a bake file in one, or what is wrong with it
in words (missing, not a folder, unreadable, no bake file in it); never an exception.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from buildx_tui.core.paths import can_access, look, shown

#: The files bake reads from the directory it runs in, in its order (buildx bake/bake.go).
BAKE_FILES = (
    "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
    "docker-bake.json", "docker-bake.hcl", "docker-bake.override.json",
    "docker-bake.override.hcl",
)  # fmt: skip


@dataclass(frozen=True)
class Workspace:
    folder: str  # where bake runs (as the user wrote it, ``~`` expanded)
    files: tuple[str, ...] = ()  # named with --file, relative to ``folder``; (): bake picks


class WorkspaceError(ValueError):
    """The path cannot be a bake workspace (the message says why)."""


def found_files(folder: str) -> tuple[str, ...]:
    """The bake files in ``folder``, as bake would pick them there."""
    return tuple(
        os.path.join(folder, f) for f in BAKE_FILES if os.path.isfile(os.path.join(folder, f))
    )


def open_workspace(path: str | None) -> Workspace:
    """The workspace at ``path``: a folder (bake picks its files there), a file (bake runs in
    its folder with ``--file NAME``), or None / empty: the current directory. Raises
    :class:`WorkspaceError` for a path that cannot be one."""
    if path is None or not path.strip():
        return Workspace(os.getcwd())
    if "\n" in path or "\x00" in path:
        raise WorkspaceError("a workspace is one path, without control characters")
    where = os.path.expanduser(path.strip())
    found = look(where)
    if found.error is not None:
        raise WorkspaceError(found.problem("the workspace", quote=True))
    if found.missing:
        raise WorkspaceError(f"no such folder or file: {shown(where, quote=True)}")
    if found.is_file:
        folder = os.path.dirname(where) or "."
        if not can_access(where, os.R_OK):
            raise WorkspaceError(f"cannot read {shown(where, quote=True)}: permission denied")
        return Workspace(folder, (os.path.basename(where),))
    if not found.is_dir:
        raise WorkspaceError(f"{shown(where, quote=True)} is neither a folder nor a bake file")
    if not can_access(where, os.R_OK | os.X_OK):
        raise WorkspaceError(
            f"cannot open the folder {shown(where, quote=True)}: permission denied"
        )
    if not found_files(where):
        raise WorkspaceError(
            f"no bake file in {shown(where, quote=True)}: bake reads {', '.join(BAKE_FILES[:6])} "
            "or names one with --file (give the file's path)"
        )
    return Workspace(where)
