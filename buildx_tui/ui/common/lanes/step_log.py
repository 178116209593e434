"""The full log of one build step, following it live while the build runs."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Log, Static

from buildx_tui.core.progress.model import ProgressSnapshot, StepSnapshot
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.lanes.marks import STEP_ICON, fmt_secs


class BuildLogScreen(ModalScreen[None]):
    """Every line the step wrote that the parser kept (the last 2000 lines / 512 KiB)."""

    DEFAULT_CSS = """
    BuildLogScreen { align: center middle; }
    #step-log-box {
        width: 95%; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    #step-log-head { height: auto; margin-bottom: 1; }
    #step-log { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="build_log.close"),
        Binding("y", "copy", "Copy log", id="build_log.copy"),
    ]

    def __init__(self, lane: str, step: StepSnapshot) -> None:
        super().__init__()
        self.lane = lane
        self.step = step
        self._written = 0  # log lines of the step already written (counting dropped ones)
        self._placeholder = False

    def compose(self) -> ComposeResult:
        with Vertical(id="step-log-box"):
            yield Static("", id="step-log-head")
            yield Log(id="step-log", max_lines=5000)
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#step-log-box").border_title = f"log · {self.lane}"
        self._show(self.step)

    def follow(self, snap: ProgressSnapshot) -> None:
        """Called by the build screen with each new snapshot."""
        lane = snap.lane(self.lane)
        step = lane.step(self.step.digest) if lane is not None else None
        if step is not None and step is not self.step:
            self._show(step)

    def _show(self, step: StepSnapshot) -> None:
        self.step = step
        icon, style = STEP_ICON.get(step.state, ("?", ""))
        head = Text(f"{icon} {step.state}  ", style)
        head.append(step.full_name, "bold")
        if step.started is not None and step.state != "running":
            head.append(f"  {fmt_secs(step.duration)}", "dim")
        if step.runs_on:
            head.append(f"\nruns on {step.runs_on} for {step.platform}", "dim")
        if step.error:
            head.append("\n" + step.error, "red")
        if step.log_lines_dropped:
            head.append(
                f"\n{step.log_lines_dropped} earlier lines were not kept "
                f"(the last {len(step.logs)} are shown)",
                "yellow",
            )
        self.query_one("#step-log-head", Static).update(head)
        log = self.query_one("#step-log", Log)
        kept_from = step.log_lines_total - len(step.logs)  # index of the first kept line
        if self._placeholder or not kept_from <= self._written <= step.log_lines_total:
            log.clear()
            self._placeholder = False
            self._written = kept_from
        new = step.logs[self._written - kept_from :]
        if new:
            log.write_lines([line.text for line in new])
        elif not step.logs:
            log.write_line("(no output)" if step.finished else "(no output from this step yet)")
            self._placeholder = True
        self._written = step.log_lines_total

    def action_copy(self) -> None:
        self.app.copy_to_clipboard("\n".join(line.text for line in self.step.logs))
        self.notify(f"Copied {len(self.step.logs)} lines", timeout=3)

    def action_close(self) -> None:
        self.dismiss(None)
