"""Versions of docker, the engine, buildx and each node's BuildKit, read from recorded real output
(tests/fixtures/local/version-*, buildx-version*: scripts/record_version_fixtures.py). Output that
cannot be read is an unknown version with the reason, never an exception."""

from __future__ import annotations

import pytest

from buildx_tui.core.builders import NodeStatus, parse_ls_json
from buildx_tui.core.commands import display
from buildx_tui.core.docker.versions import (
    BUILDX_VERSION_ARGV,
    DOCKER_VERSION_ARGV,
    buildkit_versions,
    parse_buildx_version,
    parse_docker_version,
)
from tests.fakes import fixture

COMMIT = "1d8dde89b8aba914e05e45366770736fea1fd690"


def test_argv_is_what_the_recordings_ran():
    assert display(["docker"], DOCKER_VERSION_ARGV) == "docker version --format '{{json .}}'"
    assert display(["docker"], BUILDX_VERSION_ARGV) == "docker buildx version"


def test_docker_version_on_the_lab():
    v = parse_docker_version(0, fixture("local/version-lab.json"), "")
    assert v.cli.known and v.cli.version == "28.2.2"
    assert v.cli.detail("API") == "1.41 (downgraded from 1.50)"  # docker's own words
    assert v.cli.detail("commit") == "e6534b4"
    assert v.cli.detail("OS/arch") == "linux/amd64"
    assert v.engine.known and v.engine.version == "20.10.24+dfsg1"
    assert v.engine.detail("API") == "1.41 (minimum 1.12)"
    assert v.engine.detail("containerd") == "1.6.20~ds1"
    assert v.engine.detail("platform") == ""  # the lab's engine has an empty platform name
    assert not v.engine_unreachable


def test_engine_unreachable_keeps_the_cli_version_and_says_why():
    v = parse_docker_version(
        1, fixture("local/version-engine-down.stdout"), fixture("local/version-engine-down.stderr")
    )
    assert v.cli.version == "28.2.2"
    assert v.cli.detail("API") == "1.50"  # nothing negotiated: no engine answered
    assert not v.engine.known
    assert v.engine_unreachable
    assert v.engine.unknown.startswith("unreachable: Cannot connect to the Docker daemon at ")
    assert "Is the docker daemon running?" in v.engine.unknown


def test_no_server_part_for_another_reason_is_not_called_unreachable():
    stdout = fixture("local/version-engine-down.stdout")
    v = parse_docker_version(1, stdout, "permission denied\n")
    assert not v.engine_unreachable
    assert v.engine.unknown == "no answer from the engine (exit status 1: permission denied)"
    assert v.cli.version == "28.2.2"


@pytest.mark.parametrize(
    ("rc", "stdout", "stderr", "cli_says"),
    [
        (0, "", "", "`docker version` printed nothing (exit status 0)"),
        (1, "", "boom\n", "`docker version` printed nothing (exit status 1: boom)"),
        (127, "", "docker CLI not found: 'docker'", "the docker CLI did not run"),
        (0, "Client: Docker Engine\n Version: 28.2.2\n", "", "printed no JSON object: Client:"),
        (0, '{"Client": ', "", "printed no JSON object"),
        (0, "[1, 2]", "", "printed no JSON object: [1, 2]"),
        (0, '"28.2.2"', "", "printed no JSON object"),
    ],
)
def test_unreadable_docker_version_is_unknown_with_the_reason(rc, stdout, stderr, cli_says):
    v = parse_docker_version(rc, stdout, stderr)
    assert not v.cli.known and not v.engine.known
    assert cli_says in v.cli.unknown
    assert v.engine.unknown.startswith("not known: ")


@pytest.mark.parametrize(
    ("stdout", "cli", "engine"),
    [
        ('{"Client": null, "Server": null}', "printed no Client part", "printed no Server part"),
        ('{"Client": {"Version": 28}, "Server": {}}', "no client version", "no engine version"),
        ('{"Client": {"Version": ""}, "Server": []}', "no client version", "no Server part"),
    ],
)
def test_json_without_versions_is_unknown_with_the_reason(stdout, cli, engine):
    v = parse_docker_version(0, stdout, "")
    assert cli in v.cli.unknown and not v.cli.known
    assert engine in v.engine.unknown and not v.engine.known


def test_odd_components_are_skipped_or_marked():
    stdout = (
        '{"Client": {"Version": "1"}, "Server": {"Version": "2", "Platform": {"Name": "Docker '
        'Engine - Community"}, "Components": [null, {"Name": "runc"}, {"Version": "x"}, 3]}}'
    )
    engine = parse_docker_version(0, stdout, "").engine
    assert engine.version == "2"
    assert engine.detail("platform") == "Docker Engine - Community"
    assert engine.detail("runc") == "?"
    assert [k for k, _ in engine.details] == ["platform", "runc"]


def test_buildx_version_and_commit():
    v = parse_buildx_version(0, fixture("local/buildx-version.stdout"), "")
    assert v.known and v.version == "v0.36.1"
    assert v.detail("commit") == COMMIT
    assert v.detail("package") == "github.com/docker/buildx"
    assert fixture("buildx/version.txt") == fixture("local/buildx-version.stdout")


def test_buildx_missing_says_so():
    v = parse_buildx_version(1, "", fixture("local/buildx-version-no-plugin.stderr"))
    assert not v.known
    assert v.unknown.startswith("buildx is not installed (docker says: docker: unknown command")


@pytest.mark.parametrize(
    ("rc", "stdout", "stderr", "says"),
    [
        (0, "", "", "`docker buildx version` printed nothing"),
        (0, "\n  \n", "", "`docker buildx version` printed nothing"),
        (0, "hello world\n", "", "printed no version: hello world"),
        (2, "", "x" * 1000, "`docker buildx version` failed (exit status 2: xxx"),
        (127, "", "docker CLI not found: 'docker'", "the docker CLI did not run"),
    ],
)
def test_unreadable_buildx_version_is_unknown_with_the_reason(rc, stdout, stderr, says):
    v = parse_buildx_version(rc, stdout, stderr)
    assert not v.known
    assert says in v.unknown
    assert len(v.unknown) < 400  # a tool's long words are shortened


PKG = "github.com/docker/buildx"


@pytest.mark.parametrize(
    ("stdout", "version", "commit"),
    [
        (f"{PKG} 0.10.5+dfsg1 0.10.5+dfsg1-1\n", "0.10.5+dfsg1", "0.10.5+dfsg1-1"),
        (f"{PKG} v0.12.1-desktop.4 6996841df2\n", "v0.12.1-desktop.4", "6996841df2"),
        ("v0.36.1\n", "v0.36.1", ""),
    ],
)
def test_other_buildx_version_lines(stdout, version, commit):
    v = parse_buildx_version(0, stdout, "")
    assert (v.version, v.detail("commit")) == (version, commit)


def test_each_nodes_buildkit_from_ls():
    ls = parse_ls_json(fixture("local/ls-lab-running.json"), {})
    got = {(n.builder, n.node): n for n in buildkit_versions(ls)}
    assert got["lab-container", "lab-container0"].buildkit.version == "v0.32.2"
    assert got["lab-remote", "lab-remote0"].buildkit.version == "v0.32.2"
    assert got["default", "default"].buildkit.version == "v0.8+unknown"  # the engine's own
    dead = got["lab-dead", "lab-dead0"]
    assert dead.status is NodeStatus.INACTIVE and not dead.buildkit.known
    assert dead.buildkit.unknown == "not reported by `buildx ls` (the node is inactive)"


def test_nodes_buildx_could_not_reach_say_so():
    ls = parse_ls_json(fixture("buildx/ls-daemon-down.json"), {})
    got = {(n.builder, n.node): n for n in buildkit_versions(ls)}
    assert got["seedlocal", "seedlocal0"].buildkit.unknown.startswith(
        "buildx could not reach it: failed to connect to the docker API"
    )
    default = [n for (b, _), n in got.items() if b == "default"]
    assert len(default) == 1 and not default[0].buildkit.known
    assert "failed to connect to the docker API" in default[0].buildkit.unknown


def test_a_builder_without_nodes():
    from buildx_tui.core.builders import Builder, LsResult

    (only,) = buildkit_versions(LsResult((Builder("empty", "remote"),)))
    assert (only.node, only.buildkit.known) == ("", False)
    assert only.buildkit.unknown == "the builder has no nodes"
