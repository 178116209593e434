"""Asked before leaving a form the user changed: discard what was typed, keep it for later, or
go back to it. Pushed by the screen that is being left (the build form, the create wizard) and
by the app before quitting; a form that was not changed leaves without asking."""

from __future__ import annotations

from enum import StrEnum

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class LeaveChoice(StrEnum):
    DISCARD = "discard"  # leave; what was typed is forgotten
    KEEP = "keep"  # leave; what was typed comes back the next time this form opens
    STAY = "stay"  # do not leave


class DiscardDialog(ModalScreen[LeaveChoice]):
    """``what`` names what would be lost ("the build form's changes"); ``keep`` is the label of
    the keep-for-later button, or empty when nothing can be kept (quitting the app)."""

    DEFAULT_CSS = """
    DiscardDialog { align: center middle; }
    #discard-box {
        width: 72; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    #discard-buttons { height: auto; margin-top: 1; }
    #discard-buttons Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("escape", "choose('stay')", "Keep editing", id="discard.stay"),
        Binding("d", "choose('discard')", "Discard", id="discard.discard"),
        Binding("k", "choose('keep')", "Keep for later", id="discard.keep"),
    ]

    def __init__(self, title: str, what: str, *, keep: str = "Keep for later") -> None:
        super().__init__()
        self.title_text = title
        self.what = what
        self.keep = keep

    def compose(self) -> ComposeResult:
        with Vertical(id="discard-box"):
            yield Static(Text(self.what))
            with Horizontal(id="discard-buttons"):
                yield Button("Discard (d)", id="discard-discard", variant="error", compact=True)
                if self.keep:
                    yield Button(f"{self.keep} (k)", id="discard-keep", compact=True)
                yield Button(
                    "Keep editing (esc)", id="discard-stay", variant="primary", compact=True
                )

    def on_mount(self) -> None:
        self.query_one("#discard-box").border_title = self.title_text
        self.query_one("#discard-stay", Button).focus()

    def action_choose(self, choice: str) -> None:
        if choice == LeaveChoice.KEEP and not self.keep:
            return
        self.dismiss(LeaveChoice(choice))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose((event.button.id or "discard-stay").removeprefix("discard-"))
