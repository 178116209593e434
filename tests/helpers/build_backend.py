"""The fake backend of the build UI tests, on recorded real buildx output, and the builders and
build specs it answers for.

`BuildBackend` extends the shared FakeBackend for `buildx build`: the argv it is asked to run
holds a temporary `--metadata-file` path, so builds are matched with that path replaced by
``<metadata>``; the reply's recorded stderr lines are streamed to ``on_line`` (optionally
pausing after ``pause_after`` lines until ``gate`` is set: a build frozen mid-way), then the
recorded metadata file is written where buildx would write it. ``cancel`` ends a paused build as
a SIGINT would (exit 130). Its own test: tests/ui/build/test_build_backend.py.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from buildx_tui.core.build.checks import STORE_PROBE_ARGV
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder, Node, NodeStatus, parse_ls_json
from buildx_tui.core.docker.types import CommandResult
from tests.fakes import FakeBackend, Reply, fixture

METADATA = "<metadata>"
LAB_PINNED = {"lab-container": {"lab-container0": ["linux/amd64", "linux/arm64"]}}
TWO = ("linux/amd64", "linux/arm64")
MULTI = "buildx/build-multiplatform-rawjson.stderr"
META = "buildx/build-metadata-file.metadata.json"


@dataclass
class BuildReply:
    stderr_file: str  # a recorded rawjson stream under tests/fixtures
    returncode: int = 0
    metadata_file: str | None = None  # recorded --metadata-file content
    pause_after: int | None = None  # stream this many lines, then wait for the gate
    gate: threading.Event = field(default_factory=threading.Event)
    duration_s: float = 2.7

    def lines(self) -> list[str]:
        return fixture(self.stderr_file).splitlines()


def normalise(argv: Sequence[str]) -> tuple[str, ...]:
    out = list(argv)
    if "--metadata-file" in out:
        out[out.index("--metadata-file") + 1] = METADATA
    return tuple(out)


@dataclass
class BuildBackend(FakeBackend):
    builds: dict[tuple[str, ...], BuildReply] = field(default_factory=dict)
    stdins: list[bytes | None] = field(default_factory=list)
    keep_tails: list[int | None] = field(default_factory=list)
    _cancelled: set[int] = field(default_factory=set)
    _running: dict[int, BuildReply] = field(default_factory=dict)

    def run(
        self,
        argv,
        *,
        on_line=None,
        stdin=None,
        timeout=None,
        token=None,
        keep_tail=None,
        on_start=None,
    ) -> CommandResult:
        if on_start is not None:
            on_start()
        key = normalise(argv)
        self.stdins.append(stdin)
        self.keep_tails.append(keep_tail)
        reply = self.builds.get(key)
        if reply is None:
            return super().run(argv, on_line=on_line, stdin=stdin, timeout=timeout, token=token)
        self.calls.append(key)
        tid = id(token)
        self._running[tid] = reply
        try:
            lines = reply.lines()
            for n, line in enumerate(lines):
                if reply.pause_after is not None and n == reply.pause_after:
                    reply.gate.wait(10)
                    if tid in self._cancelled:
                        return self._result(argv, key, 130, lines[:n], cancelled=True)
                if on_line is not None:
                    on_line(line)
            if reply.metadata_file is not None:
                path = argv[list(argv).index("--metadata-file") + 1]
                Path(path).write_text(fixture(reply.metadata_file))
            return self._result(argv, key, reply.returncode, lines, duration=reply.duration_s)
        finally:
            self._running.pop(tid, None)

    def _result(self, argv, key, code, lines, *, cancelled=False, duration=5.1) -> CommandResult:
        return CommandResult(
            key, self.display(argv), code, "", "\n".join(lines), duration, cancelled=cancelled
        )

    def cancel(self, token: object) -> bool:
        reply = self._running.get(id(token))
        if reply is None:
            return False
        self._cancelled.add(id(token))
        reply.gate.set()
        return True

    def cancel_all(self) -> int:
        running = list(self._running.items())
        for tid, reply in running:
            self._cancelled.add(tid)
            reply.gate.set()
        return len(running)


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


def form_backend(store: str = "local/info-driver-status-lab.json") -> BuildBackend:
    return BuildBackend(
        ls_output=fixture("local/ls-lab-running.json"),
        pinned=LAB_PINNED,
        replies={STORE_PROBE_ARGV: Reply(0, fixture(store))},
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
