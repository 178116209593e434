"""Focus is never lost nor hidden (issue #11 item 16).

- Tab never stops on a container: a scrolling panel that holds fields of its own was a focus stop
  that showed nothing (the build form's platform panel, between ``--pull`` and the first
  platform) — the user pressed Tab and seemed to go nowhere.
- Closing a help screen gives focus back: after F1 and Esc nothing was focused, so keys went
  nowhere until the mouse was used.

Every screen of the app is looked at, at the smallest size (where panels scroll), after every
other screen was visited (tests/helpers/all_screens.py).
"""

from __future__ import annotations

import pytest
from textual.containers import ScrollableContainer
from textual.widget import Widget

from tests.helpers.all_screens import SCREENS, all_screens_app, back_home, seeded_history, settle
from tests.helpers.build_scenes import stable_environment

SMALL = (80, 24)


def hidden_stops(screen_widgets: list[Widget]) -> list[str]:
    """Focus stops that are containers of other focusable widgets (they show no cursor)."""
    out = []
    for widget in screen_widgets:
        if not isinstance(widget, ScrollableContainer):
            continue
        inner = [w for w in widget.query("*") if w.focusable and w is not widget]
        if inner:
            out.append(f"{type(widget).__name__}#{widget.id} (holds {len(inner)} focusable)")
    return out


@pytest.mark.parametrize("name", list(SCREENS))
async def test_tab_never_stops_on_a_container(name, monkeypatch, tmp_path):
    stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    app = all_screens_app(seeded_history(tmp_path / "history"))
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await SCREENS[name](pilot)
        await settle(pilot)
        chain = list(app.screen.focus_chain)
        assert hidden_stops(chain) == [], f"{name}: invisible tab stops"


async def test_the_check_finds_a_hidden_stop():
    """The rule can fail: a scrolling panel that may take focus and holds inputs (as the build
    form's platform panel did)."""
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll
    from textual.widgets import Input

    class Panel(App[None]):
        def compose(self) -> ComposeResult:
            with VerticalScroll(id="panel"):
                for i in range(40):
                    yield Input(id=f"field{i}")

    app = Panel()
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert hidden_stops(list(app.screen.focus_chain)) == [
            "VerticalScroll#panel (holds 40 focusable)"
        ]


#: Screens whose help opens on F1, with how to tell that keys work again after it closes.
HELP_SCREENS = (
    "builders", "form", "wizard", "inspector", "history", "build",
    "builds", "build-details", "replay", "timeline", "cache", "doctor",
)  # fmt: skip


@pytest.mark.parametrize("name", HELP_SCREENS)
async def test_closing_help_gives_focus_back(name, monkeypatch, tmp_path):
    stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    app = all_screens_app(seeded_history(tmp_path / "history"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await back_home(pilot)
        await SCREENS[name](pilot)
        await settle(pilot)
        screen = app.screen
        before = app.focused
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen is not screen, f"{name}: F1 opened no help"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert app.focused is not None, f"{name}: nothing focused after closing help"
        if before is not None:
            assert app.focused is before, f"{name}: focus moved from {before} to {app.focused}"
