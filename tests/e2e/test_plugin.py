"""The docker CLI plugin with the REAL docker CLI of the lab, in a copy of the lab's docker config
(the lab's own is never changed): `buildx-tui plugin install` makes `docker settingstui` run the
app (--version through the plugin), `docker info` lists it with our metadata, the docker CLI's
--host / --context reach the app (the doctor, run through the plugin, shows the commands it ran),
and uninstall removes it (docker no longer knows the command)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from buildx_tui import __version__

from .conftest import Lab

NAME = "settingstui"  # this engineer's prefix: other tests on the lab never see it


@pytest.fixture
def docker_config(lab: Lab, tmp_path: Path) -> Path:
    copy = tmp_path / "docker-config"
    shutil.copytree(lab.docker_config, copy, symlinks=True, ignore=shutil.ignore_patterns("*.sock"))
    return copy


def env_for(lab: Lab, config: Path) -> dict[str, str]:
    env = lab.env()
    env["DOCKER_CONFIG"] = str(config)
    env.pop("DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND", None)
    return env


def run(
    argv: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )


def buildx_tui(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "buildx_tui", *args], env)


def test_install_run_list_and_uninstall_with_the_real_docker_cli(lab: Lab, docker_config: Path):
    env = env_for(lab, docker_config)
    plugin = docker_config / "cli-plugins" / f"docker-{NAME}"
    installed = buildx_tui("plugin", "install", "--name", NAME, env=env)
    assert installed.returncode == 0, installed.stderr
    assert plugin.is_file() and os.access(plugin, os.X_OK)

    version = run([lab.docker_cli, NAME, "--version"], env)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"buildx-tui {__version__}"

    info = run([lab.docker_cli, "info", "--format", "{{json .ClientInfo.Plugins}}"], env)
    assert info.returncode == 0, info.stderr
    plugins = {p["Name"]: p for p in json.loads(info.stdout)}
    assert plugins[NAME]["Version"] == __version__
    assert plugins[NAME]["Vendor"] == "buildx-tui"
    assert plugins[NAME]["Path"] == str(plugin)
    assert "Err" not in plugins[NAME] or not plugins[NAME]["Err"]
    text = run([lab.docker_cli, "info"], env).stdout
    assert f"{NAME}: A terminal UI for docker buildx" in text

    removed = buildx_tui("plugin", "uninstall", "--name", NAME, env=env)
    assert removed.returncode == 0, removed.stderr
    assert not plugin.exists()
    gone = run([lab.docker_cli, NAME, "doctor"], env)
    assert gone.returncode != 0 and f"unknown command: docker {NAME}" in gone.stderr
    assert NAME not in run([lab.docker_cli, "info"], env).stdout


def test_the_docker_cli_host_and_context_reach_the_app(lab: Lab, docker_config: Path):
    env = env_for(lab, docker_config)
    assert buildx_tui("plugin", "install", "--name", NAME, env=env).returncode == 0
    context = f"{NAME}ctx"
    made = run(
        [lab.docker_cli, "context", "create", context, "--docker", f"host={lab.docker_host}"], env
    )
    assert made.returncode == 0, made.stderr
    env.pop("DOCKER_HOST")  # only the option given to `docker` says where the engine is
    doctor = ["doctor", "--builder", lab.builders.container, "--platform", "linux/amd64"]
    for global_args, shown in (
        (["--host", lab.docker_host], f"docker --host {lab.docker_host} buildx ls"),
        (["--context", context], f"docker --context {context} buildx ls"),
    ):
        result = run([lab.docker_cli, *global_args, NAME, *doctor], env, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert shown in result.stdout
        assert f"Node {lab.builders.container}/" in result.stdout
    # the docker CLI's TLS flags cannot be followed: said plainly, exit 2
    tls = run([lab.docker_cli, "--tlsverify", NAME, "--version"], env)
    assert tls.returncode == 2 and "not supported by buildx-tui" in tls.stderr
