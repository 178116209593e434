"""The create wizard driven on the real e2e lab: the app on the lab engine, settling (no worker,
no run, no refresh), opening the wizard from the Builders screen and walking its steps. Shared
by tests/e2e/test_create.py and test_create_ssh.py (tests/helpers/wizard.py is the same walk on
the fake backend)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import Input, Static

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.helpers.e2e_lab import client_for
from tests.helpers.render import plain

if TYPE_CHECKING:
    from tests.e2e.conftest import Lab

SIZE = (120, 40)


def make_app(lab: Lab) -> BuildxApp:
    return BuildxApp(client_for(lab), refresh_interval=0)


async def settle(pilot, app: BuildxApp, timeout: float = 120) -> None:
    """Until no worker runs, the wizard runs nothing and the Builders screen is not refreshing."""
    deadline = time.monotonic() + timeout
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        screen = app.screen
        busy = (isinstance(screen, CreateWizardScreen) and screen.running) or (
            isinstance(screen, BuildersScreen) and (screen.busy or screen._refreshing)
        )
        if not busy and not any(w.is_running for w in app.workers):
            return
        assert time.monotonic() < deadline, "the app did not settle"
        await asyncio.sleep(0.05)


async def open_wizard(pilot, app: BuildxApp, config_dir: Path, append_to: str | None = None):
    """The wizard opened over the Builders screen (refreshed first); returns it and the list
    its dismissal result is appended to."""
    builders = app.screen
    assert isinstance(builders, BuildersScreen)
    builders.action_refresh()
    await settle(pilot, app)
    results: list[str | None] = []
    wizard = CreateWizardScreen(builders.ls, append_to, config_dir=config_dir)
    app.push_screen(wizard, results.append)
    await settle(pilot, app)
    return wizard, results


async def fill(pilot, screen, **values: str) -> None:
    """Type ``values`` into the Inputs of those ids (``new_host`` is ``#new-host``)."""
    for wid, val in values.items():
        screen.query_one(f"#{wid.replace('_', '-')}", Input).value = val
    await pilot.pause()


async def next_step(pilot, app: BuildxApp, timeout: float = 120) -> None:
    await pilot.press("ctrl+n")
    await settle(pilot, app, timeout)


def problems(screen: CreateWizardScreen) -> str:
    """What the wizard says stops it on this step ("" when nothing does)."""
    box = screen.query_one("#wizard-problems", Static)
    return plain(box.content) if box.display else ""
