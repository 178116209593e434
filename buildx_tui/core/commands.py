"""Typed specs of buildx actions -> argv lists.

The argv is what runs (after the docker CLI and its global flags) and, joined with shlex, what
the user is shown, so people learn the CLI while using the UI. No shell strings anywhere.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass

LS_ARGV: tuple[str, ...] = ("buildx", "ls", "--format", "json")
VERSION_ARGV: tuple[str, ...] = ("buildx", "version")

# buildx store.ValidateName: starts with a letter; letters, digits and . _ - after that.
_BUILDER_NAME = re.compile(r"^[a-zA-Z][a-zA-Z0-9._-]*$")


class InvalidName(ValueError):
    pass


def validate_builder_name(name: str) -> str:
    """Return the name as buildx stores it (lower-cased) or raise InvalidName with the reason."""
    if not name:
        raise InvalidName("a builder name is required")
    if not _BUILDER_NAME.match(name):
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


def display(prefix: Sequence[str], argv: Sequence[str]) -> str:
    """The command line a user could paste into a POSIX shell to do the same thing."""
    return shlex.join([*prefix, *argv])
