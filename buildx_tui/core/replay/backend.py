"""A Backend that replays recorded real buildx output and records the argv it was asked to run.

One implementation for the demo (``buildx-tui --demo``), the UI tests, the snapshot tests and
the screenshot scripts. It never starts a process: ``ls`` and every command are answered from
:class:`Reply` objects holding recorded output, and the output of ``ls`` is read by the real
client's parser (which runs nothing when given the pinned platforms).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from buildx_tui.core.docker.client import BuildxClient, program_display
from buildx_tui.core.docker.types import ClientOptions, CommandResult, Refresh

#: How long a replayed command says it took when nothing else is known (seconds).
REPLY_DURATION_S = 1.5


@dataclass
class Reply:
    """What one command answers: its exit status, output, and how it ends."""

    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    #: Streamed to ``on_line`` before the end (e.g. bootstrap progress).
    lines: Sequence[str] = ()
    #: When set, the run waits for it (to test "busy"; at most 10 s).
    gate: threading.Event | None = None
    #: When given, the run waits this long before answering (the demo's "a create that runs").
    delay_s: float = 0.0


@dataclass
class ReplayBackend:
    """``ls`` answers ``ls_output`` (or ``ls_reply``); other commands answer ``replies[argv]``,
    else what ``fallback`` gives, else ``default_reply`` (exit 0, no output)."""

    ls_output: str = ""
    ls_reply: Reply | None = None
    replies: dict[tuple[str, ...], Reply] = field(default_factory=dict)
    options: ClientOptions = field(default_factory=ClientOptions)
    calls: list[tuple[str, ...]] = field(default_factory=list)
    #: Every command run, with the folder it was asked to run in (None: the app's).
    runs_in: list[tuple[tuple[str, ...], str | None]] = field(default_factory=list)
    after_run: Callable[[tuple[str, ...]], None] | None = None
    #: The platforms buildx's store pins, per builder and node; None: read the user's store.
    pinned: dict[str, dict[str, list[str]]] | None = None
    #: What a command without a recorded reply answers.
    default_reply: Reply = field(default_factory=Reply)
    #: Asked for a command not in ``replies`` (the demo matches commands of any builder).
    fallback: Callable[[tuple[str, ...]], Reply | None] | None = None

    def _parser(self) -> BuildxClient:
        # The real client's interpretation of ls output, without running anything.
        return BuildxClient(self.options)

    def display(self, argv: Sequence[str], cwd: str | None = None) -> str:
        return self._parser().display(argv, cwd)

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
        cwd: str | None = None,
    ) -> CommandResult:
        key = tuple(argv)
        self.calls.append(key)
        self.runs_in.append((key, cwd))
        if on_start is not None:
            on_start()
        reply = self.replies.get(key)
        if reply is None and self.fallback is not None:
            reply = self.fallback(key)
        if reply is None:
            reply = self.default_reply
        for line in reply.lines:
            if on_line is not None:
                on_line(line)
        if reply.gate is not None:
            reply.gate.wait(10)
        elif reply.delay_s > 0:
            threading.Event().wait(reply.delay_s)
        if self.after_run is not None:
            self.after_run(key)
        return CommandResult(
            key,
            self.display(key, cwd),
            reply.returncode,
            reply.stdout,
            reply.stderr,
            REPLY_DURATION_S,
            stdout_bytes=reply.stdout.encode(),
        )

    def run_program(
        self, argv: Sequence[str], *, timeout: float, stdin: bytes | None = None
    ) -> CommandResult:
        """A program other than docker (``ssh``): answered from ``replies`` by its whole argv
        (``("ssh", "-G", …)``), else ``default_reply``; its command is the argv quoted."""
        key = tuple(argv)
        self.calls.append(key)
        reply = self.replies.get(key) or self.default_reply
        if reply.gate is not None:
            reply.gate.wait(10)
        return CommandResult(
            key,
            program_display(key),
            reply.returncode,
            reply.stdout,
            reply.stderr,
            REPLY_DURATION_S,
            stdout_bytes=reply.stdout.encode(),
        )

    def cancel(self, token: object) -> bool:
        return False

    def cancel_all(self) -> int:
        return 0

    def ran(self, *argv: str) -> bool:
        return tuple(argv) in self.calls

    def cwd_of(self, *argv: str) -> str | None:
        """The folder the last run of ``argv`` was asked to run in (None: the app's)."""
        for key, cwd in reversed(self.runs_in):
            if key == tuple(argv):
                return cwd
        raise KeyError(argv)
