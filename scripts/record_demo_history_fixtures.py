#!/usr/bin/env python3
"""Record what the demo needs to list the build history where it was recorded (issue #12):
tests/fixtures/local/demo-*.

The history the demo replays (history-ls-replay.json, its logs and traces) was recorded by
scripts/record_history_trace_fixtures.py on its own builder `replay-rec`, since removed. This
script makes a builder of that name again, exactly as that script makes it (docker-container,
network=host, linux/amd64 + linux/arm64, the lab's buildkitd.toml), and records `buildx ls`
while it exists (so the demo can list replay-rec beside the lab's builders, with the history
recorded on it), and the `history ls` of that new builder before any build (what buildx prints
for a builder without records: nothing, exit 0). The builder is removed afterwards.

    .venv/bin/python scripts/record_demo_history_fixtures.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import lab, write_index
from record_message_fixtures import Recorder

HEADING = "### The demo's builders with replay-rec again (buildx ls, an empty history), on the lab"
BUILDER = "replay-rec"  # scripts/record_history_trace_fixtures.py's builder, made as it makes it
PLATFORMS = "linux/amd64,linux/arm64"


def record(r: Recorder, info: dict[str, object]) -> None:
    config = str(Path(str(info["lab_dir"])) / "buildkitd.toml")
    r.must(["buildx", "create", "--name", BUILDER, "--driver", "docker-container",
            "--driver-opt", "network=host", "--platform", PLATFORMS,
            "--buildkitd-config", config, "--bootstrap"])  # fmt: skip
    r.record(
        ["buildx", "ls", "--format", "json"], stdout="demo-ls-replay-rec.json",
        note=f"{BUILDER} made again as scripts/record_history_trace_fixtures.py makes it, "
        "beside the lab's builders", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", BUILDER, "--format", "json"],
        stdout="demo-history-ls-empty.json",
        note="the new builder, before any build: no records", expect=0,
    )  # fmt: skip


def cleanup(r: Recorder) -> None:
    r.run_raw(["buildx", "rm", "--force", BUILDER])


def main() -> int:
    info = lab()
    with tempfile.TemporaryDirectory(prefix="demo-rec-") as tmpdir:
        r = Recorder(info, Path(tmpdir))
        existing = r.run_raw(["buildx", "inspect", BUILDER])
        if existing.returncode == 0:
            raise SystemExit(f"a builder {BUILDER} exists: someone else's? not touched")
        try:
            record(r, info)
        except subprocess.SubprocessError as exc:
            raise SystemExit(f"recording failed: {exc}") from exc
        finally:
            cleanup(r)
        write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_demo_history_fixtures.py` (run it again to refresh; do not edit\n"
    f"the files). A builder {BUILDER} made again as scripts/record_history_trace_fixtures.py\n"
    "makes it (that script's recordings were made on its own, since removed), removed\n"
    "afterwards: the demo lists it beside the lab's builders, with the history recorded on it.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
