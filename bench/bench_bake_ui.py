"""Benchmark of the bake workspace: attribution cost, and TUI bake wall time over the CLI's.

1. Attribution (no docker needed): the recorded bake of two targets sharing a base stage
   (tests/fixtures/local/bake-run-default.stderr) replayed ``--copies`` times in one stream
   (digests renamed per copy) is fed to `BakeProgress` (per-target parsers, shared steps found)
   and to one plain `BuildProgress` (what a single build costs); prints both times and their
   ratio, measured in this run.
2. Against the lab (``--lab``, needs `scripts/lab`): a builder this script creates and removes
   (bake-bench-*), a workspace of two pushed targets (one linux/amd64+arm64, one linux/amd64)
   sharing a base stage, a fresh NONCE variable per run (the cache missed from its first RUN).
   Run alternately through the TUI (the workspace screen, its worker, the real client; the
   check done first, untimed as a user does it before Run; timed from Run to the summary on
   screen) and as the same
   `docker buildx bake` argv on the CLI (stderr to a file); prints the medians and their ratio
   (target <= 1.05), and what the check before Run costs on its own.

    .venv/bin/python bench/bench_bake_ui.py [--copies 20] [--lab] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from buildx_tui.core.bake.attribution import BakeProgress  # noqa: E402
from buildx_tui.core.bake.spec import BakeSpec  # noqa: E402
from buildx_tui.core.docker.client import BuildxClient  # noqa: E402
from buildx_tui.core.docker.types import ClientOptions  # noqa: E402
from buildx_tui.core.progress.parser import BuildProgress  # noqa: E402

STREAM = ROOT / "tests" / "fixtures" / "local" / "bake-run-default.stderr"
RATIO_TARGET = 1.05
PLATFORMS = {"app": ("linux/amd64", "linux/arm64"), "tool": ("linux/amd64",)}

HCL = """\
variable "REGISTRY" {{ default = "{registry}" }}
variable "NONCE" {{ default = "none" }}
group "default" {{ targets = ["app", "tool"] }}
target "app" {{
  context = "."
  target = "app"
  platforms = ["linux/amd64", "linux/arm64"]
  args = {{ NONCE = "${{NONCE}}" }}
  tags = ["${{REGISTRY}}/bake-bench-app:${{NONCE}}"]
  output = ["type=image,push=true"]
}}
target "tool" {{
  context = "."
  target = "tool"
  platforms = ["linux/amd64"]
  args = {{ NONCE = "${{NONCE}}" }}
  tags = ["${{REGISTRY}}/bake-bench-tool:${{NONCE}}"]
  output = ["type=image,push=true"]
}}
"""
DOCKERFILE = """\
FROM {registry}/busybox:latest AS base
ARG NONCE
RUN echo "$NONCE" > /base && for i in $(seq 1 100); do echo "line $i"; done && sleep {sleep}

FROM base AS app
RUN echo app > /app

FROM base AS tool
RUN echo tool > /tool
"""


def stream(copies: int) -> list[str]:
    one = STREAM.read_text(encoding="utf-8")
    return "".join(one.replace('"sha256:', f'"sha256:{k}') for k in range(copies)).splitlines()


def attribution(copies: int) -> None:
    lines = stream(copies)
    start = time.perf_counter()
    bake = BakeProgress(PLATFORMS)
    for line in lines:
        bake.feed_line(line)
    bake.close(0)
    snap = bake.snapshot()
    bake_s = time.perf_counter() - start
    start = time.perf_counter()
    plain = BuildProgress(("linux/amd64", "linux/arm64"))
    for line in lines:
        plain.feed_line(line)
    plain.close(0)
    plain.snapshot()
    plain_s = time.perf_counter() - start
    print(
        f"  attribution {len(lines):,} lines ({STREAM.name} x{copies}): per-target parsers "
        f"{bake_s:.3f} s ({len(lines) / bake_s:,.0f} lines/s), one plain parser {plain_s:.3f} s: "
        f"ratio {bake_s / plain_s:.2f}; {len(snap.shared)} shared steps found"
    )


# -- against the lab ------------------------------------------------------------------------------


def lab_env() -> dict[str, str] | None:
    try:
        out = subprocess.run(
            [str(ROOT / "scripts" / "lab"), "env", "--json"],
            capture_output=True, text=True, timeout=120, check=True, stdin=subprocess.DEVNULL,
        ).stdout  # fmt: skip
        return json.loads(out)  # type: ignore[no-any-return]
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        print(f"  lab        not available: {e}")
        return None


def docker(lab: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_HOST": lab["docker_host"], "DOCKER_CONFIG": lab["docker_config"]}
    env.pop("BUILDX_BUILDER", None)
    return subprocess.run(
        [lab["docker"], *args], env=env, capture_output=True, text=True, timeout=900,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def spec_for(builder: str, nonce: str) -> BakeSpec:
    """What the screen runs for the default group with NONCE typed in (a fresh NONCE misses the
    cache from the first RUN on: both sides build the same steps)."""
    return BakeSpec(cwd=".", targets=("default",), builder=builder, variables=(("NONCE", nonce),))


def cli_run(lab: dict[str, str], spec: BakeSpec) -> float:
    env = {**os.environ, "DOCKER_HOST": lab["docker_host"], "DOCKER_CONFIG": lab["docker_config"]}
    with tempfile.TemporaryDirectory() as tmp:
        argv = [lab["docker"], *spec.argv(metadata_file=f"{tmp}/m.json")]
        with open(f"{tmp}/stderr", "wb") as err:
            start = time.perf_counter()
            proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, check=False)
            took = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"CLI bake failed ({proc.returncode})")
    return took


async def tui_run(lab: dict[str, str], builder: str, nonce: str) -> tuple[float, float]:
    """The workspace screen on the current directory: NONCE typed in, the check (timed on its
    own), then Run timed to the summary on screen. (check s, run s)"""
    from textual.widgets import Input

    from buildx_tui.ui.app import BuildxApp
    from buildx_tui.ui.bake.screen import BakeScreen

    client = BuildxClient(
        ClientOptions(docker=lab["docker"], host=lab["docker_host"], config=lab["docker_config"])
    )
    app = BuildxApp(client, refresh_interval=0)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        screen = BakeScreen(builder=builder)
        app.push_screen(screen)
        while screen.definition is None:
            if screen.error is not None:
                raise RuntimeError(f"the workspace did not load: {screen.error}")
            await asyncio.sleep(0.01)
        screen.query_one("#bake-var-NONCE", Input).value = nonce
        screen.query_one("#bake-set", Input).value = ""
        await pilot.pause()
        screen.selected = ("default",)
        start = time.perf_counter()
        screen.action_check()
        while screen.checks_done == 0:
            await asyncio.sleep(0.002)
        check_s = time.perf_counter() - start
        await pilot.pause()
        start = time.perf_counter()
        screen.action_run_bake()
        while screen.runs_done == 0:
            await asyncio.sleep(0.002)
        took = time.perf_counter() - start
        outcome = screen.outcome
    if outcome is None or not outcome.result.ok:
        raise RuntimeError(f"TUI bake failed: {outcome and outcome.result.error_text()}")
    ran = list(outcome.result.argv)
    ran[ran.index("--metadata-file") + 1] = "M"
    if ran != spec_for(builder, nonce).argv(metadata_file="M"):
        raise RuntimeError(f"the TUI ran another bake than the CLI: {ran}")
    if os.environ.get("BENCH_BAKE_DEBUG"):
        print(f"    tui: {took:.2f} s from Run, the process {outcome.result.duration_s:.2f} s")
    return check_s, took


def lab_ratio(rounds: int, sleep_s: int) -> None:
    lab = lab_env()
    if lab is None:
        return
    builder = f"bake-bench-{uuid.uuid4().hex[:6]}"
    made = docker(
        lab, "buildx", "create", "--name", builder, "--driver", "docker-container",
        "--driver-opt", "network=host", "--platform", "linux/amd64,linux/arm64",
        "--buildkitd-config", f"{lab['lab_dir']}/buildkitd.toml", "--bootstrap",
    )  # fmt: skip
    if made.returncode != 0:
        print(f"  lab        cannot create {builder}: {made.stderr.strip()}")
        return
    ws = Path(tempfile.mkdtemp(prefix="bench-bake-ws-"))
    (ws / "docker-bake.hcl").write_text(HCL.format(registry=lab["registry"]))
    (ws / "Dockerfile").write_text(DOCKERFILE.format(registry=lab["registry"], sleep=sleep_s))
    here = os.getcwd()
    os.chdir(ws)  # bake reads the workspace from where it runs: both runs start here
    try:
        cli_run(lab, spec_for(builder, "warm"))  # the base image into the builder once
        cli_times: list[float] = []
        tui_times: list[float] = []
        checks: list[float] = []
        for n in range(rounds):
            for mode in ("tui", "cli") if n % 2 == 0 else ("cli", "tui"):
                nonce = f"{mode}{n}-{uuid.uuid4().hex[:6]}"
                if mode == "cli":
                    cli_times.append(cli_run(lab, spec_for(builder, nonce)))
                else:
                    check_s, run_s = asyncio.run(tui_run(lab, builder, nonce))
                    checks.append(check_s)
                    tui_times.append(run_s)
    finally:
        os.chdir(here)
        docker(lab, "buildx", "rm", builder)
    cli, tui = statistics.median(cli_times), statistics.median(tui_times)
    ratio = tui / cli
    verdict = "ok" if ratio <= RATIO_TARGET else "MISSED"
    print(
        f"  lab bake   2 targets (2 + 1 platforms, shared base), fresh NONCE, push, RUN sleeps "
        f"{sleep_s} s, {rounds} rounds: CLI median {cli:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in cli_times)}), TUI median {tui:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in tui_times)}): TUI / CLI = {ratio:.3f} "
        f"(+{tui - cli:.2f} s; target <= {RATIO_TARGET}) {verdict}"
    )
    print(
        f"  lab check  `bake --call check` before Run (not in the times above): median "
        f"{statistics.median(checks):.2f} s ({', '.join(f'{t:.2f}' for t in checks)})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--lab", action="store_true", help="also time real bakes on the lab")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sleep", type=int, default=3, help="RUN sleep of the base stage, s")
    args = parser.parse_args(argv)
    print("buildx-tui bake benchmark")
    print(f"  python     {sys.version.split()[0]} on {sys.platform}")
    attribution(max(1, args.copies))
    if args.lab:
        lab_ratio(max(1, args.rounds), args.sleep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
