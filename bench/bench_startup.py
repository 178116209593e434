#!/usr/bin/env python3
"""Start-up benchmark of the Builders screen, measured in one run against the current docker.

Prints, for N rounds (interleaved so both see the same machine load):
  * the median wall time of a bare `docker buildx ls --format json`,
  * the median wall time from spawning `buildx-tui` (headless) to the first rendered frame that
    shows the builders table filled (the app's own shutdown afterwards is not counted),
  * their ratio (target <= 3.0, goal 2.0),
  * how many docker processes the app started for its first refresh, and for one more refresh
    (target: exactly 1 each), counted by a logging shim put in front of the docker CLI.

Run it against the lab:  eval "$(scripts/lab env)"; .venv/bin/python bench/bench_startup.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The child: exactly what `buildx-tui` does (prefetch, then imports, then the app), headless, and
# it exits once the first refresh has filled the table; then refreshes once more and exits.
CHILD = r"""
import sys, time
from buildx_tui.core.docker.client import start_prefetch
from buildx_tui.core.docker.types import ClientOptions
options = ClientOptions(docker=sys.argv[1])
prefetch = start_prefetch(options)
from buildx_tui.ui.app import make_app
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable

mode = sys.argv[2]
original = BuildersScreen.on_builders_screen_refreshed
state = {"refreshes": 0}

def painted(screen):
    # The frame with the table's rows has been rendered: that is "populated".
    table = screen.query_one(BuildersTable)
    if table.row_count == 0:
        print("EMPTY TABLE", file=sys.stderr)
        screen.app.exit(return_code=3)
        return
    print(f"POPULATED {time.time():.6f} ROWS {table.row_count}", flush=True)
    screen.app.exit()

def hooked(self, message):
    original(self, message)
    state["refreshes"] += 1
    if mode == "twice" and state["refreshes"] == 1:
        self.action_refresh()
    else:
        self.call_after_refresh(painted, self)

BuildersScreen.on_builders_screen_refreshed = hooked
app = make_app(options, prefetch=prefetch, refresh_interval=0)
app.run(headless=True)
sys.exit(app.return_code or 0)
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start, proc


def make_shim(docker: str, log: Path, directory: Path) -> str:
    shim = directory / "docker"
    shim.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{docker}" "$@"\n')
    shim.chmod(0o755)
    return str(shim)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    docker = shutil.which("docker")
    if docker is None:
        print("docker CLI not found on PATH", file=sys.stderr)
        return 2
    env = dict(os.environ)
    python = sys.executable
    ls = [docker, "buildx", "ls", "--format", "json"]
    _, check = timed(ls, env)
    if check.returncode != 0 or not check.stdout.strip():
        print(f"`docker buildx ls` does not work here:\n{check.stderr}", file=sys.stderr)
        return 2

    bare: list[float] = []
    app: list[float] = []
    for _ in range(args.rounds):
        t, _ = timed(ls, env)
        bare.append(t)
        spawned = time.time()
        _, proc = timed([python, "-c", CHILD, docker, "once"], env)
        if proc.returncode != 0 or "POPULATED" not in proc.stdout:
            print(f"app run failed ({proc.returncode}):\n{proc.stderr[-2000:]}", file=sys.stderr)
            return 1
        app.append(float(proc.stdout.split()[1]) - spawned)

    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "calls.log"
        shim = make_shim(docker, log, Path(tmp))
        counts = []
        for mode in ("once", "twice"):
            log.unlink(missing_ok=True)
            _, proc = timed([python, "-c", CHILD, shim, mode], env)
            if proc.returncode != 0 or "POPULATED" not in proc.stdout:
                print(
                    f"app run failed ({proc.returncode}):\n{proc.stderr[-2000:]}", file=sys.stderr
                )
                return 1
            counts.append(len(log.read_text().splitlines()) if log.exists() else 0)
        first, two = counts

    bare_med, app_med = statistics.median(bare), statistics.median(app)
    ratio = app_med / bare_med
    print(f"rounds                               {args.rounds}")
    print(f"bare `docker buildx ls --format json` {bare_med * 1000:7.0f} ms (median)")
    print(f"buildx-tui start -> populated table   {app_med * 1000:7.0f} ms (median, headless)")
    print(f"ratio app / bare ls                   {ratio:7.2f}  (target <= 3.0, goal 2.0)")
    print(f"docker processes, first refresh       {first:7d}  (target 1)")
    print(f"docker processes, two refreshes       {two:7d}  (target 2)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
