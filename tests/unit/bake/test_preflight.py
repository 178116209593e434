"""Pre-flight warnings of a bake, from the targets bake printed (recorded) and the builders
`buildx ls` listed (recorded on the lab: bake-c is docker-container, default is docker)."""

from __future__ import annotations

import dataclasses

from buildx_tui.core.bake.definition import parse_print
from buildx_tui.core.bake.preflight import preflight
from buildx_tui.core.builders import parse_ls_json
from tests.helpers.bake import local

BUILDERS = parse_ls_json(local("bake-ls.stdout"))
TARGETS = parse_print(local("bake-print-all.stdout")).targets


def driver(name: str) -> str:
    found = BUILDERS.get(name)
    assert found is not None
    return found.driver


def test_a_container_builder_builds_the_workspace_as_it_is():
    assert preflight(tuple(TARGETS.values()), driver("bake-c")) == ()


def test_the_docker_driver_and_several_platforms_is_refused_for_that_target():
    (found,) = preflight(tuple(TARGETS.values()), driver("default"))
    assert found.target == "app" and found.refused
    assert "linux/amd64, linux/arm64" in found.message
    # the platform override applies to every target
    many = preflight((TARGETS["tool"],), "docker", ("linux/amd64", "linux/arm64"))
    assert [f.target for f in many] == ["tool"]


def test_a_push_without_a_tag_and_a_multi_platform_load():
    untagged = dataclasses.replace(TARGETS["tool"], tags=())
    (found,) = preflight((untagged,), driver("bake-c"))
    assert found.refused and "without a tag" in found.message
    loaded = dataclasses.replace(TARGETS["app"], outputs=("type=docker",))
    (found,) = preflight((loaded,), driver("bake-c"))
    assert not found.refused and "containerd image store" in found.message
