"""The About screen (issue #11 item 23): the versions of the docker CLI, the engine, buildx and each
node's BuildKit, from the command palette on every screen and with `v` in the help. Pilot tests
on a fake backend replaying the recordings of scripts/record_version_fixtures.py."""

from __future__ import annotations

import threading

from buildx_tui.core.docker.versions import BUILDX_VERSION_ARGV, DOCKER_VERSION_ARGV
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.common.about import AboutScreen
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.help import HelpScreen
from tests.fakes import Reply, fixture
from tests.helpers.about import about_app as make
from tests.helpers.about import engine_down_backend, lab_backend, settle, shown
from tests.helpers.render import plain

SIZE = (120, 36)
LS = ("buildx", "ls", "--format", "json")
COMMIT = "1d8dde89b8aba914e05e45366770736fea1fd690"
DOCKER_CMD = "docker version --format '{{json .}}'"
TITLE = "About: versions"


def row(text: str, start: str) -> str:
    """The line of ``text`` that starts with ``start`` (after the table's padding)."""
    return next(ln.strip() for ln in text.splitlines() if ln.strip().startswith(start))


def log_of(app: BuildxApp) -> list[tuple[str, EntryState, str]]:
    return [(e.command, e.state, e.note) for e in app.screen.query_one(CommandLog).entries]


async def open_from_palette(pilot) -> None:
    """ctrl+p, type the entry's title, Enter: as a user does."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"about versions")
    await pilot.pause(0.3)  # the palette searches as it is typed
    await pilot.press("enter")
    await settle(pilot)


async def test_the_palette_offers_about_on_every_screen():
    app = make(lab_backend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert TITLE in [c.title for c in app.get_system_commands(app.screen)]
        app.screen.post_message(nav.OpenInspector())  # another feature's screen
        await settle(pilot)
        assert not isinstance(app.screen, BuildersScreen)
        assert TITLE in [c.title for c in app.get_system_commands(app.screen)]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")  # a dialog (not an AppScreen)
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert TITLE in [c.title for c in app.get_system_commands(app.screen)]


async def test_about_from_the_palette_shows_the_versions_and_each_command():
    backend = lab_backend()
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_palette(pilot)
        assert isinstance(app.screen, AboutScreen)
        text = shown(app)
        assert row(text, "docker CLI").startswith("docker CLI     28.2.2")
        assert "API 1.41 (downgraded from 1.50)" in row(text, "docker CLI")
        assert row(text, "Docker engine").startswith("Docker engine  20.10.24+dfsg1")
        assert "containerd 1.6.20~ds1" in text
        assert row(text, "buildx").startswith("buildx         v0.36.1")
        assert f"commit {COMMIT}" in row(text, "buildx")
        assert "? unknown" not in row(text, "docker CLI") + row(text, "Docker engine")
        # each node's BuildKit, with its status in words (not by colour alone)
        assert row(text, "lab-container").split() == [
            "lab-container", "lab-container0", "●", "running", "v0.32.2",
        ]  # fmt: skip
        assert row(text, "lab-remote").split()[-1] == "v0.32.2"
        assert row(text, "default").split()[-1] == "v0.8+unknown"
        dead = row(text, "lab-dead")
        assert "○ inactive" in dead and "? unknown: not reported by `buildx ls`" in dead
        # the exact commands, as they ran
        assert log_of(app) == [
            (DOCKER_CMD, EntryState.OK, ""),
            ("docker buildx version", EntryState.OK, ""),
            ("docker buildx ls --format json", EntryState.OK, ""),
        ]
        assert backend.calls[-3:] == [DOCKER_VERSION_ARGV, BUILDX_VERSION_ARGV, LS]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BuildersScreen)


async def test_engine_down_shows_the_cli_version_and_says_the_engine_is_unreachable():
    app = make(engine_down_backend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_palette(pilot)
        text = shown(app)
        assert row(text, "docker CLI").startswith("docker CLI     28.2.2")
        engine = row(text, "Docker engine")
        assert engine.startswith("Docker engine  ? unknown  unreachable: Cannot connect to the")
        assert "Is the docker daemon running?" in engine
        assert row(text, "buildx").startswith("buildx         v0.36.1")
        # `docker version` exits 1 then: the log says so (its words are in the panel above)
        assert log_of(app)[0] == (DOCKER_CMD, EntryState.FAILED, "exit status 1")
        assert "failed to connect to the docker API" in row(text, "seedlocal")


async def test_v_in_the_builders_help_opens_about_and_esc_comes_back_to_the_help():
    app = make(lab_backend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        said = plain(app.screen.query_one("#help-about").render())
        assert said.startswith("v  versions of docker") and "ctrl+p → About: versions" in said
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, AboutScreen)
        assert "v0.36.1" in row(shown(app), "buildx")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_buildx_missing_and_unreadable_output_say_why():
    backend = lab_backend(
        docker=Reply(0, "not json\n"),
        buildx=Reply(1, "", fixture("local/buildx-version-no-plugin.stderr")),
    )
    backend.ls_reply = Reply(125, "", fixture("local/ls-json-no-buildx-plugin.stderr"))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.post_message(nav.OpenAbout())
        await settle(pilot)
        text = shown(app)
        assert "? unknown  `docker version` printed no JSON object: not json" in text
        assert "? unknown  buildx is not installed (docker says: docker: unknown command" in text
        assert "? unknown: docker buildx is not installed" in text  # no builders: ls failed
        states = [state for _, state, _ in log_of(app)]
        assert states == [EntryState.OK, EntryState.FAILED, EntryState.FAILED]


async def test_while_running_the_command_is_shown_and_esc_closes():
    gate = threading.Event()
    backend = lab_backend(docker=Reply(0, fixture("local/version-lab.json"), gate=gate))
    app = make(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.post_message(nav.OpenAbout())
        await pilot.pause(0.2)
        text = shown(app)
        assert row(text, "docker CLI").split(maxsplit=4) == [
            "docker", "CLI", "⟳", "asking", f"$ {DOCKER_CMD}",
        ]  # fmt: skip
        assert row(text, "buildx") == "buildx         … waiting"
        assert log_of(app) == [(DOCKER_CMD, EntryState.RUNNING, "")]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BuildersScreen)
        gate.set()
        await settle(pilot)
        assert BUILDX_VERSION_ARGV not in backend.calls  # closed: nothing more was run
