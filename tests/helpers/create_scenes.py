"""Scenes of the create wizard and the leave-node dialog on recorded real buildx output: the
app and what to do with it to show each step, a run that works and one that fails. Shared by
tests/ui/create/test_create_snapshots.py and scripts/screenshots_create.py.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, RadioButton, SelectionList

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.create.leave import LeaveNodeScreen
from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.wizard import (
    NAME,
    bootstrap_ok,
    fill,
    make_backend,
    next_step,
    settle,
    to_step,
)

SIZE = (120, 40)
#: A fixed place for the configs of the scenes, so that the paths shown do not vary.
SNAP_DIR = Path(tempfile.gettempdir()) / "buildx-tui-wizard-snapshots"

Step = Callable[[Pilot[None], CreateWizardScreen], Awaitable[None]]


async def _name_clash(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await fill(pilot, screen, name="lab-remote")
    await next_step(pilot)


async def _driver(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await to_step(pilot, screen, "driver")
    screen.query_one("#driver-remote", RadioButton).value = True
    await pilot.pause()


async def _endpoint(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await to_step(pilot, screen, "endpoint", driver="remote", name="wiz-remote")
    await fill(pilot, screen, endpoint="tcp://127.0.0.1", cacert="/etc/buildkit/certs/ca.pem",
               cert="/etc/buildkit/certs/client-cert.pem",
               key="/etc/buildkit/certs/client-key.pem")  # fmt: skip
    await next_step(pilot)


async def _node(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await to_step(pilot, screen, "node")
    platforms = screen.query_one("#platforms", SelectionList)
    platforms.select("linux/amd64")
    platforms.select("linux/arm64")
    screen.query_one("#network-host", Checkbox).value = True
    await fill(pilot, screen, extra_platforms="linux/sparc")
    await next_step(pilot)


async def _registry(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await to_step(pilot, screen, "registry")
    await fill(pilot, screen, mirrors="127.0.0.1:5000", new_host="127.0.0.1:5000")
    screen.query_one("#registry-add", Button).press()  # (out of view at 80x24)
    await pilot.pause()
    screen.query_one("#http", Checkbox).value = True
    screen.query_one("#insecure", Checkbox).value = True
    await pilot.pause()


async def _review(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await to_step(pilot, screen, "node")
    screen.query_one("#platforms", SelectionList).select("linux/amd64")
    screen.query_one("#platforms", SelectionList).select("linux/arm64")
    screen.query_one("#network-host", Checkbox).value = True
    await next_step(pilot)
    await fill(pilot, screen, mirrors="127.0.0.1:5000", new_host="127.0.0.1:5000")
    screen.query_one("#registry-add", Button).press()  # (out of view at 80x24)
    await pilot.pause()
    screen.query_one("#http", Checkbox).value = True
    screen.query_one("#insecure", Checkbox).value = True
    await pilot.pause()
    await next_step(pilot)


async def _run_ok(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await _review(pilot, screen)
    await next_step(pilot)


async def _run_failed(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await to_step(pilot, screen, "node")
    await fill(pilot, screen, image="127.0.0.1:5000/no-such-buildkit:1")
    screen.query_one("#network-host", Checkbox).value = True
    await next_step(pilot)
    await next_step(pilot)
    await next_step(pilot)


async def _help(pilot: Pilot[None], screen: CreateWizardScreen) -> None:
    await pilot.press("f1")
    await pilot.pause()


FAILED_BOOTSTRAP = Reply(1, "", fixture("local/bootstrap-err-image-missing.stderr"))

WIZARD_SCENES: dict[str, tuple[Step, dict[str, Reply]]] = {
    "name-clash": (_name_clash, {}),
    "driver": (_driver, {}),
    "endpoint-remote": (_endpoint, {}),
    "node": (_node, {}),
    "registry": (_registry, {}),
    "review": (_review, {}),
    "run-ok": (_run_ok, {f"buildx|inspect|--bootstrap|{NAME}": bootstrap_ok()}),
    "run-failed": (_run_failed, {f"buildx|inspect|--bootstrap|{NAME}": FAILED_BOOTSTRAP}),
    "help": (_help, {}),
}


def wizard_scene(scene: str) -> tuple[BuildxApp, Callable[[Pilot[None]], Awaitable[None]]]:
    """The app and what to do with it to show ``scene``."""
    step, replies = WIZARD_SCENES[scene]
    backend = make_backend(**replies)
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)

    async def run_before(pilot: Pilot[None]) -> None:
        shutil.rmtree(SNAP_DIR, ignore_errors=True)
        await settle(pilot)
        screen = CreateWizardScreen(app.screen.ls, config_dir=SNAP_DIR)  # type: ignore[attr-defined]
        app.push_screen(screen)
        await settle(pilot)
        await step(pilot, screen)
        await settle(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False  # a blinking cursor would make the picture depend on timing
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return app, run_before


def leave_scene() -> tuple[BuildxApp, Callable[[Pilot[None]], Awaitable[None]]]:
    backend = FakeBackend(ls_output=fixture("local/ls-wizard-created.json"))
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        builder = app.screen.ls.get("wiz-rec-remote")  # type: ignore[attr-defined]
        app.push_screen(LeaveNodeScreen(builder))
        await settle(pilot)

    return app, run_before
