"""The old-builds panel of the Cache screen: choose which build records of the builder to
remove (older than an age, a status, all but the newest N), see exactly which ones (id, name,
status, age) and the exact `docker buildx history rm` before anything runs, confirm, then the
list is read again and compared with the preview.

The choice and the plan are core/builds/cleanup.py; `history ls` is parsed by
core/builds/records.py and its failures said by core/builds/limits.py (a builder without the
history API says so). The panel runs its commands on thread workers and logs them in the
screen's command log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from buildx_tui.core.builds.cleanup import (
    CleanupChoice,
    CleanupError,
    CleanupPlan,
    StatusChoice,
    age_text,
    plan_cleanup,
)
from buildx_tui.core.builds.commands import LsSpec
from buildx_tui.core.builds.limits import classify_history_error
from buildx_tui.core.builds.records import BuildRecord, parse_ls
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.confirm import ConfirmDialog

#: Records listed in the preview (the count and the command say how many in all).
SHOWN = 12
TIMEOUT_S = 60.0


@dataclass
class _Listed(Message):
    result: CommandResult
    entry: int
    removed: tuple[str, ...] | None  # after a removal: the refs the preview said would go


@dataclass
class _Removed(Message):
    result: CommandResult
    entry: int
    expected: tuple[str, ...]


class HistoryPanel(VerticalScroll):
    """Call :meth:`open` with the screen's backend, clock and command log."""

    def __init__(self, builder: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.builder = builder
        self.records: tuple[BuildRecord, ...] | None = None
        self.plan: CleanupPlan | None = None
        self.problem: CleanupError | None = None
        self.limit = ""
        self.verdict = ""
        self.busy = False
        self._backend: Backend | None = None
        self._clock: Callable[[], datetime] | None = None
        self._log: CommandLog | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="hist-help")
        with Horizontal(classes="hist-row"):
            yield Label("older than", classes="hist-label")
            yield Input(placeholder="e.g. 7d, 12h", id="hist-older", compact=True)
        with Horizontal(classes="hist-row"):
            yield Label("status", classes="hist-label")
            options = [(s.label, s.value) for s in StatusChoice]
            yield Select(options, value="any", allow_blank=False, id="hist-status", compact=True)
        with Horizontal(classes="hist-row"):
            yield Label("keep newest", classes="hist-label")
            yield Input(placeholder="e.g. 10", id="hist-keep", compact=True)
        yield Static("", id="hist-preview")
        yield Static("", id="hist-command")
        yield Button("Remove… (ctrl+r)", id="hist-run", variant="error", compact=True)

    def on_mount(self) -> None:
        self.border_title = f"Old builds of {self.builder} (history rm)"
        self.query_one("#hist-help", Static).update(
            Text("Every choice given must hold. Nothing runs before you confirm.", "dim")
        )

    # -- loading ---------------------------------------------------------------------------------
    def open(self, backend: Backend, clock: Callable[[], datetime], log: CommandLog) -> None:
        self._backend, self._clock, self._log = backend, clock, log
        self.load()

    def load(self, removed: tuple[str, ...] | None = None) -> None:
        if self._backend is None or self._log is None:
            return
        argv = LsSpec(self.builder).argv()
        entry = self._log.start(self._backend.display(argv))
        self.busy = True
        self._show()
        self._list_worker(argv, entry, removed)

    @work(thread=True, group="history-ls", exit_on_error=False)
    def _list_worker(
        self, argv: tuple[str, ...], entry: int, removed: tuple[str, ...] | None
    ) -> None:
        assert self._backend is not None
        self.post_message(_Listed(self._backend.run(argv, timeout=TIMEOUT_S), entry, removed))

    @on(_Listed)
    def _listed(self, message: _Listed) -> None:
        result = message.result
        self.busy = False
        before = {r.ref for r in self.records or ()}
        self._finish(message.entry, result)
        if not result.ok:
            limit = classify_history_error(self.builder, result.stderr, result.returncode)
            self.limit = limit.message
            self.records = None
        else:
            self.limit = ""
            self.records = parse_ls(result.stdout).records
        if message.removed is not None and self.records is not None:
            gone = before - {r.ref for r in self.records}
            expected = set(message.removed)
            if gone == expected:
                n = len(gone)
                self.verdict = (
                    f"✔ history ls: {n} record{'' if n == 1 else 's'} gone, as the preview said"
                )
            else:
                self.verdict = (
                    f"⚠ history ls: {len(gone & expected)} of {len(expected)} previewed gone, "
                    f"{len(gone - expected)} others gone (records changed meanwhile?)"
                )
        self.update_plan()

    # -- the plan --------------------------------------------------------------------------------
    def choice(self) -> CleanupChoice:
        status = self.query_one("#hist-status", Select).value
        return CleanupChoice(
            older_than=self.query_one("#hist-older", Input).value,
            status=StatusChoice(status) if isinstance(status, str) else StatusChoice.ANY,
            keep_newest=self.query_one("#hist-keep", Input).value,
        )

    @on(Input.Changed)
    @on(Select.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self.verdict = "" if self.busy else self.verdict
        self.update_plan()

    def update_plan(self) -> None:
        self.plan, self.problem = None, None
        if self.records is not None and self._clock is not None:
            try:
                self.plan = plan_cleanup(self.builder, self.records, self.choice(), self._clock())
            except CleanupError as error:
                self.problem = error
        self._show()

    def _show(self) -> None:
        preview = self.query_one("#hist-preview", Static)
        command = self.query_one("#hist-command", Static)
        run = self.query_one("#hist-run", Button)
        for name in ("older_than", "keep_newest"):
            box = self.query_one("#hist-older" if name == "older_than" else "#hist-keep", Input)
            box.set_class(self.problem is not None and self.problem.field == name, "-invalid")
        run.disabled = self.plan is None or not self.plan.goes or self.busy
        if self.limit:
            preview.update(Text("✖ " + self.limit, "bold red"))
            command.update("")
            return
        if self.records is None:
            preview.update(Text("⟳ reading the builder's build records…", "dim italic"))
            command.update("")
            return
        if self.problem is not None:
            preview.update(Text.assemble(("✖ ", "bold red"), str(self.problem)))
            command.update(Text("(no command until it is fixed)", "dim"))
            return
        assert self.plan is not None and self._backend is not None
        lines = [Text(self.verdict, "green" if self.verdict.startswith("✔") else "yellow")]
        lines = lines if self.verdict else []
        lines.append(Text(self.plan.headline(), "bold"))
        for g in self.plan.goes[:SHOWN]:
            r = g.record
            age = age_text(g.age) if g.age is not None else "?"
            lines.append(Text.assemble(
                ("✖ ", "bold red"), (r.id[:12], "bold"), f"  {r.name[:20] or '-'}  ",
                (r.status.value, "red" if r.status.is_error else "green"), f"  {age} old",
            ))  # fmt: skip
        if len(self.plan.goes) > SHOWN:
            lines.append(Text(f"… and {len(self.plan.goes) - SHOWN} more", "dim"))
        if self.plan.running:
            lines.append(Text(f"· {self.plan.running} running: never removed", "dim"))
        preview.update(Group(*lines))
        shown = self._backend.display(self.plan.argv()) if self.plan.goes else "(nothing to run)"
        command.update(Text.assemble(("$ ", "dim"), (shown, "bold")))

    # -- removing --------------------------------------------------------------------------------
    @on(Button.Pressed, "#hist-run")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.ask()

    def ask(self) -> None:
        plan = self.plan
        if self.busy or plan is None or not plan.goes or self._backend is None:
            self.app.notify(str(self.problem or "Nothing to remove."), severity="warning")
            return
        command = self._backend.display(plan.argv())
        listed = "\n".join(
            f"• {g.record.id[:12]} {g.record.name[:20]} {g.record.status.value}"
            for g in plan.goes[:SHOWN]
        )
        more = f"\n… and {len(plan.goes) - SHOWN} more" if len(plan.goes) > SHOWN else ""
        text = f"{plan.headline()}\n\n{listed}{more}\n\n$ {command}"

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(plan)

        self.app.push_screen(
            ConfirmDialog("Remove build records", text, yes="Remove", no="Cancel"), answered
        )

    def _remove(self, plan: CleanupPlan) -> None:
        assert self._backend is not None and self._log is not None
        argv = plan.argv()
        entry = self._log.start(self._backend.display(argv))
        self.busy = True
        self._show()
        self._rm_worker(argv, entry, tuple(g.record.ref for g in plan.goes))

    @work(thread=True, group="history-rm", exit_on_error=False)
    def _rm_worker(self, argv: tuple[str, ...], entry: int, expected: tuple[str, ...]) -> None:
        assert self._backend is not None
        self.post_message(_Removed(self._backend.run(argv, timeout=TIMEOUT_S), entry, expected))

    @on(_Removed)
    def _removed(self, message: _Removed) -> None:
        self._finish(message.entry, message.result)
        self.busy = False
        if not message.result.ok:
            self.verdict = "⚠ history rm failed: " + message.result.error_text()
            self._show()
            return
        self.load(removed=message.expected)

    def _finish(self, entry: int, result: CommandResult) -> None:
        if self._log is not None:
            state = EntryState.OK if result.ok else EntryState.FAILED
            tail = "" if result.ok else result.error_text()
            self._log.finish(entry, state, result.duration_s, tail=tail)
