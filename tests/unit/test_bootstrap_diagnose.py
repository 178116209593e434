"""A bootstrap that ends in buildx's bare "context deadline exceeded" is explained by probing the
builder's endpoints from here (issue #11 item 19), on the recorded lab builders and real sockets."""

from __future__ import annotations

import socket

from buildx_tui.core.bootstrap_diagnose import explain_bootstrap_failure
from buildx_tui.core.builders import Builder, parse_ls_json
from buildx_tui.core.probe import ProbeResult
from tests.fakes import fixture

DEADLINE = fixture("local/bootstrap-err-remote-tls.stderr")


def lab(name: str) -> Builder:
    builder = parse_ls_json(fixture("local/ls-lab-running.json")).get(name)
    assert builder is not None
    return builder


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def with_endpoint(builder: Builder, endpoint: str) -> Builder:
    from dataclasses import replace

    return replace(builder, nodes=tuple(replace(n, endpoint=endpoint) for n in builder.nodes))


def test_nothing_listening_is_said_with_the_address():
    port = closed_port()
    builder = with_endpoint(lab("lab-dead"), f"tcp://127.0.0.1:{port}")
    [line] = explain_bootstrap_failure(builder, DEADLINE)
    assert line.startswith(f"lab-dead0 (tcp://127.0.0.1:{port}): ")
    assert f"127.0.0.1:{port}" in line and "refused" in line


def test_the_node_tls_files_are_used_for_the_probe():
    seen: list[dict[str, object]] = []

    def probe(endpoint: str, **kw: object) -> ProbeResult:
        seen.append({"endpoint": endpoint, **kw})
        return ProbeResult(False, "the server's certificate is not signed by the CA", "fix the CA")

    [line] = explain_bootstrap_failure(lab("lab-remote"), DEADLINE, probe)
    assert seen[0]["cacert"] == "/tmp/buildx-tui-lab/certs/ca.pem"
    assert seen[0]["key"] == "/tmp/buildx-tui-lab/certs/client-key.pem"
    assert line.endswith("not signed by the CA — fix the CA")


def test_nothing_to_add_when_buildx_said_more_or_the_probe_connects():
    def ok(endpoint: str, **kw: object) -> ProbeResult:
        return ProbeResult(True, "BuildKit answered")

    assert explain_bootstrap_failure(lab("lab-dead"), "ERROR: no such file", ok) == []
    assert explain_bootstrap_failure(lab("lab-dead"), DEADLINE, ok) == []
    assert explain_bootstrap_failure(None, DEADLINE, ok) == []
    # A docker-driver node cannot be probed (no tcp:// or unix:// endpoint): nothing is claimed.
    assert explain_bootstrap_failure(lab("default"), DEADLINE) == []


def test_buildkitd_names_the_unknown_flag_in_its_container_log():
    """buildx says only that the container "is restarting"; buildkitd's log says why."""
    from buildx_tui.core.bootstrap_diagnose import buildkitd_complaints, logs_argv
    from tests.fakes import FIXTURES

    # (bytes: buildx's progress may cut a UTF-8 character in this stream)
    assert b"is restarting" in (FIXTURES / "local/bootstrap-err-unknown-flag.stderr").read_bytes()
    said = buildkitd_complaints(
        fixture("local/buildkitd-log-unknown-flag.stdout"),
        fixture("local/buildkitd-log-unknown-flag.stderr"),
    )
    assert said == [
        "Incorrect Usage: flag provided but not defined: -no-such-flag",
        "buildkitd: flag provided but not defined: -no-such-flag",
    ]
    assert logs_argv("rec-flag0") == ["logs", "--tail", "200", "buildx_buildkit_rec-flag0"]
    # buildkitd's usage text alone is no complaint.
    assert buildkitd_complaints(fixture("local/buildkitd-log-unknown-flag.stdout"), "") == []
