"""Parsing `buildx ls --format json` on real recorded outputs (tests/fixtures/buildx)."""

from __future__ import annotations

import json

import pytest

from buildx_tui.core.builders import LsParseError, NodeStatus, parse_ls_json
from buildx_tui.core.platforms import Emulation
from tests.fakes import fixture


def test_all_builders_and_nodes_of_the_recorded_ls():
    ls = parse_ls_json(fixture("buildx/ls.json"))
    assert [b.name for b in ls.builders] == [
        "remotetest",
        "remoteunix",
        "seedlocal",
        "seedtest",
        "default",
    ]
    assert ls.problems == ()
    assert ls.current is not None and ls.current.name == "seedtest"
    remotetest = ls.get("remotetest")
    assert remotetest is not None
    assert remotetest.driver == "remote"
    assert [n.name for n in remotetest.nodes] == ["remotetest0", "remotetest-unix"]
    assert remotetest.nodes[0].endpoint == "tcp://127.0.0.1:1234"
    assert remotetest.nodes[0].driver_opts["cacert"] == "/etc/buildkit/certs/ca.pem"
    assert remotetest.nodes[1].endpoint == "unix:///run/buildx/buildkitd.sock"
    assert all(n.status is NodeStatus.RUNNING for n in remotetest.nodes)
    assert remotetest.nodes[0].version == "v0.32.2"
    assert len(remotetest.nodes[0].platforms) == 13


def test_node_details_files_flags_gc_labels():
    ls = parse_ls_json(fixture("buildx/ls.json"))
    seed = ls.get("seedtest")
    assert seed is not None
    node = seed.nodes[0]
    assert node.flags == ("--allow-insecure-entitlement=network.host",)
    assert node.driver_opts == {"network": "host"}
    # Files are base64 in the JSON; decoded, it is the buildkitd.toml given at create.
    toml = node.files["buildkitd.toml"]
    assert "[registry.'docker.io']" in toml
    assert "mirrors = ['127.0.0.1:5000']" in toml
    assert len(node.gc_policy) == 4
    assert node.gc_policy[0].filters == (
        "type==source.local",
        "type==exec.cachemount",
        "type==source.git.checkout",
    )
    assert node.gc_policy[0].keep_duration_s == pytest.approx(172800)  # 48h
    assert node.gc_policy[0].max_used_space == 512000000
    assert node.gc_policy[3].all is True
    assert node.labels["org.mobyproject.buildkit.worker.executor"] == "oci"
    assert seed.last_activity is not None
    assert seed.last_activity.isoformat() == "2026-11-22T21:03:54+00:00"


def test_unreachable_remote_builders_are_inactive_without_platforms():
    ls = parse_ls_json(fixture("buildx/ls-with-unreachable.json"))
    dead = ls.get("remotedead")
    assert dead is not None
    assert dead.status is NodeStatus.INACTIVE
    assert dead.nodes[0].platforms == ()
    assert dead.nodes[0].endpoint == "tcp://127.0.0.1:1299"
    assert ls.engine_error() == ""


def test_daemon_down_errors_are_kept_and_engine_error_detected():
    ls = parse_ls_json(fixture("buildx/ls-daemon-down.json"))
    default = ls.get("default")
    assert default is not None
    assert default.driver == ""
    assert default.status is NodeStatus.ERROR
    assert "failed to connect to the docker API" in default.error
    # The empty node `{"Endpoint":"","Name":""}` of a builder that failed to load is dropped.
    assert default.nodes == ()
    seed = ls.get("seedtest")
    assert seed is not None
    assert seed.nodes[0].status is NodeStatus.ERROR
    assert seed.nodes[0].effective_status is NodeStatus.ERROR
    assert "dial unix /var/run/docker.sock" in seed.nodes[0].error
    assert seed.nodes[0].platforms == ("linux/amd64", "linux/arm64")
    assert "failed to connect to the docker API" in ls.engine_error()
    # Remote builders do not depend on the engine and still report running.
    remote = ls.get("remoteunix")
    assert remote is not None and remote.status is NodeStatus.RUNNING


def test_empty_output_is_an_empty_list():
    ls = parse_ls_json("")
    assert ls.builders == () and ls.problems == ()


def test_garbage_lines_become_problems_not_exceptions():
    good = fixture("buildx/ls-default-only.json").strip()
    text = "\n".join(["WARNING: something odd", good, "[1,2,3]", '{"Name": ""}', good[:40]])
    ls = parse_ls_json(text)
    assert [b.name for b in ls.builders] == ["default"]
    assert len(ls.problems) == 4
    assert ls.problems[0].startswith("line 1: not JSON")
    assert "not a builder object" in ls.problems[1]


def test_output_with_no_builder_at_all_raises_a_clear_error():
    with pytest.raises(LsParseError, match="could not read any builder"):
        parse_ls_json("unknown flag: --format\nUsage: docker [OPTIONS]")


def test_wrong_types_do_not_crash():
    obj = {
        "Name": "odd",
        "Driver": 3,
        "Current": "yes",
        "LastActivity": "not a time",
        "Nodes": [
            {
                "Name": "odd0",
                "Status": "weird",
                "Platforms": "linux/amd64",
                "GCPolicy": [{"all": "x", "keepDuration": "1s"}, 5],
                "Files": {"f": "%%%not base64"},
                "DriverOpts": None,
            },
            "not a node",
        ],
    }
    ls = parse_ls_json(json.dumps(obj))
    b = ls.builders[0]
    assert b.driver == "3"
    assert b.last_activity is None
    node = b.nodes[0]
    assert node.status is NodeStatus.UNKNOWN
    assert node.platforms == ()
    assert node.gc_policy[0].keep_duration_s == 0
    assert node.files == {"f": "%%%not base64"}


def test_pinned_platforms_from_the_store_are_told_apart_from_native():
    pinned = {"seedtest": {"seedtest0": ["linux/amd64", "linux/arm64"]}}
    ls = parse_ls_json(fixture("buildx/ls.json"), pinned)
    seed = ls.get("seedtest")
    assert seed is not None
    info = {p.name: p for p in seed.nodes[0].platform_info()}
    assert info["linux/amd64"].pinned and info["linux/amd64"].emulation is Emulation.NATIVE
    assert info["linux/arm64"].pinned and info["linux/arm64"].emulation is Emulation.EMULATED
    assert not info["linux/amd64/v2"].pinned
    assert info["linux/386"].emulation is Emulation.NATIVE
    assert info["linux/riscv64"].emulation is Emulation.EMULATED
    # Unpinned builders have no pinned platform.
    remote = ls.get("remoteunix")
    assert remote is not None
    assert not any(p.pinned for p in remote.nodes[0].platform_info())


def test_stopped_container_builder_keeps_its_pinned_platforms():
    ls = parse_ls_json(fixture("local/ls-lab-stopped.json"))
    lab = ls.get("lab-container")
    assert lab is not None
    assert lab.status is NodeStatus.STOPPED
    node = lab.nodes[0]
    assert node.status is NodeStatus.STOPPED
    assert node.error == ""
    # A stopped node reports only what it was created with: the pinned platforms.
    assert node.platforms == ("linux/amd64", "linux/arm64")
    assert node.version == ""
    assert ls.current is not None and ls.current.name == "default"
