"""The doctor's ssh:// check on what ssh really printed (scripts/record_doctor_ssh_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildx_tui.core.doctor.model import Status
from buildx_tui.core.doctor.nodes import node_results
from buildx_tui.core.doctor.runner import run_all
from buildx_tui.core.doctor.ssh import (
    Outcome,
    check_ssh_endpoint,
    classify,
    connect_argv,
    is_loopback,
    parse_ssh_g,
    parse_target,
    resolve_argv,
    ssh_results,
)
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.doctor import doctor_backend, doctor_context

LAB = "ssh://root@127.0.0.1:2222"


def target(endpoint: str):
    t = parse_target(endpoint)
    assert not isinstance(t, str), t
    return t


def test_argv_as_the_docker_cli_builds_it() -> None:
    t = target(LAB)
    assert resolve_argv(t) == ("ssh", "-G", "-l", "root", "-p", "2222", "--", "127.0.0.1")
    assert connect_argv(t, 5) == (
        "ssh", "-l", "root", "-p", "2222", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5",
        "-T", "--", "127.0.0.1", "docker version --format '{{.Server.Version}}'",
    )  # fmt: skip
    alias = target("ssh://lab-alias")
    assert resolve_argv(alias) == ("ssh", "-G", "--", "lab-alias")
    sock = target("ssh://me@host/run/user/1000/docker.sock")
    assert sock.remote_command() == (
        "docker --host=unix:///run/user/1000/docker.sock version --format '{{.Server.Version}}'"
    )


@pytest.mark.parametrize(
    ("endpoint", "said"),
    [
        ("ssh://me:pw@host", "password"),
        ("ssh://", "no host"),
        ("ssh://host?x=1", "query"),
        ("ssh://host:notaport", "not a valid ssh URL"),
    ],
)
def test_endpoints_docker_refuses(endpoint: str, said: str) -> None:
    got = parse_target(endpoint)
    assert isinstance(got, str) and said in got


def test_ssh_g_lab_alias_far_and_jump() -> None:
    lab = parse_ssh_g(fixture("local/doctor-ssh-G-lab.stdout"))
    assert lab is not None
    assert (lab.hostname, lab.user, lab.port, lab.proxy) == ("127.0.0.1", "root", "2222", "")
    assert lab.identity_files == ("/tmp/buildx-tui-lab/ssh/id_ed25519",)
    alias = parse_ssh_g(fixture("local/doctor-ssh-G-alias.stdout"))
    assert alias is not None and (alias.hostname, alias.port) == ("127.0.0.1", "2222")
    far = parse_ssh_g(fixture("local/doctor-ssh-G-far.stdout"))
    assert far is not None
    assert (far.hostname, far.user, far.port) == ("build.example.com", "builder", "2200")
    jump = parse_ssh_g(fixture("local/doctor-ssh-G-jump.stdout"))
    assert jump is not None and jump.proxy == "ProxyJump bastion.example.com"
    assert parse_ssh_g("") is None


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.0.0.2") and is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("build.example.com") and not is_loopback("10.0.0.1")


def _rec(name: str, rc: int) -> Outcome:
    out = fixture(f"local/doctor-ssh-{name}.stdout")
    err_file = Path(__file__).parents[2] / "fixtures" / "local" / f"doctor-ssh-{name}.stderr"
    err = err_file.read_text(encoding="utf-8") if err_file.exists() else ""
    return classify(rc, out, err).outcome


@pytest.mark.parametrize(
    ("name", "rc", "outcome"),
    [
        ("ok", 0, Outcome.OK),
        ("ok-alias", 0, Outcome.OK),
        ("closed", 255, Outcome.UNREACHABLE),
        ("key-refused", 255, Outcome.AUTH),
        ("hostkey-unknown", 255, Outcome.HOST_KEY_UNKNOWN),
        ("hostkey-changed", 255, Outcome.HOST_KEY_CHANGED),
        ("no-docker", 127, Outcome.NO_DOCKER),
        ("socket-denied", 1, Outcome.SOCKET_DENIED),
        ("engine-down", 1, Outcome.NO_ENGINE),
    ],
)
def test_every_recorded_failure_is_told_apart(name: str, rc: int, outcome: Outcome) -> None:
    assert _rec(name, rc) is outcome


def test_ok_gives_the_remote_engine_version() -> None:
    got = classify(0, fixture("local/doctor-ssh-ok.stdout"), "")
    assert got.version == "20.10.24+dfsg1"


def ssh_backend(endpoint: str, g: str, connect: tuple[int, str, str] | None) -> FakeBackend:
    backend = doctor_backend()
    t = target(endpoint)
    backend.replies[resolve_argv(t)] = Reply(0, fixture(f"local/doctor-ssh-G-{g}.stdout"))
    if connect is not None:
        backend.replies[connect_argv(t, 1.0)] = Reply(*connect)
    return backend


def test_ok_against_the_lab(tmp_path: Path) -> None:
    ok = (0, fixture("local/doctor-ssh-ok.stdout"), "")
    backend = ssh_backend(LAB, "lab", ok)
    r = check_ssh_endpoint(doctor_context(backend, tmp_path), LAB)
    assert r.status is Status.PASSED
    assert "ssh uses root@127.0.0.1:2222, key /tmp/buildx-tui-lab/ssh/id_ed25519" in r.found
    assert "remote engine 20.10.24+dfsg1" in r.found
    assert "ssh -G -l root -p 2222 -- 127.0.0.1" in r.command
    assert "BatchMode=yes" in r.command


def test_an_alias_is_resolved_and_said(tmp_path: Path) -> None:
    ok = (0, fixture("local/doctor-ssh-ok-alias.stdout"), "")
    backend = ssh_backend("ssh://lab-alias", "alias", ok)
    r = check_ssh_endpoint(doctor_context(backend, tmp_path), "ssh://lab-alias")
    assert r.status is Status.PASSED
    assert r.found.startswith("ssh config resolves lab-alias to root@127.0.0.1:2222")


@pytest.mark.parametrize(("g", "where"), [("far", "build.example.com"), ("jump", "ProxyJump")])
def test_not_loopback_is_never_contacted(tmp_path: Path, g: str, where: str) -> None:
    backend = ssh_backend("ssh://x-alias", g, None)
    r = check_ssh_endpoint(doctor_context(backend, tmp_path), "ssh://x-alias")
    assert r.status is Status.UNKNOWN
    assert "not contacted" in r.found and where in r.found
    assert not any(call[0] == "ssh" and "-G" not in call for call in backend.calls)


@pytest.mark.parametrize(
    ("name", "rc", "said", "fix"),
    [
        ("closed", 255, "no ssh server answers there", "sshd runs there"),
        ("key-refused", 255, "refused every key", "authorized_keys"),
        ("hostkey-unknown", 255, "not in known_hosts", "Connect once by hand"),
        ("hostkey-changed", 255, "differs from the one in known_hosts", "ssh-keygen -R"),
        ("no-docker", 127, "no docker CLI on the remote PATH", "Install the docker CLI"),
        ("socket-denied", 1, "may not open the remote engine's socket", "docker group"),
    ],
)
def test_failures_are_named_with_their_fix(
    tmp_path: Path, name: str, rc: int, said: str, fix: str
) -> None:
    err = fixture(f"local/doctor-ssh-{name}.stderr")
    backend = ssh_backend(LAB, "lab", (rc, "", err))
    r = check_ssh_endpoint(doctor_context(backend, tmp_path), LAB)
    assert r.status is Status.FAILED
    assert said in r.found
    assert r.fix is not None and fix in r.fix.text


def test_the_node_and_the_ssh_check_share_one_run(tmp_path: Path) -> None:
    """The recorded ls holds doctor-ssh-rec (inactive, on the lab's ssh endpoint): the node
    check says what ssh said, and ssh ran once for both checks."""
    backend = ssh_backend(LAB, "lab", (255, "", fixture("local/doctor-ssh-key-refused.stderr")))
    backend.ls_output = fixture("local/doctor-ssh-ls.stdout")
    ctx = doctor_context(backend, tmp_path, builders=("doctor-ssh-rec",))
    (node,) = node_results(ctx)
    assert node.status is Status.FAILED and "refused every key" in node.found
    (ssh,) = ssh_results(ctx)
    assert ssh.key == f"ssh:{LAB}" and ssh.status is Status.FAILED
    connects = [c for c in backend.calls if c[0] == "ssh" and "-G" not in c]
    assert len(connects) == 1
    done = dict((c.id, r) for c, r in run_all(ctx, only=("ssh",)))
    assert done["ssh"][0].status is Status.FAILED


def test_no_ssh_client_here(tmp_path: Path) -> None:
    backend = doctor_backend()
    t = target(LAB)
    backend.replies[resolve_argv(t)] = Reply(127, "", "[Errno 2] No such file or directory: 'ssh'")
    r = check_ssh_endpoint(doctor_context(backend, tmp_path), LAB)
    assert r.status is Status.FAILED and "could not resolve 127.0.0.1" in r.found
    assert r.fix is not None and "OpenSSH client" in r.fix.text
    assert [c for c in backend.calls if c[0] == "ssh"] == [resolve_argv(t)]
