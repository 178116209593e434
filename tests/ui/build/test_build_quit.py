"""Quitting while a build runs (issue #11 item 18): `q` asks first; closing the terminal (SIGHUP)
or SIGTERM cancels like Ctrl-C; either way the build is recorded and no docker process is left.

The last test runs the app in a child process with the real docker client against a stand-in
`docker` script, and sends it a real SIGHUP."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.common.confirm import ConfirmDialog
from tests.helpers.build_backend import META, MULTI, BuildBackend, BuildReply, build_key, push_spec
from tests.helpers.build_scenes import make_app

SIZE = (120, 36)
pytestmark = pytest.mark.usefixtures("frozen_build_clock")
ROOT = Path(__file__).resolve().parents[3]


async def until(pilot, predicate, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached"
        await pilot.pause(0.05)


async def running_build(pilot, app, spec) -> BuildProgressScreen:
    await pilot.pause()
    screen = BuildProgressScreen(spec)
    app.push_screen(screen)
    await until(pilot, lambda: screen.snapshot is not None)
    assert screen.running
    return screen


def paused_backend(spec) -> BuildBackend:
    return BuildBackend(builds={build_key(spec): BuildReply(MULTI, 0, META, pause_after=20)})


async def test_q_during_a_build_asks_then_cancels_records_and_quits(history):
    spec = push_spec()
    app = make_app(paused_backend(spec))
    async with app.run_test(size=SIZE) as pilot:
        screen = await running_build(pilot, app, spec)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog), "q quit without asking"
        await pilot.press("escape")  # keep building
        await pilot.pause()
        assert app.screen is screen and screen.running and app.is_running
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running)
    [entry] = history.load()
    assert entry.result == "cancelled"
    assert screen.outcome is not None and screen.outcome.cancelled


async def test_q_without_a_running_build_quits_at_once():
    spec = push_spec()
    app = make_app(BuildBackend(builds={build_key(spec): BuildReply(MULTI, 0, META)}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)


async def test_a_signal_cancels_the_build_without_asking(history):
    spec = push_spec()
    app = make_app(paused_backend(spec))
    async with app.run_test(size=SIZE) as pilot:
        await running_build(pilot, app, spec)
        app.quit_on_signal(signal.SIGHUP)
        await until(pilot, lambda: not app.is_running)
    [entry] = history.load()
    assert entry.result == "cancelled"


# -- a real SIGHUP to a real process --------------------------------------------------------------
FAKE_DOCKER = """#!/bin/sh
# A stand-in for the docker CLI: `buildx ls` answers a recorded list; `buildx build` records its
# pid and runs until interrupted (as a build would), exiting 130 on SIGINT like buildx does.
for a in "$@"; do
  case "$a" in
    ls) cat "{ls}"; exit 0 ;;
    build)
      echo $$ > "{pidfile}"
      trap 'exit 130' INT
      while true; do sleep 0.1; done ;;
  esac
done
exit 0
"""

CHILD = """
import sys
from buildx_tui.core.build.history import History
from buildx_tui.core.build.spec import BuildSpec
from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.core.docker.types import ClientOptions
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.progress import BuildProgressScreen

docker, data = sys.argv[1], sys.argv[2]
app = BuildxApp(BuildxClient(ClientOptions(docker=docker)), refresh_interval=0,
                history=History(data))

async def build():
    app.push_screen(BuildProgressScreen(BuildSpec(builder="x", context=".")))

app.call_later(build)
app.run(headless=True)
print("EXITED", flush=True)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose (it runs nothing); check its state.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_sighup_cancels_the_build_process_and_records_it(tmp_path):
    pidfile = tmp_path / "build.pid"
    docker = tmp_path / "docker"
    docker.write_text(
        FAKE_DOCKER.format(ls=ROOT / "tests/fixtures/buildx/ls.json", pidfile=pidfile)
    )
    docker.chmod(0o755)
    data = tmp_path / "data"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(docker), str(data)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not pidfile.exists() or not pidfile.read_text().strip():
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the build never started"
            time.sleep(0.05)
        build_pid = int(pidfile.read_text())
        assert alive(build_pid)
        child.send_signal(signal.SIGHUP)  # the terminal closed
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert "EXITED" in out, err
    deadline = time.monotonic() + 5
    while alive(build_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(build_pid), "the build process outlived the app"
    lines = (data / "build-history.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["result"] == "cancelled"
