from __future__ import annotations

import pytest

from buildx_tui.core.commands import (
    MAX_NAME_LENGTH,
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


def test_builder_names_have_a_length_limit_that_says_the_length_typed():
    assert validate_builder_name("b" * MAX_NAME_LENGTH) == "b" * MAX_NAME_LENGTH
    for length in (MAX_NAME_LENGTH + 1, 300, 10_000):
        with pytest.raises(InvalidName) as err:
            validate_builder_name("b" * length)
        message = str(err.value)
        assert f"{length} characters" in message and f"at most {MAX_NAME_LENGTH}" in message
        assert len(message) < 200  # the paste is not echoed back


def test_builder_names_refuse_a_trailing_newline_as_buildx_does():
    # Go's `$` matches only at the end of the text; Python's re.match `$` also before a final \n
    for bad in ("abc\n", "abc\n\n", "a\nb"):
        with pytest.raises(InvalidName):
            validate_builder_name(bad)


def test_display_says_the_folder_only_when_it_is_not_the_apps(tmp_path, monkeypatch):
    from buildx_tui.core.commands import display

    monkeypatch.chdir(tmp_path)
    (tmp_path / "ws").mkdir()
    assert display(["docker"], ["buildx", "bake"], str(tmp_path)) == "docker buildx bake"
    assert display(["docker"], ["buildx", "bake"], ".") == "docker buildx bake"
    assert display(["docker"], ["buildx", "bake"], "ws") == "(in ws) docker buildx bake"
    (tmp_path / "ws").rename(tmp_path / "gone")
    monkeypatch.chdir(tmp_path / "gone")
    (tmp_path / "gone").rmdir()  # the app's folder removed under it: no exception
    assert display(["docker"], ["x"], "/elsewhere") == "(in /elsewhere) docker x"
