"""The `docker buildx history` commands the Builds screens run, as argv specs (never strings).

Each spec's ``argv()`` is the exact buildx argv; the UI shows ``backend.display(argv)``.
The record id (the last part of ``builder/node/id``) is what inspect, export and rm take with
``--builder``; buildx looks it up on every node of the builder.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Final

from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult

__all__ = [
    "HISTORY",
    "AttachmentSpec",
    "ExportSpec",
    "InspectSpec",
    "LsSpec",
    "RmSpec",
    "check_export_path",
    "run_early",
]

HISTORY: Final = ("buildx", "history")
#: Statuses `history ls --filter status=…` accepts (buildx's own words).
LS_STATUSES: Final = ("running", "completed", "error", "canceled")


@dataclass(frozen=True)
class LsSpec:
    builder: str
    #: ``--filter`` values as buildx takes them (``status=error``, ``duration>30s`` …).
    filters: tuple[str, ...] = ()
    #: ``--local``: only builds of the git checkout the command runs in.
    local: bool = False

    def argv(self) -> tuple[str, ...]:
        argv = [*HISTORY, "ls", "--builder", self.builder, "--format", "json"]
        for item in self.filters:
            argv += ["--filter", item]
        if self.local:
            argv.append("--local")
        return tuple(argv)


@dataclass(frozen=True)
class InspectSpec:
    builder: str
    ref: str  # the record id

    def argv(self) -> tuple[str, ...]:
        return (*HISTORY, "inspect", "--builder", self.builder, self.ref, "--format", "json")


@dataclass(frozen=True)
class AttachmentSpec:
    builder: str
    ref: str
    type: str = "provenance"  # provenance, sbom, index, manifest …
    platform: str = ""

    def argv(self) -> tuple[str, ...]:
        argv = [*HISTORY, "inspect", "attachment", "--builder", self.builder, self.ref]
        argv += ["--type", self.type]
        if self.platform:
            argv += ["--platform", self.platform]
        return tuple(argv)


@dataclass(frozen=True)
class ExportSpec:
    builder: str
    ref: str
    output: str  # a .dockerbuild file

    def argv(self) -> tuple[str, ...]:
        return (*HISTORY, "export", "--builder", self.builder, self.ref, "-o", self.output)


@dataclass(frozen=True)
class RmSpec:
    builder: str
    refs: tuple[str, ...]

    def argv(self) -> tuple[str, ...]:
        return (*HISTORY, "rm", "--builder", self.builder, *self.refs)


def check_export_path(text: str) -> str:
    """'' when ``text`` can be given to ``-o``, else why not (in words)."""
    path = text.strip()
    if not path:
        return "Type the file to write, e.g. build.dockerbuild"
    if "\n" in text or "\x00" in text:
        return "A file name cannot hold a line break or a NUL character"
    if len(path) > 4096:
        return f"That path is {len(path):,} characters long: paths stop at 4,096"
    if path.endswith("/"):
        return "That is a folder: name the file to write in it"
    return ""


def run_early(backend: Backend, argv: tuple[str, ...], timeout: float) -> Future[CommandResult]:
    """Start ``argv`` now on a thread of its own (the Builds list's `history ls`, started before
    its screen is mounted); the future holds its result, or what it raised."""
    future: Future[CommandResult] = Future()

    def run() -> None:
        try:
            future.set_result(backend.run(argv, timeout=timeout))
        except BaseException as exc:  # raised again by whoever waits for it
            future.set_exception(exc)

    threading.Thread(target=run, name="buildx-early", daemon=True).start()
    return future
