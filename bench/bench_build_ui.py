"""Benchmark of the live build screen: parser + worker + a headless app drawing the lanes.

1. UI under a flood (no docker needed): the recorded heavy two-platform build
   (tests/fixtures/buildx/build-heavy-rawjson.stderr.gz, 34,353 SolveStatus lines) replayed
   ``--copies`` times in one stream (digests renamed per copy, as bench_progress_parser does) is
   handed to the real `BuildRunner` (its thread worker, the shared progress pump: lock, 100 ms
   coalescing) by a backend that calls ``on_line`` as fast as it can, while a headless app shows
   `BuildProgressScreen`. Prints events/s end to end, UI updates posted (and per second), the
   cost of drawing one update, the worst stall of the UI event loop (largest gap between 10 ms
   ticks of a timer on the app, against the 100 ms target) and the peak RSS.
2. Against the lab (``--lab``, needs `scripts/lab`): a small two-platform `--no-cache` push of
   `lab-container` (a RUN that prints 200 lines then sleeps; ``--sleeps 1 6`` gives a ~2 s and
   a ~7 s build), run alternately through the TUI (the app, its worker, the real client; from
   pressing Build in the filled-in form to the frame showing the result, waited for and not
   polled, with the escape sequences of every frame made as a terminal's driver does) and as the
   same `docker buildx build` argv on the CLI (stderr to a file); prints the median wall times,
   their ratio and the median of each round's own TUI/CLI ratio (the rounds alternate which
   runs first; target <= 1.05 for both), then where the TUI's extra time went (bench/phases.py:
   the app's own time outside the process, and the process's phases by BuildKit's clock).
3. Against the lab, a log-heavy build (``--heavy-lines``, default 200,000 lines on each of the two
   platforms, issue #11 item 20): the same TUI/CLI ratio, then, in rounds of their own (the
   keys' own work is not the app's overhead on a build), the time a key takes to be answered
   while the TUI build streams: Tab (next lane) posted every 150 ms, timed until the focus has
   moved (median, p90, max; target p90 <= 100 ms).

    .venv/bin/python bench/bench_build_ui.py [--copies 3] [--lab] [--rounds 3] [--heavy-lines N]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import itertools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


from bench.frames import FrameTap  # noqa: E402
from bench.phases import AppProcessClock, Phases, phases, where  # noqa: E402
from buildx_tui.core.build.history import History  # noqa: E402
from buildx_tui.core.build.spec import BuildSpec, Output  # noqa: E402
from buildx_tui.core.docker.client import BuildxClient  # noqa: E402
from buildx_tui.core.docker.types import ClientOptions, CommandResult  # noqa: E402
from buildx_tui.core.progress.pump import MIN_INTERVAL_S  # noqa: E402
from buildx_tui.ui.app import BuildxApp  # noqa: E402
from buildx_tui.ui.build.form import BuildFormScreen  # noqa: E402
from buildx_tui.ui.build.progress import BuildProgressScreen  # noqa: E402
from tests.fakes import FakeBackend, fixture  # noqa: E402

HEAVY = ROOT / "tests" / "fixtures" / "buildx" / "build-heavy-rawjson.stderr.gz"
STALL_TARGET_S = 0.100
KEY_TARGET_S = 0.100
KEY_EVERY_S = 0.150
RATIO_TARGET = 1.05
TICK_S = 0.010
PLATFORMS = ("linux/amd64", "linux/arm64")


def peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def rss_mib() -> float:
    """Current resident set size (Linux), else the peak."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        return peak_rss_mib()


def heavy_stream(copies: int) -> list[str]:
    one = gzip.decompress(HEAVY.read_bytes())
    data = b"".join(one.replace(b'"sha256:', b'"sha256:%d' % k) for k in range(copies))
    lines = data.decode("utf-8").splitlines()
    del one, data
    gc.collect()
    return lines


class FloodBackend(FakeBackend):
    """`buildx build` replies with ``lines``, pushed to on_line as fast as the runner takes them."""

    def __init__(self, lines: Sequence[str], rate: float = 0.0) -> None:
        super().__init__(ls_output=fixture("local/ls-lab-running.json"))
        self.lines = lines
        self.rate = rate  # events/s; 0: as fast as possible
        self.feed_s = 0.0

    def run(
        self,
        argv: Sequence[str],
        *,
        on_line: Callable[[str], None] | None = None,
        on_start: Callable[[], None] | None = None,
        **kwargs: Any,
    ) -> CommandResult:
        if on_start is not None:
            on_start()
        if tuple(argv[:2]) != ("buildx", "build"):
            return super().run(argv, on_line=on_line, **kwargs)
        start = time.perf_counter()
        if on_line is not None:
            batch = max(1, int(self.rate / 100)) if self.rate else len(self.lines)
            for i in range(0, len(self.lines), batch):
                for line in self.lines[i : i + batch]:
                    on_line(line)
                if self.rate:  # paced: the next batch is due at (i + batch) / rate
                    delay = start + (i + batch) / self.rate - time.perf_counter()
                    if delay > 0:
                        time.sleep(delay)
        self.feed_s = time.perf_counter() - start
        return CommandResult(tuple(argv), self.display(argv), 0, "", "", self.feed_s)


class Ticks:
    """Timestamps of a 10 ms timer on the app: gaps between them are event-loop stalls."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def tick(self) -> None:
        self.times.append(time.perf_counter())

    def gaps(self, start: float, end: float) -> list[float]:
        inside = [t for t in self.times if start <= t <= end]
        marks = [start, *inside, end]
        return sorted(b - a for a, b in itertools.pairwise(marks))

    def worst_gap(self, start: float, end: float) -> float:
        return self.gaps(start, end)[-1]


def timed_draw(costs: list[float], first: list[float]) -> Callable[[], None]:
    """Wrap BuildProgressScreen._draw to measure what one update costs the UI thread."""
    original = BuildProgressScreen._draw

    def draw(self: BuildProgressScreen, snap, *, final: bool = False) -> None:  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        if not first:
            first.append(t)
        original(self, snap, final=final)
        costs.append(time.perf_counter() - t)

    BuildProgressScreen._draw = draw  # type: ignore[method-assign]

    def restore() -> None:
        BuildProgressScreen._draw = original  # type: ignore[method-assign]

    return restore


async def flood(lines: Sequence[str], size: tuple[int, int], rate: float = 0.0) -> dict[str, float]:
    backend = FloodBackend(lines, rate)
    history = History(tempfile.mkdtemp(prefix="bench-history-"))
    app = BuildxApp(backend, refresh_interval=0, history=history)
    spec = BuildSpec(builder="lab-container", platforms=PLATFORMS, tags=("bench:1",))
    ticks = Ticks()
    draws: list[float] = []
    first_draw: list[float] = []
    restore = timed_draw(draws, first_draw)
    try:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            app.set_interval(TICK_S, ticks.tick)
            await pilot.pause(0.1)
            screen = BuildProgressScreen(spec)
            start = time.perf_counter()
            app.push_screen(screen)
            while screen.outcome is None:
                await asyncio.sleep(0.005)
            end = time.perf_counter()
            await pilot.pause(0.05)
            outcome = screen.outcome
            lanes = {lane.key: lane.steps_total for lane in outcome.snapshot.all_lanes}
    finally:
        restore()
    return {
        "events": len(lines),
        "feed_s": backend.feed_s,
        "total_s": end - start,
        "posts": outcome.posts,
        "draws": len(draws),
        "draw_mean_ms": 1000 * statistics.fmean(draws) if draws else 0.0,
        "draw_max_ms": 1000 * max(draws) if draws else 0.0,
        "stall_s": ticks.worst_gap(first_draw[0], end),
        "p99_s": statistics.quantiles(ticks.gaps(first_draw[0], end), n=100)[98],
        "open_s": ticks.worst_gap(start, first_draw[0]),
        "lanes": lanes,  # type: ignore[dict-item]
        "result": outcome.snapshot.result,  # type: ignore[dict-item]
    }


# -- against the lab ------------------------------------------------------------------------------


def lab_env() -> dict[str, str] | None:
    try:
        out = subprocess.run(
            [str(ROOT / "scripts" / "lab"), "env", "--json"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            stdin=subprocess.DEVNULL,
        ).stdout
        return json.loads(out)  # type: ignore[no-any-return]
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        print(f"  lab        not available: {e}")
        return None


def bench_context(sleep_s: int, lines: int = 200) -> Path:
    """A build whose RUN prints ``lines`` lines then sleeps ``sleep_s`` s on each platform."""
    ctx = Path(tempfile.mkdtemp(prefix="bench-build-ctx-"))
    (ctx / "Dockerfile").write_text(
        "FROM busybox\nARG TARGETARCH\nARG NONCE\n"
        f'RUN echo "$NONCE arch=$TARGETARCH" && seq 1 {lines} | sed "s/^/line /" '
        f"&& sleep {sleep_s}\n"
    )
    return ctx


def spec_for(lab: dict[str, str], ctx: Path, nonce: str) -> BuildSpec:
    return BuildSpec(
        builder="lab-container",
        context=str(ctx),
        platforms=PLATFORMS,
        tags=(f"{lab['registry']}/build-e2e-bench:{nonce}",),
        build_args=(("NONCE", nonce),),
        output=Output.PUSH,
        no_cache=True,
    )


def cli_run(lab: dict[str, str], spec: BuildSpec) -> tuple[float, Phases | None]:
    """The CLI build's wall time, and its phases (read from its stderr once it has ended)."""
    env = {**os.environ, "DOCKER_HOST": lab["docker_host"], "DOCKER_CONFIG": lab["docker_config"]}
    with tempfile.TemporaryDirectory() as tmp:
        argv = [lab["docker"], *spec.argv(progress="rawjson", metadata_file=f"{tmp}/m.json")]
        with open(f"{tmp}/stderr", "wb") as err:
            wall = time.time()
            start = time.perf_counter()
            proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, check=False)
            took = time.perf_counter() - start
        lines = Path(f"{tmp}/stderr").read_text(encoding="utf-8", errors="replace").splitlines()
    if proc.returncode != 0:
        raise RuntimeError(f"CLI build failed ({proc.returncode})")
    return took, phases(lines, wall, wall + took)


async def key_latencies(app: BuildxApp, screen: BuildProgressScreen, out: list[float]) -> None:
    """While the build runs: Tab every KEY_EVERY_S, each timed until the focus has moved to the
    next lane (what the user sees answer)."""
    from textual import events

    while screen.outcome is None:
        await asyncio.sleep(KEY_EVERY_S)
        if screen.outcome is not None:
            return
        before = app.focused
        start = time.perf_counter()
        app.post_message(events.Key("tab", None))
        while app.focused is before and screen.outcome is None:
            await asyncio.sleep(0.001)
            if time.perf_counter() - start > 5:
                break
        if screen.outcome is None:
            out.append(time.perf_counter() - start)


class _Shown:
    """When the build screen shows its result: the first frame of it written after its Finished
    message was handled (bench/frames.py: the escape sequences a terminal would get are made
    for every frame of the build, as a real driver does and a headless app does not)."""

    def __init__(self, app: BuildxApp) -> None:
        self.finished = False
        self.at = 0.0
        self.done = asyncio.Event()
        self._tap = FrameTap(app, lambda on: isinstance(on, BuildProgressScreen), self._seen)
        self._handler = BuildProgressScreen.on_build_progress_screen_finished
        shown = self

        def finished(screen: BuildProgressScreen, message: BuildProgressScreen.Finished) -> None:
            shown._handler(screen, message)
            shown.finished = True

        BuildProgressScreen.on_build_progress_screen_finished = finished  # type: ignore[method-assign,assignment]

    def _seen(self, now: float) -> None:
        if self.finished and not self.done.is_set():
            self.at = now
            self.done.set()

    def stop(self) -> None:
        self._tap.stop()
        BuildProgressScreen.on_build_progress_screen_finished = self._handler  # type: ignore[method-assign]


async def tui_run(lab: dict[str, str], spec: BuildSpec, keys: list[float] | None = None) -> float:
    """As a user does it: the build form filled in (it has loaded the builders and the build
    screens' styles), then Build; timed from that key to the frame showing the result (waited
    for, not polled: a poll every few ms took CPU from the build)."""
    client = BuildxClient(
        ClientOptions(docker=lab["docker"], host=lab["docker_host"], config=lab["docker_config"])
    )
    history = History(tempfile.mkdtemp(prefix="bench-history-"))
    app = BuildxApp(client, refresh_interval=0, history=history)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        form = BuildFormScreen(spec=spec)
        app.push_screen(form)
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        shown = _Shown(app)
        try:
            start = time.perf_counter()
            form.action_build()  # asks the app (ui/navigation.py), which opens the build screen
            while not isinstance(app.screen, BuildProgressScreen):
                if time.perf_counter() - start > 5:
                    issues = [str(i) for i in form.issues]
                    raise RuntimeError(f"the form did not start the build: {issues}")
                await asyncio.sleep(0.001)
            screen = app.screen
            assert isinstance(screen, BuildProgressScreen)
            prober = (
                asyncio.ensure_future(key_latencies(app, screen, keys))
                if keys is not None
                else None
            )
            await asyncio.wait_for(shown.done.wait(), timeout=600)
            took = shown.at - start
        finally:
            shown.stop()
        if prober is not None:
            await prober
        outcome = screen.outcome
    if outcome is None or not outcome.result.ok:
        raise RuntimeError(f"TUI build failed: {outcome.error_text if outcome else 'no outcome'}")
    return took


def lab_ratio(rounds: int, sleeps: Sequence[int], heavy_lines: int) -> None:
    lab = lab_env()
    if lab is None:
        return
    runs = [(sleep_s, 200) for sleep_s in sleeps]
    if heavy_lines:
        runs.append((1, heavy_lines))
    for sleep_s, lines in runs:
        ctx = bench_context(sleep_s, lines)
        warm = spec_for(lab, ctx, "warm-" + uuid.uuid4().hex[:6])
        cli_run(lab, warm)  # the base image into the builder's cache once
        cli_times: list[float] = []
        tui_times: list[float] = []
        split: dict[str, list[Phases]] = {"tui": [], "cli": []}
        app_own: list[float] = []  # the TUI's time outside its build's process
        clock = AppProcessClock()
        try:
            for n in range(rounds):
                # Alternate the order so both see the same state of the machine.
                for mode in ("tui", "cli") if n % 2 == 0 else ("cli", "tui"):
                    spec = spec_for(lab, ctx, f"{mode}{n}-" + uuid.uuid4().hex[:6])
                    # The previous round's app is garbage in this process (a user's process
                    # holds one app): collected now, not by a full pass during the next build.
                    gc.collect()
                    if mode == "cli":
                        took, found = cli_run(lab, spec)
                        cli_times.append(took)
                    else:
                        tui_times.append(asyncio.run(tui_run(lab, spec)))
                        found = clock.phases()
                        if found is not None:
                            app_own.append(tui_times[-1] - found.life)
                    if found is not None:
                        split[mode].append(found)
        finally:
            clock.stop()
        cli, tui = statistics.median(cli_times), statistics.median(tui_times)
        ratio = tui / cli
        # Each round's TUI build over the CLI build next to it: the machine's speed drifts
        # between rounds (the CLI's own medians moved by 10% from one run to the next).
        paired = statistics.median(t / c for t, c in zip(tui_times, cli_times, strict=True))
        verdict = "ok" if max(ratio, paired) <= RATIO_TARGET else "MISSED"
        print(
            f"  lab build  2 platforms x {lines:,} log lines, --no-cache, push, RUN sleeps "
            f"{sleep_s} s, {rounds} rounds: "
            f"CLI median {cli:.2f} s ({', '.join(f'{t:.2f}' for t in cli_times)}), TUI median "
            f"{tui:.2f} s ({', '.join(f'{t:.2f}' for t in tui_times)}): TUI / CLI = {ratio:.3f} "
            f"(+{tui - cli:.2f} s), median of the rounds' own ratios {paired:.3f} (target "
            f"<= {RATIO_TARGET}, both) {verdict}"
        )
        print(where(split, app_own))
        if lines <= 200:
            continue
        # Keys in rounds of their own: Tab every 150 ms moves the focus and repaints two lanes
        # (a user typing during the build), CPU the timed builds above do not spend.
        keys: list[float] = []
        key_rounds = max(2, rounds // 2)
        for n in range(key_rounds):
            spec = spec_for(lab, ctx, f"keys{n}-" + uuid.uuid4().hex[:6])
            gc.collect()
            asyncio.run(tui_run(lab, spec, keys))
        if keys:
            ordered = sorted(keys)
            p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
            key_verdict = "ok" if p90 <= KEY_TARGET_S else "MISSED"
            print(
                f"  keys       Tab during {key_rounds} more TUI builds of it, {len(keys)} presses: "
                f"median "
                f"{1000 * statistics.median(keys):.0f} ms, p90 {1000 * p90:.0f} ms, max "
                f"{1000 * ordered[-1]:.0f} ms (target p90 <= {1000 * KEY_TARGET_S:.0f} ms) "
                f"{key_verdict}"
            )


def report(mode: str, runs: list[dict[str, float]]) -> None:
    """The median run by worst stall, and the worst stall of every run."""
    runs = sorted(runs, key=lambda r: r["stall_s"])
    result = runs[len(runs) // 2]
    events = result["events"]
    total = result["total_s"]
    stall = result["stall_s"]
    worst = runs[-1]["stall_s"]
    verdict = "ok" if worst <= STALL_TARGET_S else "MISSED"
    print(f"  [{mode}] lanes (steps) {result['lanes']}; result {result['result']}")
    print(
        f"  [{mode}] throughput {events / result['feed_s']:,.0f} events/s into the worker "
        f"(parse + lock + coalesce, {result['feed_s']:.2f} s); {events / total:,.0f} events/s "
        f"end to end to the final screen ({total:.2f} s)"
    )
    print(
        f"  [{mode}] updates {result['posts']} snapshots posted = {result['posts'] / total:.1f}/s "
        f"(cap {1 / MIN_INTERVAL_S:.0f}/s); {result['draws']} drawn, "
        f"{result['draw_mean_ms']:.1f} ms mean, {result['draw_max_ms']:.1f} ms max each"
    )
    stalls = ", ".join(f"{1000 * r['stall_s']:.0f}" for r in runs)
    print(
        f"  [{mode}] UI stall: worst gap between 10 ms ticks while the stream flows, "
        f"{len(runs)} runs: {stalls} ms "
        f"(median {1000 * stall:.0f}; p99 gap of the median run {1000 * result['p99_s']:.0f} ms; "
        f"target <= {1000 * STALL_TARGET_S:.0f} ms in every run) {verdict}; opening the screen "
        f"(compose, styles, first frame) {1000 * result['open_s']:.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="heavy fixture replays (3 ~ 103k)")
    parser.add_argument("--width", type=int, default=160)
    parser.add_argument("--height", type=int, default=48)
    parser.add_argument(
        "--rate", type=float, default=5000.0, help="also a paced run at this events/s (0: no)"
    )
    parser.add_argument("--paced-s", type=float, default=4.0, help="length of the paced run")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each headless mode")
    parser.add_argument("--lab", action="store_true", help="also time a real build on the lab")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--sleeps", type=int, nargs="+", default=[1, 6], help="RUN sleep of each lab build, s"
    )
    parser.add_argument(
        "--heavy-lines",
        type=int,
        default=200_000,
        help="log lines per platform of the lab's log-heavy build (0: none)",
    )
    args = parser.parse_args(argv)

    lines = heavy_stream(max(1, args.copies))
    rss_input = rss_mib()
    print("buildx-tui build screen benchmark")
    print(f"  python     {sys.version.split()[0]} on {sys.platform}")
    print(f"  input      {HEAVY.name} x{args.copies}: {len(lines):,} events")
    size = (args.width, args.height)
    report("flood", [asyncio.run(flood(lines, size)) for _ in range(args.repeat)])
    if args.rate:
        paced = lines[: int(args.rate * args.paced_s)]
        runs = [asyncio.run(flood(paced, size, args.rate)) for _ in range(args.repeat)]
        report(f"{args.rate:,.0f}/s", runs)
    print(
        f"  memory     RSS {rss_input:.1f} MiB with the input loaded (before the app), "
        f"{rss_mib():.1f} MiB after the runs; peak {peak_rss_mib():.1f} MiB (includes "
        f"decompressing the input)"
    )
    if args.lab:
        lab_ratio(max(1, args.rounds), args.sleeps, max(0, args.heavy_lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
