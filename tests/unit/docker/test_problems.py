"""Diagnoses from real recorded failures."""

from __future__ import annotations

from buildx_tui.core.builders import parse_ls_json
from buildx_tui.core.docker.problems import diagnose_ls_failure, diagnose_ls_result
from buildx_tui.core.docker.types import ClientOptions, ProblemKind
from tests.fakes import fixture

OPTS = ClientOptions()


def test_missing_plugin_with_format_flag_is_buildx_missing_not_too_old():
    err = fixture("local/ls-json-no-buildx-plugin.stderr")
    assert diagnose_ls_failure(125, err, OPTS).kind is ProblemKind.BUILDX_MISSING


def test_missing_plugin_unknown_command():
    err = fixture("local/ls-no-buildx-plugin.stderr")
    problem = diagnose_ls_failure(1, err, OPTS)
    assert problem.kind is ProblemKind.BUILDX_MISSING
    assert "docker-buildx" in problem.fix


def test_old_buildx_without_ls_format():
    # What buildx < 0.13 prints for `ls --format json` (cobra's unknown flag, in its own usage).
    err = "unknown flag: --format\nSee 'docker buildx ls --help'.\n"
    problem = diagnose_ls_failure(1, err, OPTS)
    assert problem.kind is ProblemKind.BUILDX_TOO_OLD
    assert "0.13" in problem.fix


def test_docker_binary_missing():
    problem = diagnose_ls_failure(
        127, "docker CLI not found: 'nodocker'", ClientOptions("nodocker")
    )
    assert problem.kind is ProblemKind.DOCKER_MISSING
    assert "--docker" in problem.fix


def test_other_failure_keeps_the_text():
    problem = diagnose_ls_failure(1, "ERROR: something new", OPTS)
    assert problem.kind is ProblemKind.LS_FAILED
    assert "something new" in problem.detail


def test_engine_down_is_a_non_fatal_problem_naming_the_host():
    ls = parse_ls_json(fixture("buildx/ls-daemon-down.json"))
    problem = diagnose_ls_result(ls, ClientOptions(host="unix:///tmp/x.sock"))
    assert problem is not None
    assert problem.kind is ProblemKind.ENGINE_UNREACHABLE
    assert not problem.fatal
    assert "unix:///tmp/x.sock" in problem.title
    assert "dial unix /var/run/docker.sock" in problem.detail


def test_healthy_ls_has_no_problem():
    assert diagnose_ls_result(parse_ls_json(fixture("buildx/ls.json")), OPTS) is None
