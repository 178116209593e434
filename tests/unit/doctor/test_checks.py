"""The doctor's checks on the lab's recorded output (tests/helpers/doctor.py)."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from buildx_tui.core.doctor.context import app_config_path
from buildx_tui.core.doctor.emulation import probe_results, rawjson_error, rawjson_logs
from buildx_tui.core.doctor.model import Check, CheckResult, Status, worst
from buildx_tui.core.doctor.nodes import node_results, read_cert_file, tls_results
from buildx_tui.core.doctor.registries import (
    config_results,
    daemon_json_results,
    engine_registry,
    login_results,
    mirror_results,
    parse_registry_settings,
)
from buildx_tui.core.doctor.report import exit_code, json_report, text_report
from buildx_tui.core.doctor.runner import run_all, run_check
from buildx_tui.core.doctor.tools import check_buildx, check_engine, lacking
from tests.fakes import FIXTURES, Reply, fixture
from tests.helpers.doctor import NOW, doctor_backend, doctor_context


def by_key(results: tuple[CheckResult, ...]) -> dict[str, CheckResult]:
    return {r.key: r for r in results}


def test_tools_on_the_lab(tmp_path: Path) -> None:
    ctx = doctor_context(doctor_backend(), tmp_path, engine_target="host unix:///x.sock")
    (engine,) = check_engine(ctx)
    assert engine.status is Status.PASSED and "20.10.24" in engine.found
    assert "host unix:///x.sock" in engine.found
    (buildx,) = check_buildx(ctx)
    assert buildx.status is Status.PASSED and buildx.found == "buildx v0.36.1"


def test_engine_down_and_buildx_missing_fail(tmp_path: Path) -> None:
    from buildx_tui.core.docker.versions import BUILDX_VERSION_ARGV, DOCKER_VERSION_ARGV

    backend = doctor_backend()
    backend.replies[DOCKER_VERSION_ARGV] = Reply(
        1, fixture("local/version-engine-down.stdout"), fixture("local/version-engine-down.stderr")
    )
    backend.replies[BUILDX_VERSION_ARGV] = Reply(
        1, "", fixture("local/buildx-version-no-plugin.stderr")
    )
    ctx = doctor_context(backend, tmp_path)
    (engine,) = check_engine(ctx)
    assert engine.status is Status.FAILED and engine.fix is not None
    (buildx,) = check_buildx(ctx)
    assert buildx.status is Status.FAILED and "not installed" in buildx.found


def test_feature_versions() -> None:
    assert lacking("v0.32.2", (((0, 11), "history"),)) == []
    assert lacking("v0.8+unknown", (((0, 11), "history"),)) == ["history needs 0.11"]
    assert lacking("no number", (((0, 11), "history"),)) == []


def test_nodes_on_the_lab(tmp_path: Path) -> None:
    ctx = doctor_context(doctor_backend(), tmp_path)
    started = time.monotonic()
    nodes = by_key(node_results(ctx))
    assert time.monotonic() - started < 5  # nothing listens on lab-dead's port: refused at once
    assert nodes["node:lab-container/lab-container0"].status is Status.PASSED
    dead = nodes["node:lab-dead/lab-dead0"]
    assert dead.status is Status.FAILED and "connection refused" in dead.found
    assert dead.command == "connect to tcp://127.0.0.1:1299"
    default = nodes["node:default/default"]
    assert default.status is Status.WARNING and "history API" in default.found
    assert "prune's space flags" in default.found


def test_probe_builds_are_proof(tmp_path: Path) -> None:
    assert rawjson_logs(fixture("local/doctor-probe-arm64.stderr")).split() == ["aarch64"]
    assert rawjson_logs(fixture("local/doctor-probe-amd64.stderr")).split() == ["x86_64"]
    backend = doctor_backend()
    ctx = doctor_context(backend, tmp_path, builders=("lab-container",))
    results = by_key(probe_results(ctx))
    arm = results["probe:lab-container:linux/arm64"]
    assert arm.status is Status.PASSED and "'aarch64'" in arm.found
    assert "--platform linux/arm64" in arm.command and "RUN uname -m" in arm.command


def test_probe_exec_format_error_names_the_fix(tmp_path: Path) -> None:
    from buildx_tui.core.doctor.emulation import INSTALL_FIX, probe_argv
    from buildx_tui.core.platforms import parse_platform

    backend = doctor_backend()
    # buildx's own words when QEMU is missing (docker/buildx issues; not recordable on the
    # shared lab without unregistering its handler: test_doctor_breaks.py does that for real).
    err = 'ERROR: process "/bin/sh -c uname -m" did not complete: exec format error\n'
    backend.replies[probe_argv("lab-container", parse_platform("linux/arm64"))] = Reply(1, "", err)
    ctx = doctor_context(backend, tmp_path, builders=("lab-container",))
    arm = by_key(probe_results(ctx))["probe:lab-container:linux/arm64"]
    assert arm.status is Status.FAILED and arm.fix == INSTALL_FIX


def test_registries_reachable_from_the_builder(tmp_path: Path) -> None:
    error = rawjson_error(fixture("local/doctor-reach-closed.stderr"))
    assert "127.0.0.1:5999" in error and "connection refused" in error
    backend = doctor_backend("doctor-ls-closed-mirror.json")
    ctx = doctor_context(backend, tmp_path, builders=("lab-container", "doctor-rec-mirror"))
    results = by_key(mirror_results(ctx))
    assert results["reach:lab-container:127.0.0.1:5000"].status is Status.PASSED
    closed = results["reach:doctor-rec-mirror:127.0.0.1:5999"]
    assert closed.status is Status.FAILED and "connection refused" in closed.found
    assert "ADD http://127.0.0.1:5999/v2/" in closed.command


def test_daemon_json_trap(tmp_path: Path) -> None:
    mirrors, insecure = engine_registry(fixture("local/doctor-info-registry.json"))
    assert mirrors == ("http://127.0.0.1:5000/",) and "127.0.0.0/8" in insecure
    backend = doctor_backend("doctor-ls-closed-mirror.json")
    ctx = doctor_context(backend, tmp_path, builders=("lab-container", "doctor-rec-mirror"))
    results = by_key(daemon_json_results(ctx))
    assert results["daemon-json:lab-container"].status is Status.PASSED
    trap = results["daemon-json:doctor-rec-mirror"]
    assert trap.status is Status.WARNING and "daemon.json" in trap.found
    assert trap.fix is not None and "--buildkitd-config" in trap.fix.command


def test_config_applied_compared_with_a_file(tmp_path: Path) -> None:
    ctx = doctor_context(doctor_backend(), tmp_path)
    results = by_key(config_results(ctx))
    lab = results["config:lab-container/lab-container0"]
    assert lab.status is Status.PASSED and "docker.io mirrored by 127.0.0.1:5000" in lab.found
    assert results["config:lab-remote/lab-remote0"].status is Status.UNKNOWN  # buildx#2985
    ls = ctx.ls().ls
    assert ls is not None
    applied = ls.builders[1].nodes[0].files["buildkitd.toml"]
    same = tmp_path / "same.toml"
    same.write_text("# comments and layout differ\n" + applied.replace("'", '"'))
    ctx.config_path = str(same)
    assert by_key(config_results(ctx))[lab.key].status is Status.PASSED
    other = tmp_path / "other.toml"
    other.write_text('[registry."docker.io"]\nmirrors = ["mirror.example:5000"]\n')
    ctx.config_path = str(other)
    differs = by_key(config_results(ctx))[lab.key]
    assert differs.status is Status.WARNING and "NOT the settings" in differs.found
    assert differs.fix is not None and str(other) in differs.fix.command
    ctx.config_path = str(tmp_path / "missing.toml")
    assert by_key(config_results(ctx))[lab.key].status is Status.UNKNOWN


def test_the_app_config_path_is_the_wizards() -> None:
    from buildx_tui.core.create.buildkitd.config import config_path_for_builder

    assert app_config_path("Lab-X") == config_path_for_builder("Lab-X")


def test_registry_settings_parse() -> None:
    settings = parse_registry_settings('[registry."docker.io"]\nmirrors = ["m:1"]\n')
    assert not isinstance(settings, str) and settings.mirrors == {"docker.io": ("m:1",)}
    assert isinstance(parse_registry_settings("[[["), str)


def test_logins_names_only(tmp_path: Path) -> None:
    ctx = doctor_context(doctor_backend(), tmp_path)
    (none,) = login_results(ctx)
    assert none.status is Status.UNKNOWN and "no registry credentials" in none.found
    config = tmp_path / "docker-config"
    config.mkdir()
    secret = "c2VjcmV0OnBhc3N3b3Jk"
    (config / "config.json").write_text(
        json.dumps({"auths": {"ghcr.io": {"auth": secret}}, "credHelpers": {"gcr.io": "gcloud"}})
    )
    (found,) = login_results(ctx)
    assert found.status is Status.PASSED and "ghcr.io" in found.found and "gcr.io" in found.found
    assert secret not in found.found + found.command
    (config / "config.json").write_text("{not json")
    assert login_results(ctx)[0].status is Status.UNKNOWN


def test_certificate_expiry(tmp_path: Path) -> None:
    info = read_cert_file(str(FIXTURES / "local" / "doctor-client-cert.pem"))
    assert not isinstance(info, str) and info.not_after.year >= 2027
    assert isinstance(read_cert_file(str(tmp_path / "none.pem")), str)
    from buildx_tui.core.doctor.nodes import _when

    assert _when(info.not_after, NOW)[0] is Status.PASSED
    assert _when(info.not_after, info.not_after - timedelta(days=3))[0] is Status.WARNING
    assert _when(info.not_after, info.not_after + timedelta(days=1))[0] is Status.FAILED


def test_tls_files_missing_are_unknown_not_a_traceback(tmp_path: Path) -> None:
    # The recording's lab-remote names /tmp/buildx-tui-lab/certs/*: read as they are here.
    ctx = doctor_context(doctor_backend(), tmp_path)
    results = tls_results(ctx)
    assert [r.key for r in results] == ["tls:lab-remote/lab-remote0"]
    assert results[0].status in (Status.PASSED, Status.UNKNOWN, Status.WARNING)


def test_a_check_that_hangs_is_cut_off_and_one_that_raises_is_told() -> None:
    gate = threading.Event()

    def hang() -> tuple[CheckResult, ...]:
        gate.wait(5)
        return ()

    started = time.monotonic()
    (late,) = run_check(Check("slow", "Slow", hang, timeout_s=0.3))
    gate.set()
    assert time.monotonic() - started < 2
    assert late.status is Status.UNKNOWN and "no answer within" in late.found

    def broken() -> tuple[CheckResult, ...]:
        raise KeyError("oops")

    (told,) = run_check(Check("bad", "Bad", broken, timeout_s=1))
    assert told.status is Status.UNKNOWN and "KeyError" in told.found


def test_run_all_and_the_reports(tmp_path: Path) -> None:
    backend = doctor_backend()
    ctx = doctor_context(backend, tmp_path)
    seen: list[str] = []
    done = run_all(ctx, on_done=lambda check, _: seen.append(check.id))
    assert sorted(seen) == sorted(c.id for c, _ in done)
    assert backend.calls.count(("buildx", "ls", "--format", "json")) == 1  # asked once, shared
    flat = [r for _, rs in done for r in rs]
    assert exit_code(flat) == 1  # lab-dead is unreachable
    assert worst([r.status for r in flat]) is Status.FAILED
    text = text_report(done, display=backend.display)
    assert "✗ failed" in text and "✓ passed" in text and "\033[" not in text
    assert "$ docker buildx create --driver docker-container --bootstrap" in text
    data = json.loads(json_report(done))
    assert data["exit_code"] == 1
    assert {r["status"] for r in data["results"]} >= {"passed", "failed"}
    ok = [(c, rs) for c, rs in done if c.id == "docker-cli"]
    assert exit_code([r for _, rs in ok for r in rs]) == 0
    assert "\033[32m" in text_report(ok, colour=True)


@pytest.mark.parametrize("bad", ["linux/nope", "", "linux/amd64,linux/amd64"])
def test_cli_refuses_bad_platforms(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    from buildx_tui.__main__ import main

    assert main(["doctor", "--platform", bad]) == 2
    assert "--platform" in capsys.readouterr().err
