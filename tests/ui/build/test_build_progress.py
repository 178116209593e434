"""Pilot tests of the live build screen, replaying recorded real rawjson streams."""

from __future__ import annotations

import asyncio
import gc
import json

import pytest
from textual.screen import Screen
from textual.widgets import Log, Static

from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import parse_ls_json
from buildx_tui.ui.build.progress import BuildProgressScreen, lane_id
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.lanes.lane import LaneView
from buildx_tui.ui.common.lanes.step_log import BuildLogScreen
from buildx_tui.ui.inspect.screen import InspectorScreen
from tests.fakes import fixture
from tests.helpers.build_backend import (
    META,
    MULTI,
    BuildBackend,
    BuildReply,
    build_key,
    push_spec,
    seedtest,
)
from tests.helpers.build_scenes import make_app
from tests.helpers.render import plain

SIZE = (120, 36)
pytestmark = pytest.mark.usefixtures("frozen_build_clock")


DIGEST = "sha256:494a0d7fb5a541b6e3471602a476e6cd13250e2451ff1479f2607497e1185aef"


def lane_text(screen, key: str) -> str:
    view = screen.query_one(f"#{lane_id(key)}", LaneView)
    return plain(view.render(), view.content_size.width)


def summary_text(screen) -> str:
    return plain(screen.query_one("#build-summary", Static).content)


async def start(pilot, app, spec, history, builder=None) -> BuildProgressScreen:
    await pilot.pause()
    screen = BuildProgressScreen(spec, builder=builder or seedtest())
    app.push_screen(screen)
    await pilot.pause()
    return screen


async def until(pilot, predicate, timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached"
        await pilot.pause(0.02)


async def finish(pilot, app, screen) -> None:
    await until(pilot, lambda: screen.outcome is not None)
    await app.workers.wait_for_complete()
    await pilot.pause()


def backend_for(spec, reply: BuildReply) -> BuildBackend:
    return BuildBackend(builds={build_key(spec): reply})


# -- mid-build ------------------------------------------------------------------------------------


async def test_lanes_mid_build_one_per_platform_plus_shared(history):
    spec = push_spec()
    reply = BuildReply(MULTI, 0, META, pause_after=44)  # both RUN steps started, amd64 done
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await until(pilot, lambda: screen.snapshot is not None and screen.snapshot.lines == 44)
        await pilot.pause(0.1)
        views = [v.lane_key for v in screen.query(LaneView)]
        assert views == ["linux/amd64", "linux/arm64", "shared"]
        amd, arm, shared = (lane_text(screen, k) for k in views)
        assert "⟳ 3/4 steps" in amd and "✔   2/3 RUN echo" in amd
        assert "arch=amd64 uname=x86_64" in amd  # the tail of its log
        assert "⟳ 2/4 steps · 2.1s on 2/3" in arm
        assert "⟳   2/3 RUN echo" in arm and "2.1s…" in arm
        assert "⟳ 3/3 steps" in shared  # its steps are done; export and push are still to come
        view = screen.query_one(f"#{lane_id('linux/arm64')}", LaneView)
        assert view.border_title == "linux/arm64 · QEMU"
        assert screen.query_one(f"#{lane_id('linux/amd64')}", LaneView).border_title == (
            "linux/amd64 · native"
        )
        head = plain(screen.query_one("#build-head", Static).content)
        assert "⟳ building 127.0.0.1:5000/demo:1 · 2 platforms on seedtest" in head
        assert "8/11 steps" in head
        assert not screen.query_one("#build-summary").display
        assert screen.outcome is None
        bindings = {b.binding.action for b in app.active_bindings.values()}
        assert "cancel_build" in bindings and "rerun" not in bindings
        await pilot.press("escape")  # leaving is refused while it runs
        assert app.screen is screen
        reply.gate.set()
        await finish(pilot, app, screen)


async def test_a_crash_of_the_build_thread_is_told_and_the_screen_can_be_left(history):
    spec = push_spec()
    backend = backend_for(spec, BuildReply(MULTI, 0, META))

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    backend.run = broken  # type: ignore[method-assign]
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await until(pilot, lambda: screen.crashed)
        await pilot.pause()
        assert any("The build could not run: boom" in str(n.message) for n in app._notifications)
        entry = screen.query_one(CommandLog).entries[-1]
        assert entry.state is EntryState.FAILED
        await pilot.press("escape")
        assert app.screen is not screen
    assert gc.get_freeze_count() == 0  # run() froze it before the exception: thawed again


async def test_help_lists_the_build_keys_and_the_lane_legend(history):
    from buildx_tui.ui.build.help import BuildProgressHelp

    spec = push_spec()
    reply = BuildReply(MULTI, 0, META, pause_after=44)
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await until(pilot, lambda: screen.snapshot is not None)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, BuildProgressHelp)
        keys = plain(app.screen.query_one("#help-keys", Static).content)
        assert "Cancel build" in keys and "Open log" in keys and "Step up" in keys
        legend = plain(app.screen.query_one("#help-legend", Static).content)
        assert "cached" in legend and "slower than native" in legend
        await pilot.press("escape")
        assert app.screen is screen and screen.running  # the build went on meanwhile
        reply.gate.set()
        await finish(pilot, app, screen)


async def test_worker_coalesces_updates_and_ends_on_the_parsers_final_state(history):
    spec = push_spec()
    app = make_app(backend_for(spec, BuildReply(MULTI, 0, META)))
    posted: list[int] = []
    async with app.run_test(
        size=SIZE,
        message_hook=lambda m: (
            posted.append(1) if isinstance(m, BuildProgressScreen.Progress) else None
        ),
    ) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        outcome = screen.outcome
        assert outcome is not None
        assert outcome.lines == 66
        # 66 lines delivered in one burst: one update (plus a trailing flush), never one per line.
        assert 1 <= outcome.posts <= 3
        assert len(posted) == outcome.posts
        assert screen.snapshot is outcome.snapshot
        assert outcome.snapshot.result == "success"


# -- a failed platform ----------------------------------------------------------------------------


async def test_failure_in_one_platform_shows_in_that_lane_only(history):
    spec = push_spec(tags=("127.0.0.1:5000/demo:fail",), no_cache=True)
    app = make_app(backend_for(spec, BuildReply("buildx/build-onefails-rawjson.stderr", 1)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        amd, arm = lane_text(screen, "linux/amd64"), lane_text(screen, "linux/arm64")
        assert "✔ 5/5 steps" in amd and "✖" not in amd and "fail" not in amd.split("\n", 1)[0]
        assert "✖ failed at 3/4" in arm
        assert "✖   3/4 RUN test" in arm
        assert "this step fails on arm64" in arm  # its log, not the other lane's
        assert 'process "/bin/sh -c test' in arm  # the step's error
        arm_view = screen.query_one(f"#{lane_id('linux/arm64')}", LaneView)
        assert arm_view.has_class("-failed")
        assert not screen.query_one(f"#{lane_id('linux/amd64')}", LaneView).has_class("-failed")
        summary = summary_text(screen)
        assert "✖ Build failed after 2.7s (exit 1)" in summary
        assert '3/4 RUN test "arm64" = amd64' in summary
        assert "exit code: 3" in summary
        [entry] = [e for e in screen.query_one(CommandLog).entries]
        assert entry.state is EntryState.FAILED
        [saved] = history.load()
        assert saved.result == "failed"
        assert [(lane.platform, lane.result) for lane in saved.lanes] == [
            ("linux/amd64", "success"),
            ("linux/arm64", "failed"),
        ]
        assert saved.lanes[1].failed_step.startswith("3/4 RUN test")


async def test_a_builder_gone_mid_build_is_said_not_called_cancelled(history):
    """Issue #11 item 19: the builder's BuildKit went away under a running build (its container
    killed: what the CLI sees when the engine under it stops). Nobody cancelled: the lanes say
    stopped, the summary says the builder went away, the history records no cancel."""
    spec = push_spec()
    reply = BuildReply("local/interrupt-container-killed-rawjson.stderr", 1)
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        for key in ("linux/amd64", "linux/arm64"):
            text = lane_text(screen, key)
            assert "⊘ stopped" in text and "cancel" not in text, text
            view = screen.query_one(f"#{lane_id(key)}", LaneView)
            assert view.has_class("-stopped") and not view.has_class("-cancelled")
        summary = summary_text(screen)
        assert "✖ Build failed" in summary
        table = summary.split("The builder went away")[0]
        assert "cancelled" not in table and table.count("⊘ stopped") >= 2, table
        assert "The builder went away in the middle of the build" in summary
        assert "Nobody cancelled it" in summary
        [saved] = history.load()
        assert saved.result == "failed"
        assert {lane.result for lane in saved.lanes if lane.platform.startswith("linux/")} == {
            "stopped"
        }


async def test_a_cancel_is_still_called_cancelled(history):
    """The other side of the rule above: when the user cancels, the lanes say cancelled."""
    spec = push_spec()
    reply = BuildReply("buildx/build-cancelled-rawjson.stderr", 130)
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        lanes = [v for v in screen.query(LaneView) if v.lane and v.lane.kind == "platform"]
        assert lanes and all(v.has_class("-cancelled") for v in lanes)
        assert all("⊘ cancelled" in plain(v.render(), v.content_size.width) for v in lanes)


async def test_a_push_from_one_node_per_platform_names_its_tags_and_nodes(history):
    """Issue #11 item 6 (seed 002): a builder with a node per platform. buildx's metadata file
    then holds only the index digest: the pushed reference comes from the tags given and that
    digest, `i` opens it; each lane says which node built its platform (the node it is pinned
    on: `history ls` recorded one record per node)."""
    pinned = {
        "multinode-rec": {
            "multinode-rec-amd": ["linux/amd64"],
            "multinode-rec-arm": ["linux/arm64"],
        }
    }
    builder = parse_ls_json(fixture("local/multinode-ls.json"), pinned).get("multinode-rec")
    assert builder is not None
    nodes = {
        json.loads(line)["ref"].split("/")[1]
        for line in fixture("local/multinode-history-ls.json").splitlines()
    }
    assert nodes == {"multinode-rec-amd", "multinode-rec-arm"}  # one record per node
    spec = BuildSpec(
        builder="multinode-rec",
        platforms=("linux/amd64", "linux/arm64"),
        tags=("127.0.0.1:5000/multinode-rec:1",),
        output=Output.PUSH,
    )
    reply = BuildReply(
        "local/multinode-push-rawjson.stderr", 0, "local/multinode-push.metadata.json"
    )
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history, builder=builder)
        await finish(pilot, app, screen)
        digest = json.loads(fixture("local/multinode-push.metadata.json"))["containerimage.digest"]
        reference = f"127.0.0.1:5000/multinode-rec@{digest}"
        assert screen.outcome is not None
        assert screen.outcome.outputs.reference == reference
        assert "pushed  127.0.0.1:5000/multinode-rec:1" in summary_text(screen)
        amd = screen.query_one(f"#{lane_id('linux/amd64')}", LaneView)
        arm = screen.query_one(f"#{lane_id('linux/arm64')}", LaneView)
        assert str(amd.border_title).endswith("on multinode-rec-amd")
        assert str(arm.border_title).endswith("on multinode-rec-arm")
        await pilot.press("i")
        await pilot.pause()
        inspector = app.screen
        assert isinstance(inspector, InspectorScreen)
        assert inspector.initial == reference


async def test_a_short_screens_lanes_show_every_step_whatever_the_timing(history):
    """At 80x24 the screen scrolls as a page and each lane takes the rows it wants (height:
    auto). Counted from its current height, a lane had two heights to settle on, and the end
    of a build showed one or the other: rows made for 6 lines in 7, the last one blank."""
    spec = push_spec(no_cache=True)
    app = make_app(backend_for(spec, BuildReply("buildx/build-onefails-rawjson.stderr", 1)))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        await pilot.pause()
        for key in ("linux/amd64", "linux/arm64"):
            view = screen.query_one(f"#{lane_id(key)}", LaneView)
            assert view.lane is not None
            height = view.content_size.height
            shown = [view.render_line(y).text for y in range(height)]
            assert height == len(view.lines(natural=True)), shown
            assert shown[-1].strip(), shown  # no blank row left under the rows made
            assert "earlier" not in "\n".join(shown), shown  # every step, none scrolled off
            names = [s.name for s in view.lane.steps]
            assert all(any(n[:12] in row for row in shown) for n in names), (names, shown)


async def test_full_log_of_a_step_opens_from_its_lane(history):
    spec = push_spec(no_cache=True)
    app = make_app(backend_for(spec, BuildReply("buildx/build-onefails-rawjson.stderr", 1)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        screen.query_one(f"#{lane_id('linux/arm64')}", LaneView).focus()
        await pilot.pause()
        await pilot.press("enter")  # the cursor starts on the failed step
        await pilot.pause()
        log_screen = app.screen
        assert isinstance(log_screen, BuildLogScreen)
        assert log_screen.step.name.startswith('RUN test "arm64"')
        assert list(log_screen.query_one(Log).lines) == ["this step fails on arm64"]
        await pilot.press("escape")
        await pilot.press("up", "enter")  # 2/4 RUN echo
        await pilot.pause()
        assert isinstance(app.screen, BuildLogScreen)
        assert list(app.screen.query_one(Log).lines) == ["arch=arm64 uname=aarch64"]


# -- the summary ----------------------------------------------------------------------------------


async def test_summary_digest_reference_and_inspector(history, monkeypatch):
    spec = push_spec()
    app = make_app(backend_for(spec, BuildReply(MULTI, 0, META)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        summary = summary_text(screen)
        assert "✔ Build succeeded in 2.7s" in summary
        assert f"digest  {DIGEST}  OCI image index" in summary
        assert "pushed  127.0.0.1:5000/demo:1   i: inspect the manifest" in summary
        rows = {line.split()[0]: line for line in summary.splitlines() if line.startswith("linux/")}
        assert rows["linux/amd64"].split()[1:5] == ["✔", "success", "2.2s", "4/4"]
        assert "(QEMU)" in rows["linux/arm64"] and "\u00d71.0" in rows["linux/arm64"]
        assert screen.outcome is not None
        assert screen.outcome.outputs.reference == f"127.0.0.1:5000/demo@{DIGEST}"
        [saved] = history.load()
        assert (saved.result, saved.outputs.digest, saved.duration_s) == ("success", DIGEST, 2.7)
        assert saved.command == (
            "docker buildx build --builder seedtest --platform linux/amd64,linux/arm64 "
            "-t 127.0.0.1:5000/demo:1 --push ."
        )
        # i asks the app for the inspector on the pushed digest (ui/navigation.py).
        pushed = []
        import buildx_tui.ui.inspect.screen as inspector

        class FakeInspector(Screen[None]):
            def __init__(self, reference=None) -> None:
                pushed.append(reference)
                super().__init__()

        monkeypatch.setattr(inspector, "InspectorScreen", FakeInspector)
        await pilot.press("i")
        await pilot.pause()
        assert pushed == [f"127.0.0.1:5000/demo@{DIGEST}"]


async def test_cache_only_build_has_no_inspect_key(history):
    spec = push_spec(output=Output.CACHE, tags=())
    app = make_app(backend_for(spec, BuildReply(MULTI, 0, None)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        bindings = {b.binding.action for b in app.active_bindings.values()}
        assert "inspect" not in bindings and "rerun" in bindings
        assert "digest" not in summary_text(screen)


async def test_collector_is_given_back_its_objects_after_the_summary(history, monkeypatch):
    import buildx_tui.ui.build.progress as build_progress

    monkeypatch.setattr(build_progress, "GC_RELEASE_S", 0.05)
    spec = push_spec()
    app = make_app(backend_for(spec, BuildReply(MULTI, 0, META)))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        # The build froze the collector (full collections stay short during the stream) and
        # the screen thaws it once the summary is up, not in the middle of the last frames.
        await until(pilot, lambda: gc.get_freeze_count() == 0)
        assert "digest" in summary_text(screen)


async def test_four_platforms_grid_and_slowdown_column(history):
    plats = ("linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386")
    spec = push_spec(platforms=plats, tags=("127.0.0.1:5000/four:1",), no_cache=True)
    reply = BuildReply(
        "buildx/build-4platform-rawjson.stderr",
        0,
        "buildx/build-metadata-file-4platform.metadata.json",
    )
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        assert [v.lane_key for v in screen.query(LaneView)] == [*plats, "shared"]
        grid = screen.query_one("#lanes")
        assert grid.styles.grid_size_columns == 3 and grid.styles.grid_size_rows == 2
        rows = {
            line.split()[0]: line
            for line in summary_text(screen).splitlines()
            if line.startswith("linux/")
        }
        # linux/386 runs natively on x86-64: no slowdown figure; the QEMU lanes have one.
        assert "\u00d7" not in rows["linux/386"] and "\u00d7" not in rows["linux/amd64"]
        assert "\u00d71.0" in rows["linux/arm/v7"] and "(QEMU)" in rows["linux/arm/v7"]


# -- cancel ---------------------------------------------------------------------------------------


async def test_cancel_stops_the_build_and_says_so(history):
    spec = push_spec(tags=("127.0.0.1:5000/demo:cancel",), no_cache=True)
    reply = BuildReply("buildx/build-cancelled-rawjson.stderr", 130, pause_after=20)
    backend = backend_for(spec, reply)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await until(pilot, lambda: screen.snapshot is not None and screen.snapshot.lines == 20)
        await pilot.press("c")
        await finish(pilot, app, screen)
        outcome = screen.outcome
        assert outcome is not None and outcome.cancelled
        assert outcome.snapshot.result == "cancelled"
        summary = summary_text(screen)
        assert "⊘ Build cancelled after 5.1s — docker buildx ended (exit 130)" in summary
        # The summary says it on the screen in view: no toast over the lanes repeating it.
        assert not any("Build cancelled" in str(n.message) for n in app._notifications)
        [entry] = screen.query_one(CommandLog).entries
        assert entry.state is EntryState.CANCELLED
        assert "⊘" in lane_text(screen, "linux/amd64")
        [saved] = history.load()
        assert saved.result == "cancelled" and saved.exit_code == 130


async def test_leaving_the_app_mid_build_cancels_it(history):
    spec = push_spec()
    reply = BuildReply(MULTI, 0, META, pause_after=10)
    backend = backend_for(spec, reply)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await until(pilot, lambda: screen.snapshot is not None)
        token = screen.runner.token
    await asyncio.sleep(0.3)
    assert id(token) in backend._cancelled  # the build was told to stop: no orphan left


# -- rerun, auth ----------------------------------------------------------------------------------


async def test_run_again_runs_the_same_argv(history):
    spec = push_spec()
    backend = backend_for(spec, BuildReply(MULTI, 0, META))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        await pilot.press("r")
        await pilot.pause()
        again = app.screen
        assert isinstance(again, BuildProgressScreen) and again is not screen
        await finish(pilot, app, again)
        builds = [c for c in backend.calls if c[:2] == ("buildx", "build")]
        assert builds == [build_key(spec), build_key(spec)]
        assert len(history.load()) == 2


async def test_registry_auth_failure_offers_login(history, tmp_path):
    # Synthetic (not a recording): the lab registry has no auth. One text line, as buildx ends.
    stream = tmp_path / "auth.stderr"
    stream.write_text(
        "ERROR: failed to build: failed to solve: failed to push 127.0.0.1:5000/demo:1: "
        "failed to authorize: failed to fetch oauth token: unexpected status: 401 Unauthorized\n"
    )
    spec = push_spec()
    reply = BuildReply(str(stream), 1)
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        assert (
            "The registry 127.0.0.1:5000 refused: it needs credentials. L: log in"
            in summary_text(screen)
        )
        await pilot.press("L")
        await pilot.pause()
        from buildx_tui.ui.common.login import LoginScreen

        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#login-registry").value == "127.0.0.1:5000"


async def test_build_without_platforms_gets_a_default_lane_from_the_stream(history):
    # Recorded on the lab: no --platform, so BuildKit names steps without a platform prefix.
    spec = push_spec(
        platforms=(), tags=(), output=Output.CACHE, no_cache=True, builder="lab-container"
    )
    reply = BuildReply("local/build-single-default-rawjson.stderr", 0)
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        assert [v.lane_key for v in screen.query(LaneView)] == ["default", "shared"]
        default = lane_text(screen, "default")
        assert "✔ 3/3 steps · 1 cached" in default
        assert "✔   2/2 RUN echo" in default
        assert "single-platform build: x86_64" in default
        assert screen.query_one("#lanes").styles.grid_size_columns == 2
        assert "Build succeeded" in summary_text(screen)


async def test_refused_build_says_why_and_how_to_fix(history):
    # buildx refuses before building: its stderr is the plain-text error only (recorded).
    spec = push_spec(builder="default")
    reply = BuildReply("buildx/build-docker-driver-multiplatform.stderr", 1)
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await finish(pilot, app, screen)
        summary = summary_text(screen)
        assert "✖ Build failed" in summary
        assert "Multi-platform build is not supported for the docker driver" in summary
        assert "fix     The docker driver builds one platform at a time" in summary


async def test_open_step_log_follows_the_running_step(history):
    spec = push_spec()
    reply = BuildReply(MULTI, 0, META, pause_after=44)
    app = make_app(backend_for(spec, reply))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot, app, spec, history)
        await until(pilot, lambda: screen.snapshot is not None and screen.snapshot.lines == 44)
        await pilot.pause(0.1)
        screen.query_one(f"#{lane_id('linux/arm64')}", LaneView).focus()
        await pilot.pause()
        await pilot.press("enter")  # the cursor starts on the running step
        await pilot.pause()
        log_screen = app.screen
        assert isinstance(log_screen, BuildLogScreen)
        assert log_screen.step.state == "running"
        assert list(log_screen.query_one(Log).lines) == ["arch=arm64 uname=aarch64"]
        reply.gate.set()
        await until(pilot, lambda: screen.outcome is not None)
        await pilot.pause()
        assert log_screen.step.state == "done"  # followed to the end, lines not repeated
        assert list(log_screen.query_one(Log).lines) == ["arch=arm64 uname=aarch64"]
        # The build's summary is covered by the log: its end is told in a notification.
        said = [str(n.message) for n in app._notifications]
        assert any(m.startswith("Build succeeded in") for m in said), said
