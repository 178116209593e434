#!/usr/bin/env python3
"""Record what a bootstrap that buildkitd itself refuses looks like (tests/fixtures/local/
bootstrap-err-unknown-flag.stderr and buildkitd-log-unknown-flag.*): buildx says only that the
container "is restarting"; the container's own log names the flag.

Runs against the e2e lab (`scripts/lab up` first; root). The builder it makes is called
`rec-flag` and is removed at the end. Rewrites its own section of tests/fixtures/local/INDEX.md.
Recordings are written verbatim: never edit them by hand, run this again.

    .venv/bin/python scripts/record_bootstrap_fixtures.py
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import record_create_fixtures as rc

HEADING = "### Bootstrap refused by buildkitd itself, recorded on the e2e lab"
SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_bootstrap_fixtures.py` (run it again to refresh; do not edit the\n"
    "files). Builder `rec-flag` (docker-container, an unknown BuildKit flag), removed afterwards.\n"
    "`docker logs` writes the container's stdout to stdout and its stderr to stderr.\n\n"
)


def record_bytes(r: rc.Recorder, args: list[str], stderr: str, expect: int) -> None:
    """As Recorder.record, for a stream that is not valid UTF-8 (buildx's progress can cut a
    character): the bytes are written as they came."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    proc = subprocess.run(
        [str(r.info["docker"]), *args],
        env=r.env,
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != expect:
        raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}")
    (rc.OUT / stderr).write_bytes(proc.stderr)
    command = shlex.join(["docker", *args])
    r.rows.append(
        f"| {stderr} | stderr | `{command}`   (written as bytes: its progress can cut a UTF-8 "
        f"character) | {proc.returncode} | {r.versions} | {when} |"
    )


def main() -> int:
    info = rc.lab()
    with tempfile.TemporaryDirectory(prefix="bootrec-") as tmpdir:
        r = rc.Recorder(info, Path(tmpdir))
        r.run_raw(["buildx", "rm", "rec-flag"])
        try:
            r.record(
                ["buildx", "create", "--name", "rec-flag", "--driver", "docker-container",
                 "--driver-opt", "network=host", "--buildkitd-flags", "--no-such-flag"],
                expect=0,
            )  # fmt: skip
            record_bytes(
                r, ["buildx", "inspect", "--bootstrap", "rec-flag"],
                "bootstrap-err-unknown-flag.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["logs", "--tail", "200", "buildx_buildkit_rec-flag0"],
                stdout="buildkitd-log-unknown-flag.stdout",
                stderr="buildkitd-log-unknown-flag.stderr",
                expect=0,
            )  # fmt: skip
        finally:
            r.run_raw(["buildx", "rm", "rec-flag"])
    rc.write_index(r.rows, HEADING, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
