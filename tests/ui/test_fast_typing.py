"""Keys typed in one burst — type, Tab, type — land in the fields they were typed for (issue #11
item 22): a terminal delivers a fast typist's keys together, before the app has handled any."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.form import BuildFormScreen
from buildx_tui.ui.common.login import LoginScreen
from tests.demo import FIXED_NOW
from tests.helpers.build_backend import form_backend, lab_builders


def burst(app: BuildxApp, text: str) -> None:
    """Queue every key of ``text`` at once ("\\t" is Tab, "\\x19" is Shift+Tab)."""
    for char in text:
        if char == "\t":
            app.post_message(events.Key("tab", "\t"))
        elif char == "\x19":
            app.post_message(events.Key("shift+tab", None))
        else:
            app.post_message(events.Key(char, char))


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    for _ in range(3):
        await pilot.pause()


async def test_login_dialog_fields_get_their_own_keys():
    app = BuildxApp(form_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dialog = LoginScreen("")
        app.push_screen(dialog)
        await settle(pilot)
        assert dialog.focused is not None and dialog.focused.id == "login-registry"
        burst(app, "reg.example\talice\tpw")
        await settle(pilot)
        assert dialog.query_one("#login-registry", Input).value == "reg.example"
        assert dialog.query_one("#login-username", Input).value == "alice"
        assert dialog.query_one("#login-password", Input).value == "pw"


async def test_build_form_fields_get_their_own_keys():
    app = BuildxApp(form_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        form = BuildFormScreen(lab_builders()["lab-container"])
        app.push_screen(form)
        await settle(pilot)
        context = form.query_one("#context", Input)
        context.focus()
        await settle(pilot)
        context.value = ""
        burst(app, "ctx\tDf\tbase\x19\x19")
        await settle(pilot)
        assert context.value == "ctx"
        assert form.query_one("#dockerfile", Input).value == "Df"
        assert form.query_one("#target", Input).value == "base"
        assert form.focused is context  # Shift+Tab twice, back where it started


async def test_builds_filter_gets_every_key(tmp_path):
    from textual.widgets import DataTable

    from buildx_tui.ui.builds.screen import BuildsScreen
    from tests.helpers.builds import C, builds_app, builds_backend

    app = builds_app(builds_backend(), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = BuildsScreen(C)
        app.push_screen(screen)
        await settle(pilot)
        app.post_message(events.Key("slash", "/"))  # focuses the filter before the rest lands
        burst(app, "status:error slow")
        await settle(pilot)
        assert screen.query_one("#builds-filter", Input).value == "status:error slow"
        app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[1] == "slow"
