"""Remove one node from a builder: `docker buildx create --leave --name B --node N`.

A modal: pick the node, see the exact command, run it. Dismisses with the builder's name when
the node left (the Builders screen then refreshes), or ``None``. A builder's last node cannot
leave (buildx refuses): the dialog says so and offers nothing to run.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, RadioSet, Static

from buildx_tui.core.builders import Builder
from buildx_tui.core.create.diagnose import Facts, explain
from buildx_tui.core.create.spec import LeaveSpec
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.common.toggles import RadioButton
from buildx_tui.ui.services import AppModalScreen


class LeaveNodeScreen(AppModalScreen[str | None]):
    CSS_PATH = "create.tcss"
    #: Under 100 columns the dialog takes the whole width (create.tcss): node endpoints were cut.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="leave.cancel")]

    @dataclass
    class Done(Message):
        result: CommandResult

    def __init__(self, builder: Builder, node: str | None = None) -> None:
        super().__init__()
        self.builder = builder
        self.nodes = [n.name for n in builder.nodes]
        self.initial = node if node in self.nodes else (self.nodes[-1] if self.nodes else None)
        self.running = False

    def compose(self) -> ComposeResult:
        can_leave = len(self.nodes) > 1
        with Vertical(id="leave-dialog"):
            yield Label(f"Remove a node from {self.builder.name}", id="leave-title")
            if can_leave:
                with RadioSet(id="leave-nodes"):
                    for n in self.builder.nodes:
                        label = f"{n.name}  {n.endpoint}"
                        yield RadioButton(label, value=n.name == self.initial, id=f"node-{n.name}")
                yield Static("", id="leave-command")
            else:
                yield Static(
                    Text(
                        f"{self.builder.name} has only one node, and buildx cannot remove a "
                        f"builder's last node. Remove the builder instead "
                        f"(docker buildx rm {self.builder.name}).",
                        "italic",
                    ),
                    id="leave-command",
                )
            yield Static("", id="leave-result")
            with Horizontal(id="leave-buttons"):
                yield Button(
                    "Remove node", variant="error", id="leave-confirm", disabled=not can_leave
                )
                yield Button("Cancel", id="leave-cancel")

    def on_mount(self) -> None:
        if len(self.nodes) > 1:
            self._show_command()
            self.query_one("#leave-nodes", RadioSet).focus()
        else:
            self.query_one("#leave-cancel", Button).focus()

    def selected_node(self) -> str | None:
        if len(self.nodes) < 2:
            return None
        index = self.query_one("#leave-nodes", RadioSet).pressed_index
        return self.nodes[index] if index >= 0 else None

    def spec(self) -> LeaveSpec | None:
        node = self.selected_node()
        return LeaveSpec(self.builder.name, node) if node else None

    def _show_command(self) -> None:
        spec = self.spec()
        text = Text("$ " + self.backend.display(spec.argv()), "bold") if spec else Text("")
        self.query_one("#leave-command", Static).update(text)

    @on(RadioSet.Changed, "#leave-nodes")
    def _changed(self) -> None:
        self._show_command()

    @on(Button.Pressed, "#leave-confirm")
    def action_confirm(self) -> None:
        spec = self.spec()
        if spec is None or self.running:
            return
        self.running = True
        self.query_one("#leave-confirm", Button).disabled = True
        self.query_one("#leave-result", Static).update(Text("removing…", "dim"))
        self._run(spec.argv())

    @work(thread=True, exclusive=True, group="leave", exit_on_error=False)
    def _run(self, argv: list[str]) -> None:
        self.post_message(self.Done(self.backend.run(argv, timeout=120)))

    def on_leave_node_screen_done(self, message: Done) -> None:
        self.running = False
        result = message.result
        if result.ok:
            self.notify(f"{self.selected_node()} left {self.builder.name}", timeout=4)
            self.dismiss(self.builder.name)
            return
        ex = explain(result.error_text(), Facts(builder=self.builder.name))
        self.query_one("#leave-result", Static).update(
            Group(
                Text("✖ " + ex.title, "bold red"),
                Text(ex.detail, "red"),
                Text("How to fix: " + ex.fix, "italic"),
            )
        )
        self.query_one("#leave-confirm", Button).disabled = False

    @on(Button.Pressed, "#leave-cancel")
    def action_cancel(self) -> None:
        if not self.running:
            self.dismiss(None)
