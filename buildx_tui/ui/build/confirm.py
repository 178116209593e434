"""Asked before a build that buildx will probably refuse, or that it runs but is known to fail:
say why, let the user go on anyway (our checks can be wrong: e.g. the engine's image store could
not be probed)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class BuildConfirmScreen(ModalScreen[bool]):
    DEFAULT_CSS = """
    BuildConfirmScreen { align: center middle; }
    #confirm-box {
        width: 90; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    #confirm-buttons { height: auto; margin-top: 1; }
    #confirm-buttons Button { margin-right: 2; }
    """
    BINDINGS = [
        Binding("escape,n", "answer(False)", "Go back", id="build_confirm.no"),
        Binding("y", "answer(True)", "Build anyway", id="build_confirm.yes"),
    ]

    def __init__(
        self, refusals: Sequence[str], command: str, *, failures: Sequence[str] = ()
    ) -> None:
        super().__init__()
        self.refusals = list(refusals)
        self.failures = list(failures)
        self.command = command

    def compose(self) -> ComposeResult:
        lines: list[Text] = []
        if self.refusals:
            lines.append(Text("buildx will probably refuse this build:", "bold yellow"))
            lines += [Text("⚠ " + r) for r in self.refusals]
        if self.failures:
            head = "buildx runs it, but it is known to fail:"
            lines.append(Text(("\n" if lines else "") + head, "bold yellow"))
            lines += [Text("⚠ " + r) for r in self.failures]
        lines.append(Text("\n$ " + self.command, "dim"))
        with Vertical(id="confirm-box"):
            yield Static(Group(*lines))
            with Horizontal(id="confirm-buttons"):
                yield Button("Go back (esc)", id="confirm-no", variant="primary")
                yield Button("Build anyway (y)", id="confirm-yes", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#confirm-box").border_title = "Before building"
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, go: bool) -> None:
        self.dismiss(go)
