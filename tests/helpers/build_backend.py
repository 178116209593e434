"""The fake backend of the build UI tests, on recorded real buildx output, and the builders and
build specs it answers for.

`BuildBackend` is the package's build replay backend (buildx_tui/core/replay/builds.py, the one
`buildx-tui --demo` uses) reading the recordings of tests/fixtures: builds are matched with the
`--metadata-file` path replaced by ``<metadata>``, the recorded stderr lines are streamed
(optionally pausing after ``pause_after`` lines until ``gate`` is set), then the recorded metadata
file is written where buildx would write it; ``cancel`` ends a paused build with exit 130. Its own
test: tests/ui/build/test_build_backend.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from buildx_tui.core.build.checks import STORE_PROBE_ARGV
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder, Node, NodeStatus, parse_ls_json
from buildx_tui.core.replay.builds import METADATA, BuildReplayBackend, RecordedBuild, normalise
from tests.fakes import Reply, fixture

__all__ = ["METADATA", "BuildBackend", "BuildReply", "Reply", "normalise"]

LAB_PINNED = {"lab-container": {"lab-container0": ["linux/amd64", "linux/arm64"]}}
TWO = ("linux/amd64", "linux/arm64")
MULTI = "buildx/build-multiplatform-rawjson.stderr"
META = "buildx/build-metadata-file.metadata.json"


@dataclass
class BuildReply(RecordedBuild):
    """A recorded build of tests/fixtures (see :class:`RecordedBuild`)."""

    def lines(self) -> list[str]:
        return fixture(self.stderr_file).splitlines()


@dataclass
class BuildBackend(BuildReplayBackend):
    """The package's build replay backend reading tests/fixtures."""

    read: Callable[[str], str] = fixture


def lab_builders() -> dict[str, Builder]:
    ls = parse_ls_json(fixture("local/ls-lab-running.json"), LAB_PINNED)
    return {b.name: b for b in ls.builders}


def small_builder() -> Builder:
    """A builder whose only node runs amd64 natively and arm64 under QEMU, nothing else; like
    the lab's, its container shares the host's network (it reaches a registry on 127.0.0.1)."""
    node = Node(
        "small0",
        "unix:///var/run/docker.sock",
        NodeStatus.RUNNING,
        version="v0.32.2",
        platforms=TWO,
        driver_opts={"network": "host"},
    )
    return Builder("small", "docker-container", nodes=(node,))


def recorded_check(argv: tuple[str, ...]) -> Reply | None:
    """Any `--call=check` not given its own reply: on `default` (the docker driver of dockerd
    20.10) the recorded refusal, else the recorded check of a clean Dockerfile."""
    if "--call=check,format=json" not in argv:
        return None
    if argv[2:4] == ("--builder", "default"):
        return Reply(1, "", fixture("local/form-call-check-default-builder.stderr"))
    return Reply(0, fixture("local/form-call-check-clean.stdout"))


def form_backend(store: str = "local/info-driver-status-lab.json") -> BuildBackend:
    return BuildBackend(
        ls_output=fixture("local/ls-lab-running.json"),
        pinned=LAB_PINNED,
        replies={STORE_PROBE_ARGV: Reply(0, fixture(store))},
        fallback=recorded_check,
    )


def push_spec(**kw) -> BuildSpec:
    base: dict = dict(
        builder="seedtest",
        platforms=TWO,
        tags=("127.0.0.1:5000/demo:1",),
        output=Output.PUSH,
    )
    base.update(kw)
    return BuildSpec(**base)


def build_key(spec: BuildSpec) -> tuple[str, ...]:
    return normalise(spec.argv(progress="rawjson", metadata_file=METADATA))


def seedtest() -> Builder:
    ls = parse_ls_json(fixture("buildx/ls.json"), {"seedtest": {"seedtest0": list(TWO)}})
    builder = ls.get("seedtest")
    assert builder is not None
    return builder
