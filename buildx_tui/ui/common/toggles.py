"""Checkboxes, radio buttons and selection lists whose state is seen without colour.

Textual draws a ticked and an unticked checkbox with the same ``X`` (and every radio button with
the same ``●``), told apart by colour alone: under NO_COLOR, on a monochrome terminal or for a
colour-blind user, every box looks ticked. These draw a mark only when on (``✔`` / ``●``) and
leave the box empty (``○`` for a radio button) when off; the colours stay as Textual draws them.
Every ui module takes its checkboxes from here (tests/unit/test_architecture.py).
"""

from __future__ import annotations

from rich.segment import Segment
from textual import widgets
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

CHECKED = "✔"
UNCHECKED = " "
RADIO_ON = "●"
RADIO_OFF = "○"


def _marked(button: ToggleButton, inner: str) -> Content:
    """Textual's button (its sides and styles, as ToggleButton._button draws them) with
    ``inner`` in place of its one mark."""
    style = button.get_visual_style("toggle--button")
    side = Style(foreground=style.background, background=button.background_colors[1])
    return Content.assemble((button.BUTTON_LEFT, side), (inner, style), (button.BUTTON_RIGHT, side))


class Checkbox(widgets.Checkbox):
    @property
    def _button(self) -> Content:
        return _marked(self, CHECKED if self.value else UNCHECKED)


class RadioButton(widgets.RadioButton):
    @property
    def _button(self) -> Content:
        return _marked(self, RADIO_ON if self.value else RADIO_OFF)


class SelectionList(widgets.SelectionList[str]):
    """A list of choices, each with a box that shows ``✔`` when chosen."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        segments = list(line)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return line
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        chosen = option.value in self.selected
        segments[1] = Segment(CHECKED if chosen else UNCHECKED, segments[1].style)
        return Strip(segments, line.cell_length)
