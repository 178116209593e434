"""Recreate a builder with changes (issue #11 item 24): the create wizard in "recreate" mode.

It opens on the endpoint step, filled from the builder as it is (core/create/recreate.py); the
name and the driver stay. The review shows the two `buildx create` commands and buildkitd.toml
files line by line, what is lost and kept (with the --keep-state choice for a docker-container
builder), what buildx does not tell; the run shows `rm`, `create`, bootstrap, and after a
failure the undo: the half-made builder removed, the file put back, the original created again.

Push ``RecreateWizardScreen(ls, builder)`` (the app does, on ``nav.OpenRecreateWizard``; it
checks :func:`~buildx_tui.core.create.recreate.refusal` first). It dismisses with the builder's
name after a successful run, or ``None``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.widgets import Button, Static

from buildx_tui.core.builders import Builder, LsResult
from buildx_tui.core.create.buildkitd.config import ConfigError
from buildx_tui.core.create.draft import STEPS, WizardStep
from buildx_tui.core.create.recreate import (
    DiffLine,
    RecreateReview,
    RecreateSource,
    build_recreate_plan,
    read_builder,
    review,
)
from buildx_tui.core.create.run import CreatePlan
from buildx_tui.ui.common.toggles import Checkbox
from buildx_tui.ui.create.step_review import ReviewStep
from buildx_tui.ui.create.wizard import CreateWizardScreen
from buildx_tui.ui.services import KeptWizard

Display = Callable[[Sequence[str]], str]

#: The recreate wizard opens here: the name and the driver stay as they are.
FIRST_STEP = STEPS.index(WizardStep.ENDPOINT)

_MARK = {" ": ("  ", "dim"), "-": ("- ", "red"), "+": ("+ ", "green")}


def diff_text(lines: Sequence[DiffLine], head: str = "") -> Text:
    text = Text()
    for i, line in enumerate(lines):
        if i:
            text.append("\n")
        mark, style = _MARK[line.kind]
        shown = head if (i == 0 and head and line.text == "buildx create") else line.text
        text.append(mark, style)
        text.append(shown, style if line.kind != " " else "")
    return text


def _bullets(title: str, items: Sequence[str], style: str, mark: str = "•") -> Text:
    text = Text()
    text.append(title, f"bold {style}".strip())
    for item in items:
        text.append(f"\n  {mark} ", style)
        text.append(item)
    return text


def recreate_parts(
    source: RecreateSource, rev: RecreateReview, display: Display
) -> tuple[RenderableType, RenderableType, RenderableType]:
    """The review's recreate part: (the two commands and buildkitd.toml files; what is lost and
    kept; what is not known, notes and the undo). The --keep-state choice goes between the
    second and the third."""
    name = source.name
    diff: list[RenderableType] = [
        Text.assemble(
            ("buildx cannot change a builder in place: ", "bold"),
            f"{name} is removed (buildx rm) and created again with your changes.",
        )
    ]
    if not rev.changed:
        diff.append(
            Text(
                "⚠ Nothing differs from the builder as it is: recreating only makes it again "
                "(and loses what is listed below).",
                "yellow",
            )
        )
    diff.append(Text("\nbuildx create, as it is (-) and as it will be (+):", "bold"))
    diff.append(diff_text(rev.command, display(["buildx", "create"])))
    if rev.toml_before is not None or rev.toml_after is not None:
        where = source.config_path or ""
        diff.append(
            Text(
                f"\nbuildkitd.toml ({where}), as its node runs it (-) and as it will be (+):",
                "bold",
            )
        )
        diff.append(diff_text(rev.toml))
    loss: list[RenderableType] = []
    if rev.lost:
        loss.append(_bullets("Lost by recreating:", rev.lost, "red", "✖"))
    if rev.kept:
        loss.append(_bullets("Kept:", rev.kept, "green", "✔"))
    more: list[RenderableType] = [
        _bullets("Not known from buildx (said, not guessed):", source.unknown, "yellow")
    ]
    if source.notes:
        more.append(_bullets("\nAlso:", source.notes, "dim"))
    more.append(
        Text(
            f"\nIf a step fails, it is undone: the new {name} is removed, the buildkitd.toml put "
            f"back, and {name} created again as it is (the lines with -).",
            "italic dim",
        )
    )
    return Group(*diff), Group(*loss), Group(*more)


class RecreateView(Static):
    """One part of the review's recreate section (see :func:`recreate_parts`)."""

    DEFAULT_CSS = """
    RecreateView {
        margin-top: 1;
        height: auto;
    }
    """


class RecreateWizardScreen(CreateWizardScreen):
    """The create wizard, filled from ``builder``; its plan removes it first."""

    def __init__(
        self,
        existing: LsResult,
        builder: Builder,
        *,
        config_dir: Path | None = None,
        kept: KeptWizard | None = None,
    ) -> None:
        """``kept``: a draft of this recreate closed with "keep" (Services.drafts, per
        builder): resumed on its step."""
        # The checks see the other builders only: this one's name is free once it is removed.
        others = tuple(b for b in existing.builders if b.name != builder.name)
        super().__init__(LsResult(others, existing.problems), config_dir=config_dir)
        self.source = read_builder(builder, config_dir=config_dir)
        self.draft_key = self.draft_key_for(builder.name)
        self.draft, self.index = self.source.new_draft(), FIRST_STEP
        self.resumed = kept is not None
        if kept is not None:
            self.draft, self.index = copy.deepcopy(kept.draft), max(kept.step, FIRST_STEP)
        self.opened_with = copy.deepcopy(self.draft)  # leaving asks only when this changed
        self.keep_state = True  # the cache of a docker-container builder

    def reopen_hint(self) -> str:
        return f"e on {self.source.name}"

    # -- the parts of the wizard that differ --------------------------------------------------
    def make_plan(self) -> CreatePlan:
        return build_recreate_plan(self.source, self.draft, self.keep_state)

    def _enter(self, index: int) -> None:
        super()._enter(max(index, FIRST_STEP))

    def action_back(self) -> None:
        if not self.running and self.outcome is None and self.index <= FIRST_STEP:
            return
        super().action_back()

    def _update_chrome(self) -> None:
        super()._update_chrome()
        self.sub_title = f"recreate {self.source.name} with changes"
        if self.running or self.outcome is not None:
            return
        self.query_one("#wizard-back", Button).disabled = self.index <= FIRST_STEP
        if self.step is WizardStep.REVIEW:
            self.query_one("#wizard-next", Button).label = "Recreate"

    def _prepare_review(self) -> None:
        super()._prepare_review()
        try:
            rev = review(self.source, self.draft, self.keep_state)
        except (ConfigError, ValueError):
            return  # the problems box says why (the plan failed the same way)
        diff, loss, more, keep = self._recreate_widgets()
        keep.display = rev.keep_state_applies
        parts = recreate_parts(self.source, rev, self.backend.display)
        for view, part in zip((diff, loss, more), parts, strict=True):
            view.update(part)

    def _recreate_widgets(self) -> tuple[RecreateView, RecreateView, RecreateView, Checkbox]:
        step = self.query_one(ReviewStep)
        views = list(step.query(RecreateView).results(RecreateView))
        if not views:
            views = [RecreateView(id=f"recreate-{part}") for part in ("diff", "loss", "more")]
            keep = Checkbox(
                "--keep-state: keep the build cache (the node's state volume) for the new builder",
                self.keep_state,
                id="keep-state",
                compact=True,
            )
            step.mount(views[0], views[1], keep, views[2], after="#review-summary")
        return views[0], views[1], views[2], step.query_one("#keep-state", Checkbox)

    @on(Checkbox.Changed, "#keep-state")
    def _keep_state_changed(self, event: Checkbox.Changed) -> None:
        if event.value != self.keep_state and self.step is WizardStep.REVIEW:
            self.keep_state = event.value
            self._prepare_review()
