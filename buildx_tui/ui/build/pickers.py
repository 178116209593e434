"""The build form's pickers over what the Dockerfile says (issue #13): a target from
`--call=targets` (name, description, the default marked) and build args from `--call=outline`
(default and description; the ones the form already holds are kept as typed)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from buildx_tui.core.build.calls import add_build_args
from buildx_tui.core.build.form import parse_build_args
from buildx_tui.core.dockerfile.calls import OutlineArg, StageTarget
from buildx_tui.ui.build.insight import DockerfileInsight, failure_text
from buildx_tui.ui.common.toggles import SelectionList

PICKER_CSS = """
{name} {{ align: center middle; }}
{name} .picker {{
    width: 100; max-width: 95%; height: auto; max-height: 90%;
    border: thick $primary; background: $surface; padding: 0 1;
}}
{name} .picker-note {{ color: $text-muted; height: auto; }}
{name} OptionList, {name} SelectionList {{ height: auto; max-height: 20; border: none; }}
{name} .picker-buttons {{ height: auto; margin-top: 1; }}
{name} .picker-buttons Button {{ margin-right: 2; }}
"""


def target_label(stage: StageTarget, current: str) -> Text:
    out = Text()
    out.append("● " if stage.name == current else "  ", "bold")
    out.append(stage.name, "bold")
    if stage.default:
        out.append("  (default)", "bold green")
    if stage.description:
        out.append(f"  {stage.description}", "italic")
    if stage.line is not None:
        out.append(f"  · line {stage.line}", "dim")
    return out


class TargetPicker(ModalScreen[str | None]):
    """Answers the stage picked (the form's --target), or None (Esc)."""

    DEFAULT_CSS = PICKER_CSS.format(name="TargetPicker")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="target_picker.cancel")]

    def __init__(self, stages: tuple[StageTarget, ...], current: str, dockerfile: str) -> None:
        super().__init__()
        self.stages = stages
        self.current = current
        self.dockerfile = dockerfile

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker", id="target-picker"):
            yield Static(
                f"Stages of {self.dockerfile} (buildx build --call=targets). Enter picks one; "
                "● is the form's target; (default) is built when no target is given.",
                classes="picker-note",
            )
            yield OptionList(
                *(Option(target_label(s, self.current), id=s.name) for s in self.stages),
                id="target-options",
            )
            with Horizontal(classes="picker-buttons"):
                yield Button("Cancel (esc)", id="target-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#target-picker").border_title = "Pick a target"
        options = self.query_one(OptionList)
        names = [s.name for s in self.stages]
        if self.current in names:
            options.highlighted = names.index(self.current)
        options.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#target-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def arg_label(arg: OutlineArg, kept: str | None) -> Text:
    out = Text()
    out.append(arg.name, "bold")
    if arg.default is None:
        out.append("  (no default)", "dim")
    else:
        out.append(f" = {arg.default}")
    if arg.description:
        out.append(f"  {arg.description}", "italic")
    if kept is not None:
        out.append(f"  ✔ in the form: {kept or '(empty)'}, kept", "green")
    return out


class BuildArgsPicker(ModalScreen[list[tuple[str, str | None]] | None]):
    """Answers the args picked (name, default) to add to the form, or None (Esc). Args the
    form already holds are listed, marked and kept as they are (not offered)."""

    DEFAULT_CSS = PICKER_CSS.format(name="BuildArgsPicker")
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="args_picker.cancel"),
        Binding("ctrl+s", "fill", "Fill in", id="args_picker.fill"),
    ]

    def __init__(
        self, stage: str, args: tuple[OutlineArg, ...], have: dict[str, str | None]
    ) -> None:
        super().__init__()
        self.stage = stage
        self.args = args
        self.have = have

    def compose(self) -> ComposeResult:
        with Vertical(classes="picker", id="args-picker"):
            yield Static(
                f"Build args of the stage {self.stage!r} (buildx build --call=outline). Space "
                "ticks one; Fill in (ctrl+s) adds the ticked ones with their defaults.",
                classes="picker-note",
            )
            if not self.args:
                yield Static("The Dockerfile declares no build args for this stage.")
            yield SelectionList(
                *(
                    Selection(
                        arg_label(a, self._kept(a)),
                        a.name,
                        False,
                        disabled=a.name in self.have,
                    )
                    for a in self.args
                ),
                id="args-options",
            )
            with Horizontal(classes="picker-buttons"):
                yield Button("Fill in (ctrl+s)", id="args-fill", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="args-cancel", compact=True)

    def _kept(self, arg: OutlineArg) -> str | None:
        if arg.name not in self.have:
            return None
        return self.have[arg.name] or ""

    def on_mount(self) -> None:
        self.query_one("#args-picker").border_title = "Fill build args from the Dockerfile"
        self.query_one(SelectionList).focus()

    @on(Button.Pressed, "#args-fill")
    def action_fill(self) -> None:
        picked = set(self.query_one(SelectionList).selected)
        self.dismiss([(a.name, a.default) for a in self.args if a.name in picked])

    @on(Button.Pressed, "#args-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def open_picker(form: Screen[None], listed: DockerfileInsight.Listed) -> None:
    """What an outline or a list of targets gave: its picker, or why there is none."""
    failure = listed.failure
    what = "list the build args" if listed.outline is not None else "list the targets"
    if failure is not None:
        form.notify(failure_text(failure, listed.builder, what).plain, severity="error", timeout=8)
        return
    if listed.targets is not None and listed.targets.value is not None:
        target = form.query_one("#target", Input)
        dockerfile = form.query_one("#dockerfile", Input).value or "the Dockerfile"

        def picked(name: str | None) -> None:
            if name is not None:
                target.value = name

        form.app.push_screen(TargetPicker(listed.targets.value, target.value, dockerfile), picked)
    elif listed.outline is not None and listed.outline.value is not None:
        stage, args = listed.outline.value
        area = form.query_one("#build-args", TextArea)
        have = dict(parse_build_args(area.text)[0])

        def fill(chosen: list[tuple[str, str | None]] | None) -> None:
            if chosen:
                area.text = add_build_args(area.text, chosen)

        form.app.push_screen(BuildArgsPicker(stage, args, have), fill)
