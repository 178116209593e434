"""Checkbox, radio button and selection-list state seen without colour (ui/common/toggles.py):
under NO_COLOR a ticked box shows ✔ and an unticked one is empty; a chosen radio button ●,
the others ○; a chosen item of a selection list ✔. Textual's own draw X / ● for both states."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from buildx_tui.ui.common.toggles import Checkbox, RadioButton, SelectionList


class Toggles(App[None]):
    def compose(self) -> ComposeResult:
        yield Checkbox("ticked", value=True, id="on")
        yield Checkbox("unticked", value=False, id="off")
        with RadioSet():
            yield RadioButton("chosen", value=True)
            yield RadioButton("other")
        yield SelectionList(("amd64", "amd64", True), ("arm64", "arm64", False))


def text_of(app: App[None]) -> str:
    """What each toggle draws, as text (no styles)."""
    lines = [b.render().plain for b in app.query(Checkbox)]
    lines += [b.render().plain for b in app.query(RadioButton)]
    chooser = app.query_one(SelectionList)
    lines += [chooser.render_line(y).text for y in range(2)]
    return "\n".join(lines)


async def test_state_is_a_mark_not_only_a_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = Toggles()
    async with app.run_test(size=(60, 14)) as pilot:
        await pilot.pause()
        text = text_of(app)
        assert "▐✔▌ ticked" in text and "▐ ▌ unticked" in text
        assert "▐●▌ chosen" in text and "▐○▌ other" in text
        assert "▐✔▌ amd64" in text and "▐ ▌ arm64" in text
        app.query_one("#off", Checkbox).value = True  # ticking redraws the mark
        app.query_one("#on", Checkbox).value = False
        await pilot.pause()
        text = text_of(app)
        assert "▐✔▌ unticked" in text and "▐ ▌ ticked" in text
