#!/usr/bin/env python3
"""Write tests/fixtures/app-history/build-history-4f018f7.jsonl: the app's OWN history file
(core/build/history.py) as the code of commit 4f018f7 wrote it, before bake runs joined it. The
history's new code must still load it (tests/unit/build/test_history_bake.py).

The code of that commit is taken from git (`git archive`), not from the working tree, so running
this again later writes the same old format. The entries' outputs are recorded metadata files of
the lab (tests/fixtures/local/history-meta-*.json); the specs cover every field of a BuildSpec.

    .venv/bin/python scripts/record_app_history_fixture.py
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

COMMIT = "4f018f7"
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/fixtures/app-history" / f"build-history-{COMMIT}.jsonl"

WRITER = r"""
import sys
from datetime import UTC, datetime
from pathlib import Path
from buildx_tui.core.build.history import History, HistoryEntry, LaneSummary, parse_metadata
from buildx_tui.core.build.spec import BuildSpec, Output

fixtures, folder = Path(sys.argv[1]), Path(sys.argv[2])
meta = lambda name: parse_metadata((fixtures / name).read_text(encoding="utf-8"))
history = History(folder)
push = BuildSpec("lab-container", context="app", dockerfile="app/Dockerfile", target="app",
    tags=("127.0.0.1:5000/bh-old:v1",), build_args=(("A", "1"), ("FROM_ENV", None)),
    platforms=("linux/amd64", "linux/arm64"), output=Output.PUSH, pull=True,
    secrets=("id=tok,env=TOKEN",), ssh=("default",), cache_from=("type=local,src=/tmp/c",),
    cache_to=("type=inline",), labels=(("org.x", "y"),), annotations=("index:a=b",))
history.append(HistoryEntry(spec=push, command="docker buildx build … (push)",
    started_at=datetime(2026, 11, 30, 21, 5, tzinfo=UTC), result="success", duration_s=2.7,
    exit_code=0, outputs=meta("history-meta-push.json"),
    lanes=(LaneSummary("linux/amd64", "success", 2.2, 4, 0),
           LaneSummary("linux/arm64", "success", 2.4, 4, 1)), id="old-push"))
fail = BuildSpec("lab-container", platforms=("linux/arm64",), output=Output.OCI, dest="/tmp/x.tar",
    no_cache=True)
history.append(HistoryEntry(spec=fail, command="docker buildx build … (fails)",
    started_at=datetime(2026, 11, 30, 21, 6, tzinfo=UTC), result="failed", duration_s=2.5,
    exit_code=1, lanes=(LaneSummary("linux/arm64", "failed", 2.3, 5, 1, "3/4 RUN false"),),
    error="failed to solve: process did not complete successfully: exit code: 1", id="old-fail"))
history.append(HistoryEntry(spec=BuildSpec("default", output=Output.LOAD),
    command="docker buildx build … (cancelled)",
    started_at=datetime(2026, 11, 30, 21, 7, tzinfo=UTC), result="cancelled", duration_s=0.4,
    exit_code=130, id="old-cancel"))
"""


def main() -> int:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", COMMIT, "buildx_tui"], check=True, capture_output=True
    ).stdout
    with tempfile.TemporaryDirectory(prefix="app-history-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        data = Path(tmp) / "data"
        env = {**os.environ, "PYTHONPATH": tmp, "PYTHONDONTWRITEBYTECODE": "1"}
        subprocess.run(
            [sys.executable, "-c", WRITER, str(ROOT / "tests/fixtures/local"), str(data)],
            check=True,
            env=env,
            cwd=tmp,
        )
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text((data / "build-history.jsonl").read_text(encoding="utf-8"), "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
