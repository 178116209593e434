"""Wizard steps 1 and 2: the builder's name (or the builder to append a node to), and its driver."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input, Label, RadioSet, Static

from buildx_tui.core.builders import Builder
from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep
from buildx_tui.core.create.drivers import DRIVERS, FEATURE_TABLE, Driver, parse_driver
from buildx_tui.core.create.names import find_builder
from buildx_tui.ui.common.toggles import Checkbox, RadioButton
from buildx_tui.ui.create.step_base import StepPanel, hint, set_value, value


class NameStep(StepPanel):
    step = WizardStep.NAME
    FIELDS = {"name": "#name"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._existing: tuple[Builder, ...] = ()

    def compose(self) -> ComposeResult:
        yield Label("Builder name", classes="field-label")
        yield Input(placeholder="e.g. multiarch", id="name")
        yield hint(
            "A letter first, then letters, digits, '.', '_' or '-'. buildx stores it in lower "
            "case; `default` is reserved."
        )
        yield Checkbox("", id="append")
        yield Static("", id="existing")

    def load(self, draft: CreateDraft, ctx: WizardContext) -> None:
        self._existing = tuple(ctx.existing)
        set_value(self, "#name", draft.name)
        self.query_one("#append", Checkbox).value = draft.append
        self._show_existing()
        self._update_append(draft.name)

    def context_changed(self, ctx: WizardContext) -> None:
        self._existing = tuple(ctx.existing)
        self._show_existing()
        self._update_append(value(self, "#name"))

    def store(self, draft: CreateDraft) -> None:
        draft.name = value(self, "#name").strip()
        box = self.query_one("#append", Checkbox)
        draft.append = box.display and box.value

    def _show_existing(self) -> None:
        text = Text("Existing builders: ", "dim")
        if not self._existing:
            text.append("none known", "dim")
        for i, b in enumerate(self._existing):
            if i:
                text.append(", ", "dim")
            text.append(b.name, "bold")
            text.append(f" ({b.driver})", "dim")
        self.query_one("#existing", Static).update(text)

    @on(Input.Changed, "#name")
    def _name_changed(self, event: Input.Changed) -> None:
        self._update_append(event.value)

    def _update_append(self, name: str) -> None:
        """Offer --append when the name is an existing builder that can take more nodes."""
        found = find_builder(self._existing, name.strip()) if name.strip() else None
        box = self.query_one("#append", Checkbox)
        can_append = found is not None and found.driver != Driver.DOCKER
        box.display = can_append
        if found is not None and can_append:
            nodes = len(found.nodes)
            box.label = (  # one line (a checkbox's label never wraps): short enough for 80 columns
                f"Append a node to {found.name} ({found.driver}, {nodes} node"
                f"{'s' if nodes != 1 else ''}): --append"
            )
        elif not can_append:
            box.value = False


class DriverChoice(RadioSet):
    """The driver radio set: Enter chooses the highlighted driver and moves on (Space only
    chooses)."""

    BINDINGS = [Binding("enter", "choose", "Choose", show=False)]

    class Chosen(Message):
        pass

    def action_choose(self) -> None:
        self.action_toggle_button()
        self.post_message(self.Chosen())


class DriverStep(StepPanel):
    step = WizardStep.DRIVER
    FIELDS = {"driver": "#driver"}
    ORDER = (Driver.DOCKER_CONTAINER, Driver.REMOTE, Driver.KUBERNETES, Driver.DOCKER)

    def compose(self) -> ComposeResult:
        yield Label("Where should BuildKit run?", classes="field-label")
        with DriverChoice(id="driver"):
            for d in self.ORDER:
                yield RadioButton(DRIVERS[d].title, id=f"driver-{d.value}")
        yield Static("", id="append-note", classes="hint")
        yield Static("", id="driver-info")
        yield Static(_feature_table(), id="driver-table")

    def load(self, draft: CreateDraft, ctx: WizardContext) -> None:
        target = ctx.append_target(draft)
        note = self.query_one("#append-note", Static)
        note.display = target is not None
        for d in self.ORDER:
            button = self.query_one(f"#driver-{d.value}", RadioButton)
            button.value = d.value == draft.driver
            button.disabled = target is not None and target.driver != d.value
        if target is not None:
            note.update(
                Text(
                    f"Appending to {target.name}: a new node must use its driver, {target.driver}.",
                    "italic",
                )
            )
        self._show_info(draft.driver)

    def store(self, draft: CreateDraft) -> None:
        index = self.query_one("#driver", RadioSet).pressed_index
        if index >= 0:
            draft.driver = self.ORDER[index].value

    @on(RadioSet.Changed, "#driver")
    def _changed(self, event: RadioSet.Changed) -> None:
        self._show_info(self.ORDER[event.index].value)

    def _show_info(self, driver: str) -> None:
        kind = parse_driver(driver)
        if kind is None:
            return
        info = DRIVERS[kind]
        body = Text()
        body.append(info.summary + "\n")
        for item in info.can:
            body.append("  ✔ ", "green")
            body.append(item + "\n")
        for item in info.cannot:
            body.append("  ✖ ", "red")
            body.append(item + "\n")
        body.rstrip()
        self.query_one("#driver-info", Static).update(body)


def _feature_table() -> Group:
    table = Table(box=None, pad_edge=False, header_style="bold", padding=(0, 2))
    table.add_column("")
    for name in ("docker", "docker-container", "kubernetes", "remote"):
        table.add_column(name, justify="center")
    for feature, *cells in FEATURE_TABLE:
        table.add_row(feature, *[_cell(c) for c in cells])
    return Group(Text("What each driver can do", "bold dim"), table)


def _cell(value: str) -> Text:
    if value == "yes":
        return Text("✔", "green")
    if not value:
        return Text("—", "dim")
    return Text(value, "yellow")
