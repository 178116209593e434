"""The build form's widgets <-> :class:`FormValues`: what is typed, read as values, and values
shown in the fields (a past build, the values kept for a builder)."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.widgets import Input, RadioSet, Select, TextArea

from buildx_tui.core.build.form import FormValues
from buildx_tui.core.build.spec import Output
from buildx_tui.ui.build.advanced_options import AdvancedOptions
from buildx_tui.ui.common.platform_picker import PlatformPicker
from buildx_tui.ui.common.toggles import Checkbox, RadioButton


def read_values(screen: DOMNode) -> FormValues:
    select = screen.query_one("#builder", Select)
    builder = select.value if isinstance(select.value, str) else ""
    radio = screen.query_one("#output", RadioSet).pressed_button
    output = Output.CACHE
    if radio is not None and radio.id:
        output = Output(radio.id.removeprefix("out-"))
    return FormValues(
        builder=builder,
        context=screen.query_one("#context", Input).value,
        dockerfile=screen.query_one("#dockerfile", Input).value,
        target=screen.query_one("#target", Input).value,
        tags=screen.query_one("#tags", Input).value,
        build_args=screen.query_one("#build-args", TextArea).text,
        platforms=screen.query_one(PlatformPicker).selected,
        extra_platforms=screen.query_one("#extra-platforms", Input).value,
        output=output,
        dest=screen.query_one("#dest", Input).value,
        no_cache=screen.query_one("#no-cache", Checkbox).value,
        pull=screen.query_one("#pull", Checkbox).value,
        **screen.query_one(AdvancedOptions).texts(),
    )


def show_values(screen: DOMNode, values: FormValues) -> None:
    """Show ``values`` in the fields, all but the builder and the platforms' boxes."""
    screen.query_one("#context", Input).value = values.context
    screen.query_one("#dockerfile", Input).value = values.dockerfile
    screen.query_one("#target", Input).value = values.target
    screen.query_one("#tags", Input).value = values.tags
    screen.query_one("#build-args", TextArea).text = values.build_args
    screen.query_one("#extra-platforms", Input).value = values.extra_platforms
    screen.query_one(f"#out-{values.output.value}", RadioButton).value = True
    screen.query_one("#dest", Input).value = values.dest
    screen.query_one("#no-cache", Checkbox).value = values.no_cache
    screen.query_one("#pull", Checkbox).value = values.pull
    screen.query_one(AdvancedOptions).load(values)
