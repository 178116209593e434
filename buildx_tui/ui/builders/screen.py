"""The home screen: the user's buildx builders, their nodes, details, and the everyday actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from buildx_tui.core.builders import Builder, LsResult
from buildx_tui.core.commands import BootstrapSpec, RemoveSpec, UseSpec
from buildx_tui.core.docker.types import CommandResult, Problem, Refresh
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.builders import actions
from buildx_tui.ui.builders.actions import BOOTSTRAP, REMOVE, STOP, USE, Action
from buildx_tui.ui.builders.details import BuilderDetails
from buildx_tui.ui.builders.palette import builders_palette
from buildx_tui.ui.builders.problem import problem_text
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.services import AppScreen, PaletteCommand

if TYPE_CHECKING:
    from buildx_tui.ui.common.action_dialog import ActionDialog, Spec

# Dialogs and help are imported when first opened: they are not needed for the first frame.


DETAILS_DELAY_S = 0.05


class BuildersScreen(AppScreen[None]):
    BINDINGS = [
        # First: on an 80-column terminal the footer cannot hold every key; `?` lists them all.
        Binding("f1,question_mark", "help", "Help", key_display="?", id="builders.help"),
        Binding("r", "refresh", "Refresh", id="builders.refresh"),
        Binding("u", "use", "Use", id="builders.use"),
        Binding("U", "use_options", "Use with options", show=False, id="builders.use_options"),
        Binding("b", "bootstrap", "Bootstrap", id="builders.bootstrap"),
        Binding("s", "stop", "Stop", id="builders.stop"),
        Binding("d,delete", "remove", "Remove", id="builders.remove"),
        Binding("n", "new_build", "Build", id="builders.build"),
        Binding("c", "create", "Create", id="builders.create"),
        Binding("a", "append_node", "Add node", show=False, id="builders.append_node"),
        Binding("L", "leave_node", "Remove node", show=False, id="builders.leave_node"),
        Binding("e", "recreate", "Edit: recreate with changes", show=False, id="builders.recreate"),
        Binding("i", "inspect", "Inspect", id="builders.inspect"),
        Binding("h", "builds", "Builds", id="builders.builds"),
        Binding("B", "bake", "Bake", show=False, id="builders.bake"),
        Binding("D", "doctor", "Doctor", show=False, id="builders.doctor"),
        Binding("C", "cache", "Cache", show=False, id="builders.cache"),
        Binding("M", "app.open_demo", "Demo", show=False, id="builders.demo"),
        # priority: handled as the key arrives, before the keys typed after it are passed on, so
        # they all reach the filter (see action_filter).
        Binding("slash", "filter", "Filter", key_display="/", priority=True, id="builders.filter"),
        Binding("y", "copy_command", "Copy last command", show=False, id="builders.copy"),
        Binding("escape", "back", "Back", show=False, id="builders.back"),
    ]

    @dataclass
    class Refreshed(Message):
        refresh: Refresh

    @dataclass
    class ActionLine(Message):
        entry_id: int
        line: str

    @dataclass
    class ActionDone(Message):
        entry_id: int
        action: Action
        builder: str
        result: CommandResult
        #: For a failed bootstrap: what probing the nodes' endpoints found (buildx's own
        #: message can be a bare "context deadline exceeded") or buildkitd said in its log.
        explanation: tuple[str, ...] = ()
        #: Commands run to find that out (`docker logs …`): shown in the log too.
        extra: tuple[CommandResult, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.ls: LsResult | None = None
        self.problem: Problem | None = None
        self.needle = ""
        self.busy: dict[str, str] = {}
        self._refreshing = False
        self._refresh_again = False
        self._first_load = True
        self._select_after_refresh: str | None = None  # a builder just created or used
        self._ls_entry: int | None = None
        self._selected_ref: RowRef | None = None
        self._details_timer: Timer | None = None

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="problem")
        yield Input(placeholder="filter builders: name, driver, endpoint, platform…", id="filter")
        with Vertical(id="main"):
            yield BuildersTable(id="builders")
            yield BuilderDetails(id="details", clock=self.services.clock)
        yield CommandLog(id="command-log")
        yield AppFooter(compact=True)

    AUTO_FOCUS = "#builders"

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.query_one("#problem", Static).display = False
        self.action_refresh()
        interval = self.services.refresh_interval
        if interval > 0:
            self.set_interval(interval, self._refresh_tick)

    # -- refresh ---------------------------------------------------------------------------------
    def _refresh_tick(self) -> None:
        """The auto-refresh: skipped while an `ls` or an action runs, or while a dialog or
        another screen is on top (their commands are the user's focus; `ls` can wait)."""
        if not self._refreshing and not self.busy and self.app.screen is self:
            self.action_refresh()

    @on(nav.BuildersChanged)
    def _builders_changed(self, message: nav.BuildersChanged) -> None:
        self._select_after_refresh = message.name
        self.action_refresh()

    def action_refresh(self) -> None:
        if self._refreshing:
            # An `ls` is in flight but may predate what just changed: run one more after it.
            self._refresh_again = True
            return
        self._refreshing = True
        log = self.query_one(CommandLog)
        command = self.backend.display(("buildx", "ls", "--format", "json"))
        last = log.entries[-1] if log.entries else None
        if last is not None and last.command == command and last.state is EntryState.OK:
            self._ls_entry = last.id
            last.state = EntryState.RUNNING
        else:
            self._ls_entry = log.start(command)
        ready = self.backend.prefetched() if self._first_load else None
        if ready is not None:
            # The early `ls` already finished: fill the table before the first frame.
            self.on_builders_screen_refreshed(self.Refreshed(ready))
        else:
            self._refresh_worker()

    @work(thread=True, group="refresh", exit_on_error=False)  # one at a time: see _refreshing
    def _refresh_worker(self) -> None:
        self.post_message(self.Refreshed(self.backend.list_builders()))

    def on_builders_screen_refreshed(self, message: Refreshed) -> None:
        self._refreshing = False
        if self._refresh_again:
            self._refresh_again = False
            self.call_later(self.action_refresh)
        refresh = message.refresh
        log = self.query_one(CommandLog)
        if self._ls_entry is not None:
            failed = refresh.problem is not None and refresh.problem.fatal
            log.finish(
                self._ls_entry,
                EntryState.FAILED if failed else EntryState.OK,
                refresh.duration_s,
                tail=refresh.problem.detail if failed and refresh.problem else "",
                note=self._ls_note(refresh.ls),
            )
        self.ls = refresh.ls
        self.problem = refresh.problem
        self._show_problem()
        prefer = None
        if self._first_load and self.ls is not None:
            self._first_load = False
            current = self.ls.current
            prefer = RowRef(current.name) if current is not None else None
        wanted = self._select_after_refresh
        if wanted is not None and self.ls is not None and self.ls.get(wanted) is not None:
            self._select_after_refresh = None
            prefer = RowRef(wanted)
        self._render_table(prefer)

    @staticmethod
    def _ls_note(ls: LsResult | None) -> str:
        if ls is None:
            return ""
        n = len(ls.builders)
        return f"{n} builder{'s' if n != 1 else ''}"

    def _show_problem(self) -> None:
        panel = self.query_one("#problem", Static)
        problem = self.problem
        self.set_class(problem is not None and problem.fatal, "-fatal")
        self.set_class(problem is not None and not problem.fatal, "-warning")
        if problem is None:
            panel.display = False
            return
        panel.display = True
        panel.update(problem_text(problem))

    def _render_table(self, prefer: RowRef | None = None) -> None:
        self.query_one(BuildersTable).show(
            self.ls, needle=self.needle, busy=self.busy, prefer=prefer
        )

    # -- selection and details -------------------------------------------------------------------
    @on(BuildersTable.Selected)
    def _selected(self, message: BuildersTable.Selected) -> None:
        # Debounced: holding j/k does not re-render the (Rich-heavy) details for every row,
        # and the first frame shows the table without waiting for the details.
        self._selected_ref = message.ref
        if self._details_timer is None:
            self._details_timer = self.set_timer(DETAILS_DELAY_S, self._show_details)

    def _show_details(self) -> None:
        self._details_timer = None
        ref = self._selected_ref
        builder = self.ls.get(ref.builder) if (self.ls and ref) else None
        node = None
        if builder is not None and ref is not None and ref.node is not None:
            node = next((n for n in builder.nodes if n.name == ref.node), None)
        self.query_one(BuilderDetails).show(builder, node)

    def selected_builder(self) -> Builder | None:
        ref = self.query_one(BuildersTable).selected
        if ref is None or self.ls is None:
            return None
        return self.ls.get(ref.builder)

    # -- actions ---------------------------------------------------------------------------------
    def _target(self) -> Builder | None:
        """The selected builder, if an action may run on it now (else say why)."""
        builder = self.selected_builder()
        if builder is None:
            self.notify("Select a builder first.", severity="warning")
            return None
        if builder.name in self.busy:
            self.notify(f"{builder.name} is busy ({self.busy[builder.name]}).", severity="warning")
            return None
        return builder

    def action_use(self) -> None:
        builder = self._target()
        if builder is not None:
            self._run_action(USE, builder.name, UseSpec(builder.name))

    def action_use_options(self) -> None:
        builder = self._target()
        if builder is not None:
            self._ask(actions.use_dialog(builder.name, self.backend.display), USE, builder.name)

    def action_bootstrap(self) -> None:
        builder = self._target()
        if builder is not None:
            self._run_action(BOOTSTRAP, builder.name, BootstrapSpec(builder.name))

    def action_stop(self) -> None:
        builder = self._target()
        if builder is not None:
            self._ask(actions.stop_dialog(builder.name, self.backend.display), STOP, builder.name)

    def action_remove(self) -> None:
        builder = self._target()
        if builder is None:
            return
        if builder.name == "default" and builder.driver == "docker":
            self.notify(
                "The default builder belongs to the Docker engine and cannot be removed.",
                severity="warning",
            )
            return
        if not self.services.settings.confirm.remove_builder:
            # settings.toml's [confirm] remove_builder = false: no question, buildx's defaults
            self.notify(
                f"Removing {builder.name} without asking ([confirm] remove_builder = false in "
                "the settings).",
            )
            self._run_action(REMOVE, builder.name, RemoveSpec(builder.name))
            return
        dialog = actions.remove_dialog(builder.name, self.backend.display)
        self._ask(dialog, REMOVE, builder.name)

    def _ask(self, dialog: ActionDialog, action: Action, builder: str) -> None:
        def done(spec: Spec | None) -> None:
            if spec is not None:
                self._run_action(action, builder, spec)

        self.app.push_screen(dialog, done)

    def _run_action(self, action: Action, builder: str, spec: Spec) -> None:
        argv = spec.argv()
        entry_id = self.query_one(CommandLog).start(self.backend.display(argv))
        self.busy[builder] = action.busy
        self._render_table()
        self._action_worker(entry_id, action, builder, argv)

    @work(thread=True, group="actions", exit_on_error=False)
    def _action_worker(
        self, entry_id: int, action: Action, builder: str, argv: Sequence[str]
    ) -> None:
        def on_line(line: str) -> None:
            self.post_message(self.ActionLine(entry_id, line))

        result = self.backend.run(argv, on_line=on_line)
        explanation: list[str] = []
        extra: list[CommandResult] = []
        if action is BOOTSTRAP and not result.ok and not result.cancelled:
            known = self.ls.get(builder) if self.ls is not None else None
            explanation, extra = self._why_bootstrap_failed(known, result.error_text())
        done = self.ActionDone(entry_id, action, builder, result, tuple(explanation), tuple(extra))
        self.post_message(done)

    def _why_bootstrap_failed(
        self, builder: Builder | None, error: str
    ) -> tuple[list[str], list[CommandResult]]:
        """(worker thread) Probe remote endpoints; read a container node's buildkitd log."""
        from buildx_tui.core import bootstrap_diagnose as why

        lines = [
            f"probed from here: {line}" for line in why.explain_bootstrap_failure(builder, error)
        ]
        extra = []
        if builder is not None and builder.driver == "docker-container":
            for node in builder.nodes:
                logs = self.backend.run(why.logs_argv(node.name), timeout=15)
                extra.append(logs)
                said = why.buildkitd_complaints(logs.stdout, logs.stderr)
                lines += [f"buildkitd ({node.name}) said: {line}" for line in said]
        return lines, extra

    def on_builders_screen_action_line(self, message: ActionLine) -> None:
        self.query_one(CommandLog).line(message.entry_id, message.line)

    def on_builders_screen_action_done(self, message: ActionDone) -> None:
        result = message.result
        self.busy.pop(message.builder, None)
        state = EntryState.OK if result.ok else EntryState.FAILED
        if result.cancelled:
            state = EntryState.CANCELLED
        found = "".join(f"\n{line}" for line in message.explanation)
        log = self.query_one(CommandLog)
        for extra in message.extra:
            state = EntryState.OK if extra.ok else EntryState.FAILED
            log.record(
                extra.command, state, extra.duration_s, "" if extra.ok else extra.error_text()
            )
        self.query_one(CommandLog).finish(
            message.entry_id,
            state,
            result.duration_s,
            tail="" if result.ok else result.error_text() + found,
        )
        if result.ok:
            if message.action is USE:
                self._select_after_refresh = message.builder
            self.notify(f"{message.action.name} {message.builder}: done", timeout=3)
        else:
            self.notify(
                result.error_text() + found,
                title=f"{message.action.name} {message.builder} failed",
                severity="error",
                timeout=10,
            )
        self._render_table()
        self.action_refresh()

    # -- other screens (the app opens them: see ui/navigation.py) -------------------------------
    def action_new_build(self) -> None:
        self.post_message(nav.OpenBuildForm(self.selected_builder()))

    def action_create(self) -> None:
        self.post_message(nav.OpenCreateWizard(self.ls))

    def action_append_node(self) -> None:
        builder = self.selected_builder()
        if builder is None or builder.driver == "docker":
            self.notify("Select a builder that is not a docker-driver builder.", severity="warning")
            return
        self.post_message(nav.OpenCreateWizard(self.ls, append_to=builder.name))

    def action_recreate(self) -> None:
        """Change a builder: buildx cannot edit one in place, so the wizard recreates it."""
        builder = self._target()
        if builder is not None and self.ls is not None:
            self.post_message(nav.OpenRecreateWizard(self.ls, builder))

    def action_leave_node(self) -> None:
        builder = self.selected_builder()
        if builder is None:
            self.notify("Select a builder first.", severity="warning")
            return
        ref = self.query_one(BuildersTable).selected
        self.post_message(nav.OpenLeaveNode(builder, ref.node if ref is not None else None))

    def action_inspect(self) -> None:
        self.post_message(nav.OpenInspector())

    def action_builds(self) -> None:
        """Every build BuildKit recorded on the selected builder (its history), from any
        client: the CLI, bake, CI, a teammate."""
        builder = self.selected_builder()
        known = self.ls.builders if self.ls is not None else None
        self.post_message(
            nav.OpenBuilds(builder.name if builder is not None else None, builders=known)
        )

    def action_bake(self) -> None:
        """The bake workspace of the current directory, built on the selected builder."""
        builder = self.selected_builder()
        self.post_message(nav.OpenBake(builder=builder.name if builder is not None else None))

    def action_all_builds(self) -> None:
        known = self.ls.builders if self.ls is not None else None
        self.post_message(nav.OpenBuilds(None, builders=known))

    def action_doctor(self) -> None:
        self.post_message(nav.OpenDoctor())

    def action_cache(self) -> None:
        builder = self.selected_builder()
        if builder is None:
            self.notify("Select a builder first.", severity="warning")
            return
        self.post_message(nav.OpenCache(builder.name))

    # -- filter, help, copy ----------------------------------------------------------------------
    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:  # a `/` typed in the filter is text (linux/arm64)
            box.insert_text_at_cursor("/")
            return
        box.display = True
        # At once, not after the keys already queued (Widget.focus waits for them): every key
        # typed after `/` goes to the filter, never to a builder action.
        self.set_focus(box)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.needle = event.value.strip()
        self._render_table()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(BuildersTable).focus()

    def action_back(self) -> None:
        box = self.query_one("#filter", Input)
        if box.display:
            box.value = ""
            box.display = False
            self.needle = ""
            self._render_table()
            self.query_one(BuildersTable).focus()

    def action_help(self) -> None:
        from buildx_tui.ui.common.help import HelpScreen

        table = self.query_one(BuildersTable)
        self.app.push_screen(
            HelpScreen(
                [
                    ("Builders", self.BINDINGS),
                    ("Table", [*table.BINDINGS, *_TABLE_NAV]),
                    ("Everywhere", self.app.BINDINGS),
                ]
            )
        )

    def action_copy_command(self) -> None:
        command = self.query_one(CommandLog).last_command()
        if command:
            self.app.copy_to_clipboard(command)
            self.notify(f"Copied: {command}", timeout=3)

    def palette_commands(self) -> list[PaletteCommand]:
        return builders_palette(self)


_TABLE_NAV = [
    Binding("up,down", "", "Move between builders and nodes"),
    Binding("pageup,pagedown", "", "Page"),
]
