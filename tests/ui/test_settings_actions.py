"""settings.toml's [create] and [confirm] in the screens that use them: the create wizard starts
from the [create] defaults (driver, driver options into their fields, --bootstrap, --use);
removing a builder and pruning the cache ask first unless [confirm] says not to."""

from __future__ import annotations

import pytest

from buildx_tui.core.cache.commands import du_json_argv
from buildx_tui.core.settings.load import parse_settings
from buildx_tui.core.settings.model import Confirmations, CreateDefaults, Settings
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.cache.screen import CacheScreen
from buildx_tui.ui.common.action_dialog import ActionDialog
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.demo import FIXED_NOW
from tests.helpers.all_screens import settle
from tests.helpers.cache import BUILDER, PRUNE_ARGV, cache_backend
from tests.ui.test_settings import app_with

CREATE = """\
[create]
driver = "docker-container"
driver_opts = ["network=host", "memory=4g", "env.HTTP_PROXY=http://127.0.0.1:3128", "x=y"]
bootstrap = false
use = false
"""


async def open_wizard(app: BuildxApp, pilot, key: str = "c") -> CreateWizardScreen:
    await settle(pilot)
    if key == "a":
        assert app.screen.query_one(BuildersTable).select(RowRef("lab-container", None))
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(app.screen, CreateWizardScreen)
    return app.screen


async def test_the_wizard_starts_from_the_create_settings(tmp_path):
    path = tmp_path / "settings.toml"
    settings = parse_settings(CREATE, path).settings
    app = app_with(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        wizard = await open_wizard(app, pilot)
        draft = wizard.current_draft()
        assert draft.driver == "docker-container"
        assert draft.network_host and draft.memory == "4g"
        assert draft.env == "HTTP_PROXY=http://127.0.0.1:3128"
        assert draft.extra_opts == "x=y"
        assert (draft.bootstrap, draft.use) == (False, False)
        draft.name = "from-settings"
        argv = draft.spec().argv()
        assert "--bootstrap" not in argv and "--use" not in argv
        assert "network=host" in " ".join(argv) and "memory=4g" in " ".join(argv)
        assert wizard.unsaved_input() == ""  # the defaults are not input the user typed


async def test_without_settings_a_new_builder_bootstraps_and_is_used():
    app = app_with(Settings())
    async with app.run_test(size=(120, 36)) as pilot:
        draft = (await open_wizard(app, pilot)).current_draft()
        assert (draft.driver, draft.bootstrap, draft.use) == ("docker-container", True, True)
        assert not draft.network_host and draft.extra_opts == ""


async def test_an_appended_node_keeps_its_builders_driver_and_takes_only_the_flags():
    settings = Settings(
        create=CreateDefaults(driver="remote", driver_opts=("cacert=/x",), use=False)
    )
    app = app_with(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        draft = (await open_wizard(app, pilot, "a")).current_draft()
        assert draft.append and draft.name == "lab-container"
        assert draft.driver != "remote" and draft.cacert == ""
        assert draft.use is False


@pytest.mark.parametrize("ask", [True, False])
async def test_removing_a_builder_asks_unless_the_settings_say_not_to(ask):
    app = app_with(Settings(confirm=Confirmations(remove_builder=ask)))
    backend = app.backend
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(BuildersTable).select(RowRef("lab-container", None))
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ActionDialog) is ask
        assert backend.ran("buildx", "rm", "lab-container") is not ask
        if not ask:
            assert any("without asking" in n.message for n in app._notifications)


@pytest.mark.parametrize("ask", [True, False])
async def test_pruning_asks_unless_the_settings_say_not_to(ask):
    backend = cache_backend("du-before-type-cachemount.json")
    settings = Settings(confirm=Confirmations(prune=ask))
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW, settings=settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = CacheScreen(BUILDER)
        await app.push_screen(screen)
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen.panel.query_one("#prune-type").value = "exec.cachemount"
        await settle(pilot)
        assert screen.preview is not None
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog) is ask
        assert backend.ran(*PRUNE_ARGV) is not ask
        if not ask:
            assert backend.calls.count(du_json_argv(BUILDER)) == 2  # the new totals read
