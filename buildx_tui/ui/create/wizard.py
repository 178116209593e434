"""The create / append wizard: name, driver, endpoint, node, registries (buildkitd.toml), review;
then it runs `buildx create`, bootstrap and `use` with live status, and undoes a failed attempt.

Push ``CreateWizardScreen(existing_ls)`` (or ``append_to=NAME``); it dismisses with the
builder's name after a successful run, or ``None``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, Header, Input, Static
from textual.worker import Worker, WorkerState

from buildx_tui.core.builders import LsResult
from buildx_tui.core.create.buildkitd.config import ConfigError, config_path_for_builder
from buildx_tui.core.create.defaults import new_draft
from buildx_tui.core.create.diagnose import Explanation
from buildx_tui.core.create.draft import (
    STEP_TITLES,
    STEPS,
    CreateDraft,
    WizardContext,
    WizardStep,
    check_step,
)
from buildx_tui.core.create.endpoint import CONTEXT_LS_ARGV, parse_context_names
from buildx_tui.core.create.problem import CreateProblem, endpoint_scheme, errors_in
from buildx_tui.core.create.run import (
    CreatePlan,
    EventKind,
    Phase,
    RunEvent,
    Runner,
    RunOutcome,
    build_plan,
)
from buildx_tui.core.probe import ProbeResult, probe_endpoint
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.create.step_base import StepPanel
from buildx_tui.ui.create.step_basics import DriverChoice, DriverStep, NameStep
from buildx_tui.ui.create.step_endpoint import EndpointStep, probe_text
from buildx_tui.ui.create.step_node import NodeStep
from buildx_tui.ui.create.step_registry import RegistryStep
from buildx_tui.ui.create.step_review import ReviewStep, RunPanel
from buildx_tui.ui.services import AppScreen, KeptWizard

_SEP = "  ›  "  # noqa: RUF001 (a breadcrumb separator)


class CreateWizardScreen(AppScreen[str | None]):
    CSS_PATH = "create.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="create.cancel"),
        Binding("ctrl+n", "next", "Next", id="create.next"),
        Binding("ctrl+b", "back", "Back", id="create.back"),
        Binding("q", "close", "Close", show=False, id="create.close"),
        # ? types itself in a text field (the field takes it first); F1 works everywhere.
        Binding("f1,question_mark", "help", "Help", key_display="F1", id="create.help"),
    ]
    AUTO_FOCUS = None

    @dataclass
    class Loaded(Message):
        ls: LsResult | None
        contexts: list[str] | None

    @dataclass
    class Progress(Message):
        event: RunEvent

    @dataclass
    class Finished(Message):
        outcome: RunOutcome

    @dataclass
    class ReviewProbed(Message):
        endpoint: str
        result: ProbeResult | None

    def __init__(
        self,
        existing: LsResult | None = None,
        append_to: str | None = None,
        *,
        config_dir: Path | None = None,
        kept: KeptWizard | None = None,
    ) -> None:
        """``kept``: a draft closed with "keep" (the app keeps it per target, Services.drafts):
        the wizard resumes it, on the step it was left on."""
        super().__init__()
        self._existing = existing
        self._config_dir = config_dir
        self.append_to = append_to
        self.draft_key = self.draft_key_for(append_to)
        made = self.services.settings.create  # settings.toml's [create]
        made_with = (made.driver, made.driver_opts, made.bootstrap, made.use)
        self.draft = new_draft(*made_with, name=append_to or "", append=append_to is not None)
        self.index = 0
        self.resumed = kept is not None
        if kept is not None:
            self.draft, self.index = copy.deepcopy(kept.draft), kept.step
        #: The draft as opened: leaving asks first only when the inputs differ from it.
        self.opened_with = copy.deepcopy(self.draft)
        builders = existing.builders if existing else ()
        self.ctx = WizardContext.made(builders, socket=self.services.socket_check)
        self.plan: CreatePlan | None = None
        self.outcome: RunOutcome | None = None
        self.running = False
        self._runner: Runner | None = None
        self._auto_config_path: str | None = None
        if kept is not None and self.draft.config_path == self._config_path_for(self.draft.name):
            self._auto_config_path = self.draft.config_path  # still the default: follows the name
        self._log_ids: dict[Phase, int] = {}

    @classmethod
    def draft_key_for(cls, append_to: str | None) -> str:
        """Where a draft kept for later goes (Services.drafts): one per kind of wizard and
        target (a new builder, or the builder a node is appended to)."""
        return f"{cls.__name__}:{append_to or ''}"

    def reopen_hint(self) -> str:
        """The key that opens this wizard again (said when its draft is kept for later)."""
        return f"a on {self.append_to}" if self.append_to else "c"

    @property
    def step(self) -> WizardStep:
        return STEPS[self.index]

    def panel(self, step: WizardStep | None = None) -> StepPanel:
        return self.query_one(f"#step-{(step or self.step).value}", StepPanel)

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="wizard-steps")
        with ContentSwitcher(id="wizard-body", initial="step-name"):
            yield NameStep(id="step-name")
            yield DriverStep(id="step-driver")
            yield EndpointStep(id="step-endpoint")
            yield NodeStep(id="step-node")
            yield RegistryStep(id="step-registry")
            yield ReviewStep(id="step-review")
            yield RunPanel(id="step-run")
        yield Static("", id="wizard-problems")
        with Horizontal(id="wizard-buttons"):
            yield Button("Back", id="wizard-back")
            yield Button("Next", variant="primary", id="wizard-next")
            yield Button("Cancel", id="wizard-cancel")
        yield CommandLog(id="wizard-log")
        yield AppFooter()

    def on_mount(self) -> None:
        self.title = "buildx-tui"
        self.sub_title = (
            f"append a node to {self.draft.name}" if self.draft.append else "create a builder"
        )
        self.query_one("#wizard-problems", Static).display = False
        self.query_one(CommandLog).display = False
        self._load_context()
        self._enter(self.index)
        if self.resumed:
            self.notify("Your draft from before. Esc, then Discard, starts over.", timeout=6)

    @work(thread=True, exclusive=True, group="wizard-load", exit_on_error=False)
    def _load_context(self) -> None:
        ls = self._existing
        if ls is None:
            ls = self.backend.list_builders().ls
        result = self.backend.run(CONTEXT_LS_ARGV, timeout=30)
        contexts = parse_context_names(result.stdout) if result.ok else None
        self.post_message(self.Loaded(ls, contexts))

    def on_create_wizard_screen_loaded(self, message: Loaded) -> None:
        builders = message.ls.builders if message.ls else self.ctx.existing
        self.ctx = WizardContext.made(builders, message.contexts, self.services.socket_check)
        if not self.running and self.outcome is None:
            self.panel().context_changed(self.ctx)

    # -- navigation --------------------------------------------------------------------------
    def _enter(self, index: int) -> None:
        self.index = index
        self.query_one(ContentSwitcher).current = f"step-{self.step.value}"
        panel = self.panel()
        panel.load(self.draft, self.ctx)
        self._show_problems([])
        if self.step is WizardStep.REVIEW:
            self._prepare_review()
        self._update_chrome()
        first = panel.first_input()
        if first is not None:
            first.focus()
        else:
            self.query_one("#wizard-next", Button).focus()

    def action_next(self) -> None:
        if self.running:
            return
        if self.outcome is not None:
            if self.outcome.ok:
                self.dismiss(self.plan.name if self.plan else None)
            return
        panel = self.panel()
        panel.store(self.draft)
        if panel.hold:
            self._show_problems([CreateProblem("config", panel.hold, "warning")])
            return
        problems = check_step(self.step, self.draft, self.ctx)
        panel.mark(problems)
        if errors_in(problems):
            self._show_problems(problems)
            bad = panel.invalid_widget(problems)
            if bad is not None:
                bad.focus()
            return
        if self.step is WizardStep.NAME:
            target = self.ctx.append_target(self.draft)
            if target is not None:
                self.draft.follow(target)  # its driver (buildx requires it), its TLS files
            self._default_config_path()
        if self.step is WizardStep.REVIEW:
            self._start_run()
            return
        self._enter(self.index + 1)

    def action_back(self) -> None:
        if self.running:
            return
        if self.outcome is not None:
            if self.outcome.ok:
                return
            self.outcome = None
            self._enter(STEPS.index(WizardStep.REVIEW))
            return
        if self.index > 0:
            self.panel().store(self.draft)
            self._enter(self.index - 1)

    def action_cancel(self) -> None:
        if self.running:
            if self._runner is not None:
                self._runner.cancel()
            return
        if self.outcome is not None and self.outcome.ok:
            self.dismiss(self.plan.name if self.plan else None)
            return
        self._leave()

    # -- leaving: never throw the input away without asking ------------------------------------
    def current_draft(self) -> CreateDraft:
        """The draft with what the step on screen holds (a copy: the wizard's is untouched)."""
        draft = copy.deepcopy(self.draft)
        if not self.running and self.outcome is None:
            self.panel().store_copy(draft)
        return draft

    def unsaved_input(self) -> str:
        if self.outcome is not None and self.outcome.ok:
            return ""  # created: nothing left to lose
        return "the create wizard's input" if self.current_draft() != self.opened_with else ""

    def _leave(self) -> None:
        """Unchanged: leave at once (a kept draft stays kept). Changed: ask (ui/create/leaving)."""
        from buildx_tui.ui.create.leaving import ask_before_leaving

        ask_before_leaving(self)

    def action_close(self) -> None:
        """q: leave the wizard — but never stop a run by accident (Esc or Stop does that)."""
        if self.running:
            self.notify("Still running: Stop (or Esc) cancels it and undoes what was done.")
            return
        self.action_cancel()

    def action_help(self) -> None:
        from buildx_tui.ui.create.help import CreateWizardHelp

        self.app.push_screen(CreateWizardHelp.for_wizard(self.BINDINGS, self.app.BINDINGS))

    @on(Button.Pressed, "#wizard-next")
    def _next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#wizard-back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#wizard-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    @on(DriverChoice.Chosen)
    def _submitted(self) -> None:
        self.action_next()

    def _default_config_path(self) -> None:
        """Name the builder's config file after it (or its builder, for an appended node),
        unless the user chose another path; an existing file is read and edited."""
        auto = self._config_path_for(self.draft.name)
        if auto is None:
            return
        current = self.draft.config_path
        if current and current != self._auto_config_path:
            return  # the user's own choice
        if auto != current:
            self.draft.load_config(auto)
        self._auto_config_path = auto

    def _config_path_for(self, name: str) -> str | None:
        try:
            return str(config_path_for_builder(name.strip(), self._config_dir))
        except ValueError:
            return None

    # -- review ------------------------------------------------------------------------------
    def make_plan(self) -> CreatePlan:
        """The plan of the draft (the recreate wizard adds `rm` and its undo). Raises
        ConfigError when the existing config file cannot be edited safely."""
        return build_plan(self.draft, self.ctx.append_target(self.draft))

    def _prepare_review(self) -> None:
        review = self.query_one(ReviewStep)
        problems = check_step(WizardStep.REVIEW, self.draft, self.ctx)
        try:
            self.plan = self.make_plan()
        except ConfigError as exc:
            self._show_problems([CreateProblem("config", str(exc))])
            return
        warnings = [p for p in problems if p.severity == "warning"]
        review.show_plan(self.plan, warnings, self.backend.display)
        if self.draft.driver == "remote" and endpoint_scheme(self.draft.endpoint) in (
            "tcp",
            "unix",
        ):
            files = self.draft.tls_files()
            self._review_probe(self.draft.endpoint, files)

    @work(thread=True, exclusive=True, group="review-probe", exit_on_error=False)
    def _review_probe(self, endpoint: str, files: tuple[str, str, str, str]) -> None:
        cacert, cert, key, servername = files
        result = probe_endpoint(endpoint, cacert=cacert, cert=cert, key=key, servername=servername)
        self.post_message(self.ReviewProbed(endpoint, result))

    def on_create_wizard_screen_review_probed(self, message: ReviewProbed) -> None:
        if self.step is WizardStep.REVIEW and self.outcome is None:
            self.query_one(ReviewStep).show_probe(probe_text(message.endpoint, message.result))

    # -- running -----------------------------------------------------------------------------
    def _start_run(self) -> None:
        try:
            plan = self.make_plan()
        except ConfigError as exc:
            self._show_problems([CreateProblem("config", str(exc))])
            return
        self.plan = plan
        self.running = True
        self._log_ids.clear()
        self.query_one(ContentSwitcher).current = "step-run"
        self.query_one(RunPanel).start(plan, self.backend.display)
        self.query_one(CommandLog).display = True
        self._show_problems([])
        self._update_chrome()

        def emit(event: RunEvent) -> None:
            self.post_message(self.Progress(event))

        runner = Runner(plan, self.backend, emit)
        self._runner = runner
        self._run_worker(runner)

    @work(thread=True, exclusive=True, group="create", exit_on_error=False)
    def _run_worker(self, runner: Runner) -> None:
        self.post_message(self.Finished(runner.run()))

    def on_create_wizard_screen_progress(self, message: Progress) -> None:
        e = message.event
        self.query_one(RunPanel).event(e)
        if e.phase is Phase.CONFIG:
            return
        log = self.query_one(CommandLog)
        if e.kind is EventKind.START:
            self._log_ids[e.phase] = log.start(e.text)
        elif e.kind is EventKind.LINE and e.phase in self._log_ids:
            log.line(self._log_ids[e.phase], e.text)
        elif e.phase in self._log_ids:
            state = EntryState.OK if e.kind is EventKind.OK else EntryState.FAILED
            log.finish(self._log_ids[e.phase], state, e.duration_s, tail=e.text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A bug in the run must not leave the wizard spinning: report it as a failure."""
        if event.worker.group == "create" and event.state is WorkerState.ERROR:
            error = event.worker.error
            self.post_message(
                self.Finished(
                    RunOutcome(
                        False,
                        explanation=Explanation(
                            "buildx-tui failed while carrying out the plan",
                            f"{type(error).__name__}: {error}",
                            "Look at the command log above and at the builders list (r): what "
                            "ran before the failure may need undoing by hand.",
                        ),
                    )
                )
            )

    def on_create_wizard_screen_finished(self, message: Finished) -> None:
        self.running = False
        self._runner = None
        self.outcome = message.outcome
        name = self.plan.name if self.plan else ""
        self.query_one(RunPanel).finish(message.outcome, name)
        if message.outcome.ok:
            self.notify(f"{name}: ready", timeout=4)
            self.services.drafts.drop_wizard(self.draft_key)  # done: nothing to resume
        self._update_chrome()
        self.query_one("#wizard-next" if message.outcome.ok else "#wizard-back", Button).focus()

    # -- chrome ------------------------------------------------------------------------------
    def _update_chrome(self) -> None:
        back = self.query_one("#wizard-back", Button)
        nxt = self.query_one("#wizard-next", Button)
        cancel = self.query_one("#wizard-cancel", Button)
        if self.running:
            back.display, nxt.display = False, False
            cancel.label = "Stop"
        elif self.outcome is not None:
            back.display = not self.outcome.ok
            back.disabled = False
            nxt.display = self.outcome.ok
            nxt.label = "Done"
            cancel.label = "Close"
            cancel.display = not self.outcome.ok
        else:
            back.display = True
            back.disabled = self.index == 0
            nxt.display = True
            cancel.display = True
            cancel.label = "Cancel"
            verb = "Append node" if self.draft.append else "Create"
            nxt.label = verb if self.step is WizardStep.REVIEW else "Next"
        steps = self.query_one("#wizard-steps", Static)
        text = self._steps_text()
        if text.cell_len > steps.content_size.width > 0:
            text = self._steps_text(short=True)
        steps.update(text)

    def on_resize(self) -> None:
        """Under 30 lines the buttons take one line each instead of three."""
        for button in self.query("#wizard-buttons Button").results(Button):
            button.compact = self.size.height < 30
        self._update_chrome()

    def _steps_text(self, short: bool = False) -> Text:
        """The steps, the one on screen highlighted; ``short``: only its title (the others by
        number), when all of them do not fit the width."""
        text = Text()
        running_or_done = self.running or self.outcome is not None
        for i, step in enumerate(STEPS):
            if i:
                text.append(_SEP, "dim")
            label = f"{i + 1} {STEP_TITLES[step]}"
            if short and i != self.index:
                label = str(i + 1)
            if running_or_done or i < self.index:
                text.append(label, "green")
            elif i == self.index:
                text.append(f" {label} ", "bold reverse")
            else:
                text.append(label, "dim")
        if running_or_done:
            text.append(_SEP, "dim")
            text.append(" Run ", "bold reverse")
        return text

    def _show_problems(self, problems: list[CreateProblem]) -> None:
        box = self.query_one("#wizard-problems", Static)
        box.display = bool(problems)
        text = Text()
        for i, p in enumerate(problems):
            if i:
                text.append("\n")
            error = p.severity == "error"
            text.append("✖ " if error else "⚠ ", "bold red" if error else "bold yellow")
            text.append(p.message)
        box.set_class(bool(errors_in(problems)), "-errors")
        box.update(text)
