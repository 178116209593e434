"""Styles never leak between screens (issue #11 item 14).

A screen's CSS_PATH is loaded into the app-wide stylesheet the first time the screen opens, so
an unscoped rule of one feature (``.field-label``, ``#platforms`` …) restyled the screens opened
after it: the build form opened after the wizard lost its labels; the wizard opened after the
form had its headings wrapped in an 11-column strip. Snapshot tests open each screen in a fresh
app and never saw it.

Each screen is drawn in a fresh app, then again in an app where every other screen was opened
and closed first (the stylesheet only grows: a rule that leaks from any one of them shows): the
two drawings must be the same, text and colours.
"""

from __future__ import annotations

import difflib
import io

import pytest
from rich.console import Console
from textual.app import App

from tests.helpers.all_screens import SCREENS, all_screens_app, back_home, seeded_history, settle
from tests.helpers.build_scenes import stable_environment

SIZE = (120, 36)


def drawing(app: App[None]) -> tuple[str, str]:
    """What the screen on top shows: its plain text, and the SVG (text and colours)."""
    app.clear_notifications()
    console = Console(
        width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
        force_terminal=True, color_system="truecolor", legacy_windows=False, safe_box=False,
    )  # fmt: skip
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False), app.export_screenshot()


async def draw(name: str, visit_first: list[str], history) -> tuple[str, str]:
    app = all_screens_app(history)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for other in visit_first:
            await SCREENS[other](pilot)
            await back_home(pilot)
        await SCREENS[name](pilot)
        await settle(pilot)
        return drawing(app)


@pytest.mark.parametrize("name", list(SCREENS))
async def test_a_screen_looks_the_same_after_every_other_screen(name, monkeypatch, tmp_path):
    stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    history = seeded_history(tmp_path / "history")
    fresh_text, fresh_svg = await draw(name, [], history)
    others = [other for other in SCREENS if other != name]
    text, svg = await draw(name, others, history)
    diff = "\n".join(
        difflib.unified_diff(fresh_text.splitlines(), text.splitlines(), "fresh", "after", n=0)
    )
    assert text == fresh_text, f"{name} after {', '.join(others)}:\n{diff}"
    assert svg == fresh_svg, f"{name}: same text, other colours or styles after {others}"
