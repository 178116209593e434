"""A new builder's draft from settings.toml's [create]: each driver's options land in the
wizard's own fields, the rest in its extra options; an appended node takes only the flags."""

from __future__ import annotations

from buildx_tui.core.create.defaults import new_draft
from buildx_tui.core.create.draft import CreateDraft


def test_no_settings_is_the_wizards_own_start():
    assert new_draft() == CreateDraft()


def test_docker_container_options_fill_their_fields():
    draft = new_draft(
        "docker-container",
        ("image=moby/buildkit:v0.32.2", "network=mynet", "cpuset-cpus=0-1", "env.A=b c"),
    )
    assert draft.image == "moby/buildkit:v0.32.2"
    assert not draft.network_host and draft.extra_opts == "network=mynet"
    assert draft.cpuset_cpus == "0-1"
    assert draft.env == "'A=b c'"  # shell words, as the field reads them


def test_kubernetes_and_remote_options_fill_theirs():
    k8s = new_draft("kubernetes", ("namespace=ci", "replicas=2", "rootless=true"), False, False)
    assert (k8s.driver, k8s.namespace, k8s.replicas) == ("kubernetes", "ci", "2")
    assert k8s.extra_opts == "rootless=true"
    assert (k8s.bootstrap, k8s.use) == (False, False)
    remote = new_draft("remote", ("cacert=/c.pem", "servername=b", "key=/k.pem"))
    assert (remote.cacert, remote.servername, remote.key) == ("/c.pem", "b", "/k.pem")


def test_a_value_may_hold_an_equals_sign():
    assert new_draft("docker-container", ("env.X=a=b",)).env == "X=a=b"


def test_an_appended_node_takes_only_bootstrap_and_use():
    draft = new_draft("remote", ("cacert=/c.pem",), False, False, name="lab", append=True)
    assert draft.append and draft.name == "lab"
    assert draft.driver == CreateDraft().driver and draft.cacert == ""
    assert (draft.bootstrap, draft.use) == (False, False)
