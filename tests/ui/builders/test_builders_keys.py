"""What new users met on the builders list (issue #11): keys typed fast after `/`, a dialog with
options, Home/End, the selection after `u`, and platforms readable without colour at 80x24."""

from __future__ import annotations

from textual import events
from textual.widgets import Checkbox, Input

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.common.action_dialog import ActionDialog
from tests.demo import FIXED_NOW, PINNED
from tests.fakes import FakeBackend, fixture

LS = ("buildx", "ls", "--format", "json")


def app_for(backend: FakeBackend) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)


def backend() -> FakeBackend:
    return FakeBackend(ls_output=fixture("buildx/ls.json"), pinned=PINNED)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def table_of(app: BuildxApp) -> BuildersTable:
    return app.screen.query_one(BuildersTable)


async def test_keys_typed_in_one_burst_after_slash_all_go_to_the_filter():
    fake = backend()
    app = app_for(fake)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        before = list(fake.calls)
        # As a terminal delivers a fast typist's keys: all queued before any is handled.
        for key, char in (("slash", "/"), ("b", "b"), ("s", "s"), ("d", "d")):
            app.post_message(events.Key(key, char))
        await settle(pilot)
        box = app.screen.query_one("#filter", Input)
        assert box.value == "bsd"
        assert fake.calls == before, "a key meant for the filter ran a builder action"
        assert isinstance(app.screen, BuildersScreen)  # no dialog (d would ask to remove)
        # A `/` typed in the filter is part of it (platforms are filtered as linux/arm64).
        for char in "/a":
            app.post_message(events.Key("slash" if char == "/" else char, char))
        await settle(pilot)
        assert box.value == "bsd/a"


async def test_use_with_options_focuses_the_first_option():
    fake = backend()
    app = app_for(fake)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table_of(app).select(RowRef("seedlocal"))
        await pilot.pause()
        await pilot.press("U")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        assert isinstance(dialog.focused, Checkbox) and dialog.focused.id == "opt-default"
        await pilot.press("space")  # meant for --default: toggles it, runs nothing
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("enter")
        await settle(pilot)
        assert ("buildx", "use", "--default", "seedlocal") in fake.calls


async def test_after_use_the_used_builder_stays_selected():
    fake = backend()
    app = app_for(fake)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table_of(app).select(RowRef("seedlocal"))
        await pilot.pause()
        await pilot.press("u")
        await settle(pilot)
        await settle(pilot)
        assert ("buildx", "use", "seedlocal") in fake.calls
        assert table_of(app).selected is not None
        assert table_of(app).selected.builder == "seedlocal"


async def test_home_and_end_go_to_the_first_and_last_row():
    app = app_for(backend())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = table_of(app)
        table.focus()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == table.row_count - 1
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0


def screen_text(app: BuildxApp) -> str:
    from tests.helpers.render import plain

    table = table_of(app)
    lines = []
    for row in range(table.row_count):
        lines.append(" ".join(plain(cell) for cell in table.get_row_at(row)))
    return "\n".join(lines)


async def test_at_80x24_the_platforms_column_stays_and_marks_say_emulated():
    app = app_for(backend())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = table_of(app)
        labels = [str(c.label) for c in table.columns.values()]
        assert "PLATFORMS" in labels and "BUILDKIT" not in labels
        # The whole table fits: nothing scrolls sideways out of sight.
        assert table.virtual_size.width <= table.size.width
        text = screen_text(app)
        # seedtest0 pins amd64 and arm64; arm64 runs under QEMU: a mark, not only a colour.
        assert "amd64* ~arm64*" in text
        await pilot.resize_terminal(180, 50)
        await settle(pilot)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["NAME/NODE", "DRIVER/ENDPOINT", "STATUS", "BUILDKIT", "PLATFORMS"]


async def test_a_bootstrap_deadline_is_explained_by_probing_the_endpoint():
    """Issue #11 item 19: buildx says only "context deadline exceeded" after 20 s."""
    import socket

    from buildx_tui.ui.common.command_log import CommandLog
    from tests.fakes import Reply

    with socket.socket() as s:  # a loopback port where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ls = fixture("local/ls-lab-running.json").replace(
        "tcp://127.0.0.1:1299", f"tcp://127.0.0.1:{port}"
    )
    fake = FakeBackend(ls_output=ls)
    fake.replies[("buildx", "inspect", "--bootstrap", "lab-dead")] = Reply(
        1, "", fixture("local/bootstrap-err-remote-tls.stderr")
    )
    app = app_for(fake)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table_of(app).select(RowRef("lab-dead"))
        await pilot.pause()
        await pilot.press("b")
        await settle(pilot)
        await settle(pilot)
        [entry] = [e for e in app.screen.query_one(CommandLog).entries if "bootstrap" in e.command]
        tail = "\n".join(entry.tail)
        assert "context deadline exceeded" in tail
        assert f"probed from here: lab-dead0 (tcp://127.0.0.1:{port}):" in tail
        notes = "\n".join(str(n.message) for n in app._notifications)
        assert f"127.0.0.1:{port}" in notes


async def test_a_container_builder_that_will_not_start_shows_buildkitds_own_words():
    """Issue #11 item 10: an unknown BuildKit flag; buildx says the container "is restarting"."""
    from buildx_tui.ui.common.command_log import CommandLog
    from tests.fakes import FIXTURES, Reply

    fake = FakeBackend(ls_output=fixture("local/ls-lab-running.json"))
    stderr = (FIXTURES / "local/bootstrap-err-unknown-flag.stderr").read_bytes()
    fake.replies[("buildx", "inspect", "--bootstrap", "lab-container")] = Reply(
        1, "", stderr.decode("utf-8", "replace")
    )
    fake.replies[("logs", "--tail", "200", "buildx_buildkit_lab-container0")] = Reply(
        0,
        fixture("local/buildkitd-log-unknown-flag.stdout"),
        fixture("local/buildkitd-log-unknown-flag.stderr"),
    )
    app = app_for(fake)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table_of(app).select(RowRef("lab-container"))
        await pilot.pause()
        await pilot.press("b")
        await settle(pilot)
        await settle(pilot)
        log = app.screen.query_one(CommandLog)
        commands = [e.command for e in log.entries]
        assert "docker logs --tail 200 buildx_buildkit_lab-container0" in commands
        [boot] = [e for e in log.entries if "bootstrap" in e.command]
        said = "buildkitd (lab-container0) said: buildkitd: flag provided but not defined"
        assert said in "\n".join(boot.tail)
        assert said in "\n".join(str(n.message) for n in app._notifications)
