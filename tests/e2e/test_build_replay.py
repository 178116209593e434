"""Replayed builds and their timeline against the real lab: builds made with the plain CLI on a
builder of this module's own (docker-container, linux/amd64 + linux/arm64 under QEMU), then
opened in the app by their BuildKit ref. Checked against what the CLI itself printed (the live
build's rawjson, `history trace` read with plain json here, not with the app's parser), and a
running build followed by the replay screen until it ends."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from buildx_tui.core.builds.logs import lane_steps, replay_text
from buildx_tui.core.builds.timeline import fmt_seconds
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builds.replay import BuildReplayScreen
from buildx_tui.ui.builds.timeline import BuildTimelineScreen
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from tests.helpers.e2e_lab import client_for
from tests.helpers.render import plain

from .conftest import Lab

pytestmark = pytest.mark.e2e

SIZE = (120, 40)
PLATFORMS = "linux/amd64,linux/arm64"
DOCKERFILE = """\
FROM {registry}/busybox:latest AS base
ARG SEED=1
RUN echo "seed $SEED on $(uname -m)" && echo "to stderr on $(uname -m)" >&2
RUN for i in 1 2 3; do echo "tick $i $(uname -m)"; sleep 0.3; done

FROM base AS work
RUN i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo "counted $i" | tee /done

FROM {registry}/busybox:latest
COPY --from=work /done /copied
RUN cat /copied
"""
SLOW_DOCKERFILE = """\
FROM {registry}/busybox:latest
ARG SEED=1
RUN for i in 1 2 3 4 5 6 7 8; do echo "slow $i $SEED $(uname -m)"; sleep 1; done
RUN echo done
"""


@dataclass(frozen=True)
class Built:
    builder: str
    ref: str
    live: str  # the build's own rawjson (stderr)
    slow_context: Path


def history_ls(lab: Lab, builder: str) -> list[dict[str, object]]:
    proc = lab.docker("buildx", "history", "ls", "--builder", builder, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def built(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    builder = f"replay-e2e-{uuid.uuid4().hex[:6]}"
    proc = lab.docker(
        "buildx", "create", "--name", builder, "--driver", "docker-container",
        "--driver-opt", "network=host", "--platform", PLATFORMS,
        "--buildkitd-config", str(Path(lab.lab_dir) / "buildkitd.toml"), "--bootstrap",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    try:
        context = tmp_path_factory.mktemp("replay-e2e")
        (context / "Dockerfile").write_text(DOCKERFILE.format(registry=lab.registry))
        slow = tmp_path_factory.mktemp("replay-e2e-slow")
        (slow / "Dockerfile").write_text(SLOW_DOCKERFILE.format(registry=lab.registry))
        proc = lab.docker(
            "buildx", "build", "--builder", builder, "--platform", PLATFORMS,
            "--progress", "rawjson", "--build-arg", f"SEED={uuid.uuid4().hex}", str(context),
            timeout=600,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr[-3000:]
        ref = str(history_ls(lab, builder)[0]["ref"]).rsplit("/", 1)[-1]
        yield Built(builder, ref, proc.stderr, slow)
    finally:
        lab.docker("buildx", "rm", builder)


def make_app(lab: Lab) -> BuildxApp:
    return BuildxApp(client_for(lab), refresh_interval=0)


async def settle(pilot, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if not any(w.is_running for w in pilot.app.workers):
            return
        assert time.monotonic() < deadline, "the app did not settle"
        await asyncio.sleep(0.05)


def trace_totals(trace: dict) -> dict[str, float]:  # type: ignore[type-arg]
    """Per platform, first start -> last end of its steps, read from the raw Jaeger JSON."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for span in trace["data"][0]["spans"]:
        name = span["operationName"]
        tags = {t["key"] for t in span.get("tags") or []}
        if name.startswith("cache request: ") or not (
            "vertex" in tags or name.startswith("load cache: ")
        ):
            continue
        match = re.match(r"(?:load cache: )?\[(linux/[a-z0-9]+)[ \]]", name)
        if match:
            start = span["startTime"]
            spans.setdefault(match.group(1), []).append((start, start + span["duration"]))
    return {p: (max(e for _, e in ivs) - min(s for s, _ in ivs)) / 1e6 for p, ivs in spans.items()}


async def test_replayed_lanes_have_the_live_runs_steps(lab: Lab, built: Built) -> None:
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = BuildReplayScreen(built.builder, built.ref)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.outcome is not None and screen.outcome.problem is None
        assert screen.snapshot is not None and screen.snapshot.result == "success"
        live = replay_text(built.live)
        assert lane_steps(screen.snapshot) == lane_steps(live)
        assert {lane.key for lane in screen.snapshot.lanes} == set(PLATFORMS.split(","))
        entry = screen.query_one(CommandLog).entries[-1]
        assert entry.state is EntryState.OK
        assert f"history logs --builder {built.builder} {built.ref}" in entry.command


async def test_timeline_totals_match_the_trace(lab: Lab, built: Built) -> None:
    proc = lab.docker("buildx", "history", "trace", "--builder", built.builder, built.ref)
    assert proc.returncode == 0, proc.stderr
    expected = trace_totals(json.loads(proc.stdout))
    assert set(expected) == set(PLATFORMS.split(","))
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = BuildTimelineScreen(built.builder, built.ref)
        await app.push_screen(screen)
        await settle(pilot)
        assert screen.trace is not None and screen.problem is None
        totals = {t.platform: t.wall_time for t in screen.trace.totals()}
        for platform, seconds in expected.items():
            assert totals[platform] == pytest.approx(seconds, abs=1e-6)
        head = plain(screen.query_one("#timeline-head").content)
        chart = plain(screen.query_one("#timeline-chart").content)
        for platform, seconds in expected.items():
            assert f"{platform} {fmt_seconds(seconds)}" in head
            assert f"{platform} · {fmt_seconds(seconds)}" in chart


async def test_a_running_build_is_followed_to_its_end(lab: Lab, built: Built) -> None:
    build = subprocess.Popen(
        [lab.docker_cli, "buildx", "build", "--builder", built.builder, "--platform", PLATFORMS,
         "--progress", "rawjson", "--build-arg", f"SEED={uuid.uuid4().hex}",
         str(built.slow_context)],
        env=lab.env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        ref = ""
        deadline = time.monotonic() + 60
        while not ref and time.monotonic() < deadline:
            running = [r for r in history_ls(lab, built.builder) if r["status"] == "Running"]
            ref = str(running[0]["ref"]).rsplit("/", 1)[-1] if running else ""
            time.sleep(0.2)
        assert ref, "the slow build never showed as Running in history ls"
        app = make_app(lab)
        async with app.run_test(size=SIZE) as pilot:
            screen = BuildReplayScreen(built.builder, ref)
            await app.push_screen(screen)
            seen_running = False
            deadline = time.monotonic() + 120
            while screen.outcome is None:
                await pilot.pause(0.1)
                if screen.snapshot is not None and screen.snapshot.result == "running":
                    seen_running = True
                assert time.monotonic() < deadline, "the replay did not end with the build"
            assert build.poll() is not None or build.wait(30) is not None
            assert seen_running
            assert screen.outcome.followed
            assert screen.snapshot is not None and screen.snapshot.result == "success"
            assert "followed live" in plain(screen.query_one("#replay-head").content)
        _, live = build.communicate(timeout=60)
        assert build.returncode == 0, live[-3000:]
        assert lane_steps(screen.snapshot) == lane_steps(replay_text(live))
    finally:
        if build.poll() is None:
            build.kill()
            build.wait(30)


async def test_the_docker_driver_limit_is_explained(lab: Lab) -> None:
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = BuildReplayScreen("default", "nosuchrecord0000000000000")
        await app.push_screen(screen)
        await settle(pilot)
        message = plain(screen.query_one("#replay-message").content)
        assert "no build history" in message and "history API" in message
