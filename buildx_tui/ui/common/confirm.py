"""A yes/no question before something that cannot be taken back (quitting during a build)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    """Answers True for ``yes``; Esc / ``no`` answer False. The safe answer has the focus."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog #confirm-dialog {
        width: 72; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConfirmDialog #confirm-dialog-buttons { height: auto; margin-top: 1; }
    ConfirmDialog #confirm-dialog-buttons Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
    ]

    def __init__(self, title: str, text: str, *, yes: str, no: str) -> None:
        super().__init__()
        self._title = title
        self._text = text
        self._yes = yes
        self._no = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self._text)
            with Horizontal(id="confirm-dialog-buttons"):
                yield Button(f"{self._no} (esc)", id="confirm-dialog-no", variant="primary")
                yield Button(f"{self._yes} (y)", id="confirm-dialog-yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-dialog").border_title = self._title
        self.query_one("#confirm-dialog-no", Button).focus()

    @on(Button.Pressed, "#confirm-dialog-yes")
    def _yes_pressed(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-dialog-no")
    def _no_pressed(self) -> None:
        self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
