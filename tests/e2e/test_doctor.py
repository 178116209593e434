"""The doctor against the real lab (issue #14): it reports the lab as it is. amd64 native;
arm64 under QEMU and proven by a probe build; lab-dead unreachable within its timeout;
lab-remote's certificate expiry as openssl reads it; `buildx-tui doctor` exits 0 or 1 (run as a
subprocess, as scripts and CI run it); a builder of ours whose mirror points at a closed port is
named with the fix. Nothing shared is broken here (tests/e2e/test_doctor_breaks.py does that)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.core.docker.types import ClientOptions
from buildx_tui.core.doctor.context import DoctorContext
from buildx_tui.core.doctor.model import Status
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.common.command_log import CommandLog
from buildx_tui.ui.doctor.screen import DoctorScreen

from .conftest import Lab

MIRROR_BUILDER = "doctor-e2e-mirror"
CLOSED = "127.0.0.1:5999"  # nothing listens there on the lab


def doctor_cli(lab: Lab, *args: str, timeout: float = 600) -> tuple[int, dict[str, object], float]:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "buildx_tui", "--docker", lab.docker_cli,
         "--config", lab.docker_config, "doctor", "--json", *args],
        env={**lab.env(), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), time.monotonic() - started


def results(data: dict[str, object]) -> dict[str, dict[str, str]]:
    rows = data["results"]
    assert isinstance(rows, list)
    return {r["key"]: r for r in rows}


def test_the_lab_as_it_is(lab: Lab) -> None:
    code, data, elapsed = doctor_cli(
        lab, "--builder", lab.builders.container, "--builder", lab.builders.dead,
        "--builder", lab.builders.remote, "--timeout", "5",
    )  # fmt: skip
    got = results(data)
    assert code == 1 and data["exit_code"] == 1  # lab-dead cannot be reached
    dead = got[f"node:{lab.builders.dead}/{lab.builders.dead}0"]
    assert dead["status"] == "failed" and "connection refused" in dead["found"]
    assert elapsed < 400  # probes included; the dead node itself answers at once (refused)
    amd64 = got["platform:linux/amd64"]
    assert amd64["status"] == "passed" and f"natively on {lab.builders.container}" in amd64["found"]
    arm64 = got["platform:linux/arm64"]
    assert (
        arm64["status"] == "warning"
        and f"under QEMU on {lab.builders.container}" in (arm64["found"])
    )
    probe = got[f"probe:{lab.builders.container}:linux/arm64"]
    assert probe["status"] == "passed" and "'aarch64'" in probe["found"], probe
    assert got["binfmt:linux/arm64"]["status"] == "passed"
    assert "F" in got["binfmt:linux/arm64"]["found"].rsplit("flags", 1)[1]
    # the certificate's expiry, as openssl (not the app's parser) reads it
    tls = got[f"tls:{lab.builders.remote}/{lab.builders.remote}0"]
    end = subprocess.run(
        ["openssl", "x509", "-enddate", "-noout", "-in", lab.certs.cert],
        capture_output=True, text=True, check=True,
    ).stdout.split("=", 1)[1].strip()  # fmt: skip
    day = datetime.strptime(end, "%b %d %H:%M:%S %Y %Z").strftime("%Y-%m-%d")
    assert tls["status"] == "passed" and f"valid until {day}" in tls["found"], tls
    assert got["reach:lab-container:127.0.0.1:5000"]["status"] == "passed"


def test_exit_zero_when_nothing_fails(lab: Lab) -> None:
    code, data, _ = doctor_cli(lab, "--builder", lab.builders.container)
    bad = [r for r in results(data).values() if r["status"] == "failed"]
    assert code == 0 and data["exit_code"] == 0 and not bad, bad


@pytest.fixture
def closed_mirror_builder(lab: Lab) -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="doctor-e2e-") as tmp:
        toml = Path(tmp) / "buildkitd.toml"
        toml.write_text(
            f'[registry."docker.io"]\n  mirrors = ["{CLOSED}"]\n\n'
            f'[registry."{CLOSED}"]\n  http = true\n'
        )
        lab.docker("buildx", "rm", MIRROR_BUILDER)
        made = lab.docker(
            "buildx", "create", "--name", MIRROR_BUILDER, "--driver", "docker-container",
            "--driver-opt", "network=host", "--buildkitd-config", str(toml), "--bootstrap",
        )  # fmt: skip
        assert made.returncode == 0, made.stderr
        try:
            yield MIRROR_BUILDER
        finally:
            lab.docker("buildx", "rm", MIRROR_BUILDER)


def test_a_mirror_on_a_closed_port_is_named_with_its_fix(
    lab: Lab, closed_mirror_builder: str
) -> None:
    code, data, _ = doctor_cli(lab, "--builder", closed_mirror_builder, "--platform", "linux/amd64")
    got = results(data)
    reach = got[f"reach:{closed_mirror_builder}:{CLOSED}"]
    assert code == 1 and reach["status"] == "failed"
    assert "connection refused" in reach["found"] and reach["fix"]
    trap = got[f"daemon-json:{closed_mirror_builder}"]  # the engine mirrors docker.io elsewhere
    assert trap["status"] == "warning" and "daemon.json" in trap["found"]


async def test_the_screen_on_the_lab(lab: Lab) -> None:
    options = ClientOptions(docker=lab.docker_cli, host=lab.docker_host, config=lab.docker_config)
    app = BuildxApp(BuildxClient(options), refresh_interval=0)

    def configure(ctx: DoctorContext) -> None:
        ctx.builders = (lab.builders.container, lab.builders.dead)
        ctx.connect_timeout_s = 3.0

    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        screen = DoctorScreen(configure=configure)
        await app.push_screen(screen)
        deadline = time.monotonic() + 400
        while any(r is None for r in screen.results.values()) or not screen.results:
            await pilot.pause(0.2)
            assert time.monotonic() < deadline, "the doctor did not finish"
        flat = {r.key: r for rs in screen.results.values() for r in rs or ()}
        assert flat[f"node:{lab.builders.dead}/{lab.builders.dead}0"].status is Status.FAILED
        assert flat[f"probe:{lab.builders.container}:linux/arm64"].status is Status.PASSED
        log = screen.query_one(CommandLog)
        assert any("--platform linux/arm64" in e.command for e in log.entries)
        assert all(e.state.value == "ok" for e in log.entries if "buildx build" in e.command)
