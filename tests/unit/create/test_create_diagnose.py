"""Failures explained with the fix, on buildx's recorded words; the endpoint probe against small
local servers (TLS with certificates made by openssl for the test)."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from buildx_tui.core.create.diagnose import Facts, explain
from buildx_tui.core.probe import ProbeResult, probe_endpoint, probe_ssh
from tests.fakes import fixture

SETTINGS = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"


@pytest.mark.parametrize(
    ("recording", "facts", "title", "fix"),
    [
        ("create-err-toml-type.stderr", Facts(config_path="/c/b.toml"),
         "BuildKit cannot read the buildkitd.toml", "Correct the file /c/b.toml"),
        ("create-err-toml-syntax.stderr", Facts(), "BuildKit cannot read the buildkitd.toml", ""),
        ("create-err-remote-config.stderr", Facts(),
         "The remote driver takes no buildkitd.toml", "buildkitd.default.toml"),
        ("create-err-driver-opt.stderr", Facts(driver="docker-container"),
         'The docker-container driver has no option "memroy"', "memory, memory-swap"),
        ("create-err-missing-cacert.stderr", Facts(), "TLS files missing", "buildx needs cacert"),
        ("create-err-name-exists.stderr", Facts(), 'A builder "wiz-rec-remote" already exists',
         "append a node"),
        ("create-err-append-missing.stderr", Facts(),
         'There is no builder "wiz-rec-nosuch" to append to', ""),
        ("create-err-duplicate-endpoint.stderr", Facts(builder="wiz-rec-remote"),
         "Another node of this builder already uses that endpoint",
         "--leave --name wiz-rec-remote"),
        ("create-err-docker-driver.stderr", Facts(),
         "buildx cannot create docker-driver builders", "docker context create"),
        ("create-err-bad-scheme.stderr", Facts(), "http:// is not a BuildKit address", "tcp://"),
        ("create-err-ssh-refused.stderr", Facts(endpoint="ssh://root@127.0.0.1"),
         "Nothing answers on 127.0.0.1 port 22 (SSH connection refused)",
         "`ssh root@127.0.0.1 docker version` must work"),
        ("create-err-ssh-port-refused.stderr", Facts(endpoint="ssh://root@127.0.0.1:2299"),
         "Nothing answers on 127.0.0.1 port 2299 (SSH connection refused)",
         "without a port ssh uses 22"),
        ("create-err-ssh-host-key.stderr", Facts(endpoint="ssh://root@localhost:2222"),
         "ssh does not trust the host key of [localhost]:2222",
         "`ssh -p 2222 root@localhost true`"),
        ("create-err-ssh-permission.stderr", Facts(endpoint="ssh://nobody@127.0.0.1:2222"),
         "The SSH server refused the login nobody@127.0.0.1 (publickey)", "ssh-copy-id"),
        ("create-err-ssh-timeout.stderr",
         Facts(driver="docker-container", endpoint="ssh://root@127.0.0.1:2298"),
         "No answer over SSH from 127.0.0.1 port 2298 in time",
         "`ssh -p 2298 root@127.0.0.1 docker version` answers"),
        ("bootstrap-err-image-missing.stderr",
         Facts(image="127.0.0.1:5000/no-such-buildkit:1"),
         "The BuildKit image 127.0.0.1:5000/no-such-buildkit:1 cannot be pulled", "check the name"),
        ("bootstrap-err-image-offline.stderr", Facts(image="moby/buildkit:master"),
         "The engine cannot reach a registry to pull moby/buildkit:master", "docker load"),
        ("bootstrap-err-remote-tls.stderr", Facts(driver="remote", endpoint="tcp://h:1234"),
         "No answer from tcp://h:1234 within 20 s", "wrong cacert"),
        ("leave-err-last-node.stderr", Facts(builder="wiz-rec-remote"),
         "A builder's last node cannot leave", "docker buildx rm wiz-rec-remote"),
    ],
)  # fmt: skip
def test_recorded_failures_are_explained(recording: str, facts: Facts, title: str, fix: str):
    stderr = fixture(f"local/{recording}")
    got = explain(stderr, facts)
    assert got.title == title
    assert fix in got.fix
    assert got.detail == stderr.strip()


def test_ssh_failures_without_the_endpoint_and_other_ssh_errors() -> None:
    # Without facts the SSH explanations name placeholders, never a wrong host.
    got = explain(fixture("local/create-err-ssh-timeout.stderr"))
    assert got.title == "No answer over SSH from the host port 22 in time"
    assert "`ssh USER@HOST docker version`" in got.fix
    got = explain(fixture("local/create-err-ssh-host-key.stderr"), Facts(endpoint="ssh://h"))
    assert got.title == "ssh does not trust the host key of [localhost]:2222"
    assert "`ssh h true`" in got.fix
    # An ssh failure none of them knows keeps the general SSH advice (not a recording: the
    # words ssh prints for a name that does not resolve, in the form the docker CLI wraps them).
    other = (
        "ERROR: failed to initialize builder b (b0): error during connect: command [ssh -l root "
        "-T -- nosuchhost docker system dial-stdio] has exited with exit status 255: "
        "stderr=ssh: Could not resolve hostname nosuchhost: Name or service not known"
    )
    got = explain(other, Facts(endpoint="ssh://root@nosuchhost"))
    assert got.title == "buildx could not reach the Docker engine over SSH"
    assert got.fix.endswith("Endpoint: ssh://root@nosuchhost.")


def test_probe_finding_replaces_the_bare_deadline() -> None:
    probe = ProbeResult(False, "127.0.0.1:1234 requires a client certificate", "give cert, key")
    got = explain(
        fixture("local/bootstrap-err-remote-tls.stderr"),
        Facts(driver="remote", endpoint="tcp://127.0.0.1:1234"),
        probe=probe,
    )
    assert got.title == "tcp://127.0.0.1:1234: 127.0.0.1:1234 requires a client certificate"
    assert got.fix == "give cert, key"
    assert "buildx waits 20 s" in got.detail


def test_engine_refusing_the_privileged_container_is_explained() -> None:
    stderr = fixture("buildx/inspect-seedtest-bootstrap-privileged-denied.stderr")
    got = explain(stderr, Facts(builder="seedtest", driver="docker-container"))
    assert got.title == "The engine cannot start the privileged BuildKit container"
    assert "Use a remote buildkitd instead" in got.fix
    assert got.detail == stderr.strip()


def test_unknown_failure_keeps_buildx_words() -> None:
    got = explain("ERROR: something new", Facts())
    assert (got.title, got.detail) == ("The command failed", "ERROR: something new")


# --- probe ---------------------------------------------------------------------------------


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pki")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    _openssl("req", "-x509", *ec, "-keyout", "ca-key.pem", "-out", "ca.pem", "-days", "2",
             "-subj", "/CN=test-ca", cwd=d)  # fmt: skip
    server_ext = "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"
    for name, ext in (("server", server_ext), ("client", "extendedKeyUsage=clientAuth")):
        (d / f"{name}.ext").write_text(ext + "\n")
        _openssl("req", *ec, "-keyout", f"{name}-key.pem", "-out", f"{name}.csr",
                 "-subj", f"/CN={name}", cwd=d)  # fmt: skip
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
                 "-CAcreateserial", "-out", f"{name}-cert.pem", "-days", "2",
                 "-extfile", f"{name}.ext", cwd=d)  # fmt: skip
    return d


def _serve(listener: socket.socket, wrap: ssl.SSLContext | None) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        try:
            if wrap is not None:
                conn = wrap.wrap_socket(conn, server_side=True)
            conn.sendall(SETTINGS)
            conn.recv(64)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()


@pytest.fixture
def tls_server(pki: Path) -> Iterator[int]:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pki / "server-cert.pem", pki / "server-key.pem")
    ctx.load_verify_locations(pki / "ca.pem")
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.set_alpn_protocols(["h2"])
    listener = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=_serve, args=(listener, ctx), daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def test_probe_tls(pki: Path, tls_server: int) -> None:
    ep = f"tcp://127.0.0.1:{tls_server}"
    ca, cert, key = (str(pki / n) for n in ("ca.pem", "client-cert.pem", "client-key.pem"))
    ok = probe_endpoint(ep, cacert=ca, cert=cert, key=key)
    assert ok == ProbeResult(True, f"TLS handshake with 127.0.0.1:{tls_server} succeeded; "
                                   "buildkitd answers")  # fmt: skip
    wrong_ca = probe_endpoint(ep, cacert=cert, cert=cert, key=key)
    assert wrong_ca is not None and not wrong_ca.ok
    assert "is not signed by the CA in cacert" in wrong_ca.summary
    name = probe_endpoint(ep, cacert=ca, cert=cert, key=key, servername="example.com")
    assert name is not None and "not valid for the name 'example.com'" in name.summary
    assert "servername=" in name.fix
    no_client = probe_endpoint(ep, cacert=ca)
    assert no_client is not None and "requires a client certificate" in no_client.summary
    plain = probe_endpoint(ep)
    assert plain is not None and "the server wants TLS" in plain.summary
    mismatch = probe_endpoint(ep, cacert=ca, cert=str(pki / "server-cert.pem"), key=key)
    assert mismatch is not None and "cannot be used together" in mismatch.summary


def test_probe_plain_and_unix(tmp_path: Path) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    threading.Thread(target=_serve, args=(listener, None), daemon=True).start()
    assert probe_endpoint(f"tcp://127.0.0.1:{port}") == ProbeResult(
        True, f"buildkitd answers on 127.0.0.1:{port} (no TLS)"
    )
    unused = socket.socket()
    unused.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    refused = probe_endpoint(f"tcp://127.0.0.1:{unused.getsockname()[1]}")
    unused.close()
    assert refused is not None and "connection refused" in refused.summary
    sock_path = tmp_path / "bk.sock"
    unix = socket.socket(socket.AF_UNIX)
    unix.bind(str(sock_path))
    unix.listen()
    threading.Thread(target=_serve, args=(unix, None), daemon=True).start()
    assert probe_endpoint(f"unix://{sock_path}") == ProbeResult(
        True, f"buildkitd answers on {sock_path} (no TLS)"
    )
    unix.close()
    missing = probe_endpoint(f"unix://{tmp_path}/nope.sock")
    assert missing is not None and missing.summary == f"there is no socket at {tmp_path}/nope.sock"
    assert probe_endpoint("ssh://user@host") is None
    assert probe_endpoint("tcp://host") is None  # no port: not probed


def test_ssh_failure_whose_words_the_docker_cli_lost_is_told_by_a_probe() -> None:
    # Seen in CI on the lab: racing ssh's exit, the docker CLI reports only the failed write
    # (ssh's "Connection refused" line is gone), so the probe of the port says what happened.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    endpoint = f"ssh://root@127.0.0.1:{port}"
    error = (
        "ERROR: failed to initialize builder b (b0): error during connect: Get "
        '"http://docker.example.com/v1.55/containers/buildx_buildkit_b0/json": '
        "write |1: broken pipe"
    )
    probe = probe_ssh(endpoint)
    assert probe is not None and not probe.ok
    facts = Facts(builder="b", endpoint=endpoint)
    ex = explain(error, facts, probe=probe)
    assert ex.title == f"Nothing answers on 127.0.0.1 port {port} (SSH connection refused)"
    assert error in ex.detail and "No SSH server listens" in ex.fix
    # Without a probe, or when ssh's own words are there, the matchers decide as before.
    assert explain(error, facts).title == "The command failed"
    refused = f"stderr=ssh: connect to host 127.0.0.1 port {port}: Connection refused"
    assert explain(error + " " + refused, facts, probe=probe).title.startswith("Nothing answers")
