"""The bake workspace's check and run (the base of :class:`~.screen.BakeScreen`, which holds
the form): Run first runs `--call check` (plain progress: under rawjson bake does not check
entitlements, so this is where they are asked for), unless the same check passed within
CHECK_FRESH_S; entitlements bake asks for are granted only by the user, in a dialog saying what
each grants. Then the bake runs (core/bake/runner.py) in the workspace's folder, each target
drawn as its own group of lanes (ui/bake/run_view.py), and the run is written to the app's
history (ui/bake/record.py): re-run and edit from there open this screen on it again.
"""

from __future__ import annotations

import time

from textual import on, work
from textual.widgets import Static, Tree

from buildx_tui.core.bake.attribution import BakeSnapshot
from buildx_tui.core.bake.calls import (
    CheckWarning,
    Entitlement,
    parse_bake_check,
    parse_entitlements,
)
from buildx_tui.core.bake.definition import BakeDefinition, BakeError, DefinitionError, parse_error
from buildx_tui.core.bake.preflight import Preflight
from buildx_tui.core.bake.runner import BakeOutcome, BakeRunner
from buildx_tui.core.bake.spec import BakeSpec
from buildx_tui.core.build.history_bake import BakeRequest
from buildx_tui.ui.bake.loading import LOAD_TIMEOUT_S
from buildx_tui.ui.bake.messages import Checked, Finished, Progressed
from buildx_tui.ui.bake.record import bake_entry, bake_request
from buildx_tui.ui.bake.run_view import RunView
from buildx_tui.ui.bake.workspace import checks_text, entitlements_dialog, refusal_dialog
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.navigation import OpenInspector
from buildx_tui.ui.services import AppScreen

#: A check that passed this recently stands for the run of the same bake (the files are read
#: again by the run itself, which reports what changed since).
CHECK_FRESH_S = 120.0


class BakeRunScreen(AppScreen[None]):
    """Check, entitlements, run, cancel; the form's parts are the subclass's."""

    def __init__(self) -> None:
        super().__init__()
        self.definition: BakeDefinition | None = None
        self.platforms: tuple[str, ...] = ()  # the platform override ticked
        self.allow: tuple[str, ...] = ()
        self.warnings: dict[str, tuple[CheckWarning, ...]] = {}
        self.runner: BakeRunner | None = None
        self.outcome: BakeOutcome | None = None
        self.checks_done = 0
        self.runs_done = 0
        self._run_after_check = False
        #: The last check that passed (argv, when): Run does not check the same bake again.
        self._passed: tuple[tuple[str, ...], float] | None = None

    # -- the form's, in the subclass ---------------------------------------------------------------
    @property
    def command_log(self) -> CommandLog:
        return self.query_one(CommandLog)

    def spec(self) -> tuple[BakeSpec, list[str]]:
        raise NotImplementedError

    def user_sets(self) -> tuple[str, ...]:
        """The --set overrides the user typed (not the platform override's)."""
        raise NotImplementedError

    def preflight(self) -> tuple[Preflight, ...]:
        raise NotImplementedError

    def _show_command(self) -> None:
        raise NotImplementedError

    def _show_error(self, error: BakeError) -> None:
        raise NotImplementedError

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
        entry = self.command_log.start(self.backend.display(argv, spec.cwd))
        self._check_worker(argv, entry, spec.cwd)

    @work(thread=True, group="bake-check", exclusive=True, exit_on_error=False)
    def _check_worker(self, argv: list[str], entry: int, cwd: str) -> None:
        result = self.backend.run(argv, timeout=LOAD_TIMEOUT_S * 5, cwd=cwd)
        self.post_message(Checked(result, entry))

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
        request = bake_request(spec, self.user_sets(), self.platforms)
        names = self.definition.expand(spec.targets)
        platforms = {n: self.platforms or self.definition.targets[n].platforms for n in names}
        if not names:  # not printed: bake knows it; attributed by the names' prefixes alone
            platforms = {n: () for n in spec.targets}
        view = self.query_one(RunView)
        self.outcome = None
        self.runner = BakeRunner(self.backend, spec, platforms, post=self._post_progress)
        argv = self.runner.prepare()
        entry = self.command_log.start(self.backend.display(argv, spec.cwd))
        view.start(tuple(platforms))
        view.set_class(True, "-shown")
        self.query_one("#bake-body").display = False
        command = self.backend.display(spec.argv(), spec.cwd)  # without the temporary file
        self._run_worker(self.runner, entry, request, command)

    def _post_progress(self, snapshot: BakeSnapshot) -> None:
        self.post_message(Progressed(snapshot))

    @work(thread=True, group="bake-run", exit_on_error=False)
    def _run_worker(
        self, runner: BakeRunner, entry: int, request: BakeRequest, command: str
    ) -> None:
        started = self.services.clock()
        outcome = runner.run()
        error = ""
        try:
            self.services.history.append(bake_entry(request, command, outcome, started))
        except OSError as e:
            error = f"could not save the bake in the app's history: {e}"
        self.post_message(Finished(outcome, entry, error))

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
        if message.history_error:
            self.notify(message.history_error, severity="warning", timeout=10)

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

    def back_from_run(self) -> bool:
        """Esc on a finished run's view goes back to the workspace (True: it did)."""
        view = self.query_one(RunView)
        if view.has_class("-shown") and self.runner is None:
            view.set_class(False, "-shown")
            self.query_one("#bake-body").display = True
            self.set_focus(self.query_one("#bake-tree", Tree))
            return True
        return False
