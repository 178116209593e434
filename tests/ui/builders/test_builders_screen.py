"""Pilot tests of the Builders screen with a fake backend replaying recorded real buildx output."""

from __future__ import annotations

import threading

from textual.widgets import Checkbox, Static

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.common.action_dialog import ActionDialog
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.help import HelpScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.render import plain

SIZE = (120, 36)
LS = ("buildx", "ls", "--format", "json")


def make(backend: FakeBackend) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)


def screen_of(app: BuildxApp) -> BuildersScreen:
    assert isinstance(app.screen, BuildersScreen)
    return app.screen


def text_of(app: BuildxApp, selector: str) -> str:
    return plain(app.screen.query_one(selector, Static).content)


def details_text(app: BuildxApp) -> str:
    return text_of(app, "#details-left") + "\n" + text_of(app, "#details-right")


def log_commands(app: BuildxApp) -> list[tuple[str, EntryState]]:
    return [(e.command, e.state) for e in app.screen.query_one(CommandLog).entries]


async def settle(pilot, app: BuildxApp) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause(0.1)  # the details panel follows the cursor after a short debounce


async def test_lists_every_builder_and_node_with_cursor_on_current():
    backend = FakeBackend(ls_output=fixture("buildx/ls-with-unreachable.json"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(BuildersTable)
        keys = [row.key.value for row in table.ordered_rows]
        assert keys == [
            "b:remotedead", "n:remotedead/remotedead0",
            "b:remotenotls", "n:remotenotls/remotenotls0",
            "b:remotetest", "n:remotetest/remotetest0", "n:remotetest/remotetest-unix",
            "b:remoteunix", "n:remoteunix/remoteunix0",
            "b:seedlocal", "n:seedlocal/seedlocal0",
            "b:seedtest", "n:seedtest/seedtest0",
            "b:default", "n:default/default",
        ]  # fmt: skip
        assert table.selected == RowRef("seedtest")
        assert "current" in details_text(app)
        row = table.get_row("b:seedtest")
        assert str(row[0]) == "seedtest *"
        assert str(table.get_row("n:remotedead/remotedead0")[2]) == "○ inactive"
        assert log_commands(app) == [("docker buildx ls --format json", EntryState.OK)]
        assert backend.calls == [LS]


async def test_details_of_a_node_show_driver_opts_files_gc_labels():
    app = make(FakeBackend(ls_output=fixture("buildx/ls.json")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.screen.query_one(BuildersTable).select(RowRef("remotetest", "remotetest0"))
        await pilot.pause(0.1)
        text = details_text(app)
        assert "tcp://127.0.0.1:1234" in text
        assert "/etc/buildkit/certs/ca.pem" in text  # driver option cacert
        assert "remote-unix" not in text  # only the selected node
        assert "GC policy" in text and "488.3 MiB" in text
        assert "org.mobyproject.buildkit.worker.executor" in text
        app.screen.query_one(BuildersTable).select(RowRef("seedtest", "seedtest0"))
        await pilot.pause(0.1)
        text = details_text(app)
        assert "--allow-insecure-entitlement=network.host" in text
        assert "mirrors = ['127.0.0.1:5000']" in text  # the buildkitd.toml, decoded


async def test_use_runs_the_exact_command_shows_it_and_refreshes():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.screen.query_one(BuildersTable).select(RowRef("remoteunix", "remoteunix0"))
        await pilot.pause()
        await pilot.press("u")
        await settle(pilot, app)
        assert backend.calls == [LS, ("buildx", "use", "remoteunix"), LS]
        assert ("docker buildx use remoteunix", EntryState.OK) in log_commands(app)


async def test_use_with_options_previews_flags_and_runs_them():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("U")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        assert dialog.command() == "docker buildx use seedtest"
        dialog.query_one("#opt-global", Checkbox).value = True
        await pilot.pause()
        preview = plain(dialog.query_one("#dialog-command", Static).content).strip()
        assert preview == "$ docker buildx use --global seedtest"
        await pilot.press("enter")
        await settle(pilot, app)
        assert ("buildx", "use", "--global", "seedtest") in backend.calls


async def test_bootstrap_shows_busy_row_and_streams_progress():
    gate = threading.Event()
    lines = fixture("buildx/inspect-seedtest-bootstrap.stderr").splitlines()
    backend = FakeBackend(
        ls_output=fixture("buildx/ls.json"),
        replies={("buildx", "inspect", "--bootstrap", "seedtest"): Reply(0, "", "", lines, gate)},
    )
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("b")
        await pilot.pause(0.2)
        table = app.screen.query_one(BuildersTable)
        assert str(table.get_row("b:seedtest")[2]) == "⟳ starting"
        entry = app.screen.query_one(CommandLog).entries[-1]
        assert entry.command == "docker buildx inspect --bootstrap seedtest"
        assert entry.state is EntryState.RUNNING
        assert "#1 DONE 0.6s" in entry.tail
        # A second action on a busy builder is refused, nothing runs.
        await pilot.press("b")
        assert backend.calls.count(("buildx", "inspect", "--bootstrap", "seedtest")) == 1
        gate.set()
        await settle(pilot, app)
        assert str(table.get_row("b:seedtest")[2]) == "● running"
        assert entry.state is EntryState.OK
        assert backend.calls[-1] == LS


async def test_stop_asks_first_and_cancel_runs_nothing():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ActionDialog)
        assert app.screen.command() == "docker buildx stop seedtest"
        await pilot.press("escape")
        await settle(pilot, app)
        assert backend.calls == [LS]
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot, app)
        assert backend.calls == [LS, ("buildx", "stop", "seedtest"), LS]


async def test_remove_with_keep_state():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.screen.query_one(BuildersTable).select(RowRef("seedlocal"))
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionDialog)
        dialog.query_one("#opt-keep_state", Checkbox).value = True
        await pilot.pause()
        assert dialog.command() == "docker buildx rm --keep-state seedlocal"
        await pilot.click("#dialog-confirm")
        await settle(pilot, app)
        assert ("buildx", "rm", "--keep-state", "seedlocal") in backend.calls


async def test_default_docker_builder_cannot_be_removed():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.screen.query_one(BuildersTable).select(RowRef("default"))
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, BuildersScreen)
        assert backend.calls == [LS]


async def test_failed_action_shows_buildx_error_and_state_is_kept():
    backend = FakeBackend(
        ls_output=fixture("buildx/ls-with-unreachable.json"),
        replies={
            ("buildx", "inspect", "--bootstrap", "remotedead"): Reply(
                1, "", fixture("buildx/inspect-remotedead-bootstrap.stderr")
            )
        },
    )
    app = make(backend)
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        app.screen.query_one(BuildersTable).select(RowRef("remotedead"))
        await pilot.pause()
        await pilot.press("b")
        await settle(pilot, app)
        entries = app.screen.query_one(CommandLog).entries
        entry = next(e for e in entries if "bootstrap" in e.command)
        assert entry.state is EntryState.FAILED
        # buildx's own words first; then what probing the endpoint from here found (the
        # recording's remotedead0 is tcp://127.0.0.1:1299, where nothing listens).
        assert entry.tail[0] == "ERROR: context deadline exceeded"
        assert all(
            line.startswith("probed from here: remotedead0 ") for line in list(entry.tail)[1:]
        )
        assert notes[0].startswith("ERROR: context deadline exceeded")
        table = app.screen.query_one(BuildersTable)
        assert str(table.get_row("b:remotedead")[2]) == "○ inactive"


async def test_node_errors_are_shown_under_the_node():
    app = make(FakeBackend(ls_output=fixture("buildx/ls-daemon-down.json")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one(BuildersTable)
        row = table.get_row("e:seedtest/seedtest0")
        assert "failed to connect to the docker API" in str(row[4])
        assert str(table.get_row("n:seedtest/seedtest0")[2]) == "✖ error"


async def test_engine_down_banner_then_recovery_on_refresh():
    backend = FakeBackend(ls_output=fixture("buildx/ls-daemon-down.json"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        screen = screen_of(app)
        assert screen.has_class("-warning")
        assert "Docker engine unreachable" in text_of(app, "#problem")
        assert app.screen.query_one("#problem").display
        backend.ls_output = fixture("buildx/ls.json")
        await pilot.press("r")
        await settle(pilot, app)
        assert not screen.has_class("-warning")
        assert not app.screen.query_one("#problem").display
        assert str(app.screen.query_one(BuildersTable).get_row("b:seedtest")[2]) == "● running"


async def test_missing_buildx_is_a_full_screen_explanation():
    backend = FakeBackend(ls_reply=Reply(125, "", fixture("local/ls-json-no-buildx-plugin.stderr")))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        assert screen_of(app).has_class("-fatal")
        text = text_of(app, "#problem")
        assert "docker buildx is not installed" in text
        assert "cli-plugins" in text
        assert log_commands(app) == [("docker buildx ls --format json", EntryState.FAILED)]
        assert "Press M for the demo" in text  # a newcomer can still see what the app does
        await pilot.press("M")
        await pilot.pause()
    assert app.wants_demo  # the command line starts the demo once the app has ended


async def test_a_failed_ls_of_a_working_set_up_is_not_offered_the_demo():
    backend = FakeBackend(ls_reply=Reply(1, "", "ERROR: something else went wrong"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        text = text_of(app, "#problem")
        assert "`docker buildx ls` failed" in text
        assert "demo" not in text


async def test_filter_narrows_rows_and_escape_restores():
    app = make(FakeBackend(ls_output=fixture("buildx/ls-with-unreachable.json")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("slash")
        await pilot.press(*"1299")
        await pilot.pause()
        table = app.screen.query_one(BuildersTable)
        assert [r.key.value for r in table.ordered_rows] == [
            "b:remotedead",
            "n:remotedead/remotedead0",
        ]
        await pilot.press("enter")
        assert app.focused is table
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 15


async def test_help_lists_every_binding():
    app = make(FakeBackend(ls_output=fixture("buildx/ls.json")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = plain(app.screen.query_one("#help-keys", Static).content)
        for binding in BuildersScreen.BINDINGS:
            assert binding.description in text  # type: ignore[union-attr]
        assert "Quit" in text and "Commands" in text
        await pilot.press("escape")
        assert isinstance(app.screen, BuildersScreen)


async def test_command_palette_offers_the_actions():
    app = make(FakeBackend(ls_output=fixture("buildx/ls.json")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for title in ["Use builder", "Bootstrap builder", "Stop builder", "Remove builder"]:
            assert title in titles


async def test_a_refresh_requested_during_a_refresh_runs_after_it():
    gate = threading.Event()
    backend = FakeBackend(ls_reply=Reply(0, fixture("buildx/ls.json"), "", gate=gate))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.1)
        assert backend.calls == [LS]  # the first ls is held by the gate
        await pilot.press("r")  # e.g. an action finished meanwhile
        await pilot.press("r")  # several requests fold into one follow-up
        gate.set()
        await settle(pilot, app)
        await settle(pilot, app)
        assert backend.calls == [LS, LS]


async def test_i_opens_the_inspector_and_esc_comes_back():
    from buildx_tui.ui.inspect.screen import InspectorScreen

    app = make(FakeBackend(ls_output=fixture("buildx/ls.json")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InspectorScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Inspect an image" in titles
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BuildersScreen)


async def test_c_opens_the_create_wizard_and_a_append_mode():
    from buildx_tui.ui.create.wizard import CreateWizardScreen

    app = make(FakeBackend(ls_output=fixture("buildx/ls.json")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CreateWizardScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BuildersScreen)
        # The default (docker driver) builder takes no appended nodes: nothing opens.
        app.screen.query_one(BuildersTable).select(RowRef("default"))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, BuildersScreen)
        app.screen.query_one(BuildersTable).select(RowRef("remotetest"))
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CreateWizardScreen)


async def test_n_opens_the_build_form_for_the_selected_builder():
    from buildx_tui.ui.build.form import BuildFormScreen

    app = make(FakeBackend(ls_output=fixture("buildx/ls.json")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BuildFormScreen)
        assert app.screen.builder is not None and app.screen.builder.name == "seedtest"
