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


# -- a registry on the loopback address, from a builder with its own network ----------------------
def bridge():
    """A docker-container builder without network=host (as msg-bridge was on the lab)."""
    from buildx_tui.core.builders import Builder, Node, NodeStatus

    node = Node("msg-bridge0", "unix:///x", NodeStatus.RUNNING, platforms=("linux/amd64",))
    return Builder("msg-bridge", "docker-container", nodes=(node,))


def test_a_push_and_a_base_image_on_loopback_from_its_own_network_is_the_build_forms_warning():
    from buildx_tui.core.build.checks import BuildEnv, check_spec
    from buildx_tui.core.build.spec import BuildSpec, Output
    from tests.helpers.bake import WORKSPACE

    app = TARGETS["app"]  # pushes 127.0.0.1:5000/bake-app:v1; FROM 127.0.0.1:5000/busybox
    (found,) = preflight((app,), "docker-container", builder=bridge(), cwd=WORKSPACE)
    assert found.target == "app" and not found.refused and not found.note
    assert "the push to 127.0.0.1:5000 and pulling base images from 127.0.0.1:5000" in (
        found.message
    )
    # the very words the build form gives for the same build (one function: core/loopback.py)
    spec = BuildSpec(
        "msg-bridge",
        context=f"{WORKSPACE}/app",
        tags=app.tags,
        output=Output.PUSH,
        platforms=("linux/amd64",),
    )
    form = [i.message for i in check_spec(spec, BuildEnv(bridge())) if "own network" in i.message]
    assert form == [found.message]
    # network=host (bake-c) reaches it: nothing to say
    assert (
        preflight((app,), "docker-container", builder=BUILDERS.get("bake-c"), cwd=WORKSPACE) == ()
    )


def test_push_override_output_names_and_registry_caches_count():
    import json

    from buildx_tui.core.bake.definition import parse_print

    printed = {
        "target": {
            "t": {
                "context": "nowhere",
                "tags": ["example.com/t:1"],
                "output": [{"type": "image", "push": "true", "name": "localhost:5000/t:1"}],
                "cache-to": [{"type": "registry", "ref": "127.0.0.1:5001/cache"}],
                "cache-from": [{"type": "registry", "ref": "[::1]:5002/cache"}],
            },
            "plain": {"context": "nowhere", "tags": ["127.0.0.1:5000/p:1"]},
        }
    }
    targets = parse_print(json.dumps(printed)).targets
    t = targets["t"]
    assert t.output_names == ("localhost:5000/t:1",)
    assert t.cache_to_refs == ("127.0.0.1:5001/cache",) and t.cache_from_refs == (
        "[::1]:5002/cache",
    )
    fails, note = preflight((t,), "docker-container", builder=bridge(), cwd=".")
    assert "the push to localhost:5000 and the cache export to 127.0.0.1:5001" in fails.message
    assert note.note and "the cache import from [::1]:5002 finds nothing" in note.message
    plain = targets["plain"]  # no output: pushes only with --push
    assert preflight((plain,), "docker-container", builder=bridge(), cwd=".") == ()
    (pushed,) = preflight((plain,), "docker-container", builder=bridge(), cwd=".", push=True)
    assert "the push to 127.0.0.1:5000" in pushed.message
