"""End-to-end fixtures: the real lab (dockerd + buildx + BuildKit + registry + QEMU + sshd) of
scripts/lab.

Every test under tests/e2e is marked `e2e`. The session fixture `lab` brings the lab up (or finds it
up) and hands tests a `Lab`. When the lab cannot be brought up, tests are skipped with the reason,
except in CI (CI=true), where that is a failure. The lab is left running at the end of the session:
`scripts/lab down` stops it (.ci/run does that).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAB_SCRIPT = REPO / "scripts" / "lab"
E2E_DIR = Path(__file__).resolve().parent

# Variables that would send the docker CLI somewhere else than the lab engine.
_FOREIGN_DOCKER_ENV = (
    "DOCKER_CONTEXT",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "DOCKER_TLS",
    "BUILDX_BUILDER",
    "BUILDKIT_HOST",
)


@dataclass(frozen=True)
class Certs:
    ca: str
    cert: str
    key: str


@dataclass(frozen=True)
class Builders:
    container: str
    remote: str
    dead: str


@dataclass(frozen=True)
class Lab:
    """The running lab, as `scripts/lab env --json` describes it."""

    lab_dir: str
    docker_cli: str  # "docker" in the JSON: path of the docker CLI (docker() runs it)
    docker_host: str
    docker_config: str
    registry: str  # host:port, plain HTTP
    buildkitd_tcp: str  # mutual TLS with `certs`
    buildkitd_unix: str
    certs: Certs
    builders: Builders
    # ssh://root@127.0.0.1:PORT and ssh://root@127.0.0.2:PORT: one sshd, two loopback "hosts",
    # whose sessions reach the lab dockerd; needs path_prepend first on PATH (the lab's `ssh`
    # wrapper with its key and known_hosts; env() does that)
    ssh_endpoints: tuple[str, ...]
    path_prepend: str

    @property
    def ssh(self) -> str:
        """The lab's ssh:// Docker endpoint (BUILDX_TUI_LAB_SSH)."""
        return self.ssh_endpoints[0]

    @classmethod
    def from_json(cls, text: str) -> Lab:
        data = json.loads(text)
        return cls(
            lab_dir=data["lab_dir"],
            docker_cli=data["docker"],
            docker_host=data["docker_host"],
            docker_config=data["docker_config"],
            registry=data["registry"],
            buildkitd_tcp=data["buildkitd_tcp"],
            buildkitd_unix=data["buildkitd_unix"],
            certs=Certs(**data["certs"]),
            builders=Builders(**data["builders"]),
            ssh_endpoints=tuple(data["ssh_endpoints"]),
            path_prepend=data["path_prepend"],
        )

    def env(self) -> dict[str, str]:
        """os.environ pointed at the lab: its dockerd and its DOCKER_CONFIG (never ~/.docker), and
        PATH with the lab's `ssh` wrapper first (ssh:// endpoints; never ~/.ssh)."""
        env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_DOCKER_ENV}
        env["DOCKER_HOST"] = self.docker_host
        env["DOCKER_CONFIG"] = self.docker_config
        env["BUILDX_TUI_LAB_REGISTRY"] = self.registry
        env["BUILDX_TUI_LAB_SSH"] = self.ssh
        env["PATH"] = self.path_with_ssh(env.get("PATH", os.defpath))
        return env

    def path_with_ssh(self, path: str) -> str:
        """`path` with the lab's ssh wrapper dir first (once)."""
        rest = [p for p in path.split(os.pathsep) if p and p != self.path_prepend]
        return os.pathsep.join([self.path_prepend, *rest])

    def docker(
        self, *args: str, timeout: float = 300, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        """Run the lab's docker CLI (argv, no shell) with env(); output captured as text."""
        return subprocess.run(
            [self.docker_cli, *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
            stdin=subprocess.DEVNULL,
        )

    def engine_stop(self) -> None:
        """Stop only the lab dockerd (for "docker unreachable" tests)."""
        _lab_cmd("engine-stop", env=self._lab_env())

    def engine_start(self) -> None:
        """Start the lab dockerd again (lab-container is bootstrapped again too)."""
        _lab_cmd("engine-start", env=self._lab_env())

    def _lab_env(self) -> dict[str, str]:
        return {**os.environ, "BUILDX_TUI_LAB_DIR": self.lab_dir}


def _lab_cmd(
    *args: str, env: dict[str, str] | None = None, timeout: float = 1800
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(LAB_SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        raise LabUnavailable(
            f"scripts/lab {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
        )
    return proc


class LabUnavailable(Exception):
    pass


def _bring_up() -> Lab:
    if os.geteuid() != 0:
        raise LabUnavailable("the lab needs root (scripts/lab runs its own dockerd)")
    status = subprocess.run(
        [str(LAB_SCRIPT), "status"],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    if status.returncode != 0:
        _lab_cmd("up")
    return Lab.from_json(_lab_cmd("env", "--json").stdout)


def pytest_collection_modifyitems(config: pytest.Config, items: Sequence[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def lab() -> Lab:
    try:
        return _bring_up()
    except (LabUnavailable, OSError, subprocess.SubprocessError, ValueError, KeyError) as exc:
        reason = f"the e2e lab could not be brought up: {exc}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
