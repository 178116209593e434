"""A fake backend answering `history logs` and `history trace` with the recordings of
scripts/record_history_trace_fixtures.py (tests/fixtures/local/history-*), and an app over it:
for the replay and timeline screens' tests and their scenes."""

from __future__ import annotations

import threading

from buildx_tui.core.builds.logs import logs_argv
from buildx_tui.core.builds.trace import trace_argv
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.app import BuildxApp
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture

BUILDER = "replay-rec"
#: A ref for each recorded build (any string works here; the real ones are in INDEX.md).
REFS = {
    "two-platform": "uy27n4ynf97v22a0e7m8oofgw",
    "cached": "pot7cwc6qcwu2wx78fhgdbh73",
    "failed-arm64": "uh7qmqxfaw9e0m9rq33m51ctx",
    "running": "1tats6x9ywwd1zr9r5o51mbjc",
}
MISSING = "nosuchrecord0000000000000"
#: The two-node builder of scripts/record_multinode_history_fixtures.py: its failed build's
#: arm64 record is ``^0`` (b2node-logs-failed-arm.stderr), its amd64 one ``^1``.
B2 = "b2-rec"
B2_REFS = {"arm": "^0", "amd": "^1"}


def logs_reply(role: str) -> Reply:
    """The command's stderr streamed line by line, as the client does."""
    text = fixture(f"local/history-logs-{role}.stderr")
    return Reply(0, "", text, lines=text.splitlines())


def replay_backend() -> FakeBackend:
    replies: dict[tuple[str, ...], Reply] = {}
    for role, ref in REFS.items():
        replies[tuple(logs_argv(BUILDER, ref))] = logs_reply(role)
        if role != "running":
            replies[tuple(trace_argv(BUILDER, ref))] = Reply(
                0, fixture(f"local/history-trace-{role}.json")
            )
    replies[tuple(trace_argv(BUILDER, REFS["running"]))] = Reply(
        1, "", fixture("local/history-trace-running.stderr")
    )
    missing = fixture("local/history-logs-missing.stderr")
    replies[tuple(logs_argv(BUILDER, MISSING))] = Reply(1, "", missing, lines=[missing])
    replies[tuple(trace_argv(BUILDER, MISSING))] = Reply(
        1, "", fixture("local/history-trace-missing.stderr")
    )
    default = fixture("local/history-logs-default.stderr")
    replies[tuple(logs_argv("default", MISSING))] = Reply(1, "", default, lines=[default])
    replies[tuple(trace_argv("default", MISSING))] = Reply(1, "", default)
    dead = fixture("local/history-logs-unreachable.stderr")
    replies[tuple(logs_argv("lab-dead", MISSING))] = Reply(1, "", dead, lines=dead.splitlines())
    for node, ref in B2_REFS.items():
        replies[tuple(logs_argv(B2, ref))] = logs_reply_file(f"b2node-logs-failed-{node}.stderr")
    return FakeBackend(ls_output=fixture("local/ls-lab-running.json"), replies=replies)


def logs_reply_file(name: str) -> Reply:
    text = fixture(f"local/{name}")
    return Reply(0, "", text, lines=text.splitlines())


def b2_backend() -> FakeBackend:
    """The replay backend with `buildx ls` listing b2-rec (its nodes' platforms: the badges)."""
    backend = replay_backend()
    backend.ls_output = fixture("local/b2node-ls.json")
    # what buildx's store says of them (the recorder created them with --platform)
    backend.pinned = {B2: {"b2-rec-amd": ["linux/amd64"], "b2-rec-arm": ["linux/arm64"]}}
    return backend


def replay_app(backend: FakeBackend | None = None) -> BuildxApp:
    return BuildxApp(backend or replay_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


class FollowBackend(FakeBackend):
    """`history logs` of a running build: the first recorded line (what was recorded so far),
    then the command waits for ``gate`` (the build runs), then the rest of the lines come and
    it ends (the build ended)."""

    def __init__(self, argv: tuple[str, ...], lines: list[str], gate: threading.Event) -> None:
        base = replay_backend()
        super().__init__(ls_output=base.ls_output, replies=base.replies)
        self.follow_argv = argv
        self.follow_lines = lines
        self.gate = gate
        self.tokens: list[object] = []

    def run(self, argv, *, on_line=None, token=None, **kw):  # type: ignore[no-untyped-def, override]
        if tuple(argv) != self.follow_argv:
            return super().run(argv, on_line=on_line, token=token, **kw)
        self.calls.append(tuple(argv))
        self.tokens.append(token)
        assert on_line is not None
        on_line(self.follow_lines[0])
        self.gate.wait(10)
        for line in self.follow_lines[1:]:
            on_line(line)
        return CommandResult(tuple(argv), self.display(argv), 0, "", "", 6.0)
