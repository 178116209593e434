"""A modal that shows what an action will run, lets the user set its flags, and asks to confirm."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from buildx_tui.ui.common.toggles import Checkbox


class Spec(Protocol):
    def argv(self) -> list[str]: ...


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    default: bool = False


class ActionDialog(ModalScreen[Spec | None]):
    """Returns the spec to run, or None when cancelled. Enter runs, Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("enter", "confirm", "Run", priority=True, id="dialog.confirm"),
    ]

    def __init__(
        self,
        title: str,
        description: str,
        make_spec: Callable[[dict[str, bool]], Spec],
        display: Callable[[Sequence[str]], str],
        options: Sequence[Option] = (),
        *,
        danger: bool = False,
        confirm_label: str = "Run",
    ) -> None:
        super().__init__()
        self._title = title
        self._description = description
        self._make_spec = make_spec
        self._display = display
        self._options = list(options)
        self._danger = danger
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="danger" if self._danger else ""):
            yield Label(self._title, id="dialog-title")
            yield Static(self._description, id="dialog-description")
            for opt in self._options:
                yield Checkbox(opt.label, opt.default, id=f"opt-{opt.key}")
            yield Label("Command:", id="dialog-command-label")
            yield Static("", id="dialog-command")
            with Horizontal(id="dialog-buttons"):
                yield Button(
                    self._confirm_label,
                    variant="error" if self._danger else "primary",
                    id="dialog-confirm",
                )
                yield Button("Cancel", id="dialog-cancel")

    def on_mount(self) -> None:
        self._update_preview()
        # A dialog with options focuses its first option: a space typed for `--default` must
        # toggle it, not press the confirm button.
        if self._options:
            self.query_one(f"#opt-{self._options[0].key}", Checkbox).focus()
        else:
            self.query_one("#dialog-confirm", Button).focus()

    def values(self) -> dict[str, bool]:
        return {o.key: self.query_one(f"#opt-{o.key}", Checkbox).value for o in self._options}

    def spec(self) -> Spec:
        return self._make_spec(self.values())

    def command(self) -> str:
        return self._display(self.spec().argv())

    def _update_preview(self) -> None:
        self.query_one("#dialog-command", Static).update(Text("$ " + self.command(), "bold"))

    @on(Checkbox.Changed)
    def _option_changed(self) -> None:
        self._update_preview()

    @on(Button.Pressed, "#dialog-confirm")
    def action_confirm(self) -> None:
        self.dismiss(self.spec())

    @on(Button.Pressed, "#dialog-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
