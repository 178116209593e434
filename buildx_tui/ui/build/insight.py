"""The build form's Dockerfile insight (issue #13): `--call=check` as the form is filled in,
shown under the Dockerfile field, and `--call=outline|targets` on demand (the form opens the
pickers with what they list).

The check is debounced: each change of what it depends on (builder, context, Dockerfile, target,
build args: its argv) starts a thread worker that waits ``delay_s`` before it runs the call; a
newer change makes the older worker give up (its token is no longer the one asked for) and
cancels, through the gateway, the older process. A result that is not the last asked for is
never shown. Every call that runs goes to the command log.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from buildx_tui.core.build.calls import Call, call_argv
from buildx_tui.core.build.spec import BuildSpec
from buildx_tui.core.builders import Builder, NodeStatus
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.dockerfile.calls import (
    CheckResult,
    OutlineArg,
    StageTarget,
    parse_outline,
    parse_targets,
)
from buildx_tui.core.dockerfile.failure import CallFailure, CallRead, read_call, read_check
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.services import services_of

#: The fields a call reads: while one has an error, no call runs.
INSIGHT_FIELDS = frozenset({"builder", "context", "dockerfile", "target", "build_args"})
#: Warnings shown before "… N more" (the field stays readable; the rest are in the log's call).
SHOWN_WARNINGS = 6
STEP_S = 0.05


def failure_text(failure: CallFailure, builder: str, what: str) -> Text:
    """A call that gave no answer, in buildx's words; a refused call said as such."""
    if failure.refused:
        return Text.assemble(
            ("✖ ", "bold red"),
            f"{builder} cannot {what}: its BuildKit does not support the call "
            f"(unsupported request frontend.{failure.refused})",
        )
    out = Text.assemble(("✖ ", "bold red"), f"{what} failed: {failure.message}")
    return out


def check_text(read: CallRead[CheckResult], builder: str) -> Text:
    if read.value is None:
        return failure_text(
            read.failure or CallFailure("no answer"), builder, "check the Dockerfile"
        )
    result = read.value
    out = Text()
    if result.error is not None:
        out.append("✖ does not parse: ", "bold red")
        out.append(result.error.message)
        if result.error.line is not None:
            out.append(f"\n  line {result.error.line} │ ", "dim")
            out.append(result.error.source_line)
        return out
    if not result.warnings:
        return Text.assemble(
            ("✔ ", "bold green"), ("no problems found by the build checks", "green")
        )
    count = len(result.warnings)
    for n, w in enumerate(result.warnings[:SHOWN_WARNINGS]):
        out.append("\n⚠ " if n else "⚠ ", "bold yellow")
        out.append(w.rule, "bold yellow")
        out.append(f": {w.message}")
        out.append(f"\n  {w.where} │ ", "dim")
        out.append(w.source_line)
    if count > SHOWN_WARNINGS:
        out.append(f"\n  … {count - SHOWN_WARNINGS} more warnings", "dim")
    return out


class DockerfileInsight(Static):
    """Under the Dockerfile field: what `--call=check` says of it."""

    @dataclass
    class Started(Message):
        token: object
        argv: tuple[str, ...]

    @dataclass
    class Checked(Message):
        token: object
        read: CallRead[CheckResult]
        duration_s: float
        cancelled: bool

    @dataclass
    class Listed(Message):
        """An outline or a list of targets the user asked for (bubbles to the form): one of
        ``outline``/``targets`` is set."""

        entry: int  # its command log entry
        builder: str
        duration_s: float
        outline: CallRead[tuple[str, tuple[OutlineArg, ...]]] | None = None
        targets: CallRead[tuple[StageTarget, ...]] | None = None

        @property
        def failure(self) -> CallFailure | None:
            read = self.outline or self.targets
            return read.failure if read is not None else None

    def __init__(self, delay_s: float = 0.6, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.delay_s = delay_s
        self._key: tuple[str, ...] | None = None
        self._token: object | None = None
        self._builder = ""
        self._log_ids: dict[int, int] = {}
        self.display = False

    @property
    def backend(self) -> Backend:
        return services_of(self.app).backend

    @property
    def pending(self) -> bool:
        """A check is asked for and its result not shown yet."""
        return self._token is not None

    # -- the check, debounced ----------------------------------------------------------------
    def want(self, spec: BuildSpec | None, builder: Builder | None) -> None:
        """What the form now holds: check it (later) when its context, Dockerfile and target
        are valid (``spec`` is None when they are not) on a running builder."""
        if spec is None or builder is None or builder.name != spec.builder:
            self._forget()
            self.display = False
            return
        if builder.status is not NodeStatus.RUNNING:
            self._forget()
            self.display = True
            self.update(
                Text.assemble(
                    ("• ", "cyan"),
                    f"build checks wait for {builder.name} to be running: a check would start it",
                )
            )
            return
        argv = tuple(call_argv(spec, Call.CHECK))
        if argv == self._key:
            return
        self._forget()
        self._key, self._builder = argv, builder.name
        token = self._token = object()
        self._check_worker(argv, token)

    def _forget(self) -> None:
        """The check asked for last is not wanted any more: its process ends."""
        if self._token is not None:
            self.backend.cancel(self._token)
        self._key = self._token = None

    @work(thread=True, group="form-check", exit_on_error=False)
    def _check_worker(self, argv: tuple[str, ...], token: object) -> None:
        worker = get_current_worker()
        waited = 0.0
        while waited < self.delay_s:  # typing on: a newer check replaces this one
            if worker.is_cancelled or token is not self._token:
                return
            threading.Event().wait(STEP_S)
            waited += STEP_S
        if worker.is_cancelled or token is not self._token:
            return
        self.post_message(self.Started(token, argv))
        result = self.backend.run(argv, token=token, timeout=60)
        read = read_check(result)
        self.post_message(self.Checked(token, read, result.duration_s, result.cancelled))

    def on_dockerfile_insight_started(self, message: Started) -> None:
        message.stop()
        log = self.screen.query_one(CommandLog)
        self._log_ids[id(message.token)] = log.start(self.backend.display(message.argv))
        if message.token is self._token:
            self.display = True
            self.update(Text("⟳ checking the Dockerfile (build --call=check)…", "dim"))

    def on_dockerfile_insight_checked(self, message: Checked) -> None:
        message.stop()
        read = message.read
        current = message.token is self._token
        entry = self._log_ids.pop(id(message.token), None)
        if entry is not None:
            failure = read.failure
            state = EntryState.OK
            if failure is not None:
                state = EntryState.CANCELLED if message.cancelled else EntryState.FAILED
            note = "" if current else "not shown: the form changed since"
            tail = failure.message if failure is not None else ""
            self.screen.query_one(CommandLog).finish(
                entry, state, message.duration_s, tail=tail, note=note
            )
        if not current:
            return
        self._token = None
        self.display = True
        self.update(check_text(read, self._builder))

    # -- outline and targets, asked for --------------------------------------------------------
    def ask(self, spec: BuildSpec, call: Call) -> None:
        argv = tuple(call_argv(spec, call))
        entry = self.screen.query_one(CommandLog).start(self.backend.display(argv))
        self._call_worker(argv, call, spec.builder, entry)

    @work(thread=True, group="form-call", exit_on_error=False)
    def _call_worker(self, argv: tuple[str, ...], call: Call, builder: str, entry: int) -> None:
        result = self.backend.run(argv, timeout=60)
        if call is Call.OUTLINE:
            listed = self.Listed(
                entry, builder, result.duration_s, outline=read_call(result, parse_outline)
            )
        else:
            listed = self.Listed(
                entry, builder, result.duration_s, targets=read_call(result, parse_targets)
            )
        self.post_message(listed)

    def on_dockerfile_insight_listed(self, message: Listed) -> None:
        """Its log entry finished; the message goes on to the form."""
        failure = message.failure
        state = EntryState.OK if failure is None else EntryState.FAILED
        self.screen.query_one(CommandLog).finish(
            message.entry, state, message.duration_s, tail=failure.message if failure else ""
        )

    def on_unmount(self) -> None:
        self._forget()
