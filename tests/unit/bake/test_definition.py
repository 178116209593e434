"""The bake definition, lists and errors, on output recorded on the lab
(scripts/record_bake_fixtures.py)."""

from __future__ import annotations

import pytest

from buildx_tui.core.bake.definition import (
    DefinitionError,
    parse_error,
    parse_list_targets,
    parse_print,
)
from tests.helpers.bake import local


def test_print_gives_the_default_group_and_its_targets():
    d = parse_print(local("bake-print.stdout"))
    assert d.groups == {"default": ("app", "tool")}
    app = d.targets["app"]
    assert app.platforms == ("linux/amd64", "linux/arm64")
    assert app.context == "app" and app.stage == "app" and app.dockerfile == "Dockerfile"
    assert app.tags == ("127.0.0.1:5000/bake-app:v1",)
    assert dict(app.args) == {"GREETING": "hello", "REPLICAS": "2"}
    assert app.outputs == ("type=image,push=true",)
    assert app.pushes
    assert d.targets["tool"].platforms == ("linux/amd64",)


def test_a_matrix_target_is_printed_as_the_targets_it_becomes():
    d = parse_print(local("bake-print-all.stdout"))
    assert d.groups["variant"] == ("variant-small", "variant-big")
    assert dict(d.targets["variant-big"].args) == {"FLAVOR": "big"}
    assert d.targets["variant-small"].tags == ("127.0.0.1:5000/bake-variant:small",)
    assert not d.targets["outside"].pushes  # type=cacheonly
    assert d.expand(("variant",)) == ("variant-small", "variant-big")
    assert d.expand(("fails", "tool")) == ("tool", "broken")


def test_set_and_var_overrides_show_in_what_bake_prints():
    sets = parse_print(local("bake-print-set.stdout"))
    assert sets.targets["tool"].platforms == ("linux/arm64",)
    assert ("X", "1") in sets.targets["app"].args and ("X", "1") in sets.targets["tool"].args
    var = parse_print(local("bake-print-var.stdout"))
    assert ("REPLICAS", "5") in var.targets["app"].args


def test_list_targets_marks_groups_and_matrices():
    listed = {t.name: t for t in parse_list_targets(local("bake-list-targets.stdout"))}
    assert listed["default"].group and listed["variant"].group and listed["fails"].group
    assert not listed["app"].group
    assert listed["app"].description == "The app, for two platforms"
    assert "variant-big" in listed


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '"x"'])
def test_garbage_is_a_clear_error(text: str):
    with pytest.raises(DefinitionError):
        parse_print(text)


@pytest.mark.parametrize(
    ("stem", "file", "line", "says"),
    [
        ("bake-bad-syntax", "docker-bake.hcl", 4, "Missing item separator"),
        ("bake-bad-var-type", "docker-bake.hcl", 11, "failed to parse REPLICAS as number"),
        ("bake-bad-target", None, None, "failed to find target nosuch"),
        ("bake-bad-context", None, None, 'path "no-such-folder" not found'),
    ],
)
def test_bad_files_give_the_message_with_file_and_line(stem, file, line, says):
    err = parse_error(local(f"{stem}.stderr"))
    assert err is not None
    assert says in err.message
    assert err.file == file and err.line == line
    if line is not None:
        assert any(">>>" in ln for ln in err.excerpt)  # the line bake pointed at


def test_no_error_line_is_none():
    assert parse_error(local("bake-print.stderr")) is None


def test_every_target_with_the_real_default_group():
    from buildx_tui.core.bake.definition import merge_prints, names_to_print

    listed = parse_list_targets(local("bake-list-targets.stdout"))
    names = names_to_print(listed)
    assert "default" not in names and {"app", "variant", "variant-big", "fails"} <= set(names)
    every = parse_print(local("bake-print-all.stdout"))
    # asked for names, bake prints a `default` group of them: not the file's
    assert every.groups["default"] != ("app", "tool")
    merged = merge_prints(parse_print(local("bake-print.stdout")), every)
    assert merged.groups["default"] == ("app", "tool")
    assert merged.groups["fails"] == ("tool", "broken")
    assert set(merged.targets) == {
        "app",
        "tool",
        "broken",
        "outside",
        "variant-big",
        "variant-small",
    }


def test_a_platform_override_is_one_set_per_platform():
    from buildx_tui.core.bake.spec import platform_sets

    assert platform_sets(("linux/amd64", "linux/arm64")) == (
        "*.platform=linux/amd64",
        "*.platform=linux/arm64",
    )
    # what bake made of exactly these two --set (bake-print-platforms.stdout)
    tool = parse_print(local("bake-print-platforms.stdout")).targets["tool"]
    assert tool.platforms == ("linux/amd64", "linux/arm64")


def test_the_files_bake_read_are_those_its_progress_names():
    from buildx_tui.core.bake.definition import files_read

    assert files_read(local("bake-print.stderr")) == ("docker-bake.hcl",)
    assert files_read(local("bake-bad-syntax.stderr")) == ("docker-bake.hcl",)
    assert files_read("") == ()
