"""Lost input (issue #11 item 12): leaving a changed build form asks first (Discard / Keep for
later / Keep editing), an unchanged one leaves at once; `n` opens the form again with the values
last built or kept for that builder, else with the builder's last build in the history; quitting
with a changed form asks."""

from __future__ import annotations

import asyncio

from textual.widgets import Checkbox, Input

from buildx_tui.core.build.history import History, HistoryEntry
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.form import BuildFormScreen
from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.common.discard import DiscardDialog
from tests.demo import FIXED_NOW
from tests.helpers.build_backend import META, MULTI, BuildBackend, BuildReply, build_key
from tests.helpers.build_backend import form_backend as _form_backend
from tests.helpers.build_scenes import make_app, settle

SIZE = (120, 36)
TAG = "127.0.0.1:5000/kept:1"


def spec_for(**kw: object) -> BuildSpec:
    base: dict = dict(
        builder="lab-container",
        platforms=("linux/amd64", "linux/arm64"),
        tags=(TAG,),
        output=Output.PUSH,
    )
    base.update(kw)
    return BuildSpec(**base)


def form_backend(spec: BuildSpec | None = None) -> BuildBackend:
    backend = _form_backend()
    if spec is not None:
        backend.builds[build_key(spec)] = BuildReply(MULTI, 0, META)
    return backend


async def open_form(pilot, app: BuildxApp, builder: str = "lab-container") -> BuildFormScreen:
    """`n` on the builders list, with ``builder`` selected: the app opens the form."""
    await settle(pilot)
    if not isinstance(app.screen, BuildersScreen):
        raise AssertionError(f"not on the builders list: {app.screen}")
    table = app.screen.query_one(BuildersTable)
    for row in range(table.row_count):
        table.move_cursor(row=row)
        if table.selected == RowRef(builder):
            break
    await pilot.pause()
    await pilot.press("n")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, BuildFormScreen)
    return form


def tags(form: BuildFormScreen) -> str:
    return form.query_one("#tags", Input).value


async def esc(pilot) -> None:
    await pilot.press("escape")
    await settle(pilot)


async def test_an_unchanged_form_leaves_at_once(context):
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        # the builder and the platforms the form picked itself are not changes
        assert form.values().builder == "lab-container"
        assert not form.changed
        await esc(pilot)
        assert isinstance(app.screen, BuildersScreen)


async def test_a_changed_form_asks_keep_editing_stays_discard_forgets(context):
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        form.query_one("#tags", Input).value = TAG
        await settle(pilot)
        await esc(pilot)
        assert isinstance(app.screen, DiscardDialog), "Esc threw the input away"
        await esc(pilot)  # keep editing
        assert app.screen is form and tags(form) == TAG
        await esc(pilot)
        await pilot.press("d")  # discard
        await settle(pilot)
        assert isinstance(app.screen, BuildersScreen)
        again = await open_form(pilot, app)
        assert again is not form and tags(again) == ""
        await esc(pilot)  # nothing typed: no question
        assert isinstance(app.screen, BuildersScreen)


async def test_keep_for_later_comes_back_with_n(context):
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        form.query_one("#tags", Input).value = TAG
        form.query_one("#no-cache", Checkbox).value = True
        await settle(pilot)
        await esc(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, BuildersScreen)
        again = await open_form(pilot, app)
        assert tags(again) == TAG
        assert again.query_one("#no-cache", Checkbox).value
        await esc(pilot)  # as kept: nothing new to lose
        assert isinstance(app.screen, BuildersScreen)
        # another builder's form is its own
        other = await open_form(pilot, app, "lab-remote")
        assert tags(other) == ""


async def test_the_values_built_come_back_with_n(context):
    spec = spec_for()
    app = make_app(form_backend(spec))
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        form.load_spec(spec)
        await settle(pilot)
        built = form.values()
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, BuildProgressScreen)
        await esc(pilot)
        assert app.screen is form
        await esc(pilot)  # built: nothing is lost by leaving
        assert isinstance(app.screen, BuildersScreen)
        again = await open_form(pilot, app)
        assert again.values() == built
        assert again.spec == spec


async def test_the_builders_last_build_in_the_history_fills_the_form(context, history: History):
    app = make_app(form_backend(), history)
    ours = spec_for(tags=("127.0.0.1:5000/last:2",), no_cache=True)
    elsewhere = spec_for(tags=("127.0.0.1:5000/other-context:9",))

    def entry(spec: BuildSpec, command: str) -> HistoryEntry:
        return HistoryEntry(spec, command, FIXED_NOW, "success", 1.0)

    async with app.run_test(size=SIZE) as pilot:
        display = app.backend.display
        history.append(entry(spec_for(tags=("127.0.0.1:5000/older:1",)), display(ours.argv())))
        history.append(entry(ours, display(ours.argv())))
        # the same builder name through another Docker context: not this one's
        history.append(entry(elsewhere, "docker --context other " + elsewhere.argv()[0]))
        form = await open_form(pilot, app)
        assert tags(form) == "127.0.0.1:5000/last:2"
        assert form.query_one("#no-cache", Checkbox).value
        assert form.spec == ours
        assert not form.changed
        await esc(pilot)
        assert isinstance(app.screen, BuildersScreen)
        # another builder without builds: blank
        other = await open_form(pilot, app, "lab-remote")
        assert tags(other) == ""


async def test_quitting_with_a_changed_form_asks(context):
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        form.query_one("#tags", Input).value = TAG
        form.query_one("#no-cache", Checkbox).focus()  # q in a text field is a letter
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog), "q quit and lost the form"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and app.is_running
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        for _ in range(100):
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
        assert not app.is_running
