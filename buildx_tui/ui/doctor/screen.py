"""The doctor: is this machine ready for multi-platform builds (issue #14)?

Every check of :mod:`buildx_tui.core.doctor` runs in its own thread worker, with its own timeout;
its results replace its "running" line as it finishes. Each line: a mark and a word (passed,
warning, failed, unknown), the check, what it found; below, for the line under the cursor, the
command that found it, why it matters and the fix. ``f`` runs a fix the app can run (asked
first; the exact command goes to the command log, as every command the checks run), ``r``
re-runs the check under the cursor, ``R`` every check, ``p`` edits the platforms you build for,
``t`` the image references you push to (the push check says, per registry, whether it needs a
login and whether docker holds credentials for it).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from buildx_tui.core.doctor.context import DEFAULT_PLATFORMS, DoctorContext
from buildx_tui.core.doctor.model import MARK, Check, CheckResult, Status, worst
from buildx_tui.core.doctor.push import parse_push_targets
from buildx_tui.core.doctor.runner import checks, run_check
from buildx_tui.core.platforms import PlatformError, parse_platform_list
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.doctor.help import DoctorHelp
from buildx_tui.ui.services import AppScreen, PaletteCommand

STYLE = {
    Status.PASSED: "bold green",
    Status.WARNING: "bold yellow",
    Status.FAILED: "bold red",
    Status.UNKNOWN: "dim",
}
#: The checks that depend on the wanted platforms (re-run when they change).
PLATFORM_CHECKS = ("platforms", "binfmt", "probe")
#: A fix the app runs may pull an image or start a container: it gets this long.
FIX_TIMEOUT_S = 300.0


def status_text(status: Status) -> Text:
    return Text(f"{MARK[status]} {status.value}", STYLE[status])


#: Columns of the table that are not text: cell padding (1 each side of 3 columns), the
#: scroll bar (2) and the screen's margins (2).
FRAME_COLUMNS = 10


class DoctorScreen(AppScreen[None]):
    CSS_PATH = "doctor.tcss"
    SUB_TITLE = "doctor"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("f", "fix", "Run fix", id="doctor.fix"),
        Binding("r", "rerun", "Re-run check", id="doctor.rerun"),
        Binding("R", "rerun_all", "Re-run all", id="doctor.rerun_all"),
        # priority: the keys typed right after `p` go to the field, not to the table
        Binding("p", "platforms", "Platforms", priority=True, id="doctor.platforms"),
        Binding("t", "push_targets", "Push targets", priority=True, id="doctor.push"),
        Binding("escape", "back", "Back", id="doctor.back"),
        Binding("f1,question_mark", "help", "Help", key_display="F1", id="doctor.help"),
    ]

    @dataclass
    class CheckDone(Message):
        check_id: str
        generation: int
        results: tuple[CheckResult, ...]

    @dataclass
    class CommandStarted(Message):
        command: str

    @dataclass
    class CommandEnded(Message):
        command: str
        ok: bool
        duration_s: float

    @dataclass
    class FixDone(Message):
        check_id: str
        command: str
        ok: bool
        duration_s: float
        said: str

    def __init__(
        self,
        platforms: str = DEFAULT_PLATFORMS,
        *,
        configure: Callable[[DoctorContext], None] | None = None,
        one_at_a_time: bool = False,
        push: str = "",
    ) -> None:
        """``platforms``: the wanted ones (comma-separated); ``configure`` adjusts the checks'
        context once it is made (which builders, a buildkitd.toml, where binfmt_misc is …);
        ``one_at_a_time`` runs the checks one after another, in order (a machine too busy for
        several probe builds at once; snapshot tests, for a command log in a fixed order)."""
        super().__init__()
        self._one_at_a_time = one_at_a_time
        self._initial_platforms = platforms
        self._initial_push = push
        self._configure = configure
        self._checks: dict[str, Check] = {}
        self.results: dict[str, tuple[CheckResult, ...] | None] = {}
        self._generation: dict[str, int] = defaultdict(int)
        self._entries: dict[str, deque[int]] = defaultdict(deque)
        self._ctx: DoctorContext | None = None
        self._narrow = False
        self._width = 0

    # -- layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="doctor-bar"):
            yield Input(self._initial_platforms, id="doctor-platforms")
            yield Input(
                self._initial_push,
                placeholder="e.g. 127.0.0.1:5000/app:1 ghcr.io/me/app",
                id="doctor-push",
            )
        yield Static("", id="doctor-summary")
        yield Static("", id="doctor-message")
        yield DataTable(id="doctor-results", cursor_type="row", zebra_stripes=True)
        yield Static("", id="doctor-detail")
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        box = self.query_one("#doctor-platforms", Input)
        box.border_title = "Platforms you build for (p)"
        self.query_one("#doctor-push", Input).border_title = "Image refs you push to (t)"
        self.query_one("#doctor-detail", Static).border_title = "Details"
        self.query_one(CommandLog).border_title = "Commands the checks ran"
        table = self.table
        self._add_columns()
        try:
            platforms = tuple(parse_platform_list(self._initial_platforms))
        except PlatformError as exc:
            self._say(f"✗ {exc}; using {DEFAULT_PLATFORMS}", error=True)
            platforms = tuple(parse_platform_list(DEFAULT_PLATFORMS))
            box.value = DEFAULT_PLATFORMS
        ctx = DoctorContext(self.backend, platforms=platforms)
        if self._configure is not None:
            self._configure(ctx)
        targets = parse_push_targets(self._initial_push)
        if isinstance(targets, str):
            self._say(f"✗ push targets not applied: {targets}", error=True)
        else:
            ctx.push_targets = targets
        ctx.on_command = self._command_started
        ctx.on_ran = self._command_ended
        self._ctx = ctx
        self._checks = {c.id: c for c in checks(ctx)}
        self.set_focus(table)
        self._start(*self._checks)

    def _add_columns(self) -> None:
        """The check's title gets 40 columns on a wide terminal, 24 on a narrow one (the
        details below show it whole)."""
        width = self.app.size.width
        self._narrow = width < 100
        self._width = width
        check = 24 if self._narrow else 40
        table = self.table
        table.clear(columns=True)
        table.add_column("Status", key="status", width=10)
        table.add_column("Check", key="check", width=check)
        # The rest of the width, fixed: an auto-sized column followed whichever results had
        # arrived when it was last measured, so the same results were drawn two ways.
        table.add_column("Found", key="found", width=max(20, width - 10 - check - FRAME_COLUMNS))

    def on_resize(self, event: events.Resize) -> None:
        if self._ctx is not None and event.size.width != self._width:
            self._add_columns()
            self._show()

    def _command_started(self, command: str) -> None:  # from a check's thread
        self.post_message(self.CommandStarted(command))

    def _command_ended(self, command: str, ok: bool, duration_s: float) -> None:
        self.post_message(self.CommandEnded(command, ok, duration_s))

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#doctor-results", DataTable)

    @property
    def context(self) -> DoctorContext:
        assert self._ctx is not None
        return self._ctx

    # -- running checks ------------------------------------------------------------------------
    def _start(self, *check_ids: str) -> None:
        todo: list[tuple[Check, int]] = []
        for check_id in check_ids:
            self._generation[check_id] += 1
            self.results[check_id] = None
            todo.append((self._checks[check_id], self._generation[check_id]))
        if self._one_at_a_time:
            self._run_some(todo)
        else:
            for one in todo:
                self._run_some([one])
        self._show()

    @work(thread=True, group="doctor", exit_on_error=False)
    def _run_some(self, todo: list[tuple[Check, int]]) -> None:
        for check, generation in todo:
            results = run_check(check)
            self.post_message(self.CheckDone(check.id, generation, results))

    def on_doctor_screen_check_done(self, message: CheckDone) -> None:
        if message.generation != self._generation[message.check_id]:
            return  # an older run of a check started again since
        self.results[message.check_id] = message.results
        self._show()

    def on_doctor_screen_command_started(self, message: CommandStarted) -> None:
        self._entries[message.command].append(self.query_one(CommandLog).start(message.command))

    def on_doctor_screen_command_ended(self, message: CommandEnded) -> None:
        waiting = self._entries.get(message.command)
        log = self.query_one(CommandLog)
        state = EntryState.OK if message.ok else EntryState.FAILED
        if waiting:
            log.finish(waiting.popleft(), state, message.duration_s)
        else:
            log.record(message.command, state, message.duration_s)

    # -- drawing -------------------------------------------------------------------------------
    def _rows(self) -> list[tuple[str, Text, str, str]]:
        rows: list[tuple[str, Text, str, str]] = []
        for check_id, check in self._checks.items():
            results = self.results.get(check_id)
            if results is None:
                rows.append((f"running:{check_id}", Text("⟳ running", "cyan"), check.title, ""))
                continue
            for r in results:
                rows.append((r.key, status_text(r.status), r.title, r.found))
        return rows

    def _show(self) -> None:
        table = self.table
        current = self._current_key()
        table.clear()
        for key, status, title, found in self._rows():
            if key not in table.rows:
                table.add_row(status, title, found, key=key)
        if current is not None and current in table.rows:
            table.move_cursor(row=table.get_row_index(current), animate=False)
        self._show_summary()
        self._show_detail()

    def _show_summary(self) -> None:
        done = [r for rs in self.results.values() if rs is not None for r in rs]
        running = sum(1 for rs in self.results.values() if rs is None)
        counts = {s: sum(1 for r in done if r.status is s) for s in Status}
        text = Text()
        for status in Status:
            if counts[status]:
                text.append(f"{MARK[status]} {counts[status]} {status.value}  ", STYLE[status])
        if running:
            text.append(f"⟳ {running} running", "cyan")
        elif done:
            text.append("· overall: ")
            text.append_text(status_text(worst([r.status for r in done])))
        self.query_one("#doctor-summary", Static).update(text)

    def _current_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:  # the cursor is past the rows (the table was cleared)
            return None
        return str(key) if key is not None else None

    def current(self) -> tuple[str, CheckResult | None]:
        """The check id and the result under the cursor (None while the check runs)."""
        key = self._current_key() or ""
        if key.startswith("running:"):
            return key.split(":", 1)[1], None
        for check_id, results in self.results.items():
            for r in results or ():
                if r.key == key:
                    return check_id, r
        return "", None

    def _show_detail(self) -> None:
        check_id, r = self.current()
        detail = self.query_one("#doctor-detail", Static)
        if r is None:
            title = self._checks[check_id].title if check_id in self._checks else ""
            detail.update(Text(f"{title}: running…" if title else "", "dim"))
            return
        text = Text()
        text.append_text(status_text(r.status))
        text.append(f"  {r.title}\n", "bold")
        text.append(f"Found: {r.found}\n")
        if r.command:
            text.append("By: ", "dim")
            text.append(f"{r.command}\n")
        if r.why:
            text.append(f"Why it matters: {r.why}\n", "italic")
        if r.fix is not None:
            text.append("Fix: ", "bold")
            text.append(f"{r.fix.text}\n")
            if r.fix.argv:
                text.append("  f runs: ", "bold cyan")
                text.append(f"$ {self.backend.display(r.fix.argv)}\n", "cyan")
            elif r.fix.command:
                text.append(f"  run: $ {r.fix.command}\n", "cyan")
        detail.update(text)

    @on(DataTable.RowHighlighted, "#doctor-results")
    def _highlighted(self) -> None:
        self._show_detail()

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#doctor-message", Static)
        message.update(Text(text, "bold red" if error else ""))
        message.set_class(bool(text), "-shown")

    # -- actions -------------------------------------------------------------------------------
    def action_rerun(self) -> None:
        check_id, _ = self.current()
        if not check_id or self.results.get(check_id) is None:
            self.notify("That check is still running.", severity="warning")
            return
        self.context.forget()
        self._start(check_id)

    def action_rerun_all(self) -> None:
        self.context.forget()
        self._start(*(c for c in self._checks if self.results.get(c) is not None))

    def _typed(self, char: str) -> bool:
        """A bound key typed in a field is text (`p` in linux/ppc64le, `t` in a tag)."""
        focused = self.focused
        if isinstance(focused, Input):
            focused.insert_text_at_cursor(char)
            return True
        return False

    def action_platforms(self) -> None:
        if not self._typed("p"):
            self.set_focus(self.query_one("#doctor-platforms", Input))  # before queued keys

    def action_push_targets(self) -> None:
        if not self._typed("t"):
            self.set_focus(self.query_one("#doctor-push", Input))

    @on(Input.Submitted, "#doctor-push")
    def _push_submitted(self, event: Input.Submitted) -> None:
        targets = parse_push_targets(event.value)
        if isinstance(targets, str):
            self._say(f"✗ not applied: {targets}", error=True)
            return
        self._say("")
        self.context.push_targets = targets
        event.input.value = " ".join(targets)
        self.set_focus(self.table)
        self.context.forget()
        self._start("push")

    @on(Input.Submitted, "#doctor-platforms")
    def _platforms_submitted(self, event: Input.Submitted) -> None:
        try:
            platforms = tuple(parse_platform_list(event.value))
        except PlatformError as exc:
            shown = str(exc) if len(str(exc)) < 300 else str(exc)[:299] + "…"
            self._say(f"✗ not applied: {shown}", error=True)
            return
        self._say("")
        self.context.platforms = platforms
        event.input.value = ",".join(str(p) for p in platforms)
        self.set_focus(self.table)
        self.context.forget()
        self._start(*PLATFORM_CHECKS)

    def action_fix(self) -> None:
        check_id, r = self.current()
        if r is None or r.fix is None or r.status is Status.PASSED:
            self.notify("No fix to run on this line.", severity="warning")
            return
        if not r.fix.argv:
            elsewhere = r.fix.command or r.fix.text
            self.notify(f"The app cannot run this fix; run it yourself: {elsewhere}", timeout=8)
            return
        argv = r.fix.argv
        command = self.backend.display(argv)

        def answered(yes: bool | None) -> None:
            if yes:
                self._run_fix(check_id, argv)

        self.app.push_screen(
            ConfirmDialog(
                "Run this fix?",
                f"{r.fix.text}\n\n$ {command}\n\nThen {self._checks[check_id].title} runs again.",
                yes="Run it",
                no="Cancel",
            ),
            answered,
        )

    @work(thread=True, group="doctor-fix", exit_on_error=False)
    def _run_fix(self, check_id: str, argv: tuple[str, ...]) -> None:
        command = self.backend.display(argv)
        self.post_message(self.CommandStarted(command))
        result = self.backend.run(argv, timeout=FIX_TIMEOUT_S)
        self.post_message(self.CommandEnded(command, result.ok, result.duration_s))
        said = "" if result.ok else result.error_text()
        self.post_message(self.FixDone(check_id, command, result.ok, result.duration_s, said))

    def on_doctor_screen_fix_done(self, message: FixDone) -> None:
        if message.ok:
            self._say(f"✓ ran: {message.command}")
        else:
            self._say(f"✗ the fix failed: {message.said}", error=True)
        self.context.forget()
        self._start(message.check_id)

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.table)
            return
        self.workers.cancel_group(self, "doctor")
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(DoctorHelp.for_doctor(self.BINDINGS, self.app.BINDINGS))

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Doctor: re-run every check", "run all the checks again", self.action_rerun_all),
            ("Doctor: edit platforms", "the platforms you build for", self.action_platforms),
            ("Doctor: push targets", "does a registry need a login?", self.action_push_targets),
        ]
