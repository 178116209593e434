"""The build form's fields: their layout, ids and labels, and the marks of the checks."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    Input,
    Label,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from buildx_tui.core.build.form import FormValues
from buildx_tui.core.build.issue import Severity
from buildx_tui.core.build.spec import OUTPUT_LABELS, Output
from buildx_tui.core.builders import Builder
from buildx_tui.ui.build.advanced_options import OPTION_LABEL, OPTION_WIDGET
from buildx_tui.ui.build.insight import DockerfileInsight
from buildx_tui.ui.common.toggles import Checkbox, RadioButton

FIELDS = (
    "builder",
    "context",
    "dockerfile",
    "target",
    "tags",
    "build_args",
    "platforms",
    "output",
    "dest",
    *OPTION_WIDGET,
)
FIELD_WIDGET = {
    "builder": "#builder",
    "context": "#context",
    "dockerfile": "#dockerfile",
    "target": "#target",
    "tags": "#tags",
    "build_args": "#build-args",
    "platforms": "#extra-platforms",
    "output": "#output",
    "dest": "#dest",
    **OPTION_WIDGET,
}
FIELD_LABEL = {
    "builder": "builder",
    "context": "context",
    "dockerfile": "Dockerfile",
    "target": "target",
    "tags": "tags",
    "build_args": "build args",
    "platforms": "platforms",
    "output": "output",
    "dest": "dest file",
    **OPTION_LABEL,
}
MARK = {
    Severity.ERROR: ("✖ ", "bold red"),
    Severity.REFUSAL: ("⚠ buildx will refuse: ", "bold yellow"),
    Severity.WARNING: ("⚠ will fail: ", "bold yellow"),
    Severity.NOTE: ("• ", "cyan"),
}


def builder_label(builder: Builder) -> str:
    current = " *" if builder.current else ""
    return f"{builder.name}{current}  ({builder.driver}, {builder.status.value})"


def row(label: str, widget: Input | Select[str], field: str, *extra: Button) -> Vertical:
    """A labelled input (and its buttons) with its error line under it."""
    return Vertical(
        Horizontal(Label(label, classes="field-label"), widget, *extra, classes="field-row"),
        Static("", id=f"err-{field}", classes="field-error"),
        classes="field",
        id=f"row-{widget.id}",
    )


def main_fields(v: FormValues) -> ComposeResult:
    """The left column: builder, context, Dockerfile, target, tags, args, output, flags
    (yielded inside the form's compose)."""
    yield row(
        "Builder",
        Select[str](
            [(v.builder, v.builder)] if v.builder else [],
            value=v.builder if v.builder else Select.NULL,
            prompt="pick a builder",
            allow_blank=not v.builder,
            compact=True,
            id="builder",
        ),
        "builder",
    )
    yield row(
        "Context",
        Input(
            v.context,
            placeholder="folder sent to the builder",
            compact=True,
            id="context",
        ),
        "context",
    )
    yield row(
        "Dockerfile",
        Input(
            v.dockerfile,
            placeholder="default: Dockerfile in the context",
            compact=True,
            id="dockerfile",
        ),
        "dockerfile",
    )
    yield DockerfileInsight(id="dockerfile-insight")
    yield row(
        "Target",
        Input(
            v.target,
            placeholder="stage to build (default: last)",
            compact=True,
            id="target",
        ),
        "target",
        Button("List… ^t", id="do-targets", compact=True),
    )
    yield row(
        "Tags",
        Input(
            v.tags,
            placeholder="registry/name:tag … (space or comma)",
            compact=True,
            id="tags",
        ),
        "tags",
    )
    with Horizontal(id="build-args-head"):
        yield Label("Build args  KEY=VALUE, one per line", classes="field-label wide")
        yield Button("List… ^g", id="do-outline", compact=True)
    yield TextArea(
        v.build_args,
        id="build-args",
        soft_wrap=False,
        show_line_numbers=False,
        compact=True,
    )
    yield Static("", id="err-build_args", classes="field-error")
    yield Label("Output", classes="field-label wide")
    with RadioSet(id="output", compact=True):
        for output in Output:
            yield RadioButton(
                OUTPUT_LABELS[output],
                value=output is v.output,
                id=f"out-{output.value}",
                compact=True,
            )
    yield Static("", id="err-output", classes="field-error")
    yield row(
        "Dest file",
        Input(
            v.dest,
            placeholder="for oci / tar: path of the tarball",
            compact=True,
            id="dest",
        ),
        "dest",
    )
    with Horizontal(id="flags"):
        yield Checkbox("--no-cache", v.no_cache, id="no-cache", compact=True)
        yield Checkbox("--pull", v.pull, id="pull", compact=True)
