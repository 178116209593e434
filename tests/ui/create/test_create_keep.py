"""Lost input (issue #11 item 12): leaving the create wizard with something entered asks first
(Discard / Keep draft / Keep editing); with nothing entered it closes at once. A kept draft comes
back with `c` (or `a` on the same builder), on the step it was left on, until it is created or
discarded."""

from __future__ import annotations

from textual.widgets import Input, RadioButton

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.common.discard import DiscardDialog
from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.demo import FIXED_NOW
from tests.helpers.wizard import NAME, SIZE, bootstrap_ok, fill, make_backend, next_step, settle


async def open_wizard(pilot, app: BuildxApp, key: str = "c") -> CreateWizardScreen:
    assert isinstance(app.screen, BuildersScreen)
    await pilot.press(key)
    await settle(pilot)
    wizard = app.screen
    assert isinstance(wizard, CreateWizardScreen)
    return wizard


def name_of(wizard: CreateWizardScreen) -> str:
    return wizard.query_one("#name", Input).value


async def esc(pilot) -> None:
    await pilot.press("escape")
    await settle(pilot)


def app_for(**replies) -> BuildxApp:
    return BuildxApp(make_backend(**replies), refresh_interval=0, clock=lambda: FIXED_NOW)


async def test_an_untouched_wizard_closes_at_once() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_wizard(pilot, app)
        await esc(pilot)
        assert isinstance(app.screen, BuildersScreen)


async def test_leaving_asks_keep_editing_stays_discard_forgets() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, app)
        await pilot.press(*"mybuilder")  # typed, not stored in the draft yet
        await esc(pilot)
        assert isinstance(app.screen, DiscardDialog), "Esc threw the input away"
        await esc(pilot)  # keep editing
        assert app.screen is wizard and name_of(wizard) == "mybuilder"
        await esc(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, BuildersScreen)
        again = await open_wizard(pilot, app)
        assert again is not wizard and name_of(again) == "" and again.index == 0


async def test_a_kept_draft_resumes_on_its_step_until_discarded() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, app)
        await fill(pilot, wizard, name="mybuilder")
        await next_step(pilot)
        wizard.query_one("#driver-remote", RadioButton).value = True
        await pilot.pause()
        assert wizard.step.value == "driver"
        await esc(pilot)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, BuildersScreen)

        again = await open_wizard(pilot, app)
        assert again.step.value == "driver"
        assert again.query_one("#driver-remote", RadioButton).value
        assert again.draft.name == "mybuilder"
        await esc(pilot)  # nothing new since it was resumed: closes, the draft stays kept
        assert isinstance(app.screen, BuildersScreen)
        again = await open_wizard(pilot, app)
        assert again.step.value == "driver"
        # back to the name: it is there too
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert name_of(again) == "mybuilder"
        await pilot.press("2")
        await esc(pilot)
        assert isinstance(app.screen, DiscardDialog)  # changed since it was resumed
        await pilot.press("d")
        await settle(pilot)
        fresh = await open_wizard(pilot, app)
        assert fresh.step.value == "name" and name_of(fresh) == ""


async def test_each_target_has_its_own_draft() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, app)
        await fill(pilot, wizard, name="mybuilder")
        await esc(pilot)
        await pilot.press("k")
        await settle(pilot)
        table = app.screen.query_one(BuildersTable)
        for row in range(table.row_count):
            table.move_cursor(row=row)
            if table.selected == RowRef("lab-container"):
                break
        await pilot.pause()
        append = await open_wizard(pilot, app, "a")  # a node for lab-container: not that draft
        assert name_of(append) == "lab-container"
        await esc(pilot)
        assert isinstance(app.screen, BuildersScreen)
        new = await open_wizard(pilot, app)
        assert name_of(new) == "mybuilder"


async def test_a_created_builder_drops_its_draft(tmp_path) -> None:
    app = app_for(**{f"buildx|inspect|--bootstrap|{NAME}": bootstrap_ok()})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = await open_wizard(pilot, app)
        await fill(pilot, wizard, name=NAME)
        await esc(pilot)
        await pilot.press("k")
        await settle(pilot)
        wizard = await open_wizard(pilot, app)
        assert name_of(wizard) == NAME
        while wizard.outcome is None:
            await next_step(pilot)
        assert wizard.outcome.ok, wizard.outcome
        await pilot.press("ctrl+n")  # Done
        await settle(pilot)
        assert isinstance(app.screen, BuildersScreen)
        fresh = await open_wizard(pilot, app)
        assert name_of(fresh) == ""
