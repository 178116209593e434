#!/usr/bin/env python3
"""Record what the build form's Dockerfile insight says of the demo's own Dockerfile
(buildx_tui/demo/context/Dockerfile), so `buildx-tui --demo` answers the form's
`build --call=check|outline|targets,format=json` with real output of that very file
(tests/fixtures/local/demo-call-*, copied verbatim into buildx_tui/demo/data/local/).

Runs against the e2e lab (`scripts/lab up` first) on its `lab-container` builder, with the exact
argv the form runs (core/build/calls.py: call_argv) in a temporary copy of the demo's context
(`$TMP/demo`); a call builds nothing. Rewrites its own section of tests/fixtures/local/INDEX.md.
Never edit the recordings: run this again.

    .venv/bin/python scripts/record_demo_call_fixtures.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from record_bake_fixtures import Recorder
from record_create_fixtures import lab, write_index

from buildx_tui.core.build.calls import Call, call_argv
from buildx_tui.core.build.spec import BuildSpec

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = ROOT / "buildx_tui" / "demo" / "context"
DATA = ROOT / "buildx_tui" / "demo" / "data" / "local"
FIXTURES = ROOT / "tests" / "fixtures" / "local"
HEADING = "### The demo's Dockerfile through the build form's insight, on the e2e lab"
BUILDER = "lab-container"
STEMS = {Call.CHECK: "demo-call-check", Call.OUTLINE: "demo-call-outline",
         Call.TARGETS: "demo-call-targets"}  # fmt: skip


def main() -> int:
    info = lab()
    spec = BuildSpec(builder=BUILDER, context=".")
    with tempfile.TemporaryDirectory(prefix="democall-") as tmpdir:
        tmp = Path(tmpdir)
        shutil.copytree(CONTEXT, tmp / "demo")
        r = Recorder(info, tmp)
        for call, stem in STEMS.items():
            r.record(call_argv(spec, call), cwd="demo", stem=stem, expect=0)
    write_index(r.rows, HEADING, SECTION)
    for stem in STEMS.values():  # the demo ships the same bytes (tests/ui/test_demo.py)
        for made in FIXTURES.glob(f"{stem}.*"):
            shutil.copyfile(made, DATA / made.name)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_demo_call_fixtures.py` (run it again to refresh; do not edit\n"
    "the files). `$TMP/demo` is a copy of buildx_tui/demo/context; the files are copied into\n"
    "buildx_tui/demo/data/local/ for `--demo`.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
