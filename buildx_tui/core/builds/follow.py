"""Replay a build's recorded progress and, while it runs, follow it to its end.

BuildKit lets a client follow a running build: buildx's `history logs` opens Control.Status for
the record's ref and reads until EOF, which comes when the build ends (see :mod:`.logs`); seen on
the lab: started 2 s into an 8 s build, it printed what was recorded so far in one line, then a
line per change, and exited with the build. So there is nothing to poll: one `history logs`
process per replay, its lines fed to the shared parser as they come, exactly like a live build.

No Textual here. :class:`LogFollower` runs in the screen's thread worker and feeds the lines
through the shared :class:`~buildx_tui.core.progress.pump.ProgressPump`, as the live build's
runner does: ``post`` gets an immutable snapshot at most once per ``min_interval`` and only when
the stream changed something (nothing is re-drawn for a line that changed nothing); with
``ui_wait_s`` the reader waits for the UI to draw; with ``freeze_gc`` the gc is frozen.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from buildx_tui.core.builds.logs import HistoryProblem, history_problem, logs_argv, platforms_in
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.core.progress.parser import BuildProgress
from buildx_tui.core.progress.pump import MIN_INTERVAL_S, ProgressPump


@dataclass(frozen=True)
class FollowOutcome:
    snapshot: ProgressSnapshot
    result: CommandResult
    problem: HistoryProblem | None
    lines: int
    posts: int
    followed: bool
    """True when the build was still running as the replay began (more than one line came)."""


@dataclass
class LogFollower:
    backend: Backend
    builder: str
    ref: str
    post: Callable[[ProgressSnapshot], None]
    platforms: Sequence[str] = ()
    min_interval: float = MIN_INTERVAL_S
    clock: Callable[[], float] = time.monotonic
    ui_wait_s: float = 0.0  # 0: never wait for the UI
    freeze_gc: bool = False  # see core/progress/pump.py
    keep_frozen: bool = False  # leave gc frozen after run(): the caller calls release_gc() later
    token: object = field(default_factory=object)

    def __post_init__(self) -> None:
        # The parser is made with the first line (its platforms). Its clock is None: the build's
        # "now" is the latest time stamp it sent (the replay of an old build must not show
        # steps running until today).
        self.pump: ProgressPump[ProgressSnapshot] = ProgressPump(
            start=self._start,
            post=self.post,
            min_interval=self.min_interval,
            clock=self.clock,
            ui_wait_s=self.ui_wait_s,
            freeze_gc=self.freeze_gc,
            keep_frozen=self.keep_frozen,
            name="replay-ticker",
        )
        self._json_lines = 0
        self._parser: BuildProgress | None = None

    def _start(self, first: str) -> BuildProgress:
        self._parser = BuildProgress(self.platforms or platforms_in(first))
        return self._parser

    @property
    def argv(self) -> list[str]:
        return logs_argv(self.builder, self.ref)

    @property
    def posts(self) -> int:
        return self.pump.posts

    @property
    def lines(self) -> int:
        return self.pump.lines

    def drawn(self) -> None:
        """The UI has drawn the last snapshot: the reader may go on (any thread)."""
        self.pump.drawn()

    def on_line(self, line: str) -> None:
        if line.startswith("{"):  # the client calls this one line at a time
            self._json_lines += 1
        self.pump.on_line(line)

    def run(self) -> FollowOutcome:
        """Blocks until `history logs` ends (with the build, when it was running)."""
        with self.pump.running():
            result = self.backend.run(self.argv, on_line=self.on_line, token=self.token)
        with self.pump.lock:
            self.pump.progress()  # made now (by _start) if no line came
            progress = self._parser
            assert progress is not None
            progress.close(None)
            snapshot = progress.snapshot()
        return FollowOutcome(
            snapshot=snapshot,
            result=result,
            problem=history_problem(result, self.builder, self.ref),
            lines=self.lines,
            posts=self.posts,
            followed=self._json_lines > 1,
        )

    def release_gc(self) -> None:
        """Undo the replay's gc.freeze (see core/progress/pump.py): the screen calls this once
        the end is drawn."""
        self.pump.release_gc()

    def cancel(self) -> bool:
        """Stop following (the screen is closed): ends the `history logs` process."""
        return self.backend.cancel(self.token)
