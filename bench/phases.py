"""Where a lab build's time went, by BuildKit's own clock, for bench_build_ui's TUI/CLI ratio.

A build's rawjson stream stamps each step's start and end (UTC, the daemon's clock: the same
machine's). With the moments the process started and ended, its life splits into: until
BuildKit's first step started (the docker CLI and buildx starting, the connection to the
builder), BuildKit's steps (the first started to the last completed), and from there to the
process's end (buildx writing its last output and the metadata file). Compared between the TUI
and the CLI, this says whether the TUI's extra time is the app's own (before the process and
after it) or the build itself running slower beside the app."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from buildx_tui.core.build.runner import BuildRunner
from buildx_tui.core.docker import client as client_module


@dataclass(frozen=True)
class Phases:
    start: float  # the process started -> BuildKit's first step started (s)
    steps: float  # the first step started -> the last step completed
    end: float  # the last step completed -> the process ended
    life: float  # the process started -> it ended


def _epoch(stamp: str) -> float:
    """``2026-12-02T06:50:09.098558473Z`` as seconds since the epoch (to a microsecond or so: a
    float of the epoch keeps no finer)."""
    base, _, fraction = stamp.rstrip("Z").partition(".")
    return datetime.fromisoformat(base + "+00:00").timestamp() + float("0." + (fraction or "0"))


def phases(lines: Iterable[str], started: float, ended: float) -> Phases | None:
    """The phases of one build from its rawjson lines and its process's wall-clock start and
    end (time.time()); None when the stream stamped no step."""
    starts: list[float] = []
    ends: list[float] = []
    for line in lines:
        if not line.startswith("{"):
            continue
        try:
            vertexes = json.loads(line).get("vertexes") or []
        except ValueError:
            continue
        for vertex in vertexes:
            if vertex.get("started"):
                starts.append(_epoch(vertex["started"]))
            if vertex.get("completed"):
                ends.append(_epoch(vertex["completed"]))
    if not starts or not ends:
        return None
    first, last = min(starts), max(ends)
    return Phases(first - started, last - first, ended - last, ended - started)


class AppProcessClock:
    """In the app: the wall-clock start and end of the build's process and its lines (the
    client's process wait and the runner's line callback wrapped, as bench/frames.py wraps the
    app's display)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.ended = 0.0
        self.lines: list[str] = []
        self._communicate = client_module._communicate
        self._on_line = BuildRunner.on_line
        clock = self

        def communicate(proc: Any, *args: Any, **kwargs: Any) -> Any:
            clock.started = time.time()
            wait = proc.wait

            def timed_wait(timeout: float | None = None) -> Any:
                code = wait(timeout)
                clock.ended = time.time()
                return code

            proc.wait = timed_wait
            return clock._communicate(proc, *args, **kwargs)

        def on_line(runner: BuildRunner, line: str) -> None:
            clock.lines.append(line)
            clock._on_line(runner, line)

        client_module._communicate = communicate
        BuildRunner.on_line = on_line  # type: ignore[method-assign,assignment]

    def phases(self) -> Phases | None:
        found = phases(self.lines, self.started, self.ended)
        self.lines = []
        return found

    def stop(self) -> None:
        client_module._communicate = self._communicate
        BuildRunner.on_line = self._on_line  # type: ignore[method-assign]


def where(split: dict[str, list[Phases]], app_own: list[float]) -> str:
    """The TUI's extra time, phase by phase (see the module's docstring): medians, TUI minus
    CLI, and the median of the app's own time outside the build's process."""
    if not split["tui"] or not split["cli"] or not app_own:
        return "  where      (the streams stamped no step: phases unknown)"

    def diff(name: str) -> str:
        tui = statistics.median(getattr(p, name) for p in split["tui"])
        cli = statistics.median(getattr(p, name) for p in split["cli"])
        return f"{1000 * (tui - cli):+.0f} ms"

    return (
        f"  where      TUI minus CLI (medians, BuildKit's clock): process start to BuildKit's "
        f"first step {diff('start')}, BuildKit's steps {diff('steps')}, last step to process end "
        f"{diff('end')}; the app's own time outside the process (Build pressed to its start, its "
        f"end to the result's frame) {1000 * statistics.median(app_own):.0f} ms"
    )
