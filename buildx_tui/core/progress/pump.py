"""The one loop that turns a docker process's progress lines into snapshots for a screen: a live
build (core/build/runner.py), a bake (core/bake/runner.py) and a replayed or followed build
(core/builds/follow.py) all feed their lines through a :class:`ProgressPump`.

Lines arrive on the client's pump threads, one at a time; a ticker thread flushes the last
change of a burst. Both take one lock, so the parser sees one caller at a time. ``post`` gets an
immutable snapshot at most once per ``min_interval`` and only when something changed, or, with
``tick``, at least that often while the process runs so running clocks advance during a silent
step.

``min_interval`` is 100 ms: the rate at which buildx's own terminal display redraws
(BuildKit's progressui: ``displayTimeout := 100 * time.Millisecond``). Drawing more often shows
nothing a user can read and takes CPU from the build on a busy machine.

Under a flood of events the parser and the UI compete for the GIL, which doubles the time the UI
takes to draw a frame. With ``ui_wait_s`` set, the reader waits after each posted snapshot until
the UI says it has drawn it (:meth:`drawn`), at most that long, so the frame is drawn with the
whole interpreter; meanwhile docker's output waits in the pipe.

With ``freeze_gc``, what exists is moved to the permanent generation when the run starts and
every ``GC_FREEZE_S``: a log flood grows the heap by ~100k objects a second and each full
collection walks all of them while every thread waits (measured: 50-250 ms UI stalls). Objects
freed by reference counting are still freed at once. :meth:`release_gc` undoes it (the screen
calls it once the end is drawn, unless ``keep_frozen`` is false and the run does).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from buildx_tui.core import heap

#: buildx's own display rate (see the module's docstring).
MIN_INTERVAL_S = 0.1
GC_FREEZE_S = 0.5

S = TypeVar("S")
S_co = TypeVar("S_co", covariant=True)


class Progress(Protocol[S_co]):
    """What a pump feeds: the build parser (BuildProgress) or bake's (BakeProgress)."""

    @property
    def dirty(self) -> bool: ...

    def feed_line(self, line: str, /) -> object: ...

    def snapshot(self) -> S_co: ...


@dataclass
class ProgressPump(Generic[S]):
    #: The parser, made from the first line (a replay learns its platforms there).
    start: Callable[[str], Progress[S]]
    post: Callable[[S], None]
    min_interval: float = MIN_INTERVAL_S
    #: > 0: post at least this often while running, changed or not (running clocks advance).
    tick: float = 0.0
    clock: Callable[[], float] = time.monotonic
    ui_wait_s: float = 0.0  # 0: never wait for the UI
    freeze_gc: bool = False
    keep_frozen: bool = False  # leave gc frozen after the run: the caller calls release_gc()
    name: str = "progress-ticker"
    posts: int = field(default=0, init=False)
    lines: int = field(default=0, init=False)
    lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _progress: Progress[S] | None = field(default=None, init=False, repr=False)
    _last_post: float = field(default=float("-inf"), init=False, repr=False)
    _finished: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _drawn: threading.Event = field(default_factory=threading.Event, init=False, repr=False)

    def __post_init__(self) -> None:
        self._drawn.set()

    def progress(self, first: str = "") -> Progress[S]:
        """The parser (made now if no line came yet). Take :attr:`lock` around its use while
        the run may still feed it."""
        if self._progress is None:
            self._progress = self.start(first)
        return self._progress

    # -- feeding and coalescing ----------------------------------------------------------------
    def on_line(self, line: str) -> None:
        if not self._drawn.is_set():
            self._drawn.wait(self.ui_wait_s)
        with self.lock:
            self.lines += 1
            self.progress(line).feed_line(line)
            self._maybe_post()

    def drawn(self) -> None:
        """The UI has drawn the last snapshot: the reader may go on (any thread)."""
        self._drawn.set()

    def _maybe_post(self, *, tick: bool = False) -> None:
        progress = self._progress
        if progress is None:
            return
        now = self.clock()
        since = now - self._last_post
        if since < self.min_interval:
            return
        if not progress.dirty and not (tick and self.tick > 0 and since >= self.tick):
            return
        self._last_post = now
        self.posts += 1
        if self.ui_wait_s > 0:
            self._drawn.clear()
        self.post(progress.snapshot())

    # -- running ---------------------------------------------------------------------------------
    @contextmanager
    def running(self) -> Iterator[None]:
        """Around the process: the ticker thread and the gc freeze run while it is inside."""
        if self.freeze_gc:
            gc.freeze()  # the app's own long-lived objects: never walked again during the run
        self._finished.clear()
        ticker = threading.Thread(target=self._ticker, name=self.name, daemon=True)
        ticker.start()
        try:
            yield
        finally:
            self._finished.set()
            ticker.join(timeout=2)
            if not self.keep_frozen:
                self.release_gc()

    def _ticker(self) -> None:
        last_freeze = self.clock()
        while not self._finished.wait(self.min_interval):
            with self.lock:
                self._maybe_post(tick=True)
            if self.freeze_gc and self.clock() - last_freeze >= GC_FREEZE_S:
                gc.freeze()
                last_freeze = self.clock()

    def release_gc(self) -> None:
        """Undo the run's gc.freeze, and with it the app's baseline (core/heap.py: the app
        freezes that again once only its home screen is left)."""
        if self.freeze_gc:
            heap.release()
