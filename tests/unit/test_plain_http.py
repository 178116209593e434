"""A push to a self-hosted registry the builder is not configured to reach over plain HTTP
(core/plain_http.py): noted by the build form's checks and by bake's pre-flight, from the
buildkitd.toml each node of the lab's builders was made with (recorded `ls` JSON)."""

from __future__ import annotations

import dataclasses

from buildx_tui.core.bake.definition import parse_print
from buildx_tui.core.bake.preflight import preflight
from buildx_tui.core.build.checks import BuildEnv, check_spec
from buildx_tui.core.build.issue import Severity
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder, parse_ls_json
from buildx_tui.core.plain_http import http_hosts, looks_self_hosted, plain_http_note
from tests.fakes import fixture
from tests.helpers.bake import local

LAB = parse_ls_json(fixture("local/ls-lab-running.json"), {})


def lab(name: str) -> Builder:
    found = LAB.get(name)
    assert found is not None
    return found


def with_config(builder: Builder, toml: str) -> Builder:
    files = {"buildkitd.toml": toml}
    nodes = tuple(dataclasses.replace(n, files=files) for n in builder.nodes)
    return dataclasses.replace(builder, nodes=nodes)


def test_what_looks_self_hosted():
    assert looks_self_hosted("192.168.1.10:5000") and looks_self_hosted("10.0.0.2")
    assert looks_self_hosted("registry.lan:5000") and looks_self_hosted("[fd00::1]:5000")
    assert not looks_self_hosted("ghcr.io") and not looks_self_hosted("registry.example.com:443")


def test_the_lab_builders_config_marks_its_loopback_registry_http():
    (node,) = lab("lab-container").nodes
    assert http_hosts(node) == {"127.0.0.1:5000", "localhost:5000"}


def test_a_self_hosted_push_not_in_the_config_is_noted_and_what_is_not_known_said():
    note = plain_http_note(lab("lab-container"), ["192.168.1.10:5000/team/app:1"])
    assert note.startswith("If 192.168.1.10:5000 serves plain HTTP, the push will fail")
    assert "lab-container's buildkitd.toml does not say http = true" in note
    assert "not checked: only loopback registries are contacted" in note
    assert '[registry."192.168.1.10:5000"] http = true' in note


def test_loopback_public_and_configured_registries_are_not_noted():
    container = lab("lab-container")
    assert plain_http_note(container, ["127.0.0.1:5000/app:1", "localhost:5000/a"]) == ""
    assert plain_http_note(container, ["ghcr.io/team/app:1", "nginx"]) == ""
    made = with_config(container, '[registry."192.168.1.10:5000"]\nhttp = true\n')
    assert plain_http_note(made, ["192.168.1.10:5000/team/app:1"]) == ""
    # a builder whose config the app cannot read (docker driver, remote): nothing is claimed
    assert plain_http_note(lab("lab-remote"), ["192.168.1.10:5000/app"]) == ""


def test_the_build_form_notes_it_for_a_push_only():
    spec = BuildSpec(builder="lab-container", tags=("192.168.1.10:5000/app:1",))
    pushed = dataclasses.replace(spec, output=Output.PUSH)
    issues = check_spec(pushed, BuildEnv(lab("lab-container")))
    notes = [i.message for i in issues if i.severity is Severity.NOTE and "plain HTTP" in i.message]
    assert len(notes) == 1 and notes[0].startswith("If 192.168.1.10:5000 serves plain HTTP")
    loaded = check_spec(spec, BuildEnv(lab("lab-container")))
    assert not [i for i in loaded if "plain HTTP" in i.message]


def test_bake_notes_it_per_target_as_the_form_does():
    (target, *_) = parse_print(local("bake-print-all.stdout")).targets.values()
    pushed = dataclasses.replace(target, tags=("192.168.1.10:5000/app:1",))
    found = preflight(
        (pushed,), "docker-container", builder=lab("lab-container"), cwd=".", push=True
    )
    notes = [p for p in found if "plain HTTP" in p.message]
    assert [(p.target, p.note, p.refused) for p in notes] == [(target.name, True, False)]
    form = plain_http_note(lab("lab-container"), pushed.tags)
    assert notes[0].message == form  # one check, one wording
