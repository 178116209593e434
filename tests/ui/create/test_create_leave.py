"""Pilot tests of the leave-node dialog (`docker buildx create --leave`), on recorded output."""

from __future__ import annotations

from textual.widgets import Button, RadioButton, Static

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.create.leave import LeaveNodeScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.render import plain
from tests.helpers.wizard import settle

SIZE = (120, 36)
LEAVE = ("buildx", "create", "--leave", "--name", "wiz-rec-remote", "--node", "wiz-rec-remote-unix")


async def test_leave_runs_the_exact_command_and_dismisses_with_the_builder() -> None:
    backend = FakeBackend(ls_output=fixture("local/ls-wizard-created.json"))
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)
    results: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        builder = app.screen.ls.get("wiz-rec-remote")  # type: ignore[attr-defined]
        assert builder is not None and len(builder.nodes) == 2
        app.push_screen(LeaveNodeScreen(builder), results.append)
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#node-wiz-rec-remote-unix", RadioButton).value
        command = plain(screen.query_one("#leave-command", Static).content)
        assert (
            command.strip() == "$ docker buildx create --leave --name wiz-rec-remote --node "
            "wiz-rec-remote-unix"
        )
        await pilot.click("#leave-confirm")
        await settle(pilot)
        assert backend.calls[-1] == LEAVE
        assert results == ["wiz-rec-remote"]


async def test_leave_failure_is_explained_and_the_dialog_stays() -> None:
    backend = FakeBackend(
        ls_output=fixture("local/ls-wizard-created.json"),
        replies={LEAVE: Reply(1, "", fixture("local/leave-err-last-node.stderr"))},
    )
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)
    results: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        builder = app.screen.ls.get("wiz-rec-remote")  # type: ignore[attr-defined]
        app.push_screen(LeaveNodeScreen(builder, "wiz-rec-remote-unix"), results.append)
        await settle(pilot)
        await pilot.click("#leave-confirm")
        await settle(pilot)
        assert isinstance(app.screen, LeaveNodeScreen)
        text = plain(app.screen.query_one("#leave-result", Static).content)
        assert "✖ A builder's last node cannot leave" in text
        assert "docker buildx rm wiz-rec-remote" in text
        assert results == []
        await pilot.press("escape")
        await settle(pilot)
        assert results == [None]


async def test_a_single_node_builder_offers_nothing_to_run() -> None:
    backend = FakeBackend(ls_output=fixture("local/ls-wizard-created.json"))
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        builder = app.screen.ls.get("wiz-rec-mirror")  # type: ignore[attr-defined]
        app.push_screen(LeaveNodeScreen(builder))
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#leave-confirm", Button).disabled
        text = plain(screen.query_one("#leave-command", Static).content)
        assert "cannot remove a builder's last node" in text
        await pilot.click("#leave-confirm")
        await settle(pilot)
        assert all(c[1] != "create" for c in backend.calls)
