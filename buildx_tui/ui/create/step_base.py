"""The base of the create wizard's step panels, and small helpers they share.

A step panel shows one step's inputs. The wizard screen calls ``load(draft, ctx)`` when the step
is entered, ``store(draft)`` to copy the inputs back into the draft before checking it, and
``mark(problems)`` to flag the inputs that have errors. Panels never run commands.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.text import Text
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep
from buildx_tui.core.create.problem import CreateProblem


class StepPanel(VerticalScroll):
    """One step of the wizard."""

    #: Tab goes to the step's fields, never to the panel itself (it would show no cursor: an
    #: invisible tab stop); focusing a field scrolls the panel to it.
    can_focus = False

    step: ClassVar[WizardStep]
    #: problem field -> selector of the input it is about
    FIELDS: ClassVar[dict[str, str]] = {}
    #: A notice that stops "Next" once (the registry step, after loading an existing file).
    hold: str | None = None

    def load(self, draft: CreateDraft, ctx: WizardContext) -> None:
        """Fill the inputs from the draft."""

    def store(self, draft: CreateDraft) -> None:
        """Copy the inputs into the draft."""

    def store_copy(self, draft: CreateDraft) -> None:
        """Copy the inputs into ``draft``, a copy of the wizard's, to see what would be lost by
        leaving: like :meth:`store`, without reading files or changing the panel."""
        self.store(draft)

    def context_changed(self, ctx: WizardContext) -> None:
        """The existing builders or Docker contexts became known: update what shows them,
        never the inputs (the user may be typing)."""

    def first_input(self) -> Widget | None:
        return next((w for w in self.query("Input, RadioSet, SelectionList") if w.display), None)

    def mark(self, problems: Iterable[CreateProblem]) -> None:
        """Flag (class ``-invalid``) the inputs that have errors; clear the others."""
        bad = {p.field for p in problems if p.severity == "error"}
        for field, selector in self.FIELDS.items():
            for widget in self.query(selector):
                widget.set_class(field in bad or _prefix_in(field, bad), "-invalid")

    def invalid_widget(self, problems: Iterable[CreateProblem]) -> Widget | None:
        for p in problems:
            if p.severity != "error":
                continue
            selector = self.FIELDS.get(p.field) or self.FIELDS.get(p.field.split(":")[0])
            if selector:
                found = self.query(selector)
                if found:
                    return found.first()
        return None


def _prefix_in(field: str, bad: set[str]) -> bool:
    return any(b.startswith(field + ":") for b in bad)


def row(label: str, widget: Widget, *, id: str | None = None) -> Horizontal:
    """A labelled one-line form row."""
    return Horizontal(Label(label, classes="opt-label"), widget, classes="opt-row", id=id)


def line_input(placeholder: str, id: str) -> Input:
    """A compact (one-line) input for the wizard's forms."""
    return Input(placeholder=placeholder, id=id, compact=True)


def hint(text: str, *, id: str | None = None, classes: str = "") -> Static:
    return Static(Text(text, "italic"), id=id, classes=f"hint {classes}".strip())


def value(panel: Widget, selector: str) -> str:
    return panel.query_one(selector, Input).value


def set_value(panel: Widget, selector: str, text: str) -> None:
    box = panel.query_one(selector, Input)
    if box.value != text:
        box.value = text
