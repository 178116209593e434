"""The bake workspace: what `docker buildx bake` would build here, adjusted, checked and run.

Loading is one thread worker: `buildx ls` (the builder's platforms, for the platform override),
then `bake --print` (the default group, and bake's errors in the files with file and line),
`--list=type=targets,format=json`, `--list=type=variables,format=json`, and `--print` of every
listed name (each target as bake resolves it, matrix expanded). The variables form checks each
value against its type, `--set` overrides are checked before they reach the command, platforms
ticked override every target's (`--set *.platform=…`), the exact command is always shown.

Run first runs `--call check` (plain progress: under rawjson bake does not check entitlements,
so this is where they are asked for), unless the same check passed within CHECK_FRESH_S;
entitlements bake asks for are granted only by the user, in a dialog saying what each grants.
Then the bake runs (core/bake/runner.py) and each target is drawn as its own group of lanes
(ui/bake/run_view.py); steps several targets share are listed once, as shared.
"""

from __future__ import annotations

import time
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, Static, Tree

from buildx_tui.core.bake.attribution import BakeSnapshot
from buildx_tui.core.bake.calls import (
    CheckWarning,
    Entitlement,
    parse_bake_check,
    parse_entitlements,
)
from buildx_tui.core.bake.definition import (
    BakeDefinition,
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
from buildx_tui.core.bake.runner import BakeOutcome, BakeRunner
from buildx_tui.core.bake.spec import BakeSpec, check_set, platform_sets
from buildx_tui.core.bake.variables import Variable, check_value, parse_list_variables
from buildx_tui.core.build.platform_choices import PlatformChoice, Support, platform_choices
from buildx_tui.core.builders import Builder
from buildx_tui.ui.bake.help import BakeHelp
from buildx_tui.ui.bake.loading import (
    LOAD_TIMEOUT_S,
    Loaded,
    finish_entry,
    found_files,
    load_workspace,
    workspace_files,
)
from buildx_tui.ui.bake.messages import Checked, Finished, Progressed
from buildx_tui.ui.bake.run_view import RunView
from buildx_tui.ui.bake.workspace import (
    checks_text,
    details_text,
    entitlements_dialog,
    error_text,
    fill_tree,
    preflight_text,
    refusal_dialog,
    selected_preflight,
    summary_text,
    var_id,
    var_rows,
)
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.platform_picker import PlatformPicker
from buildx_tui.ui.navigation import OpenInspector
from buildx_tui.ui.services import AppScreen

#: A check that passed this recently stands for the run of the same bake (the files are read
#: again by the run itself, which reports what changed since).
CHECK_FRESH_S = 120.0
#: What the platform override offers: what the builder runs (emulated ones marked), or, while
#: it is stopped, what it may run.
OFFERED = frozenset({Support.NATIVE, Support.EMULATED, Support.UNKNOWN})


class BakeScreen(AppScreen[None]):
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

    def __init__(self, path: str | None = None, *, builder: str | None = None) -> None:
        super().__init__()
        self.folder, self.files = workspace_files(path)
        self.builder = builder
        self.definition: BakeDefinition | None = None
        self.listed: tuple[ListedTarget, ...] = ()
        self.variables: tuple[Variable, ...] = ()
        self.var_text: dict[str, str] = {}  # what the variables' fields hold
        self.platforms: tuple[str, ...] = ()  # the platform override ticked
        self.builder_info: Builder | None = None  # as `buildx ls` listed it
        self.read: tuple[str, ...] = ()  # the files bake said it read
        self.error: BakeError | None = None
        self.selected: tuple[str, ...] = ()
        self.allow: tuple[str, ...] = ()
        self.warnings: dict[str, tuple[CheckWarning, ...]] = {}
        self.runner: BakeRunner | None = None
        self.outcome: BakeOutcome | None = None
        self.loads_done = 0
        self.checks_done = 0
        self.runs_done = 0
        self._run_after_check = False
        self._printed_with: tuple[object, ...] = ((), ())
        #: The last check that passed (argv, when): Run does not check the same bake again.
        self._passed: tuple[tuple[str, ...], float] | None = None

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="bake-summary")
        yield Static("", id="bake-message")
        with Horizontal(id="bake-body"):
            yield Tree("bake", id="bake-tree")
            with VerticalScroll(id="bake-side", can_focus=False):  # its fields are the stops
                yield Static("", id="bake-details")
                yield Vertical(id="bake-vars")
                with Horizontal(classes="bake-var-row"):
                    yield Label("--set", classes="bake-var-label")
                    yield Input(
                        placeholder="target.key=value … (space between overrides)",
                        id="bake-set",
                        compact=True,
                    )
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
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"bake · {self.folder}"
        self.query_one("#bake-tree", Tree).show_root = False
        self._show_summary()
        self.set_focus(self.query_one("#bake-tree", Tree))
        self.load()

    @property
    def command_log(self) -> CommandLog:
        return self.query_one(CommandLog)

    def base_spec(self) -> BakeSpec:
        return BakeSpec(cwd=str(self.folder), files=self.files, builder=self.builder)

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
        )
        return spec, var_problems + set_problems

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
            box = self.query_one("#bake-vars", Vertical)
            await box.remove_children()
            await box.mount_all(var_rows(variables))
        self.builder_info = message.builder
        self.read = files_read(message.printed.stderr)
        picker = self.query_one(PlatformPicker)
        if not picker.choices:
            await picker.set_choices(self._offered(message.builder), self.platforms)
        fill_tree(self.query_one("#bake-tree", Tree), self.definition)
        self._show_summary()
        self._show_details()
        self._show_command()

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
        return selected_preflight(self.definition, self.selected, self.builder_info, self.platforms)

    def _show_command(self) -> None:
        found = self.preflight()
        shown = self.query_one("#bake-preflight", Static)
        shown.update(preflight_text(found))
        shown.display = bool(found)
        spec, problems = self.spec()
        text = Text()
        text.append("$ ", "dim")
        text.append(self.backend.display(spec.argv(metadata_file="…")))
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

    # -- checks, entitlements, run ---------------------------------------------------------------
    def action_check(self) -> None:
        self._start_check(run_after=False)

    def action_run_bake(self) -> None:
        self._start_check(run_after=True)

    def _start_check(self, *, run_after: bool, refusals_seen: bool = False) -> None:
        if self.definition is None or self.runner is not None:
            self.notify("Nothing to run yet" if self.runner is None else "A bake is running")
            return
        spec, problems = self.spec()
        if problems:
            self.notify("; ".join(problems)[:300], severity="error", title="Not run")
            return
        refused = [p for p in self.preflight() if p.refused]
        if run_after and refused and not refusals_seen:

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start_check(run_after=True, refusals_seen=True)

            self.app.push_screen(refusal_dialog(refused), answered)
            return
        self._run_after_check = run_after
        argv = spec.check_argv()
        passed = self._passed
        fresh = passed is not None and time.monotonic() - passed[1] < CHECK_FRESH_S
        if run_after and fresh and passed is not None and passed[0] == tuple(argv):
            self._start_run()  # checked just now, as it is: not again
            return
        entry = self.command_log.start(self.backend.display(argv))
        self._check_worker(argv, entry)

    @work(thread=True, group="bake-check", exclusive=True, exit_on_error=False)
    def _check_worker(self, argv: list[str], entry: int) -> None:
        self.post_message(Checked(self.backend.run(argv, timeout=LOAD_TIMEOUT_S * 5), entry))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        result = message.result
        self.checks_done += 1
        asked = parse_entitlements(result.stderr)
        warned: dict[str, tuple[CheckWarning, ...]] = {}
        if result.stdout.strip():
            try:
                warned = parse_bake_check(result.stdout)
            except DefinitionError:
                warned = {}
        ok = result.ok or (bool(warned) and not asked)  # warnings make `--call check` exit 1
        state = EntryState.OK if ok else EntryState.FAILED
        self.command_log.finish(message.entry, state, result.duration_s,
                                tail="" if ok else result.error_text())  # fmt: skip
        self.warnings = warned
        self.query_one("#bake-checks", Static).update(checks_text(warned))
        self._passed = (result.argv, time.monotonic()) if ok and not asked else None
        if asked:
            self._ask_entitlements(asked)
            return
        if not ok:
            self._show_error(parse_error(result.stderr) or BakeError(result.error_text()))
            return
        if self._run_after_check:
            self._start_run()

    def _ask_entitlements(self, wanted: tuple[Entitlement, ...]) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.allow = tuple(dict.fromkeys((*self.allow, *(e.flag for e in wanted))))
                self._show_command()
                self._start_check(run_after=self._run_after_check)
            else:
                self.notify("Not granted: nothing ran", severity="warning")

        self.app.push_screen(entitlements_dialog(wanted), answered)

    def _start_run(self) -> None:
        spec, problems = self.spec()
        assert self.definition is not None and not problems
        names = self.definition.expand(spec.targets)
        platforms = {n: self.platforms or self.definition.targets[n].platforms for n in names}
        if not names:  # not printed: bake knows it; attributed by the names' prefixes alone
            platforms = {n: () for n in spec.targets}
        view = self.query_one(RunView)
        self.outcome = None
        self.runner = BakeRunner(self.backend, spec, platforms, post=self._post_progress)
        argv = self.runner.prepare()
        entry = self.command_log.start(self.backend.display(argv))
        view.start(tuple(platforms))
        view.set_class(True, "-shown")
        self.query_one("#bake-body").display = False
        self._run_worker(self.runner, entry)

    def _post_progress(self, snapshot: BakeSnapshot) -> None:
        self.post_message(Progressed(snapshot))

    @work(thread=True, group="bake-run", exit_on_error=False)
    def _run_worker(self, runner: BakeRunner, entry: int) -> None:
        self.post_message(Finished(runner.run(), entry))

    @on(Progressed)
    def _progressed(self, message: Progressed) -> None:
        if self.runner is not None:
            self.query_one(RunView).show(message.snapshot, None)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        outcome = message.outcome
        self.runner = None
        self.outcome = outcome
        self.runs_done += 1
        res = outcome.result
        state = EntryState.CANCELLED if outcome.cancelled else (
            EntryState.OK if res.ok else EntryState.FAILED)  # fmt: skip
        self.command_log.finish(message.entry, state, res.duration_s,
                                tail="" if res.ok else res.error_text())  # fmt: skip
        self.query_one(RunView).show(outcome.snapshot, outcome.outputs)

    def action_cancel_bake(self) -> None:
        runner = self.runner
        if runner is None:
            self.notify("No bake is running")
            return
        self._cancel_worker(runner)

    @work(thread=True, group="bake-cancel", exit_on_error=False)
    def _cancel_worker(self, runner: BakeRunner) -> None:
        runner.cancel()

    def action_inspect(self) -> None:
        ref = self.query_one(RunView).pushed_ref()
        if not ref:
            self.notify("No pushed image to inspect yet")
            return
        self.post_message(OpenInspector(ref))

    def action_back(self) -> None:
        view = self.query_one(RunView)
        if view.has_class("-shown") and self.runner is None:
            view.set_class(False, "-shown")
            self.query_one("#bake-body").display = True
            self.set_focus(self.query_one("#bake-tree", Tree))
            return
        if self.runner is not None:
            self.notify("A bake is running: cancel it first (ctrl+x)")
            return
        self.dismiss(None)

    def action_help(self) -> None:
        self.app.push_screen(BakeHelp.for_bake(self.BINDINGS, self.app.BINDINGS))

    def unsaved_input(self) -> str:
        return "the bake that is running" if self.runner is not None else ""
