"""Pilot tests of the replayed build: `history logs` recorded on the lab (helpers/replay.py)."""

from __future__ import annotations

import threading

from textual.pilot import Pilot

from buildx_tui.core.builds.logs import lane_steps, logs_argv, replay_text
from buildx_tui.ui.builds.replay import BuildReplayScreen, lane_id
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.help import HelpScreen
from buildx_tui.ui.common.lanes.lane import LaneView
from buildx_tui.ui.common.lanes.step_log import BuildLogScreen
from tests.fakes import fixture
from tests.helpers.render import plain
from tests.helpers.replay import (
    BUILDER,
    MISSING,
    REFS,
    FollowBackend,
    replay_app,
    settle,
)

SIZE = (120, 36)


async def settle_app(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.pause()


async def open_replay(pilot, builder: str, ref: str) -> BuildReplayScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = BuildReplayScreen(builder, ref)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def head(screen: BuildReplayScreen) -> str:
    return plain(screen.query_one("#replay-head").content)


def message(screen: BuildReplayScreen) -> str:
    box = screen.query_one("#replay-message")
    return plain(box.content) if box.display else ""


async def test_replay_draws_the_lanes_of_the_recorded_build() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot, BUILDER, REFS["two-platform"])
        assert app.backend.ran(*logs_argv(BUILDER, REFS["two-platform"]))
        assert screen.snapshot is not None
        expected = replay_text(fixture("local/history-logs-two-platform.stderr"))
        assert lane_steps(screen.snapshot) == lane_steps(expected)
        views = {v.lane_key: v for v in screen.query(LaneView)}
        assert set(views) == {"linux/amd64", "linux/arm64", "shared"}
        for key, view in views.items():
            lane = expected.lane(key)
            assert view.lane is not None and lane is not None
            assert [s.name for s in view.lane.steps] == [s.name for s in lane.steps]
        text = head(screen)
        steps = sum(lane.steps_total for lane in expected.all_lanes)
        assert "✔ completed" in text and f"{steps} steps, 0 cached" in text
        log = screen.query_one(CommandLog)
        entry = log.entries[-1]
        assert entry.state is EntryState.OK
        assert "history logs --builder replay-rec" in entry.command


async def test_failed_build_marks_arm64_and_enter_opens_the_step_log() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot, BUILDER, REFS["failed-arm64"])
        assert "✖ failed" in head(screen)
        arm = screen.query_one(f"#{lane_id('linux/arm64')}", LaneView)
        assert arm.lane is not None and arm.lane.result == "failed"
        screen.set_focus(arm)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BuildLogScreen)
        assert app.screen.step.state == "error"  # the cursor starts on the failed step
        assert any("failing on aarch64" in line.text for line in app.screen.step.logs)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_missing_record_and_no_history_api_are_said() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot, BUILDER, MISSING)
        assert "has no record" in message(screen)
        assert "✖" in message(screen) and "could not replay" in head(screen)
        assert not screen.query_one("#replay-lanes").display
        assert screen.query_one(CommandLog).entries[-1].state is EntryState.FAILED
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_replay(pilot, "default", MISSING)
        assert "no build history" in message(screen) and "history API" in message(screen)
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_replay(pilot, "lab-dead", MISSING)
        assert "could not be reached" in message(screen) and "r: try again" in message(screen)


async def test_a_running_build_is_followed_until_it_ends() -> None:
    lines = fixture("local/history-logs-running.stderr").splitlines()
    gate = threading.Event()
    backend = FollowBackend(tuple(logs_argv(BUILDER, REFS["running"])), lines, gate)
    app = replay_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(pilot)
        screen = BuildReplayScreen(BUILDER, REFS["running"])
        await app.push_screen(screen)
        for _ in range(100):
            await pilot.pause(0.02)
            if screen.snapshot is not None:
                break
        assert screen.snapshot is not None and screen.snapshot.result == "running"
        assert screen.running
        assert "following it until it ends" in head(screen)
        first = screen.snapshot.version
        gate.set()  # the build goes on and ends: the rest of the recorded lines arrive
        await settle(pilot)
        assert not screen.running
        assert screen.snapshot is not None and screen.snapshot.version > first
        assert "✔ completed" in head(screen) and "followed live" in head(screen)
        after = replay_text(fixture("local/history-logs-running-after.stderr"))
        assert lane_steps(screen.snapshot) == lane_steps(after)
        assert screen.query_one(CommandLog).entries[-1].note.startswith("followed")


async def test_leaving_while_following_stops_the_command() -> None:
    lines = fixture("local/history-logs-running.stderr").splitlines()
    gate = threading.Event()
    backend = FollowBackend(tuple(logs_argv(BUILDER, REFS["running"])), lines, gate)
    cancelled: list[object] = []

    def cancel(token: object) -> bool:
        cancelled.append(token)
        gate.set()
        return True

    backend.cancel = cancel  # type: ignore[method-assign]
    app = replay_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle_app(pilot)
        screen = BuildReplayScreen(BUILDER, REFS["running"])
        await app.push_screen(screen)
        for _ in range(100):
            await pilot.pause(0.02)
            if screen.snapshot is not None:
                break
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen
        assert screen.follower is not None
        assert cancelled == [screen.follower.token] == backend.tokens


async def test_reload_runs_the_command_again_and_help_lists_keys() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_replay(pilot, BUILDER, REFS["cached"])
        argv = tuple(logs_argv(BUILDER, REFS["cached"]))
        assert app.backend.calls.count(argv) == 1
        await pilot.press("r")
        await settle(pilot)
        assert app.backend.calls.count(argv) == 2
        assert len(screen.query_one(CommandLog).entries) == 2
        assert "completed" in head(screen)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)


async def _lane_titles(backend, builder: str, ref: str, node: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    from tests.helpers.replay import replay_app as make_app

    async with make_app(backend).run_test(size=(140, 40)) as pilot:
        await settle_app(pilot)
        screen = BuildReplayScreen(builder, ref, name="ctx", node=node)
        await pilot.app.push_screen(screen)
        await settle_app(pilot)
        head = plain(screen.query_one("#replay-head").content)
        assert head.startswith("Build ctx (") and f"on {builder}/{node}" in head
        return {v.lane_key: str(v.border_title) for v in screen.query(LaneView)}


async def test_lane_badges_come_from_the_node_that_ran_the_record():
    from tests.helpers.replay import B2, B2_REFS, b2_backend

    titles = await _lane_titles(b2_backend(), B2, B2_REFS["amd"], "b2-rec-amd")
    assert "linux/amd64 · native · on b2-rec-amd" in titles["linux/amd64"]
    titles = await _lane_titles(b2_backend(), B2, B2_REFS["arm"], "b2-rec-arm")
    assert "linux/arm64 · QEMU · on b2-rec-arm" in titles["linux/arm64"]


async def test_a_gone_node_or_an_unread_list_says_unknown():
    from tests.fakes import Reply
    from tests.helpers.replay import B2, B2_REFS, b2_backend

    gone = b2_backend()  # b2-rec listed, but not the node named
    titles = await _lane_titles(gone, B2, B2_REFS["arm"], "b2-rec-old")
    assert "unknown: node gone" in titles["linux/arm64"]
    failed = b2_backend()  # `buildx ls` failed: nothing is known, nothing is said gone
    failed.ls_reply = Reply(1, "", "ERROR: Cannot connect to the Docker daemon")
    titles = await _lane_titles(failed, B2, B2_REFS["arm"], "b2-rec-arm")
    assert "native/QEMU unknown" in titles["linux/arm64"]
    assert "gone" not in titles["linux/arm64"] and "QEMU ·" not in titles["linux/arm64"]
