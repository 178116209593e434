"""Issue #11 items 8 and 9 against the real lab: a docker-container builder without
network=host is warned before it pushes to the registry on 127.0.0.1 and the failure is then
explained; a Dockerfile check warning (FromAsCasing) reaches the shared lane and the summary.

The builder made here is `msg-e2e-bridge-<random>`, removed at the end; images go to the lab
registry under `build-e2e-msg-*` names.
"""

from __future__ import annotations

import uuid

from textual.widgets import Input, RadioButton, Static

from buildx_tui.core.build.history import History
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.confirm import BuildConfirmScreen
from buildx_tui.ui.build.progress import BuildProgressScreen, lane_id
from buildx_tui.ui.common.lanes.lane import LaneView
from tests.helpers.e2e_build import SIZE, context, open_form, wait_build
from tests.helpers.e2e_lab import client_for
from tests.helpers.render import plain

from .conftest import Lab


async def test_push_to_loopback_from_a_bridged_builder_warned_then_explained(lab: Lab, tmp_path):
    name = f"msg-e2e-bridge-{uuid.uuid4().hex[:6]}"
    made = lab.docker("buildx", "create", "--name", name, "--driver", "docker-container")
    assert made.returncode == 0, made.stderr
    try:
        ctx = context(tmp_path, "FROM scratch\nCOPY Dockerfile /\n")
        image = f"{lab.registry}/build-e2e-msg-{uuid.uuid4().hex[:8]}:1"
        app = BuildxApp(client_for(lab), refresh_interval=0, history=History(tmp_path / "data"))
        async with app.run_test(size=SIZE) as pilot:
            form = await open_form(pilot, app, name)
            form.query_one("#context", Input).value = str(ctx)
            form.query_one("#tags", Input).value = image
            form.query_one("#out-push", RadioButton).value = True
            await pilot.pause()
            checks = plain(form.query_one("#checks", Static).content)
            assert f"⚠ will fail: {name} runs BuildKit in a container with its own network" in (
                " ".join(checks.split())
            )
            await pilot.press("ctrl+b")
            await pilot.pause()
            assert isinstance(app.screen, BuildConfirmScreen)
            await pilot.press("y")  # build anyway: see what really happens
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BuildProgressScreen)
            await wait_build(pilot, screen)
            outcome = screen.outcome
            assert outcome is not None and outcome.snapshot.result == "failed"
            assert "connect: connection refused" in outcome.error_text
            summary = " ".join(plain(screen.query_one("#build-summary", Static).content).split())
            assert f"is the loopback address: inside {name}'s container" in summary
            assert "--driver-opt network=host" in summary
    finally:
        lab.docker("buildx", "rm", name)


async def test_dockerfile_check_warning_in_the_shared_lane_and_summary(lab: Lab, tmp_path):
    ctx = context(tmp_path, "FROM busybox as base\nRUN true\n")
    app = BuildxApp(client_for(lab), refresh_interval=0, history=History(tmp_path / "data"))
    async with app.run_test(size=(160, 50)) as pilot:
        form = await open_form(pilot, app, "lab-container")
        form.query_one("#context", Input).value = str(ctx)
        form.query_one("#out-cache", RadioButton).value = True
        await pilot.pause()
        await pilot.press("ctrl+b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BuildProgressScreen)
        await wait_build(pilot, screen)
        assert screen.outcome is not None and screen.outcome.snapshot.result == "success"
        view = screen.query_one(f"#{lane_id('shared')}", LaneView)
        shared = plain(view.render(), view.content_size.width)
        assert "⚠ 1 warning" in shared and "⚠ FromAsCasing" in shared
        summary = plain(screen.query_one("#build-summary", Static).content)
        assert "Dockerfile:1  FROM busybox as base" in summary
