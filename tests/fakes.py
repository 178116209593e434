"""A fake Backend that replays recorded real buildx output and records the argv it was asked to run.

Used by UI tests, snapshot tests and scripts/screenshots.py. It never replaces the e2e suite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.core.docker.types import ClientOptions, CommandResult, Refresh

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    """A recorded output: ``buildx/<file>`` (copied from shared) or ``local/<file>``."""
    return (FIXTURES / name).read_text(encoding="utf-8")


@dataclass
class Reply:
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    lines: Sequence[str] = ()  # streamed to on_line before the end (e.g. bootstrap progress)
    gate: threading.Event | None = None  # when set, the run waits for it (to test "busy")


@dataclass
class FakeBackend:
    """``ls`` answers ``ls_output`` (or ``ls_reply``); other commands answer ``replies[argv]``."""

    ls_output: str = ""
    ls_reply: Reply | None = None
    replies: dict[tuple[str, ...], Reply] = field(default_factory=dict)
    options: ClientOptions = field(default_factory=ClientOptions)
    calls: list[tuple[str, ...]] = field(default_factory=list)
    after_run: Callable[[tuple[str, ...]], None] | None = None
    pinned: dict[str, dict[str, list[str]]] | None = None  # as buildx's store would say

    def _parser(self) -> BuildxClient:
        # The real client's interpretation of ls output, without running anything.
        return BuildxClient(self.options)

    def display(self, argv: Sequence[str]) -> str:
        return self._parser().display(argv)

    def list_builders(self) -> Refresh:
        argv = ("buildx", "ls", "--format", "json")
        self.calls.append(argv)
        reply = self.ls_reply or Reply(0, self.ls_output, "")
        if reply.gate is not None:
            reply.gate.wait(10)
        return self._parser().interpret_ls(
            self.display(argv), reply.returncode, reply.stdout, reply.stderr, 0.2, self.pinned
        )

    def prefetched(self) -> Refresh | None:
        return None

    def run(
        self,
        argv: Sequence[str],
        *,
        on_line: Callable[[str], None] | None = None,
        stdin: bytes | None = None,
        timeout: float | None = None,
        token: object | None = None,
        keep_tail: int | None = None,
        on_start: Callable[[], None] | None = None,
    ) -> CommandResult:
        key = tuple(argv)
        self.calls.append(key)
        if on_start is not None:
            on_start()
        reply = self.replies.get(key, Reply())
        for line in reply.lines:
            if on_line is not None:
                on_line(line)
        if reply.gate is not None:
            reply.gate.wait(10)
        if self.after_run is not None:
            self.after_run(key)
        return CommandResult(
            key,
            self.display(key),
            reply.returncode,
            reply.stdout,
            reply.stderr,
            1.5,
            stdout_bytes=reply.stdout.encode(),
        )

    def cancel(self, token: object) -> bool:
        return False

    def cancel_all(self) -> int:
        return 0

    def ran(self, *argv: str) -> bool:
        return tuple(argv) in self.calls
