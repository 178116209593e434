"""The Builders screen against the real lab: what the app shows is what buildx reports, and its
actions (use, bootstrap, stop, remove) really happen. Each check reads buildx independently.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator

import pytest

from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.common.action_dialog import ActionDialog
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from tests.helpers.e2e_lab import client_for, ls_json

from .conftest import Lab

SIZE = (120, 36)


def make_app(lab: Lab) -> tuple[BuildxApp, BuildxClient]:
    client = client_for(lab)
    return BuildxApp(client, refresh_interval=0), client


def screen_of(app: BuildxApp) -> BuildersScreen:
    assert isinstance(app.screen, BuildersScreen)
    return app.screen


async def settle(pilot, app: BuildxApp, timeout: float = 120) -> None:
    """Wait until no worker runs (actions and their follow-up refresh)."""
    deadline = time.monotonic() + timeout
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
        screen = app.screen
        busy = isinstance(screen, BuildersScreen) and (screen.busy or screen._refreshing)
        if not busy and not any(w.is_running for w in app.workers):
            return
        assert time.monotonic() < deadline, "the app did not settle"
        await asyncio.sleep(0.05)


async def select(pilot, app: BuildxApp, ref: RowRef) -> None:
    assert app.screen.query_one(BuildersTable).select(ref), f"no row for {ref}"
    await pilot.pause()


@pytest.fixture
def restore_current(lab: Lab) -> Iterator[None]:
    yield
    lab.docker("buildx", "use", "default", timeout=60)


async def test_table_shows_exactly_what_buildx_ls_reports(lab: Lab) -> None:
    truth = ls_json(lab)
    app, client = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        assert screen.problem is None
        assert screen.ls is not None
        table = app.screen.query_one(BuildersTable)
        keys = [row.key.value for row in table.ordered_rows]
        expected_keys: list[str] = []
        for name, b in truth.items():
            expected_keys.append(f"b:{name}")
            expected_keys += [f"n:{name}/{n['Name']}" for n in b["Nodes"]]
        assert keys == expected_keys
        for name, b in truth.items():
            shown = screen.ls.get(name)
            assert shown is not None
            assert shown.driver == b["Driver"]
            assert shown.current == b["Current"]
            for node, raw in zip(shown.nodes, b["Nodes"], strict=True):
                assert node.status.value == raw["Status"]
                assert list(node.platforms) == raw.get("Platforms", [])
                assert node.endpoint == raw["Endpoint"]
                status_cell = str(table.get_row(f"n:{name}/{node.name}")[2])
                assert status_cell.endswith(raw["Status"])
        # Platforms pinned with `create --platform` are told apart (read from buildx's store).
        container = screen.ls.get(lab.builders.container)
        assert container is not None
        pinned = [p.name for p in container.nodes[0].platform_info() if p.pinned]
        assert pinned == ["linux/amd64", "linux/arm64"]
        emulation = {p.name: p.emulation.value for p in container.nodes[0].platform_info()}
        assert emulation["linux/amd64"] == "native"
        assert emulation["linux/arm64"] == "emulated"
        # The unreachable remote builder is listed, inactive.
        assert str(table.get_row(f"b:{lab.builders.dead}")[2]) == "○ inactive"
        # One refresh = one docker process.
        assert client.processes_started == 1
        await pilot.press("r")
        await settle(pilot, app)
        assert client.processes_started == 2


async def test_stop_then_bootstrap_a_container_builder(lab: Lab) -> None:
    name = lab.builders.container
    app, _ = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await select(pilot, app, RowRef(name))
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ActionDialog)
        assert app.screen.command().endswith(f"buildx stop {name}")
        await pilot.press("enter")
        await settle(pilot, app)
        assert ls_json(lab)[name]["Nodes"][0]["Status"] == "stopped"
        table = app.screen.query_one(BuildersTable)
        assert str(table.get_row(f"b:{name}")[2]) == "■ stopped"

        await pilot.press("b")
        await settle(pilot, app)
        assert ls_json(lab)[name]["Nodes"][0]["Status"] == "running"
        assert str(table.get_row(f"b:{name}")[2]) == "● running"
        entries = [(e.command, e.state) for e in app.screen.query_one(CommandLog).entries]
        assert any(
            c.endswith(f"buildx inspect --bootstrap {name}") and s is EntryState.OK
            for c, s in entries
        )


async def test_use_makes_a_builder_current(lab: Lab, restore_current: None) -> None:
    app, _ = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await select(pilot, app, RowRef(lab.builders.remote))
        await pilot.press("u")
        await settle(pilot, app)
        truth = ls_json(lab)
        assert truth[lab.builders.remote]["Current"] is True
        assert truth["default"]["Current"] is False
        table = app.screen.query_one(BuildersTable)
        assert str(table.get_row(f"b:{lab.builders.remote}")[0]).endswith("*")


async def test_remove_deletes_the_builder(lab: Lab) -> None:
    name = f"e2e-rm-{uuid.uuid4().hex[:6]}"
    created = lab.docker("buildx", "create", "--name", name, "--driver", "remote",
                         "tcp://127.0.0.1:1299", timeout=60)  # fmt: skip
    assert created.returncode == 0, created.stderr
    try:
        app, _ = make_app(lab)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            await select(pilot, app, RowRef(name))
            await pilot.press("d")
            await pilot.pause()
            assert isinstance(app.screen, ActionDialog)
            await pilot.press("enter")
            await settle(pilot, app)
            assert name not in ls_json(lab)
            keys = [r.key.value for r in app.screen.query_one(BuildersTable).ordered_rows]
            assert f"b:{name}" not in keys
    finally:
        lab.docker("buildx", "rm", name, timeout=60)


async def test_unreachable_builder_bootstrap_fails_with_the_reason(lab: Lab) -> None:
    app, _ = make_app(lab)
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        await select(pilot, app, RowRef(lab.builders.dead))
        await pilot.press("b")
        await settle(pilot, app, timeout=90)
        entry = app.screen.query_one(CommandLog).entries[-2]  # the bootstrap, then a refresh
        assert "inspect --bootstrap" in entry.command
        assert entry.state is EntryState.FAILED
        assert any("ERROR:" in line for line in entry.tail)
        assert notes and notes[-1].startswith("ERROR:")
        table = app.screen.query_one(BuildersTable)
        assert str(table.get_row(f"b:{lab.builders.dead}")[2]) == "○ inactive"


async def test_engine_down_is_shown_and_the_app_recovers(lab: Lab) -> None:
    app, _ = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert screen_of(app).problem is None
        lab.engine_stop()
        try:
            await pilot.press("r")
            await settle(pilot, app)
            screen = screen_of(app)
            assert screen.problem is not None
            assert screen.problem.title.startswith("Docker engine unreachable")
            assert lab.docker_host in screen.problem.title
            assert app.screen.query_one("#problem").display
            # The remote builder does not need the engine and is still shown running.
            assert screen.ls is not None
            remote = screen.ls.get(lab.builders.remote)
            assert remote is not None and remote.status.value == "running"
        finally:
            lab.engine_start()
        await pilot.press("r")
        await settle(pilot, app)
        screen = screen_of(app)
        assert screen.problem is None
        assert not app.screen.query_one("#problem").display
        default = screen.ls.get("default") if screen.ls else None
        assert default is not None and default.status.value == "running"
