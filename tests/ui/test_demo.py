"""`buildx-tui --demo`: the app walked through on the recordings shipped in the package, with a
`docker` on PATH that records being run and every way of starting a process made to fail: the
demo must never run anything. Plus the DEMO title's snapshots and the recordings' integrity."""

from __future__ import annotations

import asyncio
import gzip
import os
import subprocess
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from buildx_tui.core.build.checks import STORE_PROBE_ARGV
from buildx_tui.core.cache.commands import du_json_argv
from buildx_tui.core.replay.builds import gaps
from buildx_tui.demo import recordings
from buildx_tui.demo.app import TITLE, make_demo_app
from buildx_tui.demo.backend import INSPECT_REFERENCE, NOT_RECORDED, demo_backend
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from tests.fakes import FIXTURES
from tests.helpers.all_screens import settle
from tests.helpers.render import plain

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


class ProcessStarted(AssertionError):
    pass


@pytest.fixture
def no_process(tmp_path, monkeypatch):
    """A `docker` on PATH that leaves a mark when run, and every process start refused."""
    marks = tmp_path / "ran"
    shim = tmp_path / "bin" / "docker"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\necho "$@" >> {marks}\nexit 1\n')
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    started: list[object] = []

    def refuse(*args, **kwargs):
        what = tuple(a for a in args if not isinstance(a, subprocess.Popen))
        started.append(what)
        raise ProcessStarted(f"the demo started a process: {what!r}")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    for name in ("fork", "posix_spawn", "posix_spawnp", "execv", "execve", "system"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse)
    yield started
    assert started == []
    assert not marks.exists(), marks.read_text()


def test_the_guard_can_fail(no_process):
    """The fixture does catch a process (so the walk below proves something)."""
    with pytest.raises(ProcessStarted):
        subprocess.run(["docker", "version"], check=False)
    assert no_process
    no_process.clear()


async def wait_until(pilot, done, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if done():
            return
        await asyncio.sleep(0.1)
        await pilot.pause()
    raise AssertionError("timed out")


async def test_a_walk_through_the_demo_runs_nothing(no_process):
    app = make_demo_app(refresh_interval=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.title == TITLE and "DEMO" in app.title
        assert type(app.screen).__name__ == "BuildersScreen"
        table = app.screen.query_one(BuildersTable)
        assert table.select(RowRef("lab-container", None))
        await pilot.pause()
        # a two-platform build, replayed at its recorded pace
        await pilot.press("n")
        await settle(pilot)
        assert type(app.screen).__name__ == "BuildFormScreen"
        # the form's Dockerfile check: what the lab said of the demo's own Dockerfile
        from tests.helpers.form_insight import wait_checked

        checked = await wait_checked(pilot, app.screen)
        assert "no problems found by the build checks" in checked, checked
        await pilot.press("ctrl+b")
        await settle(pilot)
        build = app.screen
        assert type(build).__name__ == "BuildProgressScreen"
        await wait_until(pilot, lambda: not build.running)
        summary = plain(build.query_one("#build-summary", Static).content)
        assert "Build succeeded" in summary, summary
        assert [e.result for e in app.services.history.load()] == ["success"]
        await pilot.press("escape")
        await settle(pilot)
        # the inspector on the recorded index with attestations
        while type(app.screen).__name__ != "BuildersScreen":
            app.pop_screen()
            await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"
        box = app.screen.query_one("#reference", Input)
        box.value = INSPECT_REFERENCE
        app.screen.set_focus(box)
        await pilot.press("enter")
        await settle(pilot)
        assert any(c[:2] == ("buildx", "imagetools") for c in app.backend.calls)
        await pilot.press("escape")
        await settle(pilot)
        # the create wizard, the help, stop and bootstrap
        await pilot.press("c")
        await settle(pilot)
        assert type(app.screen).__name__ == "CreateWizardScreen"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "BuildersScreen"
    assert app.backend.ran("buildx", "ls", "--format", "json")


@pytest.mark.parametrize(
    ("extra", "code", "recording"),
    [
        ((), 0, "local/history-logs-two-platform-live.stderr"),
        (("--build-arg", "FAIL_ARCH=aarch64"), 1, "local/history-logs-failed-arm64-live.stderr"),
        (("--push",), 0, "buildx/build-multiplatform-rawjson.stderr"),
    ],
)
def test_which_recording_a_build_replays(no_process, tmp_path, extra, code, recording):
    backend = demo_backend()
    for build in backend.builds.values():
        build.paced = False
    backend.any_build = _unpaced(backend.any_build)
    lines: list[str] = []
    metadata = tmp_path / "metadata.json"
    argv = ["buildx", "build", "--builder", "x", *extra, "--metadata-file", str(metadata), "."]
    result = backend.run(argv, on_line=lines.append)
    assert result.returncode == code
    assert lines == recordings.read(recording).splitlines()
    written = (
        recordings.read("buildx/build-metadata-file.metadata.json") if "--push" in extra else None
    )
    assert (metadata.read_text() if metadata.exists() else None) == written


def test_a_second_build_replays_the_cached_run(no_process):
    backend = demo_backend()
    backend.any_build = _unpaced(backend.any_build)
    argv = ["buildx", "build", "--builder", "x", "."]
    backend.run(argv)
    lines: list[str] = []
    backend.run(argv, on_line=lines.append)
    assert lines == recordings.read("local/history-logs-cached-live.stderr").splitlines()


def _unpaced(choose):
    def unpaced(argv):
        build = choose(argv)
        if build is not None:
            build.paced = False
        return build

    return unpaced


def test_the_recorded_pace_makes_the_emulated_platform_slower():
    """Paced replay waits as BuildKit's timestamps did: arm64 (QEMU) ends after amd64."""
    lines = recordings.read("local/history-logs-two-platform-live.stderr").splitlines()
    waits = gaps(lines)
    assert 2.0 < sum(waits) < 10.0  # the recorded build took 3.3 s
    done = {}
    elapsed = 0.0
    for line, wait in zip(lines, waits, strict=True):
        elapsed += wait
        if "counted" in line or "30000" in line:
            for arch in ("amd64", "arm64"):
                if f"linux/{arch} work 2/2" in line and '"completed"' in line:
                    done[arch] = elapsed
    assert done["amd64"] < done["arm64"]


def test_commands_of_any_builder_and_what_was_not_recorded(no_process):
    backend = demo_backend()
    du = backend.run(du_json_argv("mine"))
    assert du.ok and du.stdout == recordings.read("local/du-container.json")
    dead = backend.run(du_json_argv("lab-dead"))
    assert dead.returncode == 1 and dead.stderr == recordings.read("local/du-dead.stderr")
    assert backend.run(list(STORE_PROBE_ARGV)).ok
    missing = backend.run(["buildx", "rm", "lab-container"])
    assert missing.returncode == 1 and missing.stderr == NOT_RECORDED
    bootstrap_dead = backend.run(["buildx", "inspect", "--bootstrap", "lab-dead"])
    assert bootstrap_dead.stderr == NOT_RECORDED


def test_stop_then_bootstrap_changes_the_list_as_recorded(no_process):
    backend = demo_backend()

    def status() -> str:
        ls = backend.list_builders().ls
        assert ls is not None
        found = ls.get("lab-container")
        assert found is not None
        return found.nodes[0].status.value

    assert status() == "running"
    backend.run(["buildx", "stop", "lab-container"])
    assert status() == "stopped"
    backend.run(["buildx", "inspect", "--bootstrap", "lab-container"])
    assert status() == "running"


@pytest.mark.parametrize("name", recordings.names())
def test_every_shipped_recording_is_a_verbatim_copy(name):
    """The demo ships copies of tests/fixtures, byte for byte (big ones gzipped)."""
    original = (FIXTURES / name).read_bytes()
    shipped = Path(recordings.__file__).parent / "data" / name
    if shipped.exists():
        assert shipped.read_bytes() == original
    else:
        packed = shipped.with_name(shipped.name + ".gz")
        assert gzip.decompress(packed.read_bytes()) == original


@pytest.mark.parametrize("size", SIZES)
def test_demo_title_snapshot(snap_compare, size):
    async def before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(
        make_demo_app(refresh_interval=0), terminal_size=SIZES[size], run_before=before
    )


async def test_the_palette_offers_the_demo_and_it_ends_the_app_for_it():
    from buildx_tui.ui.app import BuildxApp
    from tests.fakes import FakeBackend

    app = BuildxApp(FakeBackend(ls_output=recordings.read("local/ls-lab-running.json")))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Demo: the app on recorded output" in titles
        app.unsaved_input = lambda: ["the build form's changes"]  # type: ignore[method-assign]
        app.action_open_demo()
        await pilot.pause()
        assert app.is_running and not app.wants_demo  # not while input would be lost
        app.unsaved_input = lambda: []  # type: ignore[method-assign]
        app.action_open_demo()
        await pilot.pause()
    assert app.wants_demo
    demo = make_demo_app(refresh_interval=0)
    async with demo.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        titles = [c.title for c in demo.get_system_commands(demo.screen)]
        assert "Demo: the app on recorded output" not in titles


async def test_the_other_screens_find_their_recordings_in_the_demo(no_process):
    """About, the build history, and the screens not yet reachable from the builders list (cache,
    a build's replay and timeline) all get recorded answers: none says "not recorded"."""
    from buildx_tui.demo.backend import HISTORY_REFS
    from buildx_tui.ui import navigation as nav
    from buildx_tui.ui.builds.replay import BuildReplayScreen
    from buildx_tui.ui.builds.timeline import BuildTimelineScreen
    from buildx_tui.ui.cache.screen import CacheScreen

    app = make_demo_app(refresh_interval=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.post_message(nav.OpenAbout())
        await wait_until(
            pilot, lambda: getattr(app.screen, "finished", set()) >= {"docker", "buildx", "ls"}
        )
        app.pop_screen()
        app.screen.post_message(nav.OpenBuildHistory())
        await settle(pilot)
        assert type(app.screen).__name__ == "BuildHistoryScreen"
        for screen in (
            CacheScreen("lab-container"),
            BuildReplayScreen("lab-container", HISTORY_REFS["two-platform"]),
            BuildTimelineScreen("lab-container", HISTORY_REFS["failed-arm64"]),
        ):
            await app.push_screen(screen)
            await settle(pilot)
            assert getattr(screen, "problem", None) is None, screen.problem
            app.pop_screen()
            await settle(pilot)
    ran = [c for c in app.backend.calls if c[0] != "buildx" or c[1] != "ls"]
    assert ran  # they asked the backend
    # every command asked had a recording (the not-recorded reply was never given)
    for call in ran:
        assert app.backend.replies.get(call) or app.backend.fallback(call), call


async def test_the_demo_history_belongs_to_the_builder_it_was_recorded_on(no_process):
    """Builds of all builders: replay-rec's recorded records on replay-rec (its node named),
    default's docker-driver limit as recorded, no builds on the lab's others; never the
    recordings listed under another builder."""
    from textual.widgets import DataTable

    from buildx_tui.ui import navigation as nav
    from buildx_tui.ui.builds.screen import BuildsScreen

    app = make_demo_app(refresh_interval=0)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.screen.post_message(nav.OpenBuilds())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BuildsScreen)
        table = screen.query_one(DataTable)
        recorded = recordings.read("local/history-ls-replay.json").splitlines()
        assert table.row_count == len(recorded)
        where = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert where == {"replay-rec/replay-rec0"}
        message = plain(screen.query_one("#builds-message", Static).content)
        assert "default" in message and "history" in message.lower()  # the driver's limit
        assert f"replay-rec: {len(recorded)}" in message
        assert "lab-container: 0" in message and "lab-remote: 0" in message
        app.pop_screen()
        await settle(pilot)
        app.screen.post_message(nav.OpenBuilds("default"))
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 0
