"""Benchmark of the replayed build: `history logs` output into the lanes (issue #12).

The recorded heavy two-platform build (tests/fixtures/buildx/build-heavy-rawjson.stderr.gz,
34,353 SolveStatus lines, 9 MB) is replayed two ways, as `history logs` gives it:

* ``stream``: one line per SolveStatus, as `history logs` prints while it follows a running
  build (and as the live build screen gets them);
* ``one-line``: the whole build merged into one SolveStatus line, as `history logs` prints for a
  finished build (every vertex, status and log in one JSON object).

For each, measured in this run:

1. core: `LogFollower` (the replay screen's worker: the shared progress pump with its lock and
   its 100 ms coalescing, the shared parser) fed by a backend that calls ``on_line`` as fast as
   it can; events/s, against the bare parser (`BuildProgress.feed`) on the same lines in the same
   run (the follower's cost as a ratio), and against the target of 100,000 events/s;
2. UI: a headless app showing `BuildReplayScreen` while the same stream flows; events/s end to
   end and the worst stall of the UI event loop (largest gap between the ticks of a 10 ms timer,
   as bench_build_ui.py measures it) once the first lanes are painted, against the 100 ms
   target and against the live build screen on the same stream in the same run
   (bench_build_ui's flood, which also starts measuring at its first drawn snapshot); and the
   time from opening the screen to its first lanes painted (the replay mounts its lanes when
   the first line names the platforms; for ``one-line``, the worker's json.loads of the 9 MB
   line holds the GIL meanwhile).

On a machine shared with other work the UI figures vary by 2-3x from run to run: compare the
ratios of one run, and run it more than once.

    .venv/bin/python bench/bench_history_replay.py [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_build_ui import TICK_S, Ticks, flood  # noqa: E402
from buildx_tui.core.builds.follow import LogFollower  # noqa: E402
from buildx_tui.core.builds.logs import logs_argv  # noqa: E402
from buildx_tui.core.docker.types import CommandResult  # noqa: E402
from buildx_tui.core.progress.parser import BuildProgress  # noqa: E402
from buildx_tui.ui.app import BuildxApp  # noqa: E402
from buildx_tui.ui.builds.replay import BuildReplayScreen  # noqa: E402
from tests.fakes import FakeBackend, fixture  # noqa: E402

HEAVY = ROOT / "tests" / "fixtures" / "buildx" / "build-heavy-rawjson.stderr.gz"
EVENTS_TARGET = 100_000
STALL_TARGET_S = 0.100
BUILDER, REF = "bench", "benchref"
ARGV = tuple(logs_argv(BUILDER, REF))
SIZE = (160, 48)


def heavy_lines() -> list[str]:
    return gzip.decompress(HEAVY.read_bytes()).decode("utf-8").splitlines()


def one_line(lines: Sequence[str]) -> list[str]:
    """The stream merged into one SolveStatus (what `history logs` prints once a build ended)."""
    merged: dict[str, list[object]] = {"vertexes": [], "statuses": [], "logs": [], "warnings": []}
    for line in lines:
        if not line.startswith("{"):
            continue
        status = json.loads(line)
        for key, items in merged.items():
            items.extend(status.get(key) or ())
    return [json.dumps(merged, separators=(",", ":"))]


class FloodBackend(FakeBackend):
    """`history logs` answers ``lines``, pushed to on_line as fast as the follower takes them."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__(ls_output=fixture("local/ls-lab-running.json"))
        self.lines = lines

    def run(
        self,
        argv: Sequence[str],
        *,
        on_line: Callable[[str], None] | None = None,
        **kw: Any,
    ) -> CommandResult:
        if tuple(argv) != ARGV:
            return super().run(argv, on_line=on_line, **kw)
        start = time.perf_counter()
        if on_line is not None:
            for line in self.lines:
                on_line(line)
        return CommandResult(
            tuple(argv), self.display(argv), 0, "", "", time.perf_counter() - start
        )


def bare(lines: Sequence[str], events: int) -> float:
    start = time.perf_counter()
    progress = BuildProgress()
    progress.feed(lines)
    progress.close(None)
    progress.snapshot()
    return events / (time.perf_counter() - start)


def follower(lines: Sequence[str], events: int) -> tuple[float, int, dict[str, int]]:
    posts: list[object] = []
    f = LogFollower(FloodBackend(lines), BUILDER, REF, posts.append)
    start = time.perf_counter()
    outcome = f.run()
    rate = events / (time.perf_counter() - start)
    lanes = {lane.key: lane.steps_total for lane in outcome.snapshot.all_lanes}
    return rate, outcome.posts, lanes


async def ui(lines: Sequence[str], events: int) -> dict[str, float]:
    app = BuildxApp(FloodBackend(lines), refresh_interval=0)
    ticks = Ticks()
    first: list[float] = []
    original = BuildReplayScreen._draw

    def draw(self: BuildReplayScreen, snap) -> None:  # type: ignore[no-untyped-def]
        original(self, snap)
        if not first:  # the first lanes are mounted: opening ends when they are painted
            first.append(time.perf_counter())

    BuildReplayScreen._draw = draw  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.set_interval(TICK_S, ticks.tick)
            await pilot.pause(0.1)
            screen = BuildReplayScreen(BUILDER, REF)
            start = time.perf_counter()
            app.push_screen(screen)
            while screen.outcome is None:
                await asyncio.sleep(0.005)
            end = time.perf_counter()
            await pilot.pause(0.05)
    finally:
        BuildReplayScreen._draw = original  # type: ignore[method-assign]
    # the first tick after the first lanes were mounted: they have been painted
    painted = next((t for t in ticks.times if t > first[0]), end)
    painted = min(painted, end)
    return {
        "rate": events / (end - start),
        "open_s": painted - start,
        "stall_s": ticks.worst_gap(painted, end),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    stream = heavy_lines()
    events = sum(1 for line in stream if line.startswith("{"))
    shapes = {"stream": stream, "one-line": one_line(stream)}
    print(f"heavy two-platform recording: {events} SolveStatus events, {len(stream)} lines")
    live = [asyncio.run(flood(stream, SIZE))["stall_s"] for _ in range(args.runs)]
    live_stall = max(live)
    print(
        f"the live build screen on the same stream, this run (bench_build_ui's flood): worst UI "
        f"stall {1000 * live_stall:.0f} ms over {args.runs} runs"
    )
    worst_ok = True
    for name, lines in shapes.items():
        bare_rates, rates, ui_rates, stalls, opens = [], [], [], [], []
        posts = 0
        lanes: dict[str, int] = {}
        for _ in range(args.runs):
            bare_rates.append(bare(lines, events))
            rate, posts, lanes = follower(lines, events)
            rates.append(rate)
            result = asyncio.run(ui(lines, events))
            ui_rates.append(result["rate"])
            stalls.append(result["stall_s"])
            opens.append(result["open_s"])
        b, r, u = (statistics.median(x) for x in (bare_rates, rates, ui_rates))
        stall = max(stalls)
        print(f"[{name}] {len(lines)} line(s), lanes {lanes}, {posts} snapshots posted")
        print(
            f"  core: follower {r:,.0f} events/s, bare parser {b:,.0f} events/s "
            f"(follower/bare {r / b:.2f}); target {EVENTS_TARGET:,}: {r / EVENTS_TARGET:.2f}x"
        )
        print(
            f"  UI: {u:,.0f} events/s into the replay screen ({u / EVENTS_TARGET:.2f}x target); "
            f"worst UI stall once drawing {1000 * stall:.0f} ms over {args.runs} runs "
            f"(target {1000 * STALL_TARGET_S:.0f} ms: {stall / STALL_TARGET_S:.2f}x; "
            f"replay/live {stall / live_stall:.2f}); opening the screen until its first lanes are "
            f"painted {1000 * max(opens):.0f} ms"
        )
        worst_ok = worst_ok and r >= EVENTS_TARGET and stall <= STALL_TARGET_S
    print("targets met" if worst_ok else "a target is missed (see above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
