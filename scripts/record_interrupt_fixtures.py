#!/usr/bin/env python3
"""Record what a build prints when its builder goes away in the middle (issue #11 item 19):
tests/fixtures/local/interrupt-*.

A docker-container builder of its own (`interrupt-c`, removed afterwards) runs a two-platform
build whose RUN steps sleep 30 s; once both RUN steps have started, the builder's BuildKit
container is killed (`docker kill buildx_buildkit_interrupt-c0`): what a user sees when the
engine under a container builder stops, without stopping the lab's shared engine. Nobody
cancels the build: the `docker buildx build` process is left to end on its own.

Runs against the e2e lab (`scripts/lab up` first). Rewrites its own section of
tests/fixtures/local/INDEX.md. Recordings are written verbatim: never edit them by hand, run
this again.

    .venv/bin/python scripts/record_interrupt_fixtures.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import lab, write_index
from record_message_fixtures import Recorder

HEADING = "### A builder gone in the middle of a build, recorded on the e2e lab"
BUILDER = "interrupt-c"
CONTAINER = f"buildx_buildkit_{BUILDER}0"
DOCKERFILE = (
    "FROM 127.0.0.1:5000/busybox:latest\n"
    "ARG TARGETARCH\n"
    'RUN echo "start $TARGETARCH" && sleep 30 && echo "end $TARGETARCH"\n'
)
#: Both RUN steps print "start …" first: the kill comes once both were seen (or after this).
WAIT_FOR_START_S = 60.0


def record_container_killed(r: Recorder, info: dict[str, object], ctx: Path) -> None:
    config = Path(str(info["lab_dir"])) / "buildkitd.toml"
    r.must([
        "buildx", "create", "--name", BUILDER, "--driver", "docker-container",
        "--driver-opt", "network=host", "--platform", "linux/amd64,linux/arm64",
        "--buildkitd-config", str(config),
    ])  # fmt: skip
    r.must(["buildx", "inspect", "--bootstrap", BUILDER])
    args = ["buildx", "build", "--builder", BUILDER, "--platform", "linux/amd64,linux/arm64",
            "--progress", "rawjson", str(ctx)]  # fmt: skip
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    err = ctx.parent / "build.stderr"
    with err.open("w") as sink:
        proc = subprocess.Popen(
            [r.docker, *args], env=r.env, stdout=subprocess.PIPE, stderr=sink, text=True,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + WAIT_FOR_START_S
        while time.monotonic() < deadline and proc.poll() is None:
            # base64 of "start amd64\n" / "start arm64\n" in the rawjson logs
            text = err.read_text()
            if "c3RhcnQgYW1kNjQK" in text and "c3RhcnQgYXJtNjQK" in text:
                break
            time.sleep(0.2)
        time.sleep(1.0)
        killed_at = time.monotonic()
        r.must(["kill", CONTAINER])
        stdout, _ = proc.communicate(timeout=120)
        ended_after = time.monotonic() - killed_at
    done = subprocess.CompletedProcess(args, proc.returncode, stdout, err.read_text())
    r.save(
        args, done, when, stderr="interrupt-container-killed-rawjson.stderr",
        note=f"$TMP/ctx: {DOCKERFILE.splitlines()[-1]!r}; once both RUN steps had printed "
        f"their start line, `docker kill {CONTAINER}` (the builder's BuildKit container); "
        f"nobody cancelled the build; the CLI ended {ended_after:.1f} s after the kill",
    )  # fmt: skip


def main() -> int:
    info = lab()
    with tempfile.TemporaryDirectory(prefix="interrupt-") as tmpdir:
        tmp = Path(tmpdir)
        ctx = tmp / "ctx"
        ctx.mkdir()
        (ctx / "Dockerfile").write_text(DOCKERFILE)
        r = Recorder(info, tmp)
        r.run_raw(["buildx", "rm", "--force", BUILDER])
        try:
            record_container_killed(r, info, ctx)
        finally:
            r.run_raw(["buildx", "rm", "--force", BUILDER])
        write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_interrupt_fixtures.py` (run it again to refresh; do not edit the\n"
    f"files). Its own builder {BUILDER} (docker-container, network=host, the lab's\n"
    "buildkitd.toml), removed afterwards. The lab's engine is never stopped: killing the\n"
    "builder's container is what the CLI sees of an engine stopped under a container builder\n"
    "(the stream from BuildKit ends). `$TMP` stands for the temporary folder.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
