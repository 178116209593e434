"""Issue #11 item 11 in the create wizard, checked against what buildx and BuildKit did on the
lab (tests/fixtures/local/msg-*, INDEX.md): a unix:// endpoint that is no socket, a mirror
written with Docker Hub's name or namespace as its path."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from buildx_tui.core.create.buildkitd.config import BuildkitdConfig, RegistryConfig, validate
from buildx_tui.core.create.diagnose import Facts, explain
from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep, check_step
from buildx_tui.core.create.endpoint import check_endpoint, local_socket_problem
from buildx_tui.core.progress.parser import BuildProgress
from tests.fakes import fixture

# -- a unix:// endpoint must be a socket on this machine ----------------------------------


@pytest.fixture
def sock(tmp_path: Path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield str(path)
    server.close()


def test_local_socket_problem(tmp_path: Path, sock: str) -> None:
    assert local_socket_problem(sock) is None
    missing = str(tmp_path / "nope.sock")
    assert local_socket_problem(missing) == f"{missing} does not exist"
    (tmp_path / "file").write_text("x")
    assert local_socket_problem(str(tmp_path / "file")) == f"{tmp_path / 'file'} is not a socket"


def test_missing_socket_for_docker_container_is_an_error_for_remote_a_warning(
    tmp_path: Path, sock: str
) -> None:
    missing = f"unix://{tmp_path / 'nope.sock'}"
    (error,) = check_endpoint("docker-container", missing, socket=local_socket_problem)
    assert error.severity == "error"
    assert "does not exist: buildx cannot reach a Docker engine there and refuses" in error.message
    (warning,) = check_endpoint("remote", missing, socket=local_socket_problem)
    assert warning.severity == "warning"
    assert "buildx creates the node all the same, but it cannot start" in warning.message
    assert check_endpoint("docker-container", f"unix://{sock}", socket=local_socket_problem) == []
    assert check_endpoint("docker-container", missing) == []  # no check asked: pure
    # What buildx did on the lab: create refused (docker-container), created then could not
    # start (remote: only "context deadline exceeded").
    assert "connect: no such file or directory" in fixture(
        "local/msg-create-container-no-socket.stderr"
    )
    assert fixture("local/msg-create-remote-no-socket.stdout").strip() == "msg-nosock-remote"
    assert "context deadline exceeded" in fixture("local/msg-bootstrap-remote-no-socket.stderr")


def test_the_wizard_checks_the_socket_in_its_endpoint_step(tmp_path: Path) -> None:
    draft = CreateDraft(driver="docker-container", endpoint="unix:///nonexistent")
    problems = check_step(WizardStep.ENDPOINT, draft, WizardContext())
    assert [p.severity for p in problems] == ["error"]
    assert problems[0].message.startswith("/nonexistent does not exist")


def test_create_refused_for_a_missing_engine_socket_is_explained() -> None:
    text = fixture("local/msg-create-container-no-socket.stderr")
    found = explain(text, Facts(driver="docker-container"))
    assert found.title == "No Docker engine answers at unix://$TMP/no-such.sock"
    assert "got: no such file or directory" in found.fix


# -- mirrors: host[:port][/path], the path put before the repository --------------------------


def mirrors(*items: str, registry: str = "docker.io") -> list[tuple[str, str]]:
    config = BuildkitdConfig(registries={registry: RegistryConfig(mirrors=list(items))})
    return [(p.severity, p.message) for p in validate(config)]


def test_docker_hub_with_its_namespace_as_a_mirror_is_warned() -> None:
    ((severity, message),) = mirrors("docker.io/library")
    assert severity == "warning"
    assert message.startswith('"docker.io/library" is the registry itself (Docker Hub)')
    assert "it would ask for docker.io/v2/library/library/alpine/manifests/" in message
    assert "e.g. mirror.gcr.io" in message


def test_a_mirror_path_naming_the_namespace_doubles_it_as_on_the_lab() -> None:
    ((severity, message),) = mirrors("127.0.0.1:5000/library")
    assert severity == "warning"
    assert "127.0.0.1:5000/v2/library/library/alpine/manifests/" in message
    assert message.endswith("Write the mirror without it: 127.0.0.1:5000")
    # The lab: that mirror made BuildKit ask the registry for /v2/library/library/busybox/…
    # (INDEX.md quotes the registry's log), and the build failed.
    bp = BuildProgress(())
    bp.feed(fixture("local/msg-build-mirror-path-rawjson.stderr").splitlines())
    bp.close(1)
    assert "docker.io/library/busybox:latest: not found" in (bp.snapshot().final_error or "")


def test_good_mirrors_say_nothing() -> None:
    assert mirrors("mirror.gcr.io", "harbor.local/proxy-cache") == []
