"""The recreate wizard (issue #11 item 24) on a fake backend replaying the lab run recorded by
scripts/record_recreate_fixtures.py: `ls` shows the builder as it was, nothing after `rm`, the
recreated builder after a `create` that works, and the original after its own `create` again.
Shared by the Pilot tests (tests/ui/create/test_create_recreate.py) and the snapshot scenes
(tests/ui/create/test_create_recreate_snapshots.py, scripts/screenshots_create.py)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.create.recreate import RecreateWizardScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.wizard import CONTEXT_LS, fill, next_step, settle

NAME = "recreate-rec"
PINNED = {NAME: {f"{NAME}0": ["linux/amd64", "linux/arm64"]}}
BEFORE = fixture("local/recreate-ls-before.json")
GONE = fixture("local/recreate-ls-failed-create.json")
AFTER = fixture("local/recreate-ls-after.json")
RESTORED = fixture("local/recreate-ls-restored.json")
BOOTSTRAP = ("buildx", "inspect", "--bootstrap", NAME)


def make_backend(**replies: Reply) -> FakeBackend:
    """``replies``: argv joined with ``|`` -> the reply (e.g. a create that fails)."""
    backend = FakeBackend(
        ls_output=BEFORE,
        pinned=PINNED,
        replies={CONTEXT_LS: Reply(0, fixture("local/context-ls.json"))},
    )
    backend.replies.update({tuple(k.split("|")): v for k, v in replies.items()})
    failed: list[tuple[str, ...]] = []  # a command failed: what follows is the undo

    def after_run(argv: tuple[str, ...]) -> None:
        if backend.replies.get(argv, Reply()).returncode:
            failed.append(argv)
        elif argv[:2] == ("buildx", "rm"):
            backend.ls_output = GONE
        elif argv[:2] == ("buildx", "create"):
            backend.ls_output = RESTORED if failed else AFTER

    backend.after_run = after_run
    return backend


async def open_recreate(pilot, app: BuildxApp, key: str = "e") -> RecreateWizardScreen:
    """Select the builder on the Builders screen and press ``key``; the wizard it opens."""
    await settle(pilot)
    builders = app.screen
    assert isinstance(builders, BuildersScreen)
    builders.query_one(BuildersTable).select(RowRef(NAME))
    await pilot.pause()
    await pilot.press(key)
    await settle(pilot)
    wizard = app.screen
    assert isinstance(wizard, RecreateWizardScreen), type(wizard)
    return wizard


def lab_sockets(path: str) -> str | None:
    """The recordings' endpoint is the lab engine's socket: it listened when they were made,
    whether or not the lab runs now (the wizard's check of a unix:// endpoint)."""
    return None if path == "/tmp/buildx-tui-lab/docker.sock" else f"{path} does not exist"


def make_app(backend: FakeBackend) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW, socket_check=lab_sockets)


# --- snapshot scenes (tests/ui/create/test_create_recreate_snapshots.py) ---------------------

#: A fixed place for the scenes' config files, so that the paths shown do not vary.
SNAP_DIR = Path(tempfile.gettempdir()) / "buildx-tui-recreate-snapshots"
FAILED_BOOTSTRAP = Reply(1, "", fixture("local/recreate-bootstrap-err-network.stderr"))


async def _review(pilot: Pilot[None], screen: RecreateWizardScreen) -> None:
    """network=host off, a mirror for ghcr.io: the review."""
    await next_step(pilot)
    screen.query_one("#network-host", Checkbox).value = False
    await next_step(pilot)
    await fill(pilot, screen, new_host="ghcr.io")
    screen.query_one("#registry-add", Button).press()  # (out of view at 80x24)
    await pilot.pause()
    await fill(pilot, screen, mirrors="127.0.0.1:5000")
    await next_step(pilot)


async def _run_undone(pilot: Pilot[None], screen: RecreateWizardScreen) -> None:
    """A network that does not exist: the new builder cannot start; the original is back."""
    await next_step(pilot)
    screen.query_one("#network-host", Checkbox).value = False
    await fill(pilot, screen, extra_opts="network=recreate-no-such-net")
    await next_step(pilot)
    await next_step(pilot)
    await next_step(pilot)


RECREATE_SCENES: dict[str, Callable[[Pilot[None], RecreateWizardScreen], Awaitable[None]]] = {
    "review": _review,
    "run-undone": _run_undone,
}


def recreate_scene(scene: str) -> tuple[BuildxApp, Callable[[Pilot[None]], Awaitable[None]]]:
    """The app and what to do with it to show ``scene``."""
    backend = make_backend()
    if scene == "run-undone":
        backend.replies[BOOTSTRAP] = FAILED_BOOTSTRAP
        old = backend.after_run
        assert old is not None

        def once(argv: tuple[str, ...]) -> None:  # the original's own bootstrap works
            old(argv)
            if argv == BOOTSTRAP:
                backend.replies.pop(BOOTSTRAP, None)

        backend.after_run = once
    app = make_app(backend)

    async def run_before(pilot: Pilot[None]) -> None:
        shutil.rmtree(SNAP_DIR, ignore_errors=True)
        await settle(pilot)
        ls = app.screen.ls  # type: ignore[attr-defined]
        screen = RecreateWizardScreen(ls, ls.get(NAME), config_dir=SNAP_DIR)
        app.push_screen(screen)
        await settle(pilot)
        await RECREATE_SCENES[scene](pilot, screen)
        await settle(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return app, run_before
