"""The build launcher against the real lab: what the app shows is what buildx and the registry say.

Each build is tiny (busybox, a second of work) and pushes only to the lab registry under
`build-e2e-<random>` names. The digest shown is checked against the registry's bytes (skopeo); a
failing arm64 step must show in the arm64 lane only; cancel must leave no buildx process behind.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import shutil
import subprocess
import time
import uuid

import pytest
from textual.widgets import Checkbox, Input, RadioButton, Static

from buildx_tui.core.build.history import History
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder
from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.common.login import LoginScreen
from buildx_tui.ui.common.platform_picker import checkbox_id
from tests.helpers.e2e_build import SIZE, context, open_form, wait_build
from tests.helpers.e2e_lab import client_for, wait_for
from tests.helpers.render import plain

from .conftest import Lab

TWO = ("linux/amd64", "linux/arm64")


def lab_builder(client: BuildxClient, name: str) -> Builder:
    refresh = client.list_builders()
    assert refresh.ls is not None, refresh.problem
    builder = refresh.ls.get(name)
    assert builder is not None, f"no builder {name} in the lab"
    return builder


def repo(lab: Lab, what: str) -> str:
    return f"{lab.registry}/build-e2e-{what}-{uuid.uuid4().hex[:8]}"


def registry_digest(lab: Lab, reference: str) -> str:
    """sha256 of the manifest bytes the registry serves (skopeo, not our code)."""
    skopeo = shutil.which("skopeo")
    assert skopeo is not None, "skopeo is needed to read the registry independently"
    raw = subprocess.run(
        [skopeo, "inspect", "--raw", "--tls-verify=false", f"docker://{reference}"],
        capture_output=True,
        timeout=60,
        check=True,
        stdin=subprocess.DEVNULL,
    ).stdout
    return "sha256:" + hashlib.sha256(raw).hexdigest()


# -- a two-platform build pushed to the registry, driven through the form -------------------------


async def test_two_platform_push_lanes_finish_and_digest_matches_registry(lab: Lab, tmp_path):
    ctx = context(
        tmp_path,
        'FROM busybox\nARG TARGETARCH\nRUN echo "arch=$TARGETARCH uname=$(uname -m)" && sleep 1\n',
    )
    image = repo(lab, "push") + ":1"
    history = History(tmp_path / "data")
    client = client_for(lab)
    app = BuildxApp(client, refresh_interval=0, history=history)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "lab-container")
        form.query_one("#context", Input).value = str(ctx)
        form.query_one("#tags", Input).value = image
        for name in TWO:
            form.query_one("#" + checkbox_id(name), Checkbox).value = True
        form.query_one("#out-push", RadioButton).value = True
        form.query_one("#no-cache", Checkbox).value = True
        await pilot.pause()
        assert form.spec == BuildSpec(
            builder="lab-container",
            context=str(ctx),
            tags=(image,),
            platforms=TWO,
            output=Output.PUSH,
            no_cache=True,
        )
        await pilot.press("ctrl+b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BuildProgressScreen)
        await wait_build(pilot, screen)

        outcome = screen.outcome
        assert outcome is not None
        assert outcome.result.returncode == 0, outcome.result.stderr[-2000:]
        snap = outcome.snapshot
        assert snap.result == "success"
        lanes = {lane.key: lane for lane in snap.lanes}
        assert set(lanes) == set(TWO)
        for key, arch in (("linux/amd64", "x86_64"), ("linux/arm64", "aarch64")):
            lane = lanes[key]
            assert lane.result == "success" and lane.steps_failed == 0
            assert lane.steps_done == lane.steps_total >= 2
            run = next(s for s in lane.steps if s.name.startswith("RUN echo"))
            assert run.state == "done"
            assert any(f"uname={arch}" in line.text for line in run.logs)
            assert lane.wall_time is not None and lane.wall_time > 0.5
        assert screen.support["linux/arm64"].value == "emulated"

        # The digest shown is the registry's.
        digest = outcome.outputs.digest
        assert digest.startswith("sha256:")
        assert digest == registry_digest(lab, image)
        summary = plain(screen.query_one("#build-summary", Static).content)
        assert digest in summary and image in summary
        assert outcome.outputs.reference == image.rsplit(":", 1)[0] + "@" + digest
        [entry] = history.load()
        assert entry.result == "success" and entry.outputs.digest == digest
        assert "--metadata-file" not in entry.command and image in entry.command

        # i opens the manifest inspector on exactly what was pushed.
        from buildx_tui.ui.inspect.screen import InspectorScreen

        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, InspectorScreen)
        assert app.screen.initial == outcome.outputs.reference


# -- a failing arm64 step: only its lane fails ----------------------------------------------------


async def test_arm64_failure_shows_in_its_lane_only(lab: Lab, tmp_path):
    ctx = context(
        tmp_path,
        "FROM busybox\nARG TARGETARCH\n"
        'RUN echo "arch=$TARGETARCH"\n'
        'RUN test "$TARGETARCH" = amd64 || '
        '{ echo "this step fails on $TARGETARCH" >&2; exit 3; }\n',
    )
    client = client_for(lab)
    spec = BuildSpec(builder="lab-container", context=str(ctx), platforms=TWO, no_cache=True)
    app = BuildxApp(client, refresh_interval=0, history=History(tmp_path / "d"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        builder = lab_builder(client, "lab-container")
        screen = BuildProgressScreen(spec, builder=builder)
        app.push_screen(screen)
        await wait_build(pilot, screen)
        outcome = screen.outcome
        assert outcome is not None and outcome.result.returncode == 1
        snap = outcome.snapshot
        assert snap.result == "failed"
        arm, amd = snap.lane("linux/arm64"), snap.lane("linux/amd64")
        assert arm is not None and amd is not None
        failed = arm.failed_step
        assert failed is not None and failed.name.startswith('RUN test "arm64" = amd64')
        assert [line.text for line in failed.logs] == ["this step fails on arm64"]
        assert "exit code: 3" in (failed.error or "")
        assert amd.steps_failed == 0 and amd.failed_step is None
        assert snap.shared.steps_failed == 0
        summary = plain(screen.query_one("#build-summary", Static).content)
        assert 'RUN test "arm64" = amd64' in summary
        assert 'RUN test "amd64"' not in summary


# -- cancel: the build stops, no buildx process (nor the step's process) is left ------------------


def processes_with(marker: str) -> list[str]:
    ps = subprocess.run(
        ["ps", "-eo", "pid,args"], capture_output=True, text=True, timeout=30, check=True
    )
    return [line for line in ps.stdout.splitlines() if marker in line and "ps -eo" not in line]


async def test_cancel_stops_the_build_and_leaves_no_process(lab: Lab, tmp_path):
    marker = f"bx-e2e-cancel-{uuid.uuid4().hex[:8]}"
    ctx = context(tmp_path, f"FROM busybox\nRUN echo {marker} && sleep 40 && echo done-{marker}\n")
    client = client_for(lab)
    spec = BuildSpec(
        builder="lab-container",
        context=str(ctx),
        platforms=("linux/amd64",),
        tags=(f"{lab.registry}/build-e2e-cancel:{marker}",),
        no_cache=True,
    )
    app = BuildxApp(client, refresh_interval=0, history=History(tmp_path / "d"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = BuildProgressScreen(spec)
        app.push_screen(screen)

        def sleeping() -> bool:
            lane = screen.snapshot.lane("linux/amd64") if screen.snapshot else None
            return bool(lane and lane.current and "sleep 40" in lane.current.name)

        await wait_for(pilot, sleeping, 90, "the sleep step to run")
        await wait_for(pilot, lambda: bool(processes_with(f"echo {marker}")), 30, "the step")
        assert processes_with(marker), "the build's processes should be visible while it runs"
        started = time.monotonic()
        await pilot.press("c")
        await wait_build(pilot, screen, timeout=30)
        took = time.monotonic() - started
        outcome = screen.outcome
        assert outcome is not None and outcome.cancelled
        assert outcome.snapshot.result == "cancelled"
        assert outcome.result.returncode == 130  # one SIGINT: buildx cancelled cleanly
        assert took < 10
        summary = plain(screen.query_one("#build-summary", Static).content)
        assert "Build cancelled" in summary and "exit 130" in summary
    # Nothing of the build is left: not the docker CLI, not the buildx plugin, not the step.
    deadline = time.monotonic() + 10
    while processes_with(marker) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert processes_with(marker) == []


# -- docker login: the password goes through stdin only -------------------------------------------


async def test_login_password_goes_through_stdin_only(lab: Lab, tmp_path):
    config = tmp_path / "docker-config"  # not the lab's: the login writes credentials there
    config.mkdir()
    secret = f"pw-{uuid.uuid4().hex}"
    client = client_for(lab, str(config))
    seen: list[tuple[tuple[str, ...], bytes | None]] = []
    real_run = client.run

    def spy(argv, **kw):
        seen.append((tuple(argv), kw.get("stdin")))
        return real_run(argv, **kw)

    client.run = spy  # type: ignore[method-assign]
    app = BuildxApp(client, refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        done: list[bool | None] = []
        app.push_screen(LoginScreen(lab.registry), done.append)
        await pilot.pause()
        login = app.screen
        login.query_one("#login-username", Input).value = "alice"
        login.query_one("#login-password", Input).value = secret
        await pilot.pause()
        await pilot.click("#login-go")
        await wait_for(pilot, lambda: bool(done), 60, "the login")
        assert done == [True]
        assert secret not in app.export_screenshot()
    [(argv, stdin)] = [(a, s) for a, s in seen if a[:1] == ("login",)]
    assert argv == ("login", "--username", "alice", "--password-stdin", lab.registry)
    assert stdin == secret.encode()
    auth = json.loads((config / "config.json").read_text())["auths"][lab.registry]["auth"]
    assert base64.b64decode(auth).decode() == f"alice:{secret}"


@pytest.fixture(autouse=True)
def _isolated_history(monkeypatch, tmp_path):
    """e2e tests are not isolated by tests/conftest.py: keep any history out of the real home."""
    monkeypatch.setenv("BUILDX_TUI_DATA_DIR", str(tmp_path / "history"))
