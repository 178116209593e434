"""Pilot tests of issue #11's build messages: what is known to fail is asked about before the
build (item 8: a registry on the loopback address of a builder with its own network), and the
Dockerfile check warnings of a real rawjson stream are shown in the lanes and the summary
(item 9)."""

from __future__ import annotations

import pytest
from textual.widgets import RadioButton, Static

from buildx_tui.core.builders import Builder, Node, NodeStatus
from buildx_tui.ui.build.confirm import BuildConfirmScreen
from tests.helpers.build_backend import TWO, form_backend
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
        await pilot.pause()
        assert isinstance(app.screen, BuildConfirmScreen)
        said = plain(app.screen.query_one(Static).content)
        assert "buildx runs it, but it is known to fail:" in said
        assert "buildx will probably refuse" not in said
        assert "--driver-opt network=host" in said
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and builds_run(backend) == []
