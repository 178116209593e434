"""Replaying `buildx build --progress=rawjson`: the recorded progress stream, line by line.

The argv of a build holds a temporary ``--metadata-file`` path, so builds are matched with that
path replaced by ``<metadata>`` (:func:`normalise`). A :class:`RecordedBuild` streams its
recorded stderr lines to ``on_line``: at once (tests), or ``paced`` as they were recorded, each
line after the gap between its BuildKit timestamps and the previous line's (the demo: a build
that takes the time it took). It can pause after ``pause_after`` lines until ``gate`` is set (a
build frozen mid-way); then the recorded metadata file is written where buildx would write it.
``cancel`` ends a build as a SIGINT would (exit 130).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.replay.backend import ReplayBackend

METADATA = "<metadata>"
#: A paced replay never waits longer than this between two lines (seconds).
MAX_GAP_S = 3.0
_STAMP = re.compile(r'"(?:started|completed|timestamp)":"([0-9T:.\-]+)(?:\.(\d+))?Z"')


def normalise(argv: Sequence[str]) -> tuple[str, ...]:
    """``argv`` with the path after ``--metadata-file`` replaced by :data:`METADATA`."""
    out = list(argv)
    if "--metadata-file" in out:
        i = out.index("--metadata-file") + 1
        if i < len(out):
            out[i] = METADATA
    return tuple(out)


def line_time(line: str) -> float | None:
    """The latest BuildKit timestamp in one rawjson line (POSIX seconds), None if it has none."""
    latest: float | None = None
    for whole, fraction in _STAMP.findall(line):
        try:
            stamp = datetime.fromisoformat(whole + "+00:00").timestamp()
        except ValueError:
            continue
        stamp += float(f"0.{fraction}") if fraction else 0.0
        latest = stamp if latest is None else max(latest, stamp)
    return latest


def gaps(lines: Sequence[str], cap: float = MAX_GAP_S) -> list[float]:
    """How long to wait before each line to replay ``lines`` at the pace they were recorded
    (a line without a timestamp comes at once; no wait is over ``cap``)."""
    out: list[float] = []
    last: float | None = None
    for line in lines:
        now = line_time(line)
        if now is None or last is None or now <= last:
            out.append(0.0)
        else:
            out.append(min(now - last, cap))
        if now is not None and (last is None or now > last):
            last = now
    return out


def _no_recordings(name: str) -> str:
    raise FileNotFoundError(f"no recording named {name!r}: give the backend a reader")


@dataclass
class RecordedBuild:
    """One build's recording: its rawjson stderr and metadata file, by name (see ``read``)."""

    stderr_file: str
    returncode: int = 0
    metadata_file: str | None = None
    #: Stream this many lines, then wait for the gate.
    pause_after: int | None = None
    gate: threading.Event = field(default_factory=threading.Event)
    duration_s: float = 2.7
    #: Replay at the recorded pace (the demo) rather than at once (tests).
    paced: bool = False


@dataclass
class BuildReplayBackend(ReplayBackend):
    """A :class:`ReplayBackend` that also answers builds (``builds[normalise(argv)]``, or
    ``any_build`` for a build not recorded); ``read`` gives a recording's text by name."""

    builds: dict[tuple[str, ...], RecordedBuild] = field(default_factory=dict)
    any_build: Callable[[tuple[str, ...]], RecordedBuild | None] | None = None
    read: Callable[[str], str] = _no_recordings
    stdins: list[bytes | None] = field(default_factory=list)
    keep_tails: list[int | None] = field(default_factory=list)
    _cancelled: set[int] = field(default_factory=set)
    _running: dict[int, RecordedBuild] = field(default_factory=dict)

    def build_for(self, key: tuple[str, ...]) -> RecordedBuild | None:
        found = self.builds.get(key)
        calls = any(a.startswith("--call") for a in key)  # a --call builds nothing
        if found is None and self.any_build is not None and "build" in key[:2] and not calls:
            found = self.any_build(key)
        return found

    def run(
        self,
        argv: Sequence[str],
        *,
        on_line: Callable[[str], None] | None = None,
        stdin: bytes | None = None,
        timeout: float | None = None,
        token: object | None = None,
        keep_tail: int | None = None,
        on_start: Callable[[], None] | None = None,
        cwd: str | None = None,
    ) -> CommandResult:
        key = normalise(argv)
        # What every command was given (a login's password goes on stdin: tests check that it
        # went there and nowhere else), builds or not.
        self.stdins.append(stdin)
        self.keep_tails.append(keep_tail)
        reply = self.build_for(key)
        if reply is None:
            return super().run(
                argv,
                on_line=on_line,
                stdin=stdin,
                timeout=timeout,
                token=token,
                on_start=on_start,
                cwd=cwd,
            )
        if on_start is not None:
            on_start()
        self.calls.append(key)
        self.runs_in.append((key, cwd))
        tid = id(token)
        self._running[tid] = reply
        try:
            lines = self.read(reply.stderr_file).splitlines()
            waits = gaps(lines) if reply.paced else [0.0] * len(lines)
            for n, (line, wait) in enumerate(zip(lines, waits, strict=True)):
                if reply.pause_after is not None and n == reply.pause_after:
                    reply.gate.wait(10)
                elif wait > 0:
                    reply.gate.wait(wait)
                if tid in self._cancelled:
                    return self._result(argv, key, 130, lines[:n], cancelled=True)
                if on_line is not None:
                    on_line(line)
            if reply.metadata_file is not None and "--metadata-file" in argv:
                path = argv[list(argv).index("--metadata-file") + 1]
                Path(path).write_text(self.read(reply.metadata_file), encoding="utf-8")
            return self._result(argv, key, reply.returncode, lines, duration=reply.duration_s)
        finally:
            self._running.pop(tid, None)

    def _result(
        self,
        argv: Sequence[str],
        key: tuple[str, ...],
        code: int,
        lines: Sequence[str],
        *,
        cancelled: bool = False,
        duration: float = 5.1,
    ) -> CommandResult:
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
