"""Push targets: credentials per registry (names only) and the registries' recorded answers to
GET /v2/ (scripts/record_doctor_push_fixtures.py)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from buildx_tui.core.doctor.model import Status
from buildx_tui.core.doctor.push import (
    check_push_target,
    credentials_for,
    parse_push_targets,
    push_results,
    registry_of,
)
from buildx_tui.core.doctor.v2 import V2Answer, parse_v2_response, probe_v2, split_registry
from tests.fakes import FIXTURES
from tests.helpers.doctor import doctor_backend, doctor_context

LAB = FIXTURES / "local" / "doctor-v2-lab.http"
HTPASSWD = FIXTURES / "local" / "doctor-v2-htpasswd.http"


def test_recorded_answers() -> None:
    ok = parse_v2_response(LAB.read_bytes())
    assert (ok.status, ok.authenticate) == (200, "")
    wants = parse_v2_response(HTPASSWD.read_bytes())
    assert wants.status == 401 and wants.authenticate == 'Basic realm="doctor-rec"'
    assert parse_v2_response(b"SSH-2.0-OpenSSH\r\n").status is None


def test_registries_of_references() -> None:
    assert registry_of("127.0.0.1:5000/app:1") == "127.0.0.1:5000"
    assert registry_of("busybox") == "docker.io"
    assert registry_of("ghcr.io/me/app") == "ghcr.io"
    assert split_registry("[::1]:5000") == ("::1", 5000)
    assert split_registry("localhost") == ("localhost", None)


SECRET = "c2VjcmV0OnBhc3N3b3Jk"


def test_credentials_say_where_never_what() -> None:
    config: dict[str, object] = {
        "auths": {"https://index.docker.io/v1/": {"auth": SECRET}, "ghcr.io": {}},
        "credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"},
    }
    hub = credentials_for(config, "docker.io")
    assert hub.certain and hub.where == "stored in config.json (auths)"
    ecr = credentials_for(config, "123.dkr.ecr.us-east-1.amazonaws.com")
    assert ecr.where == "credential helper docker-credential-ecr-login (credHelpers)"
    assert not credentials_for(config, "ghcr.io").where  # an empty entry, no store: none
    stored = credentials_for({**config, "credsStore": "pass"}, "ghcr.io")
    assert stored.certain and "docker-credential-pass (credsStore)" in stored.where
    maybe = credentials_for({"credsStore": "desktop"}, "quay.io")
    assert not maybe.certain and "docker would ask docker-credential-desktop" in maybe.where


def ctx_with(tmp_path: Path, config: dict[str, object] | None, *refs: str, answer=None):
    asked: list[str] = []

    def probe(registry: str, timeout: float) -> V2Answer:
        asked.append(registry)
        assert answer is not None, "a registry was asked"
        return answer

    ctx = doctor_context(doctor_backend(), tmp_path, push_targets=refs, probe_registry=probe)
    ctx.asked = asked  # type: ignore[attr-defined]
    if config is not None:
        ctx.docker_config.mkdir(parents=True, exist_ok=True)
        (ctx.docker_config / "config.json").write_text(json.dumps(config))
    return ctx


def test_loopback_registry_that_needs_no_login(tmp_path) -> None:
    ok = parse_v2_response(LAB.read_bytes())
    (r,) = push_results(ctx_with(tmp_path, None, "127.0.0.1:5000/app:1", answer=ok))
    assert r.status is Status.PASSED
    assert "127.0.0.1:5000 answers /v2/ with 200: no login needed" in r.found
    assert "docker holds no credentials for 127.0.0.1:5000" in r.found


def test_loopback_registry_that_wants_a_login(tmp_path) -> None:
    wants = parse_v2_response(HTPASSWD.read_bytes())
    (r,) = push_results(ctx_with(tmp_path, {"auths": {}}, "127.0.0.1:5917/app", answer=wants))
    assert r.status is Status.FAILED
    assert 'wants a login (401, WWW-Authenticate: Basic realm="doctor-rec")' in r.found
    assert r.fix is not None and r.fix.command == "docker login 127.0.0.1:5917"
    config = {"auths": {"127.0.0.1:5917": {"auth": SECRET}}}
    (logged,) = push_results(ctx_with(tmp_path, config, "127.0.0.1:5917/app", answer=wants))
    assert logged.status is Status.PASSED
    assert "credentials for 127.0.0.1:5917: stored in config.json (auths)" in logged.found
    assert SECRET not in logged.found + logged.command + logged.why


def test_non_loopback_is_not_contacted(tmp_path) -> None:
    config = {"credHelpers": {"ghcr.io": "gh"}}
    ctx = ctx_with(tmp_path, config, "ghcr.io/me/app:1", "quay.io/me/app", "ghcr.io/me/app:1")
    got = push_results(ctx)
    assert [r.key for r in got] == ["push:ghcr.io/me/app:1", "push:quay.io/me/app"]
    ghcr, quay = got
    assert ghcr.status is Status.PASSED and "docker-credential-gh" in ghcr.found
    assert "not contacted" in ghcr.found and "not contacted" in quay.found
    assert quay.status is Status.UNKNOWN and quay.fix is not None
    assert ctx.asked == []


def test_push_targets_typed() -> None:
    assert parse_push_targets("a:1, 127.0.0.1:5000/b  a:1\nc") == ("a:1", "127.0.0.1:5000/b", "c")
    assert parse_push_targets("") == ()
    bad = parse_push_targets("ok:1 Not/Valid!")
    assert isinstance(bad, str) and bad.startswith("'Not/Valid!':")
    many = parse_push_targets(" ".join(f"r{i}" for i in range(30)))
    assert many == "30 references: the doctor checks up to 20 at once"
    long = parse_push_targets("x" * 5000)
    assert isinstance(long, str) and len(long) < 400


def test_a_bad_reference_is_said(tmp_path: Path) -> None:
    r = check_push_target(ctx_with(tmp_path, None), "Not A Ref!")
    assert r.status is Status.FAILED and r.found.startswith("not an image reference")


@pytest.fixture
def server() -> Iterator[tuple[int, list[bytes]]]:
    """A loopback server that answers each connection with the next canned bytes."""
    answers: list[bytes] = []
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)

    def serve() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(4096)
                conn.sendall(answers.pop(0) if answers else b"")

    threading.Thread(target=serve, daemon=True).start()
    yield sock.getsockname()[1], answers
    sock.close()


def test_probe_reads_a_real_socket(server) -> None:
    port, answers = server
    answers.append(HTPASSWD.read_bytes())
    got = probe_v2(f"127.0.0.1:{port}", 2.0)
    assert got.status == 401 and got.scheme == "http"


def test_probe_refused() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    got = probe_v2(f"127.0.0.1:{port}", 1.0)
    assert got.status is None and "connection refused" in got.error
