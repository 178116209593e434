"""Benchmark of the rawjson progress parser (buildx_tui.core.progress.parser) alone.

Input: the recorded heavy two-platform build (tests/fixtures/buildx/build-heavy-rawjson.stderr.gz,
34,353 SolveStatus lines, ~53k log lines) replayed several times in one stream, the vertex
digests renamed per copy so each copy adds new steps to the same two lanes (a build with
6 x 25 steps per platform by default). An event is one JSON line.

Prints events/s for line feeding and for raw 64 KiB chunk feeding (what a worker reading the
pipe does), the cost of ``snapshot()`` at the UI's rate, the peak RSS, and the ratio to the
50,000 events/s target. ``--check`` exits 1 when the line-feeding rate misses the target.

    .venv/bin/python bench/bench_progress_parser.py [--copies 6] [--repeat 3] [--check]
"""

from __future__ import annotations

import argparse
import gc
import gzip
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from buildx_tui.core.progress.parser import BuildProgress  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "buildx" / "build-heavy-rawjson.stderr.gz"
TARGET_EVENTS_PER_S = 50_000
PLATFORMS = ("linux/amd64", "linux/arm64")


def peak_rss_mib() -> float:
    # ru_maxrss is KiB on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def build_stream(copies: int) -> bytes:
    one = gzip.decompress(FIXTURE.read_bytes())
    # Every digest is a quoted "sha256:..." (vertex digests, inputs, log/status vertex refs);
    # names and status ids hold "@sha256:" / " sha256:" and stay as they are.
    return b"".join(one.replace(b'"sha256:', b'"sha256:%d' % k) for k in range(copies))


def run_lines(lines: list[bytes]) -> tuple[float, BuildProgress]:
    bp = BuildProgress(PLATFORMS)
    gc.collect()
    start = time.perf_counter()
    feed_line = bp.feed_line
    for line in lines:
        feed_line(line)
    elapsed = time.perf_counter() - start
    bp.close(0)
    return elapsed, bp


def run_chunks(data: bytes, chunk: int) -> float:
    bp = BuildProgress(PLATFORMS)
    gc.collect()
    start = time.perf_counter()
    feed_chunk = bp.feed_chunk
    for pos in range(0, len(data), chunk):
        feed_chunk(data[pos : pos + chunk])
    bp.close(0)
    return time.perf_counter() - start


def run_with_snapshots(lines: list[bytes], every: int) -> tuple[float, list[float]]:
    """Feed lines, taking a snapshot every ``every`` events (a 20/s UI at ~``20*every`` ev/s)."""
    bp = BuildProgress(PLATFORMS)
    costs: list[float] = []
    gc.collect()
    start = time.perf_counter()
    for i, line in enumerate(lines, 1):
        bp.feed_line(line)
        if i % every == 0 and bp.dirty:
            t = time.perf_counter()
            bp.snapshot()
            costs.append(time.perf_counter() - t)
    return time.perf_counter() - start, costs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=6, help="heavy fixture replays (6 ~ 206k)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measure; best is kept")
    parser.add_argument("--check", action="store_true", help="exit 1 below the target rate")
    args = parser.parse_args(argv)

    data = build_stream(max(1, args.copies))
    lines = data.splitlines()
    events = len(lines)
    rss_before = peak_rss_mib()

    first, bp = run_lines(lines)
    rss_after = peak_rss_mib()
    snap = bp.snapshot()
    log_lines = sum(s.log_lines_total for lane in snap.all_lanes for s in lane.steps)
    kept = sum(len(s.logs) for lane in snap.all_lanes for s in lane.steps)
    steps = {lane.key: lane.steps_total for lane in snap.all_lanes}
    del bp, snap
    line_times = [first] + [run_lines(lines)[0] for _ in range(args.repeat - 1)]
    best_line = min(line_times)
    chunk_times = [run_chunks(data, 65536) for _ in range(args.repeat)]
    best_chunk = min(chunk_times)
    snap_total, snap_costs = run_with_snapshots(lines, every=2500)

    rate = events / best_line
    chunk_rate = events / best_chunk
    print("buildx-tui progress parser benchmark")
    print(
        f"  input      {FIXTURE.name} x{args.copies} (digests renamed per copy): "
        f"{events:,} events, {len(data) / 1e6:.1f} MB, {log_lines:,} log lines, "
        f"steps per lane {steps}"
    )
    print(f"  python     {sys.version.split()[0]} on {sys.platform}")
    print(
        f"  feed_line  {rate:,.0f} events/s  (best of {len(line_times)}: {best_line:.2f} s; "
        f"runs {', '.join(f'{t:.2f}' for t in line_times)} s)"
    )
    print(f"  feed_chunk {chunk_rate:,.0f} events/s  (64 KiB chunks, best {best_chunk:.2f} s)")
    if snap_costs:
        mean_ms = 1000 * sum(snap_costs) / len(snap_costs)
        median_ms = 1000 * sorted(snap_costs)[len(snap_costs) // 2]
        print(
            f"  snapshot() {mean_ms:.2f} ms mean, {median_ms:.2f} ms median, "
            f"{1000 * max(snap_costs):.2f} ms max over "
            f"{len(snap_costs)} snapshots (every 2,500 events; run {events / snap_total:,.0f} ev/s)"
        )
    print(
        f"  memory     peak RSS {rss_after:.1f} MiB; {rss_before:.1f} MiB before parsing (input "
        f"held in memory), so the parser added {rss_after - rss_before:.1f} MiB "
        f"({kept:,} log lines kept in rings)"
    )
    ratio = rate / TARGET_EVENTS_PER_S
    print(
        f"  target     {TARGET_EVENTS_PER_S:,} events/s -> ratio {ratio:.2f}x (line feeding), "
        f"{chunk_rate / TARGET_EVENTS_PER_S:.2f}x (chunk feeding)"
    )
    return 1 if args.check and ratio < 1.0 else 0


if __name__ == "__main__":
    raise SystemExit(main())
