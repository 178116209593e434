"""The bake runner: argv, snapshots while running, the metadata file per target, cancel."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from buildx_tui.core.bake.runner import BakeRunner, parse_metadata
from tests.helpers.bake import PLATFORMS, bake_backend, local, normalise, spec


def test_the_metadata_file_is_read_per_target():
    out = parse_metadata(local("bake-run-default.metadata.json"))
    assert set(out) == {"app", "tool"}
    raw = json.loads(local("bake-run-default.metadata.json"))
    assert out["app"].digest == raw["app"]["containerimage.digest"]
    assert out["app"].pushed == ("127.0.0.1:5000/bake-app:v1",)
    assert out["tool"].ref.startswith("bake-c/bake-c0/")
    assert parse_metadata("not json") == {} and parse_metadata("[]") == {}


def test_a_run_posts_snapshots_and_reads_the_metadata_back():
    backend = bake_backend()
    posted = []
    runner = BakeRunner(backend, spec(targets=("default",)), PLATFORMS, post=posted.append,
                        min_interval=0.0)  # fmt: skip
    argv = runner.prepare()
    meta = Path(argv[argv.index("--metadata-file") + 1])
    outcome = runner.run()
    assert normalise(argv) in backend.calls
    assert posted and outcome.result.ok and not outcome.cancelled
    assert outcome.outputs["tool"].pushed == ("127.0.0.1:5000/bake-tool:v1",)
    assert outcome.snapshot.ended and outcome.snapshot.exit_code == 0
    assert not meta.parent.exists()  # its temporary folder is removed


def test_cancel_stops_the_run_and_the_targets():
    backend = bake_backend()
    reply = backend.runs[normalise(spec(targets=("default",)).argv(metadata_file="x"))]
    reply.pause_after = 40
    runner = BakeRunner(backend, spec(targets=("default",)), PLATFORMS, post=lambda s: None)
    done = []
    thread = threading.Thread(target=lambda: done.append(runner.run()))
    thread.start()
    runner.cancel()
    thread.join(10)
    (outcome,) = done
    assert outcome.cancelled and outcome.outputs == {}
    assert outcome.snapshot.exit_code == 130
    assert all(t.snapshot.result != "running" for t in outcome.snapshot.targets)
