"""Wizard step 6 (review: the TOML and the exact commands) and the run panel (live status, then
the builder running with its platforms, or what failed, why, the fix and what was undone)."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from buildx_tui.core.builders import Builder
from buildx_tui.core.commands import LS_ARGV
from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep
from buildx_tui.core.create.problem import CreateProblem
from buildx_tui.core.create.run import CreatePlan, EventKind, Phase, RunEvent, RunOutcome
from buildx_tui.ui.common.format import append_platform
from buildx_tui.ui.common.toggles import Checkbox
from buildx_tui.ui.create.step_base import StepPanel
from buildx_tui.ui.create.step_registry import toml_text

Display = Callable[[Sequence[str]], str]

PHASE_TITLES = {
    Phase.CONFIG: "write buildkitd.toml",
    Phase.CREATE: "create",
    Phase.BOOTSTRAP: "bootstrap",
    Phase.USE: "use",
    Phase.STATUS: "status",
    Phase.REMOVE: "remove",
    Phase.ROLLBACK: "undo",
    Phase.RESTORE: "restore",
}


class ReviewStep(StepPanel):
    step = WizardStep.REVIEW

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._plan: CreatePlan | None = None
        self._display: Display = " ".join

    def compose(self) -> ComposeResult:
        yield Static("", id="review-summary")
        yield Static("", id="review-config")
        yield Static("", id="review-commands")
        yield Checkbox(
            "Bootstrap now: start it and list its platforms", id="do-bootstrap", compact=True
        )
        yield Checkbox("Use it: make it the current builder", id="do-use", compact=True)
        yield Static("", id="review-probe")
        yield Static("", id="review-warnings")
        yield Static(
            Text(
                "If a step fails, what was done is undone: a new builder is removed again (an "
                "appended node leaves) and the buildkitd.toml is put back as it was.",
                "italic dim",
            ),
            classes="hint",
        )

    def load(self, draft: CreateDraft, ctx: WizardContext) -> None:
        self.query_one("#do-bootstrap", Checkbox).value = draft.bootstrap
        self.query_one("#do-use", Checkbox).value = draft.use

    def store(self, draft: CreateDraft) -> None:
        draft.bootstrap = self.query_one("#do-bootstrap", Checkbox).value
        draft.use = self.query_one("#do-use", Checkbox).value

    def show_plan(
        self, plan: CreatePlan, warnings: Sequence[CreateProblem], display: Display
    ) -> None:
        self._plan, self._display = plan, display
        spec = plan.spec
        summary = Text()
        verb = "Append a node to" if spec.append else "Create"
        if plan.replaces is not None:
            verb = "Recreate"
        summary.append(f"{verb} builder ", "bold")
        summary.append(plan.name, "bold cyan")
        local = "" if spec.driver in ("remote", "kubernetes") else "this Docker engine"
        rows = [
            ("driver", spec.driver or ""),
            ("endpoint", spec.endpoint or local),
            ("node", spec.node or "(named by buildx)"),
            ("platforms", ", ".join(spec.platforms) or "(as the node reports them)"),
        ]  # fmt: skip
        for key, val in rows:
            summary.append(f"\n  {key:<10}", "dim")
            summary.append(val)
        self.query_one("#review-summary", Static).update(summary)
        self.query_one("#review-config", Static).update(_config_block(plan))
        self.query_one("#review-warnings", Static).update(_warnings(warnings))
        self.query_one("#review-probe", Static).display = False
        self._show_commands()

    def show_probe(self, text: Text) -> None:
        probe = self.query_one("#review-probe", Static)
        probe.display = True
        probe.update(Text.assemble(("Connection check: ", "dim"), text))

    @on(Checkbox.Changed, "#do-bootstrap, #do-use")
    def _toggled(self) -> None:
        if self._plan is not None:
            self._plan = replace(
                self._plan,
                bootstrap=self.query_one("#do-bootstrap", Checkbox).value,
                use=self.query_one("#do-use", Checkbox).value,
            )
            self._show_commands()

    def _show_commands(self) -> None:
        assert self._plan is not None
        text = Text("Commands, in this order:", "bold")
        for _phase, argv in self._plan.commands():
            text.append("\n  $ ", "dim")
            text.append(self._display(argv), "bold")
        self.query_one("#review-commands", Static).update(text)


def _config_block(plan: CreatePlan) -> RenderableType:
    cfg = plan.config
    if cfg is None:
        return Text("buildkitd.toml: none", "dim")
    where = cfg.file.describe() if cfg.file is not None else str(cfg.path)
    if not cfg.changed:
        head = Text(f"buildkitd.toml: {where} (used as it is, unchanged)", "bold")
    elif cfg.previous is None:
        head = Text(f"buildkitd.toml: {where} (new file, written right before create)", "bold")
    else:
        head = Text(
            f"buildkitd.toml: {where} (edited; the previous version is kept as "
            f"{cfg.target.name}.bak beside {'it' if cfg.target == cfg.path else 'the real file'})",
            "bold",
        )
    creates = cfg.file.creates() if cfg.file is not None else ""
    if creates and cfg.changed:
        head.append(f"\n  writing it {creates} (mode 0700)", "yellow")
    return Group(head, toml_text(cfg.text))


def _warnings(warnings: Sequence[CreateProblem]) -> Text:
    text = Text()
    for i, w in enumerate(warnings):
        if i:
            text.append("\n")
        text.append("⚠ ", "bold yellow")
        text.append(w.message)
    return text


# --- the run ------------------------------------------------------------------------------

_MARK = {
    "waiting": ("·", "dim"),
    "running": ("⟳", "bold cyan"),
    "ok": ("✔", "bold green"),
    "failed": ("✖", "bold red"),
    "skipped": ("-", "dim"),
}


@dataclass
class _PhaseState:
    phase: Phase
    state: str = "waiting"
    command: str = ""
    duration_s: float = 0.0
    lines: deque[str] = field(default_factory=lambda: deque(maxlen=6))


class RunPanel(VerticalScroll):
    """What the run does, step by step, live; then its result."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._phases: list[_PhaseState] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="run-steps")
        yield Static("", id="run-result")

    def start(self, plan: CreatePlan, display: Display) -> None:
        phases: list[_PhaseState] = []
        if plan.config is not None and plan.config.changed:
            phases.append(_PhaseState(Phase.CONFIG, command=f"write {plan.config.target}"))
        for phase, argv in plan.commands():
            phases.append(_PhaseState(phase, command=display(argv)))
        phases.append(_PhaseState(Phase.STATUS, command=display(LS_ARGV)))
        self._phases = phases
        self.query_one("#run-result", Static).update("")
        self._redraw()

    def event(self, e: RunEvent) -> None:
        # A phase may run several commands (undo, restore): each START after the phase's row
        # has finished gets a row of its own.
        open_ = ("waiting", "running") if e.kind is EventKind.START else ("running",)
        state = next((p for p in self._phases if p.phase is e.phase and p.state in open_), None)
        if state is None and e.kind is not EventKind.START:
            state = next((p for p in reversed(self._phases) if p.phase is e.phase), None)
        if state is None:
            state = _PhaseState(e.phase)
            self._phases.append(state)
        if e.kind is EventKind.START:
            state.state, state.command = "running", e.text or state.command
        elif e.kind is EventKind.LINE:
            if e.text.strip():
                state.lines.append(e.text.rstrip())
        else:
            state.state = "ok" if e.kind is EventKind.OK else "failed"
            state.duration_s = e.duration_s
            if e.kind is EventKind.FAILED and e.text:
                state.lines.clear()
                state.lines.extend(e.text.splitlines()[-4:])
        self._redraw()

    def finish(self, outcome: RunOutcome, name: str) -> None:
        for p in self._phases:
            if p.state == "waiting":
                p.state = "skipped"
        self.query_one("#run-result", Static).update(result_text(outcome, name))
        self._redraw()

    def _redraw(self) -> None:
        out: list[RenderableType] = []
        for p in self._phases:
            mark, style = _MARK[p.state]
            line = Text()
            line.append(f"{mark} ", style)
            line.append(f"{PHASE_TITLES[p.phase]:<22}", "bold")
            line.append(p.command, "dim" if p.state in ("waiting", "skipped") else "")
            if p.state in ("ok", "failed") and p.duration_s:
                line.append(f"  {p.duration_s:.1f}s", "dim")
            out.append(line)
            show_lines = p.state == "running" or (p.state == "failed" and p.lines)
            if show_lines:
                for ln in p.lines:
                    out.append(Text("      " + ln, "red" if p.state == "failed" else "dim"))
        self.query_one("#run-steps", Static).update(Group(*out))


def result_text(outcome: RunOutcome, name: str) -> RenderableType:
    parts: list[RenderableType] = []
    if outcome.ok:
        b = outcome.builder
        if b is None:
            parts.append(Text(f"✔ {name} is set up.", "bold green"))
        else:
            parts.append(builder_text(b))
        if outcome.warning:
            parts.append(Text("⚠ " + outcome.warning, "yellow"))
            if outcome.explanation:
                parts.append(Text("How to fix: " + outcome.explanation.fix, "italic"))
        parts.append(Text("Press Done (or Esc) to go back to the builders.", "dim"))
        return Group(*parts)
    ex = outcome.explanation
    if ex is not None:
        parts.append(Text("✖ " + ex.title, "bold red"))
        if ex.detail:
            parts.append(Text(ex.detail, "red"))
        parts.append(Text("How to fix: " + ex.fix, "italic"))
    for note in outcome.rolled_back:
        parts.append(Text("↩ " + note, "yellow"))
    parts.append(Text("Back returns to the settings; nothing else was kept.", "dim"))
    return Group(*parts)


def builder_text(b: Builder) -> Text:
    status = b.status.value
    running = status == "running"
    text = Text()
    text.append("✔ " if running else "• ", "bold green" if running else "bold yellow")
    text.append(f"{b.name}", "bold")
    text.append(f" ({b.driver}) is {status}", "bold")
    if b.current:
        text.append(" and is the current builder", "bold")
    for node in b.nodes:
        text.append(f"\n  {node.name}", "bold")
        text.append(f"  {node.endpoint}", "dim")
        if node.version:
            text.append(f"  BuildKit {node.version}", "dim")
        text.append(f"  {node.effective_status.value}")
        if node.error:
            text.append(f"\n    {node.error}", "red")
        info = node.platform_info()
        if info:
            text.append("\n    ")
            for i, p in enumerate(info):
                if i:
                    text.append(", ")
                append_platform(text, p.name, p.emulation, p.pinned)
    text.append("\n  ")
    text.append("amd64", "green")
    text.append(" native, ")
    text.append("~arm64", "yellow")
    text.append(" emulated (QEMU), arm64? not known, * pinned with --platform", "")
    return text
