"""Ask where to write `history export`'s archive (a leaf dialog: it answers a path)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from buildx_tui.core.builds.commands import check_export_path


class ExportDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical {
        width: 80%; max-width: 90; height: auto; border: thick $primary; padding: 1 2;
        background: $surface;
    }
    ExportDialog #export-problem { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="builds.export.cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Export the build record (for Docker Desktop or a colleague) to:")
            yield Input(self.suggestion, id="export-path")
            yield Static("", id="export-problem")
            yield Static("Enter exports · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#export-path", Input))

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        problem = check_export_path(event.value)
        if problem:
            self.query_one("#export-problem", Static).update("✖ " + problem)
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
