"""Issue #11 items 7, 8 and 11: what the build checks and failure hints say about platforms a
builder does not list, a registry on the loopback address, and nodes on one BuildKit daemon —
tested on what buildx really did on the lab (tests/fixtures/local/msg-*, INDEX.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildx_tui.core.build.checks import BuildEnv, check_spec, failure_hint
from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.network import dockerfile_bases, loopback_host, own_network_nodes
from buildx_tui.core.build.platform_choices import (
    Support,
    platform_choices,
    reported_platforms,
    unlisted_platform,
)
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder, Node, NodeStatus, nodes_sharing_workers, parse_ls_json
from buildx_tui.core.create.checks import check_platforms
from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.core.progress.parser import BuildProgress
from tests.fakes import fixture

EIGHT = (
    "linux/amd64", "linux/arm64", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5", "linux/386",
    "linux/ppc64le", "linux/mips64le",
)  # fmt: skip


def lab(name: str = "local/msg-ls.json") -> dict[str, Builder]:
    return {b.name: b for b in parse_ls_json(fixture(name)).builders}


def run(recording: str, platforms: tuple[str, ...], code: int) -> ProgressSnapshot:
    bp = BuildProgress(platforms)
    bp.feed(fixture(f"local/{recording}").splitlines())
    bp.close(code)
    return bp.snapshot()


def said(issues: list[Issue], severity: Severity) -> list[str]:
    return [i.message for i in issues if i.severity is severity]


def hint_of(snap: ProgressSnapshot, recording: str, spec: BuildSpec, builder: Builder) -> str:
    """The hint as the build screen asks for it: the error, stderr's end, failed steps' logs."""
    logs = [
        line.text
        for lane in snap.all_lanes
        for step in lane.steps
        if step.state == "error"
        for line in step.logs[-5:]
    ]
    text = (snap.final_error or "") + "\n" + fixture(f"local/{recording}")[-4000:]
    return failure_hint("\n".join([text, *logs]), spec, builder)


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "Dockerfile").write_text("FROM scratch\nCOPY hello.txt /\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- item 7: platforms a builder does not list ------------------------------------------------


def test_lab_built_two_platforms_its_builder_does_not_list(ctx):
    container = lab()["lab-container"]
    listed = reported_platforms(container)
    assert "linux/arm/v5" not in listed and "linux/mips64le" not in listed
    snap = run("msg-build-unlisted-platforms-rawjson.stderr", EIGHT, 0)
    assert snap.result == "success"
    for name in ("linux/arm/v5", "linux/mips64le"):
        lane = snap.lane(name)
        assert lane is not None and lane.result == "success"
    # Each platform's RUN printed its OS/arch (BuildKit names these steps without the
    # platform): arm/v5 ran beside v6 and v7, and mips64le ran.
    said_hello = [
        line.text for lane in snap.all_lanes for s in lane.steps for line in s.logs
        if s.name == 'RUN ["/hello"]' and s.state == "done"
    ]  # fmt: skip
    assert len(said_hello) == 8
    assert said_hello.count("hello from linux/arm") == 3
    assert "hello from linux/mips64le" in said_hello


def test_unlisted_platform_is_a_note_saying_it_is_not_known(ctx):
    container = lab()["lab-container"]
    issues = check_spec(BuildSpec(builder="lab-container", platforms=EIGHT), BuildEnv(container))
    assert said(issues, Severity.REFUSAL) == said(issues, Severity.WARNING) == []
    notes = said(issues, Severity.NOTE)
    arm5 = next(n for n in notes if "linux/arm/v5" in n)
    assert arm5.startswith("lab-container does not list linux/arm/v5: it builds if the ")
    assert "not known until it runs" in arm5
    assert "refuse" not in arm5 and "no emulator" not in arm5
    assert "--install arm," in arm5  # how to be sure, for that architecture


def test_picker_offers_unlisted_platforms_with_what_is_known():
    small = Builder(
        "small", "docker-container",
        nodes=(Node("small0", "unix:///x", NodeStatus.RUNNING, platforms=("linux/amd64",)),),
    )  # fmt: skip
    arm = next(c for c in platform_choices(small) if c.name == "linux/arm/v7")
    assert arm.support is Support.UNLISTED
    assert "it builds if the builder's host has a QEMU emulator for arm" in arm.reason


def test_windows_on_a_linux_node_fails_at_run_but_not_copy(ctx):
    container = lab()["lab-container"]
    spec = BuildSpec(builder="lab-container", platforms=("windows/amd64",))
    issues = check_spec(spec, BuildEnv(container))
    (warning,) = said(issues, Severity.WARNING)
    assert warning.startswith("lab-container runs on Linux: BuildKit there cannot run Windows")
    assert "FROM and COPY still build" in warning
    assert "binfmt" not in warning and "--install" not in warning
    # What the lab did: RUN of a .exe and RUN in the Windows shell failed, COPY only built.
    assert run("msg-build-windows-copy-rawjson.stderr", ("windows/amd64",), 0).result == "success"
    for kind in ("run", "shell"):
        recording = f"msg-build-windows-{kind}-rawjson.stderr"
        snap = run(recording, ("windows/amd64",), 1)
        assert snap.result == "failed"
        hint = hint_of(snap, recording, spec, container)
        assert hint.startswith("BuildKit on Linux cannot run Windows programs"), kind
        assert "binfmt" not in hint


def test_amd64_v9_is_not_a_platform_and_buildkit_refuses_it(ctx):
    container = lab()["lab-container"]
    spec = BuildSpec(builder="lab-container", platforms=("linux/amd64/v9",))
    (warning,) = said(check_spec(spec, BuildEnv(container)), Severity.WARNING)
    assert warning.startswith("linux/amd64/v9 is not a real platform: amd64's variants are v1 to")
    assert "--install amd64" not in warning
    recording = "msg-build-amd64-v9-rawjson.stderr"
    snap = run(recording, ("linux/amd64/v9",), 1)
    assert "no support for running processes with linux/amd64/v9" in (snap.final_error or "")
    assert "amd64's variants are v1 to v4" in hint_of(snap, recording, spec, container)
    # Said whether or not the builder runs: it is not a platform at all.
    stopped = lab("local/ls-lab-stopped.json")["lab-container"]
    assert said(check_spec(spec, BuildEnv(stopped)), Severity.WARNING)


def test_never_install_amd64_emulation_on_an_amd64_host():
    container = lab()["lab-container"]
    for name in ("linux/amd64/v9", "linux/amd64/v4", "windows/amd64", "linux/386"):
        known = unlisted_platform(name, container)
        assert "--install amd64" not in known.reason + known.fix, name
    v4 = unlisted_platform(
        "linux/amd64/v4",
        Builder(
            "b",
            "docker",
            nodes=(
                Node("b0", "x", NodeStatus.RUNNING, platforms=("linux/amd64", "linux/amd64/v2")),
            ),
        ),
    )
    assert v4.fails and "does not run linux/amd64/v4 programs" in v4.reason  # fmt: skip


def test_wizard_warns_of_windows_pinned_on_a_linux_driver():
    problems = check_platforms(["windows/amd64"], "docker-container")
    assert [p.severity for p in problems] == ["warning"]
    assert "BuildKit's Linux image, which cannot run Windows programs" in problems[0].message
    remote = check_platforms(["windows/amd64"], "remote")
    assert "work only if that BuildKit runs on Windows" in remote[0].message
    assert check_platforms(["linux/amd64/v9"], "remote")[0].message.startswith(
        "linux/amd64/v9 is not a real platform"
    )
    assert check_platforms(["linux/amd64", "linux/arm/v5"], "docker-container") == []


# -- item 8: a registry on the loopback address -----------------------------------------------


def bridge() -> Builder:
    """msg-bridge as the lab made it: docker-container, no network=host."""
    node = Node("msg-bridge0", "unix:///x", NodeStatus.RUNNING, platforms=("linux/amd64",))
    return Builder("msg-bridge", "docker-container", nodes=(node,))


@pytest.mark.parametrize(
    ("ref", "host"),
    [
        ("127.0.0.1:5000/app:1", "127.0.0.1:5000"),
        ("127.1.2.3/app", "127.1.2.3"),
        ("localhost:5000/app", "localhost:5000"),
        ("[::1]:5000/app", "[::1]:5000"),
        ("192.0.2.1:5000/app", None),
        ("registry.example:5000/app", None),
        ("busybox", None),
        ("localhost/app", "localhost"),
    ],
)
def test_loopback_registries(ref, host):
    assert loopback_host(ref) == host


def test_only_docker_container_without_host_network_has_its_own():
    assert own_network_nodes(bridge()) == ["msg-bridge0"]
    assert own_network_nodes(lab()["lab-container"]) == []  # network=host
    assert own_network_nodes(lab()["lab-remote"]) == own_network_nodes(lab()["default"]) == []


def test_push_cache_and_base_on_loopback_are_warned(ctx):
    (ctx / "Dockerfile").write_text(
        "FROM --platform=$BUILDPLATFORM 127.0.0.1:5000/busybox AS base\nFROM base\n"
        "FROM scratch\nCOPY --from=base / /\n"
    )
    spec = BuildSpec(
        builder="msg-bridge",
        tags=("127.0.0.1:5000/app:1", "localhost:5000/app:1"),
        output=Output.PUSH,
        cache_to=("type=registry,ref=localhost:5000/app:cache",),
        cache_from=("localhost:5000/app:cache",),
    )
    issues = check_spec(spec, BuildEnv(bridge()))
    (warning,) = said(issues, Severity.WARNING)
    assert warning.startswith("msg-bridge runs BuildKit in a container with its own network")
    assert (
        "the push to 127.0.0.1:5000 and localhost:5000, the cache export to localhost:5000 and "
        "pulling base images from 127.0.0.1:5000 will fail (connection refused)"
    ) in warning
    assert "--driver-opt network=host" in warning
    (note,) = [n for n in said(issues, Severity.NOTE) if "cache import" in n]
    assert "goes on without that cache" in note
    # The same build on a builder sharing the host's network: nothing to say.
    quiet = check_spec(spec, BuildEnv(lab()["lab-container"]))
    assert not [i for i in quiet if "network" in i.message]
    # A load (no push) contacts no registry.
    (ctx / "Dockerfile").write_text("FROM scratch\n")
    loaded = BuildSpec(builder="msg-bridge", tags=spec.tags, output=Output.LOAD)
    assert not [i for i in check_spec(loaded, BuildEnv(bridge())) if "network" in i.message]


def test_dockerfile_bases_leave_out_stages_scratch_and_args(tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text(
        "ARG BASE=alpine\nFROM $BASE AS a\nfrom 127.0.0.1:5000/x as b\nFROM b\nFROM scratch\n"
        "FROM --platform=linux/amd64 localhost/y\n"
    )
    assert dockerfile_bases(str(path)) == ["127.0.0.1:5000/x", "localhost/y"]
    assert dockerfile_bases(str(tmp_path / "missing")) == []


@pytest.mark.parametrize(
    "recording",
    [
        "msg-build-bridge-push-rawjson.stderr",
        "msg-build-bridge-cache-rawjson.stderr",
        "msg-build-bridge-from-rawjson.stderr",
    ],
)
def test_loopback_failures_are_explained_with_the_fix(recording):
    snap = run(recording, (), 1)
    assert "dial tcp 127.0.0.1:5000: connect: connection refused" in (snap.final_error or "")
    spec = BuildSpec(builder="msg-bridge")
    hint = hint_of(snap, recording, spec, bridge())
    assert hint.startswith("127.0.0.1:5000 is the loopback address: inside msg-bridge's container")
    assert "--driver-opt network=host" in hint
    # Without knowing the builder the hint says what it depends on.
    unknown = failure_hint(snap.final_error or "")
    assert "If the builder is a docker-container one without" in unknown
    assert "network=host" not in hint_of(snap, recording, spec, lab()["lab-remote"])


# -- item 11: two nodes of one builder on the same BuildKit daemon ----------------------------


def test_nodes_sharing_worker_ids_are_found():
    builders = lab("local/msg-ls-twin.json")
    assert nodes_sharing_workers(builders["msg-twin"]) == [("msg-twin0", "msg-twin1")]
    assert all(not nodes_sharing_workers(b) for n, b in builders.items() if n != "msg-twin")


@pytest.mark.parametrize(
    "recording", ["msg-build-twin-job-id-rawjson.stderr", "msg-build-twin-gateway-rawjson.stderr"]
)
def test_twin_node_failures_name_the_nodes(recording):
    twin = lab("local/msg-ls-twin.json")["msg-twin"]
    snap = run(recording, ("linux/amd64", "linux/arm64"), 1)
    assert snap.result == "failed"
    hint = hint_of(snap, recording, BuildSpec(builder="msg-twin"), twin)
    assert hint.startswith("Nodes msg-twin0 and msg-twin1 of msg-twin are the same BuildKit")
    assert "docker buildx create --leave --name msg-twin --node msg-twin1" in hint
    assert "worker ID" in failure_hint(snap.final_error or "")


# -- item 11: --build-arg NAME without a value ------------------------------------------------


def test_bare_build_arg_comes_from_the_environment_as_recorded():
    # What buildx did on the lab: NAME set in its environment -> that value; not set -> no
    # build arg at all, so the Dockerfile's ARG default.
    for recording, said in (
        ("msg-build-arg-env-rawjson.stderr", "MSG_ARG=from-the-environment"),
        ("msg-build-arg-unset-rawjson.stderr", "MSG_ARG=dockerfile-default"),
    ):
        snap = run(recording, (), 0)
        logs = [line.text for lane in snap.all_lanes for s in lane.steps for line in s.logs]
        assert said in logs, recording


def test_bare_build_arg_is_explained_without_its_value(ctx):
    spec = BuildSpec(builder="b", build_args=(("MSG_ARG", None), ("GIVEN", "1")))
    secret = "s3cret-value"
    set_here = check_spec(spec, BuildEnv(environ={"MSG_ARG": secret}))
    (note,) = [i.message for i in set_here if i.field == "build_args"]
    assert note == (
        "--build-arg MSG_ARG: buildx takes the value of MSG_ARG from its environment, where it "
        "is set (not shown here)"
    )
    assert all(secret not in i.message for i in set_here)
    unset = check_spec(spec, BuildEnv(environ={}))
    (note,) = [i.message for i in unset if i.field == "build_args"]
    assert "MSG_ARG is not set in the environment buildx runs in" in note
    assert "the Dockerfile's ARG MSG_ARG default applies" in note


# -- item 19: the builder went away in the middle of a build -----------------------------------
def test_a_builder_gone_mid_build_fails_with_its_reason_not_as_a_cancel():
    progress = BuildProgress()
    for line in fixture("local/interrupt-container-killed-rawjson.stderr").splitlines():
        progress.feed_line(line.encode())
    progress.close(1)
    snap = progress.snapshot()
    assert snap.result == "failed"
    assert snap.final_error is not None and "code = Unavailable" in snap.final_error
    hint = failure_hint(snap.final_error)
    assert hint.startswith("The builder went away in the middle of the build")
    assert "Nobody cancelled it" in hint
    # A user's cancel (exit 130, "context canceled") gets no such hint.
    cancel = fixture("buildx/build-cancelled-rawjson.stderr").strip().splitlines()[-1]
    assert "went away" not in failure_hint(cancel)


# -- item 6: which node builds a platform ---------------------------------------------------------
def test_the_node_of_a_platform_is_said_only_when_certain():
    from buildx_tui.core.build.platform_choices import node_for_platform

    text = fixture("local/multinode-ls.json")
    pinned = {"multinode-rec": {"multinode-rec-amd": ["linux/amd64"],
                                "multinode-rec-arm": ["linux/arm64"]}}  # fmt: skip
    builder = parse_ls_json(text, pinned).get("multinode-rec")
    assert builder is not None
    assert node_for_platform(builder, "linux/amd64") == "multinode-rec-amd"
    assert node_for_platform(builder, "linux/arm64") == "multinode-rec-arm"
    # Both nodes list (emulate) riscv64 and neither pins it: buildx picks, the app says nothing.
    assert node_for_platform(builder, "linux/riscv64") is None
    # Without the pins (a builder made elsewhere): both list both platforms.
    unpinned = parse_ls_json(text, {}).get("multinode-rec")
    assert unpinned is not None and node_for_platform(unpinned, "linux/arm64") is None
    # One node: nothing to tell.
    one = parse_ls_json(fixture("local/ls-lab-running.json"), {}).get("lab-container")
    assert one is not None and node_for_platform(one, "linux/amd64") is None
