"""Issue #11: what a user types into the create wizard becomes names, paths and file names; a
10,000-character paste (or a link loop, a file used as a folder, a NUL character) gives a
message in the step's problems, never an exception."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from buildx_tui.core.builders import Builder, Node, NodeStatus
from buildx_tui.core.commands import MAX_NAME_LENGTH
from buildx_tui.core.create.buildkitd.config import RegistryConfig
from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep, check_step
from buildx_tui.core.create.endpoint import UNIX_PATH_MAX, check_endpoint
from buildx_tui.core.create.names import check_name, check_node_name
from buildx_tui.core.create.problem import CreateProblem, errors_in
from buildx_tui.core.create.run import Phase, RunEvent, Runner, build_plan
from buildx_tui.core.create.tls import check_tls_files
from buildx_tui.core.probe import probe_endpoint
from tests.fakes import FakeBackend

LONG = 10_000
REMOTE = Builder(
    "lab-remote", "remote", nodes=(Node("lab-remote0", "tcp://127.0.0.1:1234", NodeStatus.RUNNING),)
)


def _one_error(problems: list[CreateProblem], field: str) -> str:
    errors = [p for p in errors_in(problems) if p.field == field]
    assert errors, problems
    assert all(len(p.message) < 1000 for p in problems)  # the paste is not echoed back whole
    return errors[0].message


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [MAX_NAME_LENGTH + 1, 300, LONG])
def test_a_builder_name_too_long_is_a_name_problem(length: int) -> None:
    message = _one_error(check_name("b" * length, [], append=False), "name")
    assert f"{length} characters long; at most {MAX_NAME_LENGTH}" in message
    assert check_name("b" * MAX_NAME_LENGTH, [], append=False) == []


@pytest.mark.parametrize("length", [MAX_NAME_LENGTH + 1, LONG])
def test_a_node_name_too_long_is_a_node_problem(length: int) -> None:
    for target in (None, REMOTE):
        message = _one_error(check_node_name("n" * length, target), "node")
        assert message.startswith(f"the node name is {length} characters long")
    assert check_node_name("n" * MAX_NAME_LENGTH, None) == []


def test_every_step_of_a_draft_with_a_pasted_name_gives_problems() -> None:
    draft = CreateDraft(name="b" * LONG, node="n" * LONG)
    problems = check_step(WizardStep.REVIEW, draft, WizardContext())
    assert "characters long" in _one_error(problems, "name")
    assert "characters long" in _one_error(problems, "node")


# --- paths: the buildkitd.toml, the remote driver's TLS files ------------------------------

KINDS = ("long", "long-name", "loop", "not-a-folder", "nul")
WHY = {
    "long": "too long",
    "long-name": "too long",
    "loop": "symbolic links",
    "not-a-folder": "is a file, not a folder",
    "nul": "NUL character",
}


def bad_path(kind: str, tmp_path: Path, name: str = "b.toml") -> str:
    if kind == "long":
        return str(tmp_path / ("x" * LONG))
    if kind == "long-name":
        return str(tmp_path / ("n" * 300) / name)
    if kind == "loop":
        loop = tmp_path / "loop"
        loop.symlink_to("loop")
        return str(loop)
    if kind == "not-a-folder":
        (tmp_path / "file").write_text("x")
        return str(tmp_path / "file" / name)
    assert kind == "nul"
    return str(tmp_path / "a\0b")


@pytest.mark.parametrize("kind", KINDS)
def test_loading_a_config_path_the_os_refuses_is_a_problem(kind: str, tmp_path: Path) -> None:
    # issue #11: the wizard loads the default path as the name is typed; Path.is_dir() raised
    draft = CreateDraft(name="b")
    problems = draft.load_config(bad_path(kind, tmp_path))
    assert WHY[kind] in _one_error(problems, "config")
    assert draft.config_error and not draft.config_exists
    # the registry step then refuses to go on, and says why
    assert WHY[kind] in _one_error(
        check_step(WizardStep.REGISTRY, draft, WizardContext()), "config"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_registry_step_with_a_config_path_the_os_refuses(kind: str, tmp_path: Path) -> None:
    # a path set without load_config (as a test or a restored draft might)
    draft = CreateDraft(name="b", config_path=bad_path(kind, tmp_path))
    draft.config.debug = True
    problems = check_step(WizardStep.REGISTRY, draft, WizardContext())
    assert WHY[kind] in _one_error(problems, "config")


def test_a_registry_certificate_path_pasted_long_is_said_short(tmp_path: Path) -> None:
    draft = CreateDraft(name="b", config_path=str(tmp_path / "b.toml"))
    draft.config.registries["docker.io"] = RegistryConfig(ca=["/" + "c" * LONG])
    problems = check_step(WizardStep.REGISTRY, draft, WizardContext())
    assert "does not exist" in _one_error(problems, 'config:registry."docker.io".ca[0]')


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("field", ["cacert", "cert", "key"])
def test_tls_file_paths_the_os_refuses(kind: str, field: str, tmp_path: Path) -> None:
    files = {"cacert": "/etc/hostname", "cert": "", "key": ""}
    if field != "cacert":
        files = {"cacert": "/etc/hostname", "cert": "/etc/hostname", "key": "/etc/hostname"}
    files[field] = bad_path(kind, tmp_path, "x.pem")
    problems = check_tls_files(files["cacert"], files["cert"], files["key"])
    assert WHY[kind] in _one_error(problems, field)


@pytest.mark.parametrize(
    "typed", ["x" * LONG, "~x\0y", "~" + "x" * LONG], ids=["relative", "~nul", "~user"]
)
def test_relative_tls_paths_pasted_long(typed: str) -> None:
    problems = check_tls_files(typed, "", "")
    assert "absolute path" in _one_error(problems, "cacert")


def test_access_that_raises_is_not_readable(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")

    def access(path: str, mode: int) -> bool:
        raise OSError(36, "File name too long")

    problems = check_tls_files(str(ca), "", "", access=access)
    assert "not readable" in _one_error(problems, "cacert")


def test_a_run_with_a_config_path_the_os_refuses_fails_its_config_step(tmp_path: Path) -> None:
    draft = CreateDraft(name="b", config_path=str(tmp_path / ("x" * LONG) / "b.toml"))
    draft.config.debug = True
    events: list[RunEvent] = []
    backend = FakeBackend()
    outcome = Runner(build_plan(draft), backend, events.append).run()
    assert backend.calls == []
    assert not outcome.ok and outcome.failed is Phase.CONFIG
    assert outcome.explanation is not None and "too long" in outcome.explanation.detail
    assert all(len(e.text) < 1000 for e in events)


# --- the endpoint, and the probe after a failed create -----------------------------------


@pytest.mark.parametrize(
    ("driver", "endpoint"),
    [
        ("remote", "x" * LONG),  # no scheme
        ("remote", "tcp://" + "h" * LONG),  # no port
        ("remote", "tcp://h:1/" + "p" * LONG),  # a path
        ("docker-container", "c" * LONG),  # a context name that is not there
        ("docker-container", "c/" + "x" * LONG),  # neither
        ("remote", "unix:///" + "s" * LONG),
        ("docker-container", "unix:///" + "s" * LONG),
    ],
    ids=["no-scheme", "no-port", "tcp-path", "context", "neither", "unix", "docker-unix"],
)
def test_endpoints_pasted_long_are_said_short(driver: str, endpoint: str) -> None:
    problems = check_endpoint(driver, endpoint, contexts=["default"])
    assert problems and all(len(p.message) < 1000 for p in problems)


def test_a_unix_socket_path_longer_than_the_kernel_allows() -> None:
    fits = "unix:///" + "s" * (UNIX_PATH_MAX - 1)
    assert check_endpoint("remote", fits) == []
    [problem] = check_endpoint("remote", fits + "s")
    assert problem.message.startswith(f"the socket path is {UNIX_PATH_MAX + 1} bytes long")


def test_the_probe_of_a_long_unix_socket_path_says_it_short() -> None:
    result = probe_endpoint("unix:///" + "s" * LONG)
    assert result is not None and not result.ok
    assert result.summary.startswith("cannot connect to /sss") and len(result.summary) < 1000


def test_the_probe_with_a_tls_file_path_the_os_refuses(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        for cacert in (bad_path("nul", tmp_path), bad_path("long", tmp_path)):
            result = probe_endpoint(f"tcp://127.0.0.1:{port}", cacert=cacert)
            assert result is not None and result.summary.startswith("cannot read a TLS file: ")


def test_host_names_longer_than_dns_allows() -> None:
    host = "h" * 254
    [problem] = check_endpoint("remote", f"tcp://{host}:1234")
    assert problem.message == "the host name is 254 characters long; a DNS name has at most 253"
    assert check_endpoint("remote", f"tcp://{'h' * 253}:1234") == []
    # a Docker context of that name exists: it is a context, not a host
    assert check_endpoint("docker-container", host, contexts=[host]) == []
