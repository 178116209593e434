#!/usr/bin/env python3
"""Record the real `docker buildx history logs|trace|ls` output the replay and timeline tests
replay (tests/fixtures/local/history-logs-*, history-trace-*).

Runs against the e2e lab (`scripts/lab up` first). Makes its own builder `replay-rec`
(docker-container, host network, linux/amd64 + linux/arm64 under QEMU, the lab's buildkitd.toml)
and removes it at the end. Builds with the plain CLI, a two-stage Dockerfile written to a
temporary folder (`$TMP` in the recordings and the index):

* ``two-platform``: a fresh two-platform build (its own rawjson kept: ``…-live.stderr``), then
  ``history logs REF --progress rawjson`` and ``history trace REF`` of it;
* ``cached``: the same build again (every step cached);
* ``failed-arm64``: the same Dockerfile failing on arm64 only (``FAIL_ARCH=aarch64``);
* ``running``: a slow build, and while it runs ``history ls`` (status Running), ``history trace``
  (``no record found``: buildx looks for completed records only) and ``history logs`` (it
  follows the build to its end: BuildKit's Control.Status stream; the time it took is in the
  index);
* the limits: a ref that does not exist, the ``default`` builder (dockerd 20.10's embedded
  BuildKit has no history API), the lab's ``lab-dead`` builder (nothing listening).

Rewrites its own section of tests/fixtures/local/INDEX.md (exact command, exit code, versions,
UTC time). Recordings are written verbatim: never edit them by hand, run this again.

    .venv/bin/python scripts/record_history_trace_fixtures.py
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index

HEADING = "### Build history: replayed logs and traces (issue #12), recorded on the e2e lab"
BUILDER = "replay-rec"
PLATFORMS = "linux/amd64,linux/arm64"

DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest AS base
ARG SEED=1
RUN echo "seed $SEED on $(uname -m)" && echo "to stderr on $(uname -m)" >&2
RUN for i in 1 2 3; do echo "tick $i $(uname -m)"; sleep 0.5; done

FROM base AS work
ARG FAIL_ARCH=none
RUN if [ "$(uname -m)" = "$FAIL_ARCH" ]; then echo "failing on $FAIL_ARCH" >&2; exit 3; fi; echo ok
RUN i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; echo "counted $i on $(uname -m)" | tee /done

FROM 127.0.0.1:5000/busybox:latest
COPY --from=work /done /copied
RUN cat /copied
"""

SLOW_DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest
ARG SEED=1
RUN for i in 1 2 3 4 5 6 7 8; do echo "slow $i $SEED $(uname -m)"; sleep 1; done
RUN echo done
"""

_FOREIGN = ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_BUILDER")


class Recorder:
    def __init__(self, info: dict[str, object], tmp: Path) -> None:
        self.info = info
        self.docker = str(info["docker"])
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        self.env["DOCKER_HOST"] = str(info["docker_host"])
        self.env["DOCKER_CONFIG"] = str(info["docker_config"])
        self.rows: list[str] = []
        self.versions = self._versions()

    def _versions(self) -> str:
        cli = self.run_raw(["version", "--format", "{{.Client.Version}}"]).stdout.strip()
        bx = self.run_raw(["buildx", "version"]).stdout.split()[1]
        engine = self.run_raw(["version", "--format", "{{.Server.Version}}"]).stdout.strip()
        return f"docker CLI {cli}, buildx {bx}, BuildKit v0.32.2, dockerd {engine}"

    def run_raw(self, args: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.docker, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            cwd=self.tmp,
        )

    def record(
        self,
        args: list[str],
        *,
        stdout: str | None = None,
        stderr: str | None = None,
        note: str = "",
        expect: int,
    ) -> subprocess.CompletedProcess[str]:
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        start = time.monotonic()
        proc = self.run_raw(args)
        took = time.monotonic() - start
        if proc.returncode != expect:
            raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        self.write_rows(args, proc, stdout, stderr, f"{note}; took {took:.1f} s", when)
        return proc

    def write_rows(
        self,
        args: list[str],
        proc: subprocess.CompletedProcess[str],
        stdout: str | None,
        stderr: str | None,
        note: str,
        when: str,
    ) -> None:
        command = shlex.join(["docker", *args]).replace(str(self.tmp), "$TMP")
        said = [note.strip("; ")] if note.strip("; ") else []
        streams = (("stdout", stdout, proc.stdout), ("stderr", stderr, proc.stderr))
        for name, file, text in streams:
            if file is None and text:
                raise SystemExit(f"{args}: unexpected {name}:\n{text[:2000]}")
            if file is None:
                said.append(f"{name} was empty")
        extra = f"   ({'; '.join(said)})" if said else ""
        for name, file, text in streams:
            if file is None:
                continue
            (OUT / file).write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")
            self.rows.append(
                f"| {file} | {name} | `{command}`{extra} | {proc.returncode} | "
                f"{self.versions} | {when} |"
            )

    def newest_ref(self) -> str:
        """The id of the newest record of the builder (`history ls` is newest first)."""
        out = self.run_raw(["buildx", "history", "ls", "--builder", BUILDER, "--format", "json"])
        first = json.loads(out.stdout.splitlines()[0])
        return str(first["ref"]).rsplit("/", 1)[-1]

    def build_args(self, context: str, *args: str) -> list[str]:
        return [
            "buildx",
            "build",
            "--builder",
            BUILDER,
            "--platform",
            PLATFORMS,
            "--progress",
            "rawjson",
            *args,
            context,
        ]

    def replay(self, role: str, ref: str) -> None:
        self.record(
            ["buildx", "history", "logs", "--builder", BUILDER, ref, "--progress", "rawjson"],
            stderr=f"history-logs-{role}.stderr",
            expect=0,
        )
        self.record(
            ["buildx", "history", "trace", "--builder", BUILDER, ref],
            stdout=f"history-trace-{role}.json",
            note="stdout is not a terminal: Jaeger JSON",
            expect=0,
        )

    def create_builder(self) -> None:
        self.run_raw(["buildx", "rm", BUILDER])
        proc = self.run_raw(
            [
                "buildx",
                "create",
                "--name",
                BUILDER,
                "--driver",
                "docker-container",
                "--driver-opt",
                "network=host",
                "--platform",
                PLATFORMS,
                "--buildkitd-config",
                str(Path(str(self.info["lab_dir"])) / "buildkitd.toml"),
                "--bootstrap",
            ]
        )
        if proc.returncode != 0:
            raise SystemExit(f"could not create {BUILDER}:\n{proc.stderr}")

    def running(self, seed: str) -> None:
        """A slow build, observed while it runs."""
        slow = self.tmp / "slow"
        slow.mkdir()
        (slow / "Dockerfile").write_text(SLOW_DOCKERFILE)
        build = subprocess.Popen(
            [self.docker, *self.build_args(str(slow), "--build-arg", f"SEED={seed}")],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        try:
            ref = ""
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # its record appears once the solve has started
                out = self.run_raw(
                    ["buildx", "history", "ls", "--builder", BUILDER, "--format", "json"]
                )
                rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
                live = [r for r in rows if r.get("status") == "Running"]
                if live:
                    ref = str(live[0]["ref"]).rsplit("/", 1)[-1]
                    break
                time.sleep(0.2)
            if not ref:
                raise SystemExit("the slow build never showed as Running")
            time.sleep(2.0)  # a few steps under way
            self.record(
                ["buildx", "history", "ls", "--builder", BUILDER, "--format", "json"],
                stdout="history-trace-ls-running.json",
                note="while the slow build runs: its record says Running",
                expect=0,
            )
            self.record(
                ["buildx", "history", "trace", "--builder", BUILDER, ref],
                stderr="history-trace-running.stderr",
                note="while the slow build runs: buildx asks for completed records only",
                expect=1,
            )
            self.record(
                ["buildx", "history", "logs", "--builder", BUILDER, ref, "--progress", "rawjson"],
                stderr="history-logs-running.stderr",
                note="started while the slow build runs: it follows the build and ends with it",
                expect=0,
            )
            self.record(
                ["buildx", "history", "logs", "--builder", BUILDER, ref, "--progress", "rawjson"],
                stderr="history-logs-running-after.stderr",
                note="the same build once it has ended: one SolveStatus line",
                expect=0,
            )
        finally:
            build.wait(timeout=120)

    def limits(self) -> None:
        self.record(
            [
                "buildx",
                "history",
                "logs",
                "--builder",
                BUILDER,
                "nosuchrecord0000000000000",
                "--progress",
                "rawjson",
            ],
            stderr="history-logs-missing.stderr",
            note="a ref the builder has no record of",
            expect=1,
        )
        self.record(
            ["buildx", "history", "trace", "--builder", BUILDER, "nosuchrecord0000000000000"],
            stderr="history-trace-missing.stderr",
            note="a ref the builder has no record of",
            expect=1,
        )
        self.record(
            [
                "buildx",
                "history",
                "logs",
                "--builder",
                "default",
                "nosuchrecord0000000000000",
                "--progress",
                "rawjson",
            ],
            stderr="history-logs-default.stderr",
            note="the docker driver on dockerd 20.10: no history API",
            expect=1,
        )
        self.record(
            [
                "buildx",
                "history",
                "logs",
                "--builder",
                "lab-dead",
                "nosuchrecord0000000000000",
                "--progress",
                "rawjson",
            ],
            stderr="history-logs-unreachable.stderr",
            note="a remote builder with nothing listening: buildx waits for its 20 s timeout",
            expect=1,
        )


def main() -> int:
    info = lab()
    seed = str(int(time.time()))  # a fresh build: nothing of it in the cache yet
    with tempfile.TemporaryDirectory(prefix="replayrec-") as tmpdir:
        tmp = Path(tmpdir)
        ctx = tmp / "ctx"
        ctx.mkdir()
        (ctx / "Dockerfile").write_text(DOCKERFILE)
        r = Recorder(info, tmp)
        r.create_builder()
        try:
            r.record(
                r.build_args(str(ctx), "--build-arg", f"SEED={seed}"),
                stderr="history-logs-two-platform-live.stderr",
                note="the build itself, its live rawjson (SEED: the time, so nothing is cached)",
                expect=0,
            )
            r.replay("two-platform", r.newest_ref())
            r.record(
                r.build_args(str(ctx), "--build-arg", f"SEED={seed}"),
                stderr="history-logs-cached-live.stderr",
                note="the same build again: cached",
                expect=0,
            )
            r.replay("cached", r.newest_ref())
            r.record(
                r.build_args(
                    str(ctx), "--build-arg", f"SEED={seed}", "--build-arg", "FAIL_ARCH=aarch64"
                ),
                stderr="history-logs-failed-arm64-live.stderr",
                note="fails on arm64 only (exit 3 in work 1/2)",
                expect=1,
            )
            r.replay("failed-arm64", r.newest_ref())
            r.running(seed)
            r.limits()
            r.record(
                ["buildx", "history", "ls", "--builder", BUILDER, "--format", "json"],
                stdout="history-ls-replay.json",
                note="every record above, newest first",
                expect=0,
            )
        finally:
            r.run_raw(["buildx", "rm", BUILDER])
    write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_history_trace_fixtures.py` (run it again to refresh; do not edit\n"
    "the files). Builder `replay-rec` (docker-container, linux/amd64 + linux/arm64 under QEMU),\n"
    "removed afterwards. `$TMP` stands for its temporary folder (the build contexts).\n"
    "`history logs` uses BuildKit's Control.Status stream: on a running build it prints what is\n"
    "recorded so far in one SolveStatus line, then follows the build until it ends (no polling\n"
    "needed); on a finished build, one line. `history trace` on a running build answers\n"
    "`no record found` (it asks BuildKit for completed records only);\n"
    "`history trace --compare` always serves the Jaeger UI (nothing machine-readable).\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
