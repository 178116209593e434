"""`build --call=check|outline|targets,format=json` as recorded on the lab (form-call-* by
scripts/record_form_call_fixtures.py; call-build-* by scripts/record_bake_fixtures.py), read by
the shared core/dockerfile: warnings with the Dockerfile line, the syntax error with its line,
the args with defaults and descriptions, the stages with the default marked, and why a call
failed (a missing Dockerfile, a builder whose BuildKit refuses the call)."""

from __future__ import annotations

import pytest

from buildx_tui.core.build.calls import Call, add_build_args, call_argv
from buildx_tui.core.build.spec import BuildSpec
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.dockerfile.calls import (
    CallOutputError,
    parse_check,
    parse_outline,
    parse_targets,
)
from buildx_tui.core.dockerfile.failure import read_call, read_check
from tests.fakes import FIXTURES, fixture


def local(name: str) -> str:
    return fixture(f"local/{name}")


def recorded(stem: str, returncode: int) -> CommandResult:
    """A call's result as the gateway gives it, from its recorded streams."""

    def stream(ext: str) -> str:
        path = FIXTURES / "local" / f"{stem}.{ext}"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    return CommandResult(
        ("buildx",), "docker buildx", returncode, stream("stdout"), stream("stderr"), 1.0
    )


def test_check_warnings_name_the_rule_message_and_show_the_line():
    result = parse_check(local("form-call-check-warnings.stdout"))
    assert result.error is None
    first, second = result.warnings
    assert (first.rule, first.line, first.where) == ("FromAsCasing", 11, "Dockerfile:11")
    assert first.message == "'as' and 'FROM' keywords' casing do not match"
    assert first.source_line == "FROM deps as test"
    assert first.target == ""
    assert (
        second.rule == "JSONArgsRecommended" and second.source_line == "ENTRYPOINT echo $GREETING"
    )


def test_a_clean_check_has_no_warnings():
    assert parse_check(local("form-call-check-clean.stdout")).warnings == ()
    read = read_check(recorded("form-call-check-clean", 0))
    assert read.value is not None and read.failure is None


def test_a_check_with_warnings_exits_1_and_is_read_all_the_same():
    read = read_check(recorded("form-call-check-warnings", 1))
    assert read.failure is None and read.value is not None and len(read.value.warnings) == 2


def test_a_syntax_error_comes_with_its_line():
    read = read_check(recorded("form-call-check-syntax", 1))
    assert read.value is not None and read.value.warnings == ()
    error = read.value.error
    assert error is not None
    assert (
        error.message
        == "dockerfile parse error on line 3: unknown instruction: RUNN (did you mean RUN?)"
    )
    assert (error.line, error.source_line) == (3, "RUNN echo typo")


@pytest.mark.parametrize(
    ("stem", "file"),
    [("form-call-check-missing", "Dockerfile"), ("form-call-check-missing-f", "nosuch.Dockerfile")],
)
def test_a_missing_dockerfile_is_said_in_buildx_words(stem, file):
    read = read_check(recorded(stem, 1))
    assert read.value is None and read.failure is not None
    assert (
        read.failure.message == f"failed to read dockerfile: open {file}: no such file or directory"
    )
    assert not read.failure.refused


@pytest.mark.parametrize(
    ("stem", "asked"),
    [
        ("form-call-check-default-builder", "lint"),
        ("form-call-outline-default-builder", "outline"),
        ("form-call-targets-default-builder", "targets"),
    ],
)
def test_the_docker_driver_of_dockerd_20_10_refuses_the_calls(stem, asked):
    read = read_call(recorded(stem, 1), parse_targets)
    assert read.failure is not None and read.failure.refused == asked
    assert read.failure.message.endswith(f"unsupported request frontend.{asked}")


def test_a_syntax_error_in_a_list_of_targets_names_the_line():
    read = read_call(recorded("form-call-targets-syntax", 1), parse_targets)
    assert read.failure is not None and read.failure.line == 3
    assert read.failure.message.startswith("dockerfile parse error on line 3")


def test_an_unknown_target_in_an_outline():
    read = read_call(recorded("form-call-outline-bad-target", 1), parse_outline)
    assert read.failure is not None
    assert read.failure.message == 'target stage "nosuch" could not be found'


def test_outline_lists_the_args_with_defaults_and_descriptions():
    stage, args = parse_outline(local("form-call-outline.stdout"))
    assert stage == "release"
    by = {a.name: a for a in args}
    assert list(by) == ["BASE", "VERSION", "GREETING"]
    assert by["BASE"].default == "127.0.0.1:5000/busybox:latest"
    assert by["BASE"].description == "is the image every stage starts from"
    assert by["GREETING"].default == "hello" and by["GREETING"].line == 23
    stage, args = parse_outline(local("form-call-outline-test.stdout"))
    fast = {a.name: a for a in args}["FAST"]
    assert stage == "test" and fast.default is None and fast.description == "skips the slow tests"
    # the bake recorder's outline (another Dockerfile) reads the same way
    assert parse_outline(local("call-build-outline-json.stdout"))[0] == "release"


def test_targets_lists_the_stages_their_descriptions_and_the_default():
    stages = parse_targets(local("form-call-targets.stdout"))
    assert [s.name for s in stages] == ["deps", "test", "debug", "release"]
    assert [s.name for s in stages if s.default] == ["release"]
    assert stages[0].description == "fetches the tool the others use"
    assert stages[1].base == "deps" and stages[1].line == 11
    assert [s.name for s in parse_targets(local("call-build-targets-json.stdout"))] == [
        "deps",
        "test",
        "release",
    ]


@pytest.mark.parametrize("parse", [parse_check, parse_outline, parse_targets])
def test_text_output_is_refused_clearly(parse):
    with pytest.raises(CallOutputError):
        parse(local("call-build-outline.stdout"))
    read = read_call(CommandResult(("b",), "b", 0, "TARGET: x\n", "", 0.1), parse)
    assert read.failure is not None and "did not give JSON" in read.failure.message


def test_the_argv_of_each_call_is_the_build_s_own():
    spec = BuildSpec(
        "lab-container",
        context="ctx",
        dockerfile="ctx/Dockerfile.dev",
        target="test",
        build_args=(("FAST", "1"), ("HOME", None)),
        tags=("a:1",),
        platforms=("linux/arm64",),
    )
    assert call_argv(spec, Call.CHECK) == [
        "buildx", "build", "--builder", "lab-container", "--call=check,format=json",
        "--build-arg", "FAST=1", "--build-arg", "HOME", "--target", "test",
        "-f", "ctx/Dockerfile.dev", "ctx",
    ]  # fmt: skip
    assert "--target" not in call_argv(spec, Call.TARGETS)
    assert call_argv(spec, Call.OUTLINE)[4] == "--call=outline,format=json"


def test_outline_args_are_added_and_typed_ones_kept():
    text = "VERSION=9.9\n# a comment\nOTHER=x"
    out = add_build_args(text, [("BASE", "busybox"), ("VERSION", "1.2.3"), ("FAST", None)])
    assert out == "VERSION=9.9\n# a comment\nOTHER=x\nBASE=busybox\nFAST="
    assert add_build_args("", [("A", "1")]) == "A=1"
    assert add_build_args("A=1\n\n", [("A", "2"), ("B", "")]) == "A=1\nB="
