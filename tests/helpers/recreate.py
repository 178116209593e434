"""The recreate wizard (issue #11 item 24) on a fake backend replaying the lab run recorded by
scripts/record_recreate_fixtures.py: `ls` shows the builder as it was, nothing after `rm`, the
recreated builder after a `create` that works, and the original after its own `create` again.
Shared by the Pilot tests (tests/ui/create/test_create_recreate.py) and their snapshot scenes."""

from __future__ import annotations

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.create.recreate import RecreateWizardScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.wizard import CONTEXT_LS, settle

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


def make_app(backend: FakeBackend) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)
