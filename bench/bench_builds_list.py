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
   takes as long, so it lands after the first frame as a real one does). Timed from pushing
   `BuildsScreen(builder)` on a headless `BuildxApp` (120x36) until its table holds all 1,000 rows
   and the frame showing them has been rendered. Prints the bare call time, the TUI's first full
   frame, their ratio (target <= 1.5), the docker processes one refresh made per builder (counted
   in FakeBackend.calls: `history ls`, target 1; `buildx ls` and `history inspect` said apart),
   the parse of the 1,000 lines alone (`parse_ls`) and their grouping (`group_records`, which
   `_redraw` runs on the UI thread each time). The fake answers `buildx ls` at once in
   the main run; a second run replays it at the measured time of a real `buildx ls` (or
   ``--ls-s``), as the screen pays it before its `history ls` starts.
2. ``--lab`` (needs `scripts/lab`): the real thing on `lab-container`, which holds ~50 records
   (BuildKit keeps 50 by default): the median of ``--rounds`` bare
   `docker buildx history ls --builder lab-container --format json` vs the median of as many TUI
   runs (the real `BuildxClient` on the lab's engine and docker config; from the push of
   `BuildsScreen("lab-container")` to the frame with its rows), interleaved, and their ratio.

Timings are measured in one run and printed as ratios; nothing is asserted. On a machine shared
with other work (the lab's e2e tests) they vary from run to run: run it more than once.

    eval "$(scripts/lab env)"; .venv/bin/python bench/bench_builds_list.py [--lab] [--records N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_build_ui import lab_env  # noqa: E402
from buildx_tui.core.build.history import History  # noqa: E402
from buildx_tui.core.builds.commands import HISTORY, LsSpec  # noqa: E402
from buildx_tui.core.builds.grouping import group_records  # noqa: E402
from buildx_tui.core.builds.records import parse_ls  # noqa: E402
from buildx_tui.core.docker.backend import Backend  # noqa: E402
from buildx_tui.core.docker.client import BuildxClient  # noqa: E402
from buildx_tui.core.docker.types import ClientOptions, CommandResult, Refresh  # noqa: E402
from buildx_tui.ui.app import BuildxApp  # noqa: E402
from buildx_tui.ui.builders.screen import BuildersScreen  # noqa: E402
from buildx_tui.ui.builds.screen import BuildsScreen  # noqa: E402
from tests.fakes import FakeBackend, Reply, fixture  # noqa: E402
from tests.helpers.builds import C, many_records  # noqa: E402

RECORDED = "local/history-ls-c.json"
BUILDERS_LS = "local/history-buildx-ls-after.json"  # lists builds-rec-c, running
LAB_BUILDER = "lab-container"
RATIO_TARGET = 1.5
SIZE = (120, 36)
WAIT_S = 60.0
LS_ARGV = ("buildx", "ls", "--format", "json")


# -- the 1,000 records, from the recorded lines ---------------------------------------------------


@dataclass
class TimedBackend(FakeBackend):
    """The recorded replies, each `history` command (ls, and the highlighted row's inspect)
    taking ``history_s`` and `buildx ls` ``ls_s`` (what the real processes take), so the screen
    waits as it would on docker."""

    history_s: float = 0.0
    ls_s: float = 0.0

    def list_builders(self) -> Refresh:
        time.sleep(self.ls_s)
        return super().list_builders()

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
    ) -> CommandResult:
        if tuple(argv[:2]) == HISTORY:
            time.sleep(self.history_s)
        return super().run(
            argv,
            on_line=on_line,
            stdin=stdin,
            timeout=timeout,
            token=token,
            keep_tail=keep_tail,
            on_start=on_start,
        )


class CountingClient(BuildxClient):
    """The real client, keeping the argv of every docker process it starts."""

    def __init__(self, options: ClientOptions) -> None:
        super().__init__(options=options)
        self.calls: list[tuple[str, ...]] = []

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
    ) -> CommandResult:
        self.calls.append(tuple(argv))
        return super().run(
            argv,
            on_line=on_line,
            stdin=stdin,
            timeout=timeout,
            token=token,
            keep_tail=keep_tail,
            on_start=on_start,
        )


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


async def open_builds(
    backend: Backend, builder: str, calls: list[tuple[str, ...]], rows: int
) -> Opened:
    """Push BuildsScreen(builder) on a headless app (its home screen loaded first); timed until
    the table holds ``rows`` rows (0: until the builder is listed and has rows) and the frame
    showing them is rendered. Then one more refresh, its docker processes counted."""
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
        start = time.perf_counter()
        app.push_screen(screen)
        mounted_at = 0.0
        first_painted = asyncio.Event()
        first_at: list[float] = []

        def first_frame() -> None:
            first_at.append(time.perf_counter())
            first_painted.set()

        while True:
            if not mounted_at and screen.is_mounted:
                mounted_at = time.perf_counter()
            state = screen.states.get(builder) if screen.is_mounted else None
            if state is not None and state.limit is not None:
                raise RuntimeError(f"{builder} cannot be listed: {state.limit.message}")
            count = screen.table.row_count if screen.is_mounted else 0
            if count and not first_painted.is_set() and not getattr(first_frame, "asked", 0):
                first_frame.asked = 1  # type: ignore[attr-defined]
                screen.call_after_refresh(first_frame)
            if (rows and count >= rows) or (not rows and state and state.listed and count):
                break
            if time.perf_counter() - start > WAIT_S:
                raise RuntimeError(f"the table did not fill in {WAIT_S} s ({count} rows)")
            await asyncio.sleep(0.001)
        rows_at = time.perf_counter()
        painted = asyncio.Event()
        screen.call_after_refresh(painted.set)
        await painted.wait()
        frame_at = time.perf_counter()
        await first_painted.wait()
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
        first_at[0] - start,
    )


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


def synthetic(count: int, history_s: float, source: str, ls_s: float, ls_source: str) -> None:
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
    for label, list_s in (("buildx ls at once", 0.0), (f"buildx ls {ls_source}", ls_s)):
        backend = TimedBackend(
            ls_output=fixture(BUILDERS_LS),
            replies={LsSpec(C).argv(): Reply(0, text)},
            history_s=history_s,
            ls_s=list_s,
        )
        opened = asyncio.run(open_builds(backend, C, backend.calls, groups))
        ratio = opened.frame_s / history_s
        verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
        first_ratio = opened.first_s / history_s
        print(
            f"  TUI        {ms(opened.first_s)}  push -> first frame showing rows (the rows in "
            f"view; {label}): ratio {first_ratio:.2f} "
            f"{'ok' if first_ratio <= RATIO_TARGET else 'MISSED'}"
        )
        print(
            f"  TUI        {ms(opened.frame_s)}  push -> first frame with all {opened.rows:,} rows "
            f"({label}; screen mounted at {1000 * opened.mounted_s:.0f} ms, rows in the table "
            f"at {1000 * opened.rows_s:.0f} ms)"
        )
        print(f"  ratio      {ratio:7.2f}  TUI / bare call (target <= {RATIO_TARGET}) {verdict}")
        print(f"  processes  opening, per builder: {per_builder(opened.first)}")
        print(f"  processes  one more refresh (r): {per_builder(opened.refresh)}")


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
                tui_times.append(one.frame_s)
    cli, tui = statistics.median(cli_times), statistics.median(tui_times)
    first = statistics.median(o.first_s for o in opened)
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
        f"  TUI        {ms(tui)}  median of {rounds}, push -> first frame with its "
        f"{opened[-1].rows} rows ({', '.join(f'{1000 * t:.0f}' for t in tui_times)} ms; "
        f"screen mounted at {1000 * statistics.median(o.mounted_s for o in opened):.0f} ms, "
        f"median)"
    )
    print(f"  ratio      {ratio:7.2f}  TUI / bare CLI (target <= {RATIO_TARGET}) {verdict}")
    print(
        f"  first      {ms(first)}  median push -> first frame showing rows: ratio "
        f"{first / cli:.2f}"
    )
    print(f"  processes  opening, per builder: {per_builder(opened[-1].first)}")
    print(f"  processes  one more refresh (r): {per_builder(opened[-1].refresh)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--cli-s", type=float, default=0.25, help="`history ls` time when the lab is absent, s"
    )
    parser.add_argument(
        "--ls-s", type=float, default=0.23, help="`buildx ls` time when the lab is absent, s"
    )
    parser.add_argument("--lab", action="store_true", help="also time the real list on the lab")
    args = parser.parse_args(argv)
    rounds = max(1, args.rounds)

    print("buildx-tui Builds list benchmark")
    print(f"  python     {sys.version.split()[0]} on {sys.platform}")
    lab = lab_env()
    history_s, source = args.cli_s, f"--cli-s {args.cli_s} s: no lab"
    ls_s, ls_source = args.ls_s, f"at --ls-s {args.ls_s} s: no lab"
    if lab is not None:
        history_s, out = median_cli(lab, LsSpec(LAB_BUILDER).argv(), rounds)
        source = (
            f"median of {rounds} real ones on {LAB_BUILDER}, which lists "
            f"{len(parse_ls(out).records)} records, not {args.records:,}"
        )
        ls_s, _ = median_cli(lab, LS_ARGV, rounds)
        ls_source = f"at {1000 * ls_s:.0f} ms, median of {rounds} real ones"
    print("[synthetic] no docker: FakeBackend replaying the recorded lines")
    synthetic(max(1, args.records), history_s, source, ls_s, ls_source)
    if args.lab:
        print(f"[lab] the real client on {LAB_BUILDER}")
        if lab is None:
            return 2
        lab_run(lab, rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
