"""Runs one build through the backend and turns its rawjson stream into coalesced snapshots.

No Textual here (the benchmark and tests drive it directly): the screen's thread worker calls
`BuildRunner.run`, which blocks until the build ends, and gets snapshots through ``post`` from the
shared :class:`~buildx_tui.core.progress.pump.ProgressPump` (at most one per ``min_interval``,
only when something changed or, while the build runs, once per ``tick`` so running clocks
advance during a silent step; the reader may wait for the UI to draw, ``ui_wait_s``; the gc is
frozen during the build, ``freeze_gc``). `cancel` may be called from any thread, even before
the process has started.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from buildx_tui.core.build.history import BuildOutputs, parse_metadata
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.core.progress.parser import BuildProgress
from buildx_tui.core.progress.pump import MIN_INTERVAL_S, ProgressPump

TICK_S = 1.0
CANCEL_RETRY_S = 10.0
CANCEL_EXIT = 130
#: Output of the build kept in its result (the error tail and hints come from its end): the
#: whole stream is in the parser's bounded buffers already.
KEEP_TAIL_BYTES = 256 * 1024


@dataclass(frozen=True)
class RunOutcome:
    snapshot: ProgressSnapshot
    result: CommandResult
    outputs: BuildOutputs
    started_at: datetime
    duration_s: float
    cancelled: bool
    posts: int  # snapshots posted while running
    lines: int  # output lines received

    @property
    def error_text(self) -> str:
        if self.snapshot.final_error:
            return self.snapshot.final_error
        return "" if self.result.ok else self.result.error_text()


def pushed_names(outputs: BuildOutputs, spec: BuildSpec) -> BuildOutputs:
    """A successful push from a builder whose platforms ran on several nodes: buildx merges the
    nodes' images into one index and pushes it under every tag, but its metadata file then holds
    only the index digest (no ``image.name``; tests/fixtures/local/multinode-*). The names are
    the tags the command gave: the reference is ``repo@digest`` as for any push."""
    if outputs.image_names or not outputs.digest or spec.output is not Output.PUSH:
        return outputs
    if not spec.tags:
        return outputs
    return replace(outputs, image_names=spec.tags)


@dataclass
class BuildRunner:
    backend: Backend
    spec: BuildSpec
    post: Callable[[ProgressSnapshot], None]
    min_interval: float = MIN_INTERVAL_S
    tick: float = TICK_S
    clock: Callable[[], float] = time.monotonic
    progress_clock: Callable[[], float] | None = time.time  # None: build time = last stamp seen
    freeze_gc: bool = True  # see core/progress/pump.py
    ui_wait_s: float = 0.0  # see core/progress/pump.py; 0: never wait for the UI
    keep_frozen: bool = False  # leave gc frozen after run(): the caller calls release_gc() later
    token: object = field(default_factory=object)
    argv: list[str] = field(default_factory=list, init=False)
    _cancel: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _started: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _finished: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _tmp: Path | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        progress = BuildProgress(self.spec.platforms, clock=self.progress_clock)
        self.pump: ProgressPump[ProgressSnapshot] = ProgressPump(
            start=lambda _first: progress,
            post=self.post,
            min_interval=self.min_interval,
            tick=self.tick,
            clock=self.clock,
            ui_wait_s=self.ui_wait_s,
            freeze_gc=self.freeze_gc,
            keep_frozen=self.keep_frozen,
            name="build-ticker",
        )
        self._progress = progress

    @property
    def posts(self) -> int:
        """Snapshots posted while running."""
        return self.pump.posts

    def prepare(self) -> list[str]:
        """Make the metadata file's folder and the exact argv to run (idempotent)."""
        if not self.argv:
            # mkdtemp makes it 0700: buildx writes the metadata file (image names, digests) here
            self._tmp = Path(tempfile.mkdtemp(prefix="buildx-tui-build-"))
            self.argv = self.spec.argv(
                progress="rawjson", metadata_file=str(self._tmp / "metadata.json")
            )
        return self.argv

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def wait_started(self, timeout: float) -> bool:
        """Block until the build's process exists (or could not start, or ``timeout``)."""
        return self._started.wait(timeout)

    def drawn(self) -> None:
        """The UI has drawn the last snapshot: the reader may go on (any thread)."""
        self.pump.drawn()

    def on_line(self, line: str) -> None:
        self.pump.on_line(line)

    # -- running ---------------------------------------------------------------------------------
    def run(self) -> RunOutcome:
        argv = self.prepare()
        started_at = datetime.now(UTC)
        try:
            with self.pump.running():
                if self._cancel.is_set():
                    result = CommandResult(
                        tuple(argv), self.backend.display(argv), CANCEL_EXIT, "", "", 0.0, True
                    )
                else:
                    result = self.backend.run(
                        argv,
                        on_line=self.on_line,
                        token=self.token,
                        keep_tail=KEEP_TAIL_BYTES,
                        on_start=self._started.set,
                    )
        finally:
            self._started.set()
            self._finished.set()
        cancelled = result.cancelled or self._cancel.is_set()
        outputs = self._read_metadata()
        if result.returncode == 0 and not cancelled:
            outputs = pushed_names(outputs, self.spec)
        with self.pump.lock:
            self._progress.close(CANCEL_EXIT if cancelled else result.returncode)
            snapshot = self._progress.snapshot()
        return RunOutcome(
            snapshot=snapshot,
            result=result,
            outputs=outputs,
            started_at=started_at,
            duration_s=result.duration_s,  # measured by the client around the process
            cancelled=cancelled,
            posts=self.posts,
            lines=self.pump.lines,
        )

    def release_gc(self) -> None:
        """Undo the build's gc.freeze (see core/progress/pump.py): the screen calls this once
        the summary is drawn."""
        self.pump.release_gc()

    def _read_metadata(self) -> BuildOutputs:
        tmp, self._tmp = self._tmp, None
        if tmp is None:
            return BuildOutputs()
        try:
            return parse_metadata((tmp / "metadata.json").read_text(encoding="utf-8"))
        except OSError:
            return BuildOutputs()
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def cancel(self) -> None:
        """Stop the build: SIGINT to the docker CLI, then its process group is killed (the
        client does that). Blocks up to a few seconds: call it from a worker thread."""
        self._cancel.set()
        deadline = time.monotonic() + CANCEL_RETRY_S
        # The process may not be registered yet (cancel right after start): retry until it is
        # or the run has ended.
        while not self._finished.is_set() and time.monotonic() < deadline:
            if self.backend.cancel(self.token):
                return
            time.sleep(0.05)
