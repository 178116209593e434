"""The bake workspace: what `docker buildx bake` would build here, adjusted, checked and run.

Loading is one thread worker: `buildx ls` (the builder's platforms, for the platform override),
then `bake --print` (the default group, and bake's errors in the files with file and line),
`--list=type=targets,format=json`, `--list=type=variables,format=json`, and `--print` of every
listed name (each target as bake resolves it, matrix expanded). The variables form checks each
value against its type, `--set` overrides are checked before they reach the command, platforms
ticked override every target's (`--set *.platform=…`), the exact command is always shown.

Check and run are :class:`~.running.BakeRunScreen`'s. The workspace is the current directory,
or a path (the field at the top, `buildx-tui --bake PATH`, a run from the app's history): every
command runs in its folder (bake reads the files and contexts from there), said in the command
shown. A run from the history fills the form with what it ran (and, for a re-run, runs it).
"""

from __future__ import annotations

import os
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Label, Static, Tree

from buildx_tui.core.bake.definition import (
    BakeError,
    DefinitionError,
    ListedTarget,
    files_read,
    merge_prints,
    parse_error,
    parse_list_targets,
    parse_print,
)
from buildx_tui.core.bake.preflight import Preflight
from buildx_tui.core.bake.spec import BakeSpec, check_set, platform_sets
from buildx_tui.core.bake.variables import Variable, check_value, parse_list_variables
from buildx_tui.core.bake.workspace import (
    Workspace,
    WorkspaceError,
    found_files,
    open_workspace,
)
from buildx_tui.core.build.history_bake import BakeRequest
from buildx_tui.core.build.platform_choices import PlatformChoice, Support, platform_choices
from buildx_tui.core.builders import Builder
from buildx_tui.ui.bake.help import BakeHelp
from buildx_tui.ui.bake.loading import Loaded, finish_entry, load_workspace
from buildx_tui.ui.bake.run_view import RunView
from buildx_tui.ui.bake.running import BakeRunScreen
from buildx_tui.ui.bake.workspace import (
    details_text,
    error_text,
    fill_tree,
    preflight_text,
    select_in_tree,
    selected_preflight,
    summary_text,
    var_id,
    var_rows,
)
from buildx_tui.ui.common.command_log import CommandLog
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.platform_picker import PlatformPicker
from buildx_tui.ui.common.toggles import Checkbox
from buildx_tui.ui.navigation import OpenBake

#: What the platform override offers: what the builder runs (emulated ones marked), or, while
#: it is stopped, what it may run.
OFFERED = frozenset({Support.NATIVE, Support.EMULATED, Support.UNKNOWN})


def push_label(on: bool) -> str:
    return "--push: " + ("on, every target's image pushed to its tags" if on else "off")


class BakeScreen(BakeRunScreen):
    CSS_PATH = "bake.tcss"
    SUB_TITLE = "bake"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("ctrl+r", "run_bake", "Run", id="bake.run"),
        Binding("ctrl+k", "check", "Check", id="bake.check"),
        Binding("ctrl+x", "cancel_bake", "Cancel", id="bake.cancel"),
        Binding("ctrl+l", "reload", "Reload", id="bake.reload"),
        Binding("i", "inspect", "Inspect", id="bake.inspect"),
        Binding("escape", "back", "Back", id="bake.back"),
        Binding("question_mark", "help", "Help", key_display="?", id="bake.help"),
    ]

    def __init__(
        self,
        path: str | None = None,
        *,
        builder: str | None = None,
        recorded: BakeRequest | None = None,
        run_now: bool = False,
    ) -> None:
        """``recorded``: a run from the app's history, whose values fill the form once the
        workspace is read (its workspace and files, unless ``path`` is given); ``run_now``:
        then run it (a re-run)."""
        super().__init__()
        self.path_error = ""
        found, looked_at = Workspace(path or "."), path
        if recorded is not None and path is None:  # its folder, with the files it named
            found = Workspace(recorded.workspace, recorded.files)
            looked_at = os.path.join(found.folder, found.files[0]) if found.files else found.folder
        try:
            opened = open_workspace(looked_at)
            found = found if looked_at is not path else opened
        except WorkspaceError as e:
            self.path_error = str(e)
        self.folder, self.files = found.folder, found.files
        self.builder = builder if recorded is None else builder or recorded.builder or None
        self.recorded = recorded
        self.run_now = run_now
        self.listed: tuple[ListedTarget, ...] = ()
        self.variables: tuple[Variable, ...] = ()
        self.var_text: dict[str, str] = {}  # what the variables' fields hold
        self.builder_info: Builder | None = None  # as `buildx ls` listed it
        self.read: tuple[str, ...] = ()  # the files bake said it read
        self.error: BakeError | None = None
        self.selected: tuple[str, ...] = ()
        self.push = False
        self.loads_done = 0
        self._printed_with: tuple[object, ...] = ((), ())
        if recorded is not None:
            self.platforms = recorded.platforms
            self.allow = recorded.allow
            self.push = recorded.push
            self.selected = recorded.targets

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="bake-summary")
        yield Static("", id="bake-message")
        with Horizontal(id="bake-body"):
            yield Tree("bake", id="bake-tree")
            with VerticalScroll(id="bake-side", can_focus=False):  # its fields are the stops
                with Horizontal(classes="bake-var-row", id="bake-path-row"):
                    yield Label("workspace", classes="bake-var-label")
                    yield Input(
                        value=self.folder,
                        placeholder="a folder or bake file (Enter opens it)",
                        id="bake-path",
                        compact=True,
                    )
                yield Static("", id="bake-details")
                yield Vertical(id="bake-vars")
                with Horizontal(classes="bake-var-row"):
                    yield Label("--set", classes="bake-var-label")
                    yield Input(
                        placeholder="target.key=value … (space between overrides)",
                        id="bake-set",
                        value=" ".join(self.recorded.sets) if self.recorded else "",
                        compact=True,
                    )
                yield Checkbox(push_label(self.push), self.push, id="bake-push", compact=True)
                yield Static("", id="bake-command")
                yield Static("", id="bake-preflight")
                yield Static("", id="bake-checks")
                yield Label(
                    "Platforms of every target (none ticked: as the file says)",
                    id="bake-platforms-label",
                )
                yield PlatformPicker(id="bake-platforms")
        yield RunView(id="bake-run")
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        self.title = f"bake · {self.folder}"
        self.query_one("#bake-tree", Tree).show_root = False
        self._show_summary()
        if self.path_error:  # nothing is read, nothing runs: the path is to be corrected
            self._show_error(BakeError(self.path_error))
            self.set_focus(self.query_one("#bake-path", Input))
            return
        self.set_focus(self.query_one("#bake-tree", Tree))
        self.load()

    def base_spec(self) -> BakeSpec:
        return BakeSpec(cwd=self.folder, files=self.files, builder=self.builder)

    @on(Input.Submitted, "#bake-path")
    def _open_path(self, event: Input.Submitted) -> None:
        """Another workspace: this screen is replaced by one on it (what is wrong with the
        path is said instead)."""
        if self.runner is not None:
            self.notify("A bake is running: cancel it first (ctrl+x)")
            return
        try:
            open_workspace(event.value)
        except WorkspaceError as e:
            self._show_error(BakeError(str(e)))
            return
        self.post_message(OpenBake(event.value, self.builder, replace=True))

    @on(Checkbox.Changed, "#bake-push")
    def _push_changed(self, event: Checkbox.Changed) -> None:
        self.push = event.value
        event.checkbox.label = push_label(self.push)  # said in words, not only by its colour
        if self.definition is not None:
            self._show_details()
            self._show_command()

    # -- the request -----------------------------------------------------------------------------
    def _var_values(self) -> tuple[tuple[tuple[str, str], ...], list[str]]:
        """The variables changed from their defaults (``--var``), and what is wrong with them."""
        values: list[tuple[str, str]] = []
        problems: list[str] = []
        for var in self.variables:
            value = self.var_text.get(var.name, var.default)
            problem = None if value == var.default else check_value(var, value)
            for box in self.query(f"#{var_id(var.name)}").results(Input):
                box.set_class(problem is not None, "-invalid")
            if problem:
                problems.append(problem)
            elif value != var.default:
                values.append((var.name, value))
        return tuple(values), problems

    def _sets(self) -> tuple[tuple[str, ...], list[str]]:
        box = self.query_one("#bake-set", Input)
        sets = tuple(box.value.split())
        problems = [f"--set {s[:60]}: {p}" for s in sets if (p := check_set(s)) is not None]
        box.set_class(bool(problems), "-invalid")
        return (*sets, *platform_sets(self.platforms)), problems

    def spec(self) -> tuple[BakeSpec, list[str]]:
        """The bake the form describes, and what is wrong with it (nothing runs then)."""
        variables, var_problems = self._var_values()
        sets, set_problems = self._sets()
        spec = replace(
            self.base_spec(),
            targets=self.selected,
            variables=variables,
            sets=sets,
            allow=self.allow,
            push=self.push,
        )
        return spec, var_problems + set_problems

    def user_sets(self) -> tuple[str, ...]:
        return tuple(self.query_one("#bake-set", Input).value.split())

    # -- loading ---------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        """Read the workspace as bake sees it, with the variables and `--set` overrides of the
        form when they are valid (so the details show their effect), else as the files say."""
        spec, problems = self.spec() if self.definition is not None else (self.base_spec(), [])
        self._load_worker(self.base_spec() if problems else replace(spec, targets=(), allow=()))

    @work(thread=True, group="bake-load", exclusive=True, exit_on_error=False)
    def _load_worker(self, spec: BakeSpec) -> None:
        log = self.command_log

        def started(command: str) -> int:
            return self.app.call_from_thread(log.start, command)

        self.post_message(load_workspace(self.backend, spec, self.builder, started))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        results = (message.printed, message.targets, message.variables, message.every)
        for entry, result in zip(message.entries, results, strict=False):
            finish_entry(self.command_log, entry, result)
        self.loads_done += 1
        failed = next((r for r in results if r is not None and not r.ok), None)
        if failed is not None:
            self.error = parse_error(failed.stderr) or BakeError(failed.error_text())
            self._show_error(self.error)
            return
        try:
            default = parse_print(message.printed.stdout)
            every = parse_print(message.every.stdout) if message.every else default
            listed = parse_list_targets(message.targets.stdout) if message.targets else ()
            variables = parse_list_variables(message.variables.stdout) if message.variables else ()
        except DefinitionError as exc:
            self.error = BakeError(str(exc))
            self._show_error(self.error)
            return
        self.error = None
        self.query_one("#bake-message", Static).set_class(False, "-shown")
        self.definition = merge_prints(default, every)
        self.listed = listed
        self._printed_with = message.overrides
        if self.variables != variables:
            self.variables = variables
            self.var_text = {v.name: v.default for v in variables}
            if self.recorded is not None and self.loads_done == 1:  # the values it ran with
                self.var_text.update(
                    (k, v) for k, v in self.recorded.variables if k in self.var_text
                )
            box = self.query_one("#bake-vars", Vertical)
            await box.remove_children()
            await box.mount_all(var_rows(variables, self.var_text))
        self.builder_info = message.builder
        self.read = files_read(message.printed.stderr)
        picker = self.query_one(PlatformPicker)
        if not picker.choices:
            await picker.set_choices(self._offered(message.builder), self.platforms)
        tree = self.query_one("#bake-tree", Tree)
        fill_tree(tree, self.definition)
        if self.recorded is not None and self.loads_done == 1:
            self._recorded_loaded(tree)
        self._show_summary()
        self._show_details()
        self._show_command()
        if self.run_now and self.loads_done == 1:
            self.run_now = False
            self._start_check(run_after=True)

    def _recorded_loaded(self, tree: Tree[str]) -> None:
        """The workspace of a run from the history is read: its target selected (the run
        starts, for a re-run, only once it is)."""
        assert self.recorded is not None
        self.selected = self.recorded.targets
        missing = [t for t in self.recorded.targets if not select_in_tree(tree, t)]
        if missing:
            self.run_now = False
            self.notify(f"Not in the workspace any more: {', '.join(missing)}; nothing ran",
                        severity="warning", title="Bake")  # fmt: skip

    @staticmethod
    def _offered(builder: Builder | None) -> list[PlatformChoice]:
        return [c for c in platform_choices(builder) if c.support in OFFERED]

    # -- drawing ---------------------------------------------------------------------------------
    def _show_summary(self) -> None:
        files = self.read or self.files or found_files(self.folder)
        text = summary_text(self.folder, files, self.builder, self.definition, len(self.variables))
        self.query_one("#bake-summary", Static).update(text)

    def _show_error(self, error: BakeError) -> None:
        msg = self.query_one("#bake-message", Static)
        msg.update(error_text(error))
        msg.set_class(True, "-shown")
        msg.set_class(True, "-error")

    @on(Tree.NodeHighlighted, "#bake-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        name = event.node.data
        if event.node is not event.control.cursor_node:  # the cursor moved on since
            return
        if name is not None:
            self.selected = (name,)
            self._show_details()
            self._show_command()

    def _show_details(self) -> None:
        spec, _problems = self.spec()
        stale = (spec.variables, spec.sets) != self._printed_with
        text = details_text(self.definition, self.selected, spec.sets, stale)
        self.query_one("#bake-details", Static).update(text)

    def preflight(self) -> tuple[Preflight, ...]:
        """What buildx will refuse or may fail at in the selected bake (as printed)."""
        return selected_preflight(self.definition, self.selected, self.builder_info,
                                  self.platforms, cwd=self.folder, push=self.push)  # fmt: skip

    def _show_command(self) -> None:
        found = self.preflight()
        shown = self.query_one("#bake-preflight", Static)
        shown.update(preflight_text(found))
        shown.display = bool(found)
        spec, problems = self.spec()
        text = Text()
        text.append("$ ", "dim")
        text.append(self.backend.display(spec.argv(metadata_file="…"), spec.cwd))
        for p in problems:
            text.append(f"\n✖ {p}", "bold red")
        self.query_one("#bake-command", Static).update(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        for var in self.variables:
            if event.input.id == var_id(var.name):
                self.var_text[var.name] = event.value
        if self.definition is not None:
            self._show_details()
            self._show_command()

    @on(PlatformPicker.Changed, "#bake-platforms")
    def _platforms(self, event: PlatformPicker.Changed) -> None:
        self.platforms = event.selected
        if self.definition is not None:
            self._show_details()
            self._show_command()

    def action_back(self) -> None:
        if self.back_from_run():
            return
        if self.runner is not None:
            self.notify("A bake is running: cancel it first (ctrl+x)")
            return
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(BakeHelp.for_bake(self.BINDINGS, self.app.BINDINGS))

    def unsaved_input(self) -> str:
        return "the bake that is running" if self.runner is not None else ""
