"""One attachment of a recorded build (provenance, SBOM) as `history inspect attachment` prints
it: the JSON, indented, read-only, scrollable; y copies it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from buildx_tui.core.builds.details import attachment_text
from buildx_tui.ui.common.footer import AppFooter


class AttachmentScreen(ModalScreen[None]):
    """``title``: what it is (``provenance · linux/amd64``); ``command``: the command that
    printed it; ``text``: what it printed."""

    DEFAULT_CSS = """
    AttachmentScreen { align: center middle; }
    AttachmentScreen > Vertical {
        width: 90%; height: 90%; border: round $accent; background: $surface;
    }
    AttachmentScreen #attachment-command { color: $text-muted; height: auto; }
    AttachmentScreen TextArea { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="attachment.close"),
        Binding("y", "copy", "Copy", id="attachment.copy"),
    ]

    def __init__(self, title: str, command: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.command = command
        self.text = attachment_text(text)

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(f"$ {self.command}", id="attachment-command", markup=False)
            yield TextArea(self.text, read_only=True, show_line_numbers=True, id="attachment")
        yield AppFooter()

    def on_mount(self) -> None:
        self.set_focus(self.query_one(TextArea))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(f"Copied the {self.title_text} ({len(self.text):,} characters).")
