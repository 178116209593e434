"""The plain types of the docker layer: how to reach docker, what a command gave, what a refresh
found, and what is wrong with the set-up.

:mod:`.client` (the real `BuildxClient`) produces them, :mod:`.backend` (the interface the UI
needs) and :mod:`.problems` (the diagnoses) speak in them; nothing here runs a process.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from buildx_tui.core.builders import LsResult

ERROR_FOLLOW_LINES = 3


@dataclass(frozen=True)
class ClientOptions:
    """How to reach docker; passed to python-on-whales' ClientConfig."""

    docker: str = "docker"
    context: str | None = None
    host: str | None = None
    config: str | None = None

    def global_args(self) -> list[str]:
        """Global docker CLI flags, in python-on-whales' order."""
        args: list[str] = []
        if self.config is not None:
            args += ["--config", self.config]
        if self.context is not None:
            args += ["--context", self.context]
        if self.host is not None:
            args += ["--host", self.host]
        return args

    def display_prefix(self) -> list[str]:
        """What the user is shown before the buildx argv: the binary as they named it."""
        return [self.docker, *self.global_args()]


@dataclass(frozen=True)
class CommandResult:
    argv: tuple[str, ...]  # the buildx part, e.g. ("buildx", "use", "x")
    command: str  # the equivalent command line shown to the user
    returncode: int
    stdout: str
    stderr: str
    duration_s: float
    cancelled: bool = False
    stdout_bytes: bytes = b""  # stdout exactly as received (e.g. `imagetools inspect --raw`)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.cancelled

    def error_text(self) -> str:
        """The lines a user needs: buildx's ERROR lines (each with up to `ERROR_FOLLOW_LINES`
        lines that continue it, such as ssh's "Host key verification failed."), else the tail
        of stderr."""
        lines = [ln for ln in self.stderr.splitlines() if ln.strip()]
        picked: list[str] = []
        follow = 0
        for line in lines:
            if line.startswith("ERROR:"):
                picked.append(line)
                follow = ERROR_FOLLOW_LINES
            elif follow and not line.startswith(("#", "{")):  # not progress or rawjson
                picked.append(line)
                follow -= 1
            else:
                follow = 0
        picked = picked or lines[-6:] or [f"exit status {self.returncode}"]
        return "\n".join(picked)


@dataclass(frozen=True)
class Refresh:
    """The outcome of one refresh: builders (possibly with a problem) or only a problem."""

    command: str
    duration_s: float
    ls: LsResult | None = None
    problem: Problem | None = None


class ProblemKind(StrEnum):
    DOCKER_MISSING = "docker-missing"
    BUILDX_MISSING = "buildx-missing"
    BUILDX_TOO_OLD = "buildx-too-old"
    ENGINE_UNREACHABLE = "engine-unreachable"
    LS_FAILED = "ls-failed"


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    title: str
    detail: str
    fix: str

    @property
    def fatal(self) -> bool:
        """Fatal problems leave nothing to list; an unreachable engine still lists builders."""
        return self.kind is not ProblemKind.ENGINE_UNREACHABLE
