"""The bake workspace: what `docker buildx bake` would build here, adjusted, checked and run.

Loading is four commands in one thread worker: `bake --print` (the default group, and bake's
errors in the files with file and line), `--list=type=targets,format=json`,
`--list=type=variables,format=json`, then `--print` of every listed name (each target as bake
resolves it, matrix expanded). The variables form checks each value against its type, `--set`
overrides are checked before they reach the command, the exact command is always shown. Run
first runs `--call check` (plain progress: under rawjson bake does not check entitlements, so
this is where they are asked for), unless the same check passed within CHECK_FRESH_S;
entitlements bake asks for are granted only by the user, one dialog listing what each grants.
Then the bake runs (core/bake/runner.py) and each target is drawn as its own group of lanes;
steps several targets share are listed once, as shared.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
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
    parse_error,
    parse_list_targets,
    parse_print,
)
from buildx_tui.core.bake.runner import BakeOutcome, BakeRunner
from buildx_tui.core.bake.spec import BakeSpec, check_set, grants
from buildx_tui.core.bake.variables import Variable, check_value, parse_list_variables
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.bake.help import BakeHelp
from buildx_tui.ui.bake.run_view import RunView
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.navigation import OpenInspector
from buildx_tui.ui.services import AppScreen

BAKE_FILES = (
    "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
    "docker-bake.json", "docker-bake.hcl", "docker-bake.override.json",
    "docker-bake.override.hcl",
)  # fmt: skip
LOAD_TIMEOUT_S = 60.0
#: A check that passed this recently stands for the run of the same bake (the files are read
#: again by the run itself, which reports what changed since).
CHECK_FRESH_S = 120.0


@dataclass
class Loaded(Message):
    printed: CommandResult  # `--print`: the default group, and bake's errors in the files
    targets: CommandResult | None
    variables: CommandResult | None
    every: CommandResult | None  # `--print <every listed name>`: each target resolved
    entries: tuple[int, ...]


@dataclass
class Checked(Message):
    result: CommandResult
    entry: int


@dataclass
class Progressed(Message):
    snapshot: BakeSnapshot


@dataclass
class Finished(Message):
    outcome: BakeOutcome
    entry: int


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
        where = Path(path).expanduser() if path else Path(os.getcwd())
        self.folder = where if where.is_dir() else where.parent
        self.files: tuple[str, ...] = () if where.is_dir() else (str(where),)
        if where.is_dir() and self.folder.resolve() != Path.cwd().resolve():
            # bake reads the files it finds in the directory it runs in (the app's): name them
            self.files = tuple(
                str(self.folder / f) for f in BAKE_FILES if (self.folder / f).is_file()
            )
        self.builder = builder
        self.definition: BakeDefinition | None = None
        self.listed: tuple[ListedTarget, ...] = ()
        self.variables: tuple[Variable, ...] = ()
        self.var_text: dict[str, str] = {}  # what the variables' fields hold
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
        #: The last check that passed (argv, when): Run does not check the same bake again
        #: within CHECK_FRESH_S.
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
                yield Static("", id="bake-checks")
                yield Static("", id="bake-command")
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
            for box in self.query(f"#bake-var-{_safe(var.name)}").results(Input):
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
        return sets, problems

    def spec(self) -> tuple[BakeSpec, list[str]]:
        """The bake the form describes, and what is wrong with it (nothing runs then)."""
        variables, var_problems = self._var_values()
        sets, set_problems = self._sets()
        spec = BakeSpec(
            cwd=str(self.folder),
            targets=self.selected,
            files=self.files,
            builder=self.builder,
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
        run, log = self.backend.run, self.command_log
        entries: list[int] = []

        def step(argv: list[str]) -> CommandResult:
            entries.append(self.app.call_from_thread(log.start, self.backend.display(argv)))
            return run(argv, timeout=LOAD_TIMEOUT_S)

        printed = step(spec.print_argv())
        targets = variables = every = None
        if printed.ok:
            targets = step(spec.list_argv("targets"))
            variables = step(spec.list_argv("variables"))
            names = _listed_names(targets)
            if names:
                every = step(replace(spec, targets=names).print_argv())
        self.post_message(Loaded(printed, targets, variables, every, tuple(entries)))

    def _finish_entry(self, entry: int, result: CommandResult | None) -> None:
        if result is None:
            self.command_log.finish(entry, EntryState.CANCELLED, 0.0, note="not run")
            return
        state = EntryState.OK if result.ok else EntryState.FAILED
        self.command_log.finish(
            entry, state, result.duration_s, tail="" if result.ok else result.error_text()
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        results = (message.printed, message.targets, message.variables, message.every)
        for entry, result in zip(message.entries, results, strict=False):
            self._finish_entry(entry, result)
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
        self._hide_message()
        self.definition = merged(default, every)
        self.listed = listed
        if self.variables != variables:
            self.variables = variables
            self._build_vars()
        self._build_tree()
        self._show_summary()
        self._show_details()
        self._show_command()

    def _build_vars(self) -> None:
        box = self.query_one("#bake-vars", Vertical)
        box.remove_children()
        rows = []
        for var in self.variables:
            label = f"{var.name}" + (f" ({var.type})" if var.type else "")
            row = Horizontal(
                Label(label[:21], classes="bake-var-label"),
                Input(
                    value=var.default,
                    placeholder=var.description or var.name,
                    id=f"bake-var-{_safe(var.name)}",
                    compact=True,
                    tooltip=var.description or None,
                ),
                classes="bake-var-row",
            )
            rows.append(row)
        box.mount_all(rows)

    def _build_tree(self) -> None:
        tree = self.query_one("#bake-tree", Tree)
        tree.clear()
        d = self.definition
        assert d is not None
        for name, members in d.groups.items():
            label = Text.assemble(("▸ ", "bold"), (name, "bold"))
            node = tree.root.add(label, data=name, expand=True)
            for m in members:
                node.add_leaf(m, data=m)
        for name in d.targets:
            tree.root.add_leaf(name, data=name)
        tree.root.expand()
        tree.cursor_line = 0  # the first group (default): what `bake` alone builds

    # -- drawing ---------------------------------------------------------------------------------
    def _show_summary(self) -> None:
        line = Text()
        line.append(str(self.folder), "bold")
        files = self.files or tuple(f for f in BAKE_FILES if (self.folder / f).is_file())
        line.append(
            "  reads: " + (", ".join(Path(f).name for f in files) or "no bake file found"), "dim"
        )
        line.append("\nbuilder: " + (self.builder or "the current one"), "dim")
        if self.definition is not None:
            d = self.definition
            line.append(
                f" · {len(d.targets)} target(s), {len(d.groups)} group(s), "
                f"{len(self.variables)} variable(s)",
                "dim",
            )
        self.query_one("#bake-summary", Static).update(line)

    def _show_error(self, error: BakeError) -> None:
        text = Text("✖ bake cannot read this workspace: nothing runs\n", "bold")
        where = f"{error.where}: " if error.where else ""
        text.append(where + error.message)
        for ln in error.excerpt:
            text.append("\n" + ln, "dim")
        msg = self.query_one("#bake-message", Static)
        msg.update(text)
        msg.set_class(True, "-shown")
        msg.set_class(True, "-error")

    def _hide_message(self) -> None:
        self.query_one("#bake-message", Static).set_class(False, "-shown")

    @on(Tree.NodeHighlighted, "#bake-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        name = event.node.data
        if name is not None:
            self.selected = (name,)
            self._show_details()
            self._show_command()

    def _show_details(self) -> None:
        d = self.definition
        out = Text()
        if d is None:
            self.query_one("#bake-details", Static).update(out)
            return
        names = d.expand(self.selected)
        shown = self.selected[0] if self.selected else "default"
        out.append(f"{shown}", "bold")
        if (self.selected and self.selected[0] in d.groups) or len(names) != 1:
            out.append(f"  builds {', '.join(names) or 'nothing bake printed'}\n", "dim")
        for name in names[:1] if len(names) == 1 else ():
            t = d.targets[name]
            if t.description:
                out.append(f"  {t.description}", "italic")
            out.append("\n")
            for key, value in (
                ("context", t.context),
                ("dockerfile", t.dockerfile),
                ("stage", t.stage or "(last)"),
                ("platforms", ", ".join(t.platforms) or "(the builder's)"),
                ("tags", ", ".join(t.tags) or "(none)"),
                ("outputs", ", ".join(t.outputs) or "(cache only)"),
                ("cache", ", ".join(t.cache_from + t.cache_to) or "(none)"),
            ):
                out.append(f"  {key:<11}", "dim")
                out.append(f"{value}\n")
            for k, v in t.args:
                out.append(f"  arg {k:<7}", "dim")
                out.append(f"{v}\n")
        if shown not in d.targets and shown not in d.groups and not names:
            out.append("  not in bake --print of the default group: select it to see it\n", "dim")
        self.query_one("#bake-details", Static).update(out)

    def _show_command(self) -> None:
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
            if event.input.id == f"bake-var-{_safe(var.name)}":
                self.var_text[var.name] = event.value
        if self.definition is not None:
            self._show_command()

    # -- checks, entitlements, run ---------------------------------------------------------------
    def action_check(self) -> None:
        self._start_check(run_after=False)

    def action_run_bake(self) -> None:
        self._start_check(run_after=True)

    def _start_check(self, *, run_after: bool) -> None:
        if self.definition is None or self.runner is not None:
            self.notify("Nothing to run yet" if self.runner is None else "A bake is running")
            return
        spec, problems = self.spec()
        if problems:
            self.notify("; ".join(problems)[:300], severity="error", title="Not run")
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
        ok = result.ok or (bool(warned) and not asked)
        state = EntryState.OK if ok else EntryState.FAILED
        self.command_log.finish(message.entry, state, result.duration_s,
                                tail="" if ok else result.error_text())  # fmt: skip
        self.warnings = warned
        self._show_checks()
        self._passed = (result.argv, time.monotonic()) if ok and not asked else None
        if asked:
            self._ask_entitlements(asked)
            return
        if not ok:
            err = parse_error(result.stderr) or BakeError(result.error_text())
            self._show_error(err)
            return
        if self._run_after_check:
            self._start_run()

    def _show_checks(self) -> None:
        out = Text()
        count = sum(len(w) for w in self.warnings.values())
        out.append(f"Checks: {count} warning(s)\n" if self.warnings else "", "bold")
        for target, found in self.warnings.items():
            for w in found:
                out.append(f"⚠ {target}: {w.rule}", "bold yellow")
                out.append(f" {w.message}\n")
                out.append(f"  {w.where}: ", "dim")
                out.append(f"{w.source_line}\n")
        self.query_one("#bake-checks", Static).update(out)

    def _ask_entitlements(self, asked: tuple[Entitlement, ...]) -> None:
        lines = ["bake asks for entitlements it will not grant itself:", ""]
        for e in asked:
            lines.append(f"• --allow {e.flag}")
            lines.append(f"  bake: {e.reason or '(no reason given)'}")
            lines.append(f"  grants: {grants(e.flag)}")
        lines += ["", "Grant them for this run?"]

        def answered(yes: bool | None) -> None:
            if yes:
                self.allow = tuple(dict.fromkeys((*self.allow, *(e.flag for e in asked))))
                self._show_command()
                self._start_check(run_after=self._run_after_check)
            else:
                self.notify("Not granted: nothing ran", severity="warning")

        self.app.push_screen(
            ConfirmDialog(
                "Entitlements", "\n".join(lines), yes="Grant and go on", no="Do not grant"
            ),
            answered,
        )

    def _start_run(self) -> None:
        spec, problems = self.spec()
        assert self.definition is not None and not problems
        names = self.definition.expand(spec.targets)
        platforms = {n: self.definition.targets[n].platforms for n in names}
        if not names:  # not in the default --print: bake knows; attribute by prefix alone
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


def _listed_names(result: CommandResult) -> tuple[str, ...]:
    if not result.ok:
        return ()
    try:
        return tuple(t.name for t in parse_list_targets(result.stdout) if t.name != "default")
    except DefinitionError:
        return ()


def merged(default: BakeDefinition, every: BakeDefinition) -> BakeDefinition:
    """Every target as bake resolves it, with the real `default` group: asked for names, bake
    prints a `default` group of those names instead (recorded: bake-print-all.stdout)."""
    groups = {k: v for k, v in every.groups.items() if k != "default"}
    if "default" in default.groups:
        groups = {"default": default.groups["default"], **groups}
    return BakeDefinition(groups, {**default.targets, **every.targets})


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
