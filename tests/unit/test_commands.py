from __future__ import annotations

import pytest

from buildx_tui.core.commands import (
    BootstrapSpec,
    InvalidName,
    RemoveSpec,
    StopSpec,
    UseSpec,
    display,
    validate_builder_name,
)


def test_builder_action_argv():
    assert UseSpec("mybuilder").argv() == ["buildx", "use", "mybuilder"]
    assert UseSpec("b", default=True, global_=True).argv() == [
        "buildx", "use", "--default", "--global", "b",
    ]  # fmt: skip
    assert BootstrapSpec("mybuilder").argv() == ["buildx", "inspect", "--bootstrap", "mybuilder"]
    assert StopSpec("x").argv() == ["buildx", "stop", "x"]
    assert RemoveSpec("x").argv() == ["buildx", "rm", "x"]
    assert RemoveSpec("x", keep_state=True, keep_daemon=True).argv() == [
        "buildx", "rm", "--keep-state", "--keep-daemon", "x",
    ]  # fmt: skip


def test_display_quotes_like_a_shell():
    assert display(["docker"], ["buildx", "use", "a b"]) == "docker buildx use 'a b'"
    assert display(["docker", "--context", "remote"], ["buildx", "ls"]) == (
        "docker --context remote buildx ls"
    )


def test_builder_names_validated_as_buildx_does():
    assert validate_builder_name("MyBuilder") == "mybuilder"
    assert validate_builder_name("a.b_c-1") == "a.b_c-1"
    for bad in ["", "1abc", "-x", "a b", "a/b", "a;rm"]:
        with pytest.raises(InvalidName):
            validate_builder_name(bad)
