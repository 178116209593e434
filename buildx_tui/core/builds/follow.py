"""Replay a build's recorded progress and, while it runs, follow it to its end.

BuildKit lets a client follow a running build: buildx's `history logs` opens Control.Status for
the record's ref and reads until EOF, which comes when the build ends (see :mod:`.logs`); seen on
the lab: started 2 s into an 8 s build, it printed what was recorded so far in one line, then a
line per change, and exited with the build. So there is nothing to poll: one `history logs`
process per replay, its lines fed to the shared parser as they come, exactly like a live build.

No Textual here. :class:`LogFollower` runs in the screen's thread worker; ``post`` gets an
immutable snapshot at most once per ``min_interval`` (50 ms, ~20 a second) and only when the
stream changed something (nothing is re-drawn for a line that changed nothing). Lines arrive on
the client's pump thread; a ticker thread flushes the last change of a burst; both take one lock.
With ``ui_wait_s``, the reader waits after each posted snapshot until the UI says it has drawn it
(:meth:`LogFollower.drawn`), at most that long: under a flood the parser and the UI compete for
the GIL (the live build's runner does the same, see core/build/runner.py).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from buildx_tui.core.builds.logs import HistoryProblem, history_problem, logs_argv, platforms_in
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.core.progress.parser import BuildProgress

MIN_INTERVAL_S = 0.05
GC_FREEZE_S = 0.5


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
    freeze_gc: bool = False  # see _ticker
    keep_frozen: bool = False  # leave gc frozen after run(): the caller calls release_gc() later
    token: object = field(default_factory=object)
    posts: int = field(default=0, init=False)
    lines: int = field(default=0, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _finished: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _drawn: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def __post_init__(self) -> None:
        # clock=None: the build's "now" is the latest time stamp it sent (the replay of an old
        # build must not show steps running until today)
        self._progress: BuildProgress | None = None  # made with the first line (its platforms)
        self._last_post = float("-inf")
        self._json_lines = 0
        self._drawn.set()

    @property
    def argv(self) -> list[str]:
        return logs_argv(self.builder, self.ref)

    def _parser(self, first: str) -> BuildProgress:
        if self._progress is None:
            self._progress = BuildProgress(self.platforms or platforms_in(first))
        return self._progress

    def _maybe_post(self) -> None:
        progress = self._progress
        if progress is None or not progress.dirty:
            return
        now = self.clock()
        if now - self._last_post < self.min_interval:
            return
        self._last_post = now
        self.posts += 1
        if self.ui_wait_s > 0:
            self._drawn.clear()
        self.post(progress.snapshot())

    def drawn(self) -> None:
        """The UI has drawn the last snapshot: the reader may go on (any thread)."""
        self._drawn.set()

    def on_line(self, line: str) -> None:
        if not self._drawn.is_set():
            self._drawn.wait(self.ui_wait_s)
        with self._lock:
            self.lines += 1
            if line.startswith("{"):
                self._json_lines += 1
            self._parser(line).feed_line(line)
            self._maybe_post()

    def _ticker(self) -> None:
        # With freeze_gc, what exists is moved to the permanent generation every GC_FREEZE_S, so
        # a full collection never walks the flood's objects while the UI waits (the live build's
        # runner does the same: measured there, 50-250 ms UI stalls otherwise); undone in run().
        last_freeze = self.clock()
        while not self._finished.wait(self.min_interval):
            with self._lock:
                self._maybe_post()
            if self.freeze_gc and self.clock() - last_freeze >= GC_FREEZE_S:
                gc.freeze()
                last_freeze = self.clock()

    def run(self) -> FollowOutcome:
        """Blocks until `history logs` ends (with the build, when it was running)."""
        if self.freeze_gc:
            gc.freeze()
        ticker = threading.Thread(target=self._ticker, name="replay-ticker", daemon=True)
        ticker.start()
        try:
            result = self.backend.run(self.argv, on_line=self.on_line, token=self.token)
        finally:
            self._finished.set()
            ticker.join(timeout=2)
            if not self.keep_frozen:
                self.release_gc()
        with self._lock:
            progress = self._parser("")
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
        """Undo the replay's gc.freeze. The next full collection then walks everything the
        replay made (100-200 ms after a flood): the screen calls this once the end is drawn."""
        if self.freeze_gc and gc.get_freeze_count():
            gc.unfreeze()

    def cancel(self) -> bool:
        """Stop following (the screen is closed): ends the `history logs` process."""
        return self.backend.cancel(self.token)
