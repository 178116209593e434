"""The doctor's ssh:// and push-target checks against the real lab.

ssh: the product runs the `ssh` found on PATH, as docker's ssh:// helper does, so the user's
ssh config applies. OpenSSH reads ~/.ssh/config from the passwd entry's home (not $HOME), so a
test cannot swap it; what it can do is what the lab itself does: put an `ssh` first on PATH
that runs /usr/bin/ssh with `-F CONFIG` (a user's wrapper or config, as the product would meet
it). Each case checks the doctor's verdict against what `docker -H ssh://…` itself does with the
same PATH. Cases: the lab's sshd (OK, with the lab engine's version), a Host alias of a
temporary config, a closed port, a key the server refuses, an alias to a non-loopback host
(never contacted: only `ssh -G` runs).

push: `buildx-tui doctor --push REF` as a subprocess with a temporary docker config: the lab
registry (no login needed), a registry of the test's own with htpasswd (401: needs a login;
then `docker login` and it passes, no secret printed), a closed port, a registry elsewhere.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():  # bcrypt for an htpasswd file (Python 3.11 still has it)
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.core.docker.types import ClientOptions
from buildx_tui.core.doctor.context import DoctorContext
from buildx_tui.core.doctor.model import CheckResult, Status
from buildx_tui.core.doctor.runner import run_all
from buildx_tui.core.doctor.ssh import check_ssh_endpoint
from buildx_tui.ui.build.push_preflight import push_issues

from .conftest import Lab

PASSWORD = "doctor-e2e-not-a-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lab_ssh_dir(lab: Lab) -> Path:
    return Path(lab.path_prepend).parent


def user_ssh(tmp: Path, config: str) -> str:
    """A PATH whose `ssh` reads ``config`` (as the user's ~/.ssh/config would be read)."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    (tmp / "config").write_text(config, encoding="utf-8")
    ssh = bin_dir / "ssh"
    ssh.write_text(f'#!/bin/sh\nexec /usr/bin/ssh -F {tmp / "config"} "$@"\n', encoding="utf-8")
    ssh.chmod(0o755)
    rest = [p for p in os.environ.get("PATH", os.defpath).split(os.pathsep) if p]
    return os.pathsep.join([str(bin_dir), *rest])


def base_config(lab: Lab, key: Path | None = None) -> str:
    d = lab_ssh_dir(lab)
    return (
        "Host *\n"
        f"  IdentityFile {key or d / 'id_ed25519'}\n"
        "  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {d / 'known_hosts'}\n"
        "  GlobalKnownHostsFile /dev/null\n"
        "  CheckHostIP no\n"
        "  LogLevel ERROR\n"
    )


def lab_port(lab: Lab) -> int:
    return int(lab.ssh.rsplit(":", 1)[1])


def check(lab: Lab, path: str, endpoint: str, monkeypatch: pytest.MonkeyPatch) -> CheckResult:
    monkeypatch.setenv("PATH", path)
    options = ClientOptions(docker=lab.docker_cli, config=lab.docker_config)
    ctx = DoctorContext(BuildxClient(options), connect_timeout_s=5)
    started = time.monotonic()
    result = check_ssh_endpoint(ctx, endpoint)
    assert time.monotonic() - started < 40
    return result


def docker_over(lab: Lab, path: str, endpoint: str) -> subprocess.CompletedProcess[str]:
    """What docker itself does with the same PATH (its ssh:// helper)."""
    env = {**lab.env(), "PATH": path}
    return subprocess.run(
        [lab.docker_cli, "-H", endpoint, "version", "--format", "{{.Server.Version}}"],
        env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def engine_version(lab: Lab) -> str:
    out = lab.docker("version", "--format", "{{.Server.Version}}", timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_ssh_ok_on_the_lab(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = user_ssh(tmp_path, base_config(lab))
    r = check(lab, path, lab.ssh, monkeypatch)
    version = engine_version(lab)
    assert r.status is Status.PASSED, r.found
    assert f"ssh uses root@127.0.0.1:{lab_port(lab)}" in r.found
    assert f"remote engine {version}" in r.found
    assert docker_over(lab, path, lab.ssh).stdout.strip() == version


def test_ssh_alias_from_the_users_config(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alias = f"d2-alias-{uuid.uuid4().hex[:6]}"
    config = f"Host {alias}\n  HostName 127.0.0.1\n  Port {lab_port(lab)}\n  User root\n"
    path = user_ssh(tmp_path, config + base_config(lab))
    r = check(lab, path, f"ssh://{alias}", monkeypatch)
    assert r.status is Status.PASSED, r.found
    assert r.found.startswith(f"ssh config resolves {alias} to root@127.0.0.1:{lab_port(lab)}")
    assert docker_over(lab, path, f"ssh://{alias}").stdout.strip() == engine_version(lab)
    # without that config the alias means nothing: ssh itself says so, and so does the doctor
    bare = user_ssh(tmp_path / "bare", base_config(lab))
    r = check(lab, bare, f"ssh://{alias}", monkeypatch)
    assert r.status in (Status.FAILED, Status.UNKNOWN) and "not contacted" in r.found


def test_ssh_closed_port(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    endpoint = f"ssh://root@127.0.0.1:{port}"
    path = user_ssh(tmp_path, base_config(lab))
    r = check(lab, path, endpoint, monkeypatch)
    assert r.status is Status.FAILED
    assert "no ssh server answers there" in r.found
    assert f"port {port}: Connection refused" in r.found
    assert r.fix is not None and "sshd runs there" in r.fix.text
    assert docker_over(lab, path, endpoint).returncode != 0


def test_ssh_refused_key(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "not_authorized"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True, timeout=30
    )
    path = user_ssh(tmp_path, base_config(lab, key))
    r = check(lab, path, lab.ssh, monkeypatch)
    assert r.status is Status.FAILED
    assert "refused every key" in r.found and "Permission denied (publickey)" in r.found
    assert f"key {key}" in r.found  # the key ssh offered, from the config
    over = docker_over(lab, path, lab.ssh)
    assert over.returncode != 0 and "Permission denied" in over.stderr


def test_ssh_alias_elsewhere_is_not_contacted(
    lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = "Host far\n  HostName build.example.com\n  User builder\n"
    path = user_ssh(tmp_path, config + base_config(lab))
    r = check(lab, path, "ssh://far", monkeypatch)
    assert r.status is Status.UNKNOWN
    assert "ssh config resolves far to builder@build.example.com:22" in r.found
    assert "not contacted" in r.found
    assert "BatchMode" not in r.command  # only `ssh -G` ran


# -- a builder on the lab's ssh:// endpoint, through the whole doctor --------------------------
@pytest.fixture
def ssh_builder(lab: Lab) -> Iterator[str]:
    name = f"doctor2-e2e-ssh-{uuid.uuid4().hex[:6]}"
    made = lab.docker("buildx", "create", "--name", name, "--driver", "docker-container",
                      "--driver-opt", "network=host", lab.ssh, timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr
    yield name
    lab.docker("buildx", "rm", name, timeout=120)
    lab.docker("rm", "-f", "-v", f"buildx_buildkit_{name}0", timeout=60)
    lab.docker("volume", "rm", "-f", f"buildx_buildkit_{name}0_state", timeout=60)
    assert name not in lab.docker("buildx", "ls").stdout


def test_ssh_builder_in_the_doctor(
    lab: Lab, ssh_builder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", lab.path_with_ssh(os.environ.get("PATH", os.defpath)))
    options = ClientOptions(docker=lab.docker_cli, config=lab.docker_config)
    ctx = DoctorContext(BuildxClient(options), builders=(ssh_builder,), connect_timeout_s=5)
    done = {c.id: r for c, r in run_all(ctx, only=("nodes", "ssh"))}
    (ssh,) = done["ssh"]
    assert ssh.key == f"ssh:{lab.ssh}" and ssh.status is Status.PASSED, ssh.found
    assert f"remote engine {engine_version(lab)}" in ssh.found
    (node,) = done["nodes"]
    assert node.status is not Status.FAILED, node.found


# -- push targets ------------------------------------------------------------------------------
@pytest.fixture
def auth_registry(tmp_path: Path) -> Iterator[str]:
    """A registry of our own on a free loopback port that wants a login (htpasswd)."""
    binary = shutil.which("docker-registry") or "/usr/bin/docker-registry"
    port = free_port()
    d = tmp_path / "registry"
    d.mkdir()
    salt = crypt.mksalt(crypt.METHOD_BLOWFISH)
    (d / "htpasswd").write_text(f"doctor:{crypt.crypt(PASSWORD, salt)}\n", encoding="utf-8")
    (d / "config.yml").write_text(
        f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {d / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
        f"auth:\n  htpasswd:\n    realm: doctor-e2e\n    path: {d / 'htpasswd'}\n",
        encoding="utf-8",
    )
    with open(d / "log", "wb") as log:
        proc = subprocess.Popen([binary, "serve", str(d / "config.yml")], stdout=log, stderr=log)
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError(f"the test registry did not start: {(d / 'log').read_text()}")
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def doctor_push(lab: Lab, config: Path, *refs: str) -> tuple[int, dict[str, dict[str, str]], str]:
    args = [a for ref in refs for a in ("--push", ref)]
    proc = subprocess.run(
        [sys.executable, "-m", "buildx_tui", "--docker", lab.docker_cli, "--config", str(config),
         "doctor", "--json", "--platform", "linux/amd64", "--builder", lab.builders.container,
         *args],
        env={**lab.env(), "NO_COLOR": "1"}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    data = json.loads(proc.stdout)
    return proc.returncode, {r["key"]: r for r in data["results"]}, proc.stdout


def test_push_targets(lab: Lab, tmp_path: Path, auth_registry: str) -> None:
    config = tmp_path / "docker-config"
    config.mkdir()
    (config / "config.json").write_text("{}", encoding="utf-8")
    closed = f"127.0.0.1:{free_port()}"
    refs = (f"{lab.registry}/doctor2-e2e:1", f"{auth_registry}/private:1",
            f"{closed}/nothing:1", "ghcr.io/doctor2-e2e/app:1")  # fmt: skip
    code, got, _ = doctor_push(lab, config, *refs)
    lab_reg, private, nothing, far = (got[f"push:{r}"] for r in refs)
    assert lab_reg["status"] == "passed"
    assert f"{lab.registry} answers /v2/ with 200: no login needed" in lab_reg["found"]
    assert private["status"] == "failed" and code == 1
    assert f"{auth_registry} wants a login (401" in private["found"]
    assert 'Basic realm="doctor-e2e"' in private["found"]
    assert private["fix"]["command"] == f"docker login {auth_registry}"
    assert nothing["status"] == "failed" and "connection refused" in nothing["found"]
    assert far["status"] == "unknown" and "not contacted" in far["found"]

    # The build form's pre-flight of a push says the same, live (a warning for the 401 only)
    spec = BuildSpec("lab-container", tags=refs[:3], output=Output.PUSH)
    warned = push_issues(spec, str(config))
    assert len(warned) == 2
    assert warned[0].message.startswith(f"push to {refs[1]}: ")
    assert warned[1].message.startswith(f"push to {refs[2]}: ")
    assert "wants a login (401" in warned[0].message
    assert "connection refused" in warned[1].message

    # The fix, as the user would run it (into the temporary config, never the lab's)
    login = subprocess.run(
        [lab.docker_cli, "--config", str(config), "login", "--username", "doctor",
         "--password-stdin", auth_registry],
        env=lab.env(), input=PASSWORD, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert login.returncode == 0, login.stderr
    # what docker itself says with those credentials: a push is accepted
    _, got, out = doctor_push(lab, config, f"{auth_registry}/private:1")
    after = got[f"push:{auth_registry}/private:1"]
    assert after["status"] == "passed", after
    assert f"credentials for {auth_registry}: stored in config.json (auths)" in after["found"]
    assert PASSWORD not in out
    stored = json.loads((config / "config.json").read_text())["auths"][auth_registry]["auth"]
    assert stored not in out
