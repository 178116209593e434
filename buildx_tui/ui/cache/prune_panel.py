"""The prune panel: the filters and space limits of a prune, the preview of what it would
remove (headline, notes) and the exact command. It only gathers input and shows what the
screen computed (core/cache/prune.py); the screen runs the prune."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from buildx_tui.core.cache.prune import Preview, PruneChoice
from buildx_tui.core.cache.records import RECORD_TYPES
from buildx_tui.ui.common.toggles import Checkbox

#: field name (PruneChoice) -> (label, placeholder)
TEXT_FIELDS = {
    "until": ("until", "unused for, e.g. 24h"),
    "id": ("id", "part of an ID"),
    "max_used_space": ("max used", "e.g. 10GB"),
    "reserved_space": ("reserved", "e.g. 2GB"),
    "min_free_space": ("min free", "e.g. 20GB"),
}
SPACE_FIELDS = ("max_used_space", "reserved_space", "min_free_space")
SHOWN_NOTES = 6


class PrunePanel(VerticalScroll):
    """Posts :class:`PrunePanel.Changed` when a field changes, ``RunRequested`` on its button."""

    @dataclass
    class Changed(Message):
        choice: PruneChoice

    class RunRequested(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Static("", id="prune-help")
        for name, (label, placeholder) in TEXT_FIELDS.items():
            if name == "id":
                with Horizontal(classes="prune-row"):
                    yield Label("type", classes="prune-label")
                    yield Select(
                        [(t, t) for t in RECORD_TYPES],
                        prompt="any type",
                        id="prune-type",
                        compact=True,
                    )
            with Horizontal(classes="prune-row"):
                yield Label(label, classes="prune-label")
                yield Input(
                    placeholder=placeholder,
                    id=f"prune-{name.replace('_', '-')}",
                    compact=True,
                )
        yield Checkbox("--all (also internal, frontend, shared)", id="prune-all", compact=True)
        yield Static("", id="prune-space-note")
        yield Static("", id="prune-preview")
        yield Static("", id="prune-command")
        yield Button("Prune… (ctrl+r)", id="prune-run", variant="error", compact=True)

    def on_mount(self) -> None:
        self.border_title = "Prune (preview)"
        self.query_one("#prune-help", Static).update(
            Text(
                "Choose filters: the table marks what would go. Nothing runs before you confirm.",
                "dim",
            )
        )

    def input_for(self, name: str) -> Input:
        return self.query_one(f"#prune-{name.replace('_', '-')}", Input)

    def choice(self) -> PruneChoice:
        kind = self.query_one("#prune-type", Select).value
        values = {name: self.input_for(name).value for name in TEXT_FIELDS}
        return PruneChoice(
            until=values["until"],
            type=kind if isinstance(kind, str) else "",
            id=values["id"],
            all=self.query_one("#prune-all", Checkbox).value,
            max_used_space=values["max_used_space"],
            reserved_space=values["reserved_space"],
            min_free_space=values["min_free_space"],
        )

    def allow_space_flags(self, allowed: bool, reason: str) -> None:
        for name in SPACE_FIELDS:
            self.input_for(name).disabled = not allowed
        note = self.query_one("#prune-space-note", Static)
        note.update(Text("space limits: " + reason, "yellow") if not allowed else "")
        note.display = not allowed

    def show_preview(self, preview: Preview, command: str) -> None:
        lines = [Text(preview.headline(), "bold")]
        lines += [Text("• " + n, "italic") for n in preview.notes[:SHOWN_NOTES]]
        self.query_one("#prune-preview", Static).update(Group(*lines))
        self.query_one("#prune-command", Static).update(
            Text.assemble(("$ ", "dim"), (command, "bold"))
        )
        self.query_one("#prune-run", Button).disabled = False
        for name in TEXT_FIELDS:
            self.input_for(name).remove_class("-invalid")

    def show_problem(self, field: str, message: str) -> None:
        self.query_one("#prune-preview", Static).update(
            Text.assemble(
                ("✖ ", "bold red"), (f"{TEXT_FIELDS.get(field, (field,))[0]}: ", "bold"), message
            )
        )
        self.query_one("#prune-command", Static).update(
            Text("(no command until it is fixed)", "dim")
        )
        self.query_one("#prune-run", Button).disabled = True
        for name in TEXT_FIELDS:
            self.input_for(name).set_class(name == field, "-invalid")

    @on(Input.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        self.post_message(self.Changed(self.choice()))

    @on(Button.Pressed, "#prune-run")
    def _run(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RunRequested())
