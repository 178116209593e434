"""Typed specs of buildx actions -> argv lists.

The argv is what runs (after the docker CLI and its global flags) and, joined with shlex, what
the user is shown, so people learn the CLI while using the UI. No shell strings anywhere.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

LS_ARGV: tuple[str, ...] = ("buildx", "ls", "--format", "json")
VERSION_ARGV: tuple[str, ...] = ("buildx", "version")

# buildx store.ValidateName: starts with a letter; letters, digits and . _ - after that.
_BUILDER_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9._-]*")

#: Longest builder or node name accepted. buildx v0.36 itself sets no limit (store.ValidateName
#: checks only the pattern), but a name becomes file names: the builder's store file
#: ``~/.docker/buildx/instances/NAME`` is written through a temporary ``.tmp-NAME<up to 10
#: digits>``, a docker-container node is the volume folder ``buildx_buildkit_NODE_state`` (a
#: node without --node is ``NAME0``), and our ``NAME.toml`` is written through
#: ``.NAME.toml.bak.<12 hex>.tmp``: NAME + 27 characters. File names may have 255 bytes on
#: ext4/xfs/btrfs but only 143 in an eCryptfs-encrypted home (where ~/.docker and ~/.config
#: live): 143 - 27 = 116. 100 works on all of them, and is far beyond any name people type.
MAX_NAME_LENGTH = 100


class InvalidName(ValueError):
    pass


def validate_builder_name(name: str) -> str:
    """Return the name as buildx stores it (lower-cased) or raise InvalidName with the reason.

    At most :data:`MAX_NAME_LENGTH` characters: longer names become file names the file system
    refuses (buildx does not check). The length is checked first, so a long paste gives one short
    message rather than echoing the whole text back."""
    if not name:
        raise InvalidName("a builder name is required")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(
            f"the builder name is {len(name)} characters long; at most {MAX_NAME_LENGTH} are "
            "allowed (buildx stores it as a file name)"
        )
    if not _BUILDER_NAME.fullmatch(name):  # match() would let "name\n" through ($ before \n)
        raise InvalidName(
            f"invalid builder name {name!r}: it must start with a letter and may contain only "
            "letters, digits and . _ -"
        )
    return name.lower()


@dataclass(frozen=True)
class UseSpec:
    builder: str
    default: bool = False  # --default: set as the default for the current context
    global_: bool = False  # --global: builder persists context changes

    def argv(self) -> list[str]:
        argv = ["buildx", "use"]
        if self.default:
            argv.append("--default")
        if self.global_:
            argv.append("--global")
        argv.append(self.builder)
        return argv


@dataclass(frozen=True)
class BootstrapSpec:
    builder: str

    def argv(self) -> list[str]:
        return ["buildx", "inspect", "--bootstrap", self.builder]


@dataclass(frozen=True)
class StopSpec:
    builder: str

    def argv(self) -> list[str]:
        return ["buildx", "stop", self.builder]


@dataclass(frozen=True)
class RemoveSpec:
    builder: str
    keep_state: bool = False  # --keep-state: keep BuildKit state (cache) for a later builder
    keep_daemon: bool = False  # --keep-daemon: keep the BuildKit container running
    force: bool = False  # -f: do not prompt

    def argv(self) -> list[str]:
        argv = ["buildx", "rm"]
        if self.keep_state:
            argv.append("--keep-state")
        if self.keep_daemon:
            argv.append("--keep-daemon")
        if self.force:
            argv.append("--force")
        argv.append(self.builder)
        return argv


def display(prefix: Sequence[str], argv: Sequence[str], cwd: str | None = None) -> str:
    """The command line a user could paste into a POSIX shell to do the same thing; run in
    another folder than the app's (``cwd``), it says where: ``(in /path) docker …``."""
    line = shlex.join([*prefix, *argv])
    if cwd is None:
        return line
    try:
        here = os.getcwd()
    except OSError:  # the app's own folder was removed: every other folder is said
        here = ""
    return line if same_folder(cwd, here) else f"(in {cwd}) {line}"


def same_folder(a: str, b: str) -> bool:
    """``a`` and ``b`` name the same folder (as written, or once resolved)."""
    if a == b:
        return True
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):
        return False
