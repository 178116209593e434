"""F1 / ? on the create wizard: its help (keys, what each step is for, the marks), while `?`
stays a character in its text fields (issue #11 item 13)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Static

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.common.help import HelpScreen
from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.demo import FIXED_NOW
from tests.helpers.render import plain
from tests.helpers.wizard import SIZE, make_backend, settle


def shown(screen: HelpScreen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).content)


async def test_f1_and_question_mark_open_the_wizard_help(tmp_path) -> None:
    app = BuildxApp(make_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")  # the builders list opens the wizard through the app
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, CreateWizardScreen)
        assert isinstance(app.focused, Input)  # the name

        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        keys = shown(app.screen, "#help-keys")
        for words in (
            "Create wizard",
            "ctrl+n",
            "Next",
            "ctrl+b",
            "Back",
            "Esc",
            "F1, ?",
            "1 Name",
            "--append",
            "2 Driver",
            "docker-container",
            "3 Endpoint",
            "Test connection",
            "4 Node",
            "--platform",
            "--driver-opt",
            "5 Registries",
            '[registry."HOST"]',  # not eaten as markup
            "6 Review",
            "Run",
            "undone",
        ):
            assert words in keys, words
        legend = shown(app.screen, "#help-legend")
        for mark in ("✖", "⚠", "⟳", "↩", "Next stays on the step"):
            assert mark in legend, mark
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is wizard

        # In a text field `?` is a character …
        await pilot.press("a", "question_mark")
        await pilot.pause()
        assert app.screen is wizard
        assert wizard.query_one("#name", Input).value == "a?"
        # … elsewhere it opens the help.
        wizard.query_one("#append", Checkbox).focus()
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")  # and closes it
        await pilot.pause()
        assert app.screen is wizard
