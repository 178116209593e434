"""Pilot tests of issue #11's build messages: what is known to fail is asked about before the
build (item 8: a registry on the loopback address of a builder with its own network), and the
Dockerfile check warnings of a real rawjson stream are shown in the lanes and the summary
(item 9)."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Log, RadioButton, Static

from buildx_tui.core.build.spec import BuildSpec
from buildx_tui.core.builders import Builder, Node, NodeStatus
from buildx_tui.ui.build.confirm import BuildConfirmScreen
from buildx_tui.ui.build.progress import BuildProgressScreen, lane_id
from buildx_tui.ui.common.lanes.lane import LaneView
from buildx_tui.ui.common.lanes.step_log import BuildLogScreen
from tests.helpers.build_backend import (
    TWO,
    BuildBackend,
    BuildReply,
    build_key,
    form_backend,
    lab_builders,
)
from tests.helpers.build_form import SIZE, builds_run, open_form, text, type_into
from tests.helpers.build_scenes import make_app
from tests.helpers.render import plain

pytestmark = pytest.mark.usefixtures("frozen_build_clock")


def bridge() -> Builder:
    """Like msg-bridge on the lab: docker-container without --driver-opt network=host."""
    node = Node("msg-bridge0", "unix:///var/run/docker.sock", NodeStatus.RUNNING, platforms=TWO)
    return Builder("msg-bridge", "docker-container", nodes=(node,))


async def test_push_to_loopback_from_a_bridged_builder_is_asked_about(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, bridge())
        await type_into(pilot, screen, "#tags", "127.0.0.1:5000/app:1")
        screen.query_one("#out-push", RadioButton).value = True
        await pilot.pause()
        checks = text(app, "#checks")
        assert "⚠ will fail: msg-bridge runs BuildKit in a container with its own network" in checks
        assert "the push to 127.0.0.1:5000 will fail (connection refused)" in checks
        assert "buildx will refuse" not in checks and "ready to build" not in checks
        await pilot.press("ctrl+b")
        await app.workers.wait_for_complete()  # the push pre-flight (each tag's registry)
        await pilot.pause()
        assert isinstance(app.screen, BuildConfirmScreen)
        said = plain(app.screen.query_one(Static).content)
        assert "buildx runs it, but it is known to fail:" in said
        assert "buildx will probably refuse" not in said
        assert "--driver-opt network=host" in said
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and builds_run(backend) == []


# -- item 9: Dockerfile check warnings, and a finished step without output ----------------------

WARNED = "local/msg-build-warning-rawjson.stderr"  # FROM busybox as base, two platforms


def lane_text(screen, key: str) -> str:
    view = screen.query_one(f"#{lane_id(key)}", LaneView)
    return plain(view.render(), view.content_size.width)


async def build_to_the_end(pilot, app, spec: BuildSpec) -> BuildProgressScreen:
    await pilot.pause()
    screen = BuildProgressScreen(spec, builder=lab_builders()["lab-container"])
    app.push_screen(screen)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while screen.outcome is None:
        assert loop.time() < deadline, "the build did not end"
        await pilot.pause(0.02)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_dockerfile_warning_shown_in_its_lane_and_the_summary(history):
    spec = BuildSpec(builder="lab-container", platforms=TWO)
    app = make_app(BuildBackend(builds={build_key(spec): BuildReply(WARNED, 0)}))
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await build_to_the_end(pilot, app, spec)
        # BuildKit attaches Dockerfile checks to "load build definition": the shared lane.
        shared = lane_text(screen, "shared")
        assert "⚠ 1 warning" in shared
        assert "⚠ FromAsCasing: 'as' and 'FROM' keywords' casing" in shared  # cut to the lane
        for platform in TWO:
            assert "FromAsCasing" not in lane_text(screen, platform)
        summary = plain(screen.query_one("#build-summary", Static).content)
        assert "warning ⚠ FromAsCasing: 'as' and 'FROM' keywords' casing do not match" in summary
        assert "Dockerfile:1  FROM busybox as base" in summary
        assert "The 'as' keyword should match the case of the 'from' keyword" in summary
        assert "https://docs.docker.com/go/dockerfile/rule/from-as-casing/" in summary


async def test_a_finished_step_without_output_says_no_output(history):
    spec = BuildSpec(builder="lab-container", platforms=TWO)
    app = make_app(BuildBackend(builds={build_key(spec): BuildReply(WARNED, 0)}))
    async with app.run_test(size=SIZE) as pilot:
        screen = await build_to_the_end(pilot, app, spec)
        assert screen.snapshot is not None
        step = next(s for s in screen.snapshot.shared.steps if not s.logs)
        assert step.finished
        app.push_screen(BuildLogScreen("shared", step))
        await pilot.pause()
        log = app.screen.query_one("#step-log", Log)
        assert list(log.lines) == ["(no output)"]


# -- item 11: --build-arg NAME without a value, in the form ----------------------------------


async def test_bare_build_arg_says_where_its_value_comes_from(history, context, monkeypatch):
    monkeypatch.setenv("MSG_SET", "a-secret-value")
    monkeypatch.delenv("MSG_UNSET", raising=False)
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        await type_into(pilot, screen, "#build-args", "MSG_SET\nMSG_UNSET")
        checks = text(app, "#checks")
        assert "• --build-arg MSG_SET: buildx takes the value of MSG_SET from its environment" in (
            checks
        )
        assert "a-secret-value" not in checks
        assert "• --build-arg MSG_UNSET: MSG_UNSET is not set in the environment" in checks
