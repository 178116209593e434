"""Variables (typed checks), `--set` checks and the argv of each bake command."""

from __future__ import annotations

import pytest

from buildx_tui.core.bake.spec import BakeSpec, check_set, grants
from buildx_tui.core.bake.variables import Variable, check_value, parse_list_variables
from tests.helpers.bake import local

REPLICAS = Variable("REPLICAS", "number", "2", "")


def test_variables_are_listed_with_type_default_and_description():
    found = {v.name: v for v in parse_list_variables(local("bake-list-vars.stdout"))}
    assert found["REPLICAS"] == Variable(
        "REPLICAS", "number", "2", "A typed number passed to the app"
    )
    assert found["TAG"].type == "" and found["TAG"].default == "v1"


@pytest.mark.parametrize(
    ("var", "value", "ok"),
    [
        (REPLICAS, "5", True),
        (REPLICAS, "2.5", True),
        (REPLICAS, "many", False),  # bake refuses it too: bake-bad-var-type.stderr
        (Variable("DEBUG", "bool", "false", ""), "true", True),
        (Variable("DEBUG", "bool", "false", ""), "yes please", False),
        (Variable("TAG", "", "v1", ""), "anything/at:all", True),
        (Variable("TAG", "", "v1", ""), "two\nlines", False),
        (Variable("TAG", "", "v1", ""), "x" * 5000, False),
    ],
)
def test_a_value_is_checked_against_its_type(var, value, ok):
    problem = check_value(var, value)
    assert (problem is None) is ok
    if problem:
        assert var.name in problem


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("tool.platform=linux/arm64", True),  # bake-print-set.stdout
        ("*.args.X=1", True),
        ("app.tags=127.0.0.1:5000/x:dev", True),
        ("tool.platforms=linux/arm64", False),  # bake: "unknown key: platforms"
        ("no-equals", False),
        ("app=1", False),
        ("app.args.X=a\nb", False),
    ],
)
def test_set_overrides_are_checked(text, ok):
    assert (check_set(text) is None) is ok


def test_the_run_argv_holds_every_override_in_order():
    spec = BakeSpec(
        cwd=".",
        targets=("app", "tool"),
        files=("ws/docker-bake.hcl",),
        builder="bake-c",
        variables=(("REPLICAS", "5"),),
        sets=("tool.platform=linux/arm64",),
        allow=("fs.read=../outside",),
    )
    assert spec.argv(metadata_file="/m.json") == [
        "buildx", "bake", "--builder", "bake-c", "--file", "ws/docker-bake.hcl",
        "--var", "REPLICAS=5", "--set", "tool.platform=linux/arm64",
        "--allow", "fs.read=../outside", "--progress", "rawjson", "--metadata-file", "/m.json",
        "app", "tool",
    ]  # fmt: skip
    # plain progress: under rawjson bake does not check entitlements (commands/bake.go)
    assert spec.check_argv()[-6:] == [
        "--progress", "plain", "--call", "check,format=json", "app", "tool",
    ]  # fmt: skip
    assert spec.print_argv()[-3:] == ["--print", "app", "tool"]
    assert spec.list_argv("variables")[-1] == "--list=type=variables,format=json"


def test_each_entitlement_says_what_it_grants():
    assert "read" in grants("fs.read=../outside")
    assert "host's network" in grants("network.host")
    assert "sandbox" in grants("security.insecure")
