"""Benchmark of the Builds list (issue #12): 1,000 records, first full frame vs bare `history ls`.

`BuildsScreen(builder)` (ui/builds/screen.py), opened as `h` on the builders list opens it (with
the builders that list's last `buildx ls` knows: no second `buildx ls` before the first
`history ls`), runs one `history ls --builder B --format json` per builder
(`LsSpec(B).argv()`, core/builds/commands.py) in a thread worker, parses it (`parse_ls`), groups
the records and fills its DataTable; the highlighted row then gets one `history inspect` (its
platforms), in a worker of its own that the table does not wait for.

1. Synthetic, no docker needed: a `history ls --format json` output of 1,000 records, made from
   the real recorded lines of tests/fixtures/local/history-ls-c.json (each copy's record ids given
   a unique suffix and its times shifted back, never hand-written), answered by a FakeBackend
   (tests/fakes.py) whose `history ls` takes as long as a real one measured on the lab (median of
   ``--rounds`` runs on `lab-container`, or ``--cli-s`` without the lab; its `history inspect`
   takes as long, so it lands after the first frame as a real one does). Timed, ``--rounds``
   times, from pushing `BuildsScreen(builder)` on a headless `BuildxApp` (120x36) until the
   first frame showing rows is written: the rows in view, measured by the DataTable, with the
   terminal's escape sequences made as a real driver would (`App._display` wrapped: a headless
   app skips that). Prints the bare call time, the median first frame, their ratio (target
   <= 1.5), the frame with all 1,000 rows (the rest are added in batches after the first frame),
   the longest the UI loop did not answer meanwhile (a probe task on the app's loop; target
   100 ms), the docker processes one refresh made per builder (counted in FakeBackend.calls:
   `history ls`, target 1; `buildx ls` and `history inspect` said apart), the parse of the
   1,000 lines alone (`parse_ls`) and their grouping (`group_records`, which `_redraw` runs on
   the UI thread each time). `buildx ls` is not on the path: the builders list passes what its
   own last `buildx ls` said (the processes line shows 0).
2. ``--lab`` (needs `scripts/lab`): the real thing on `lab-container`, which holds ~50 records
   (BuildKit keeps 50 by default): the median of ``--rounds`` bare
   `docker buildx history ls --builder lab-container --format json` vs the median of as many TUI
   runs (the real `BuildxClient` on the lab's engine and docker config; from the push of
   `BuildsScreen("lab-container")` to the first frame with its rows), interleaved, and their
   ratio.

Timings are measured in one run and printed as ratios; nothing is asserted. On a machine shared
with other work (the lab's e2e tests) they vary from run to run: run it more than once.

    eval "$(scripts/lab env)"; .venv/bin/python bench/bench_builds_list.py [--lab] [--records N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from bench.bench_build_ui import lab_env  # noqa: E402
from bench.frames import FrameTap  # noqa: E402
from buildx_tui.core.build.history import History  # noqa: E402
from buildx_tui.core.builds.commands import HISTORY, LsSpec  # noqa: E402
from buildx_tui.core.builds.grouping import group_records  # noqa: E402
from buildx_tui.core.builds.records import parse_ls  # noqa: E402
from buildx_tui.core.docker.backend import Backend  # noqa: E402
from buildx_tui.core.docker.client import BuildxClient  # noqa: E402
from buildx_tui.core.docker.types import ClientOptions, CommandResult  # noqa: E402
from buildx_tui.ui.app import BuildxApp  # noqa: E402
from buildx_tui.ui.builders.screen import BuildersScreen  # noqa: E402
from buildx_tui.ui.builds.filling import REST_CHUNK  # noqa: E402
from buildx_tui.ui.builds.screen import BuildsScreen  # noqa: E402
from tests.fakes import FakeBackend, Reply, fixture  # noqa: E402
from tests.helpers.builds import C, many_records  # noqa: E402

RECORDED = "local/history-ls-c.json"
BUILDERS_LS = "local/history-buildx-ls-after.json"  # lists builds-rec-c, running
LAB_BUILDER = "lab-container"
RATIO_TARGET = 1.5
SIZE = (120, 36)
WAIT_S = 60.0


# -- the 1,000 records, from the recorded lines ---------------------------------------------------


@dataclass
class TimedBackend(FakeBackend):
    """The recorded replies, each `history` command (ls, and the highlighted row's inspect)
    taking ``history_s`` (what the real process takes), so the screen waits as it would on
    docker."""

    history_s: float = 0.0

    def run(self, argv: Sequence[str], **kwargs: Any) -> CommandResult:
        if tuple(argv[:2]) == HISTORY:
            time.sleep(self.history_s)
        return super().run(argv, **kwargs)


class CountingClient(BuildxClient):
    """The real client, keeping the argv of every docker process it starts."""

    def __init__(self, options: ClientOptions) -> None:
        super().__init__(options=options)
        self.calls: list[tuple[str, ...]] = []

    def run(self, argv: Sequence[str], **kwargs: Any) -> CommandResult:
        self.calls.append(tuple(argv))
        return super().run(argv, **kwargs)


def kinds(calls: Sequence[tuple[str, ...]]) -> dict[str, int]:
    """How many `buildx ls`, `history ls`, `history inspect` (and others) are in ``calls``."""
    out = {"buildx ls": 0, "history ls": 0, "history inspect": 0, "other": 0}
    for argv in calls:
        if argv[:2] == ("buildx", "ls"):
            out["buildx ls"] += 1
        elif argv[:3] == (*HISTORY, "ls"):
            out["history ls"] += 1
        elif argv[:3] == (*HISTORY, "inspect"):
            out["history inspect"] += 1
        else:
            out["other"] += 1
    return out


# -- one TUI run ----------------------------------------------------------------------------------


@dataclass
class Opened:
    mounted_s: float  # push -> the screen mounted (composed, its styles loaded)
    rows_s: float  # push -> the table holds the rows
    frame_s: float  # push -> the frame after that has been rendered
    rows: int
    first: dict[str, int]  # docker processes from the push to the filled table (+ its frame)
    refresh: dict[str, int]  # docker processes of one more refresh (r)
    first_s: float = 0.0  # push -> the first frame showing rows (the rows in view) rendered
    stall_s: float = 0.0  # the longest the UI loop did not answer, from the push to all rows


class _Frames:
    """When each frame of ``screen`` was written, escape sequences made (bench/frames.py), and
    the first one written while the table holds rows, measured (the rows in view: the rest are
    added after it)."""

    def __init__(self, app: BuildxApp, screen: BuildsScreen) -> None:
        self.screen = screen
        self.times: list[float] = []
        self.first_rows_at: float | None = None
        self._tap = FrameTap(app, lambda on: on is screen, self._seen)

    def _seen(self, now: float) -> None:
        self.times.append(now)
        table = self.screen.table if self.screen.is_mounted else None
        # Rows added, and measured (Textual's DataTable does that when idle, then repaints).
        measured = table is not None and not table._require_update_dimensions
        if self.first_rows_at is None and table and table.row_count and measured:
            self.first_rows_at = now

    def after(self, moment: float) -> float | None:
        """The first frame written after ``moment``."""
        return next((t for t in self.times if t >= moment), None)

    def stop(self) -> None:
        self._tap.stop()


async def open_builds(
    backend: Backend, builder: str, calls: list[tuple[str, ...]], rows: int
) -> Opened:
    """Push BuildsScreen(builder) on a headless app (its home screen loaded first); timed until
    the table holds ``rows`` rows (0: until the builder is listed and has rows) and the frame
    showing them is rendered. Then one more refresh, its docker processes counted."""
    gc.collect()  # the apps of the runs before: garbage a real session does not have
    app = BuildxApp(
        backend, refresh_interval=0, history=History(tempfile.mkdtemp(prefix="bench-history-"))
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        home = app.screen
        known = home.ls.builders if isinstance(home, BuildersScreen) and home.ls else None
        calls.clear()
        # As `h` on the builders list opens it: with the builders its last `buildx ls` knows.
        screen = BuildsScreen(builder, builders=known)
        frames = _Frames(app, screen)
        probe = asyncio.get_running_loop().create_task(_stalls(STALL_TICK_S))
        start = time.perf_counter()
        app.push_screen(screen)
        mounted_at = 0.0
        while True:
            if not mounted_at and screen.is_mounted:
                mounted_at = time.perf_counter()
            state = screen.states.get(builder) if screen.is_mounted else None
            if state is not None and state.limit is not None:
                raise RuntimeError(f"{builder} cannot be listed: {state.limit.message}")
            count = screen.table.row_count if screen.is_mounted else 0
            if (rows and count >= rows) or (not rows and state and state.listed and count):
                break
            if time.perf_counter() - start > WAIT_S:
                raise RuntimeError(f"the table did not fill in {WAIT_S} s ({count} rows)")
            await asyncio.sleep(0.001)
        rows_at = time.perf_counter()
        painted = asyncio.Event()
        screen.call_after_refresh(painted.set)
        await painted.wait()
        frame_at = frames.after(rows_at) or time.perf_counter()
        frames.stop()
        probe.cancel()
        stall = await _stalled(probe)
        if frames.first_rows_at is None:
            raise RuntimeError("no frame showed the rows")
        shown = screen.table.row_count
        await app.workers.wait_for_complete()  # the highlighted row's `history inspect`
        await pilot.pause()
        first = kinds(calls)
        calls.clear()
        screen.action_refresh()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        refresh = kinds(calls)
    return Opened(
        mounted_at - start,
        rows_at - start,
        frame_at - start,
        shown,
        first,
        refresh,
        frames.first_rows_at - start,
        stall,
    )


#: The stall probe's tick: a task on the app's loop that sleeps this long, noting how late it
#: woke (what a key pressed then would wait for).
STALL_TICK_S = 0.005


async def _stalls(tick: float) -> float:
    worst = 0.0
    try:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(tick)
            worst = max(worst, time.perf_counter() - before - tick)
    except asyncio.CancelledError:
        return worst


async def _stalled(probe: asyncio.Task[float]) -> float:
    try:
        return await probe
    except asyncio.CancelledError:
        return 0.0


# -- bare CLI -------------------------------------------------------------------------------------


def lab_cli_env(lab: dict[str, str]) -> dict[str, str]:
    return {**os.environ, "DOCKER_HOST": lab["docker_host"], "DOCKER_CONFIG": lab["docker_config"]}


def cli_time(lab: dict[str, str], argv: Sequence[str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [lab["docker"], *argv],
        env=lab_cli_env(lab),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"`docker {' '.join(argv)}` failed: {proc.stderr.strip()[-500:]}")
    return took, proc.stdout


def median_cli(lab: dict[str, str], argv: Sequence[str], rounds: int) -> tuple[float, str]:
    times: list[float] = []
    out = ""
    for _ in range(rounds):
        took, out = cli_time(lab, argv)
        times.append(took)
    return statistics.median(times), out


def ms(seconds: float) -> str:
    return f"{1000 * seconds:7.0f} ms"


def per_builder(counts: dict[str, int]) -> str:
    return (
        f"history ls {counts['history ls']} (target 1), buildx ls {counts['buildx ls']}, "
        f"history inspect {counts['history inspect']}"
        + (f", other {counts['other']}" if counts["other"] else "")
    )


# -- 1. synthetic ---------------------------------------------------------------------------------


def synthetic(count: int, history_s: float, source: str, rounds: int) -> None:
    text = many_records(count)
    parses: list[float] = []
    for _ in range(20):
        start = time.perf_counter()
        parsed = parse_ls(text)
        parses.append(time.perf_counter() - start)
    grouping: list[float] = []
    for _ in range(3):
        start = time.perf_counter()
        groups = len(group_records(list(parsed.records)))
        grouping.append(time.perf_counter() - start)
    print(
        f"  input      {count:,} records from {RECORDED} ({len(text):,} bytes, "
        f"{groups:,} builds as listed, {len(parsed.bad_lines)} bad lines)"
    )
    print(
        f"  parse_ls   {ms(statistics.median(parses))}  (median of 20, the {count:,} lines alone)"
    )
    print(
        f"  grouping   {ms(statistics.median(grouping))}  (median of 3, `group_records` of the "
        f"parsed records: the screen runs it on the UI thread in every redraw)"
    )
    print(f"  bare call  {ms(history_s)}  `history ls` as the fake answers it ({source})")
    runs: list[Opened] = []
    for _ in range(rounds):
        backend = TimedBackend(
            ls_output=fixture(BUILDERS_LS),
            replies={LsSpec(C).argv(): Reply(0, text)},
            history_s=history_s,
        )
        runs.append(asyncio.run(open_builds(backend, C, backend.calls, groups)))
    first = statistics.median(o.first_s for o in runs)
    every = statistics.median(o.frame_s for o in runs)
    ratio = first / history_s
    verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
    print(
        f"  TUI        {ms(first)}  median of {rounds}, push -> first frame showing rows (the "
        f"rows in view, measured; {', '.join(f'{1000 * o.first_s:.0f}' for o in runs)} ms; "
        f"screen mounted at {1000 * statistics.median(o.mounted_s for o in runs):.0f} ms)"
    )
    print(
        f"  ratio      {ratio:7.2f}  first frame / bare call (target <= {RATIO_TARGET}) {verdict}"
    )
    print(
        f"  all rows   {ms(every)}  median, push -> first frame with all {runs[-1].rows:,} rows "
        f"(the rest are added {REST_CHUNK} at a time after the first frame): "
        f"{every / history_s:.2f} x the bare call"
    )
    print(
        f"  stall      {ms(max(o.stall_s for o in runs))}  the longest the UI did not answer "
        f"from the push to all rows, worst of {rounds} (median "
        f"{1000 * statistics.median(o.stall_s for o in runs):.0f} ms; target 100 ms)"
    )
    print(f"  processes  opening, per builder: {per_builder(runs[-1].first)}")
    print(f"  processes  one more refresh (r): {per_builder(runs[-1].refresh)}")


# -- 2. the lab -----------------------------------------------------------------------------------


def lab_run(lab: dict[str, str], rounds: int) -> None:
    argv = LsSpec(LAB_BUILDER).argv()
    options = ClientOptions(
        docker=lab["docker"], host=lab["docker_host"], config=lab["docker_config"]
    )
    cli_times: list[float] = []
    tui_times: list[float] = []
    opened: list[Opened] = []
    records = 0
    for n in range(rounds):
        for mode in ("cli", "tui") if n % 2 == 0 else ("tui", "cli"):
            if mode == "cli":
                took, out = cli_time(lab, argv)
                cli_times.append(took)
                records = len(parse_ls(out).records)
            else:
                client = CountingClient(options)
                one = asyncio.run(open_builds(client, LAB_BUILDER, client.calls, 0))
                opened.append(one)
                tui_times.append(one.first_s)
    cli, tui = statistics.median(cli_times), statistics.median(tui_times)
    ratio = tui / cli
    verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
    print(
        f"  records    {records} on {LAB_BUILDER} (BuildKit keeps 50 by default: the lab holds "
        f"~50, not 1,000)"
    )
    print(
        f"  bare CLI   {ms(cli)}  median of {rounds} `docker {' '.join(argv)}` "
        f"({', '.join(f'{1000 * t:.0f}' for t in cli_times)} ms)"
    )
    print(
        f"  TUI        {ms(tui)}  median of {rounds}, push -> first frame showing its rows "
        f"({', '.join(f'{1000 * t:.0f}' for t in tui_times)} ms; screen mounted at "
        f"{1000 * statistics.median(o.mounted_s for o in opened):.0f} ms, median; stall "
        f"{1000 * max(o.stall_s for o in opened):.0f} ms at worst)"
    )
    print(f"  ratio      {ratio:7.2f}  TUI / bare CLI (target <= {RATIO_TARGET}) {verdict}")
    print(f"  processes  opening, per builder: {per_builder(opened[-1].first)}")
    print(f"  processes  one more refresh (r): {per_builder(opened[-1].refresh)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--cli-s", type=float, default=0.25, help="`history ls` time when the lab is absent, s"
    )
    parser.add_argument("--lab", action="store_true", help="also time the real list on the lab")
    args = parser.parse_args(argv)
    rounds = max(1, args.rounds)

    print("buildx-tui Builds list benchmark")
    print(f"  python     {sys.version.split()[0]} on {sys.platform}")
    lab = lab_env()
    history_s, source = args.cli_s, f"--cli-s {args.cli_s} s: no lab"
    if lab is not None:
        history_s, out = median_cli(lab, LsSpec(LAB_BUILDER).argv(), rounds)
        source = (
            f"median of {rounds} real ones on {LAB_BUILDER}, which lists "
            f"{len(parse_ls(out).records)} records, not {args.records:,}"
        )
    print("[synthetic] no docker: FakeBackend replaying the recorded lines")
    synthetic(max(1, args.records), history_s, source, rounds)
    if args.lab:
        print(f"[lab] the real client on {LAB_BUILDER}")
        if lab is None:
            return 2
        lab_run(lab, rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
