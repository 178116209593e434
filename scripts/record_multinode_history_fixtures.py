#!/usr/bin/env python3
"""Record the history of a two-node builder, each node's record read on its own (issue #12):
tests/fixtures/local/b2node-*.

`history inspect/logs/trace REF` take a record id or ``^N``, never ``node/id`` (buildx v0.36.1,
commands/history/utils.go queryRecords: the id is asked of every node and the newest record
wins; ``^N`` is the N-th newest record of all the builder's nodes, newest first, as `history
ls` lists them when nothing runs; `trace` counts completed records only). So the record of
each node of a multi-node build is read with ``^N``; this script checks that each ``^N`` it
records gave the record it meant (same id, same start time as `history ls` said).

A builder of its own, `b2-rec`: node `b2-rec-amd` (pinned linux/amd64) on the lab's engine and
`b2-rec-arm` (pinned linux/arm64) on the same engine through a docker context of its own
(`b2-rec-ctx`). Two builds of one Dockerfile: one completes, one fails on arm64 only (exit 3).
Builder and context are removed afterwards.

    .venv/bin/python scripts/record_multinode_history_fixtures.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index
from record_message_fixtures import Recorder

from buildx_tui.core.builds.records import parse_time

HEADING = "### Each node's record of a multi-node build (history inspect/logs ^N), on the e2e lab"
BUILDER = "b2-rec"
CONTEXT = "b2-rec-ctx"
DOCKERFILE = (
    "FROM 127.0.0.1:5000/busybox:latest\n"
    "ARG TARGETARCH\n"
    "ARG FAIL_ARCH=none\n"
    "ARG SEED=0\n"
    'RUN echo "seed $SEED: built for $TARGETARCH on $(uname -m)"\n'
    'RUN if [ "$TARGETARCH" = "$FAIL_ARCH" ]; then echo "failing on $TARGETARCH"; exit 3; fi\n'
)


def records(r: Recorder) -> list[dict[str, object]]:
    out = r.run_raw(["buildx", "history", "ls", "--builder", BUILDER, "--format", "json"])
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def offsets(recs: list[dict[str, object]]) -> dict[str, int]:
    """ref -> N of ``^N``: newest first by created_at, over every node's records."""

    def start(x: dict[str, object]) -> float:
        when = parse_time(x.get("created_at"))
        return when.timestamp() if when else 0.0

    ordered = sorted(recs, key=start, reverse=True)
    return {str(x["ref"]): i for i, x in enumerate(ordered)}


def node_of(ref: str) -> str:
    return ref.split("/")[1].removeprefix(f"{BUILDER}-")


def record(r: Recorder, info: dict[str, object], ctx: Path) -> None:
    config = str(Path(str(info["lab_dir"])) / "buildkitd.toml")
    common = ["--driver", "docker-container", "--driver-opt", "network=host",
              "--buildkitd-config", config]  # fmt: skip
    r.must(["context", "create", CONTEXT, "--docker", f"host={info['docker_host']}"])
    r.must(["buildx", "create", "--name", BUILDER, "--node", f"{BUILDER}-amd",
            "--platform", "linux/amd64", *common])  # fmt: skip
    r.must(["buildx", "create", "--append", "--name", BUILDER, "--node", f"{BUILDER}-arm",
            "--platform", "linux/arm64", *common, CONTEXT])  # fmt: skip
    r.must(["buildx", "inspect", "--bootstrap", BUILDER])
    r.record(
        ["buildx", "ls", "--format", "json"], stdout="b2node-ls.json",
        note=f"{BUILDER}: {BUILDER}-amd pinned linux/amd64, {BUILDER}-arm pinned linux/arm64",
        expect=0,
    )  # fmt: skip
    seed = str(int(time.time()))
    build = ["buildx", "build", "--builder", BUILDER, "--platform", "linux/amd64,linux/arm64",
             "--progress", "rawjson", "--build-arg", f"SEED={seed}"]  # fmt: skip
    r.must([*build, str(ctx)])
    proc = r.run_raw([*build, "--build-arg", "FAIL_ARCH=arm64", str(ctx)])
    if proc.returncode != 1:
        raise SystemExit(f"the failing build exited {proc.returncode}\n{proc.stderr[-2000:]}")
    r.record(
        ["buildx", "history", "ls", "--builder", BUILDER, "--format", "json"],
        stdout="b2node-history-ls.json",
        note="two builds, one record per node each; the newer fails on arm64 only", expect=0,
    )  # fmt: skip
    recs = records(r)
    where = offsets(recs)
    failed = next(x for x in recs if x["status"] == "Error")
    fid = str(failed["ref"]).split("/")[-1]
    done = next(x for x in recs if x["status"] == "Completed" and fid not in str(x["ref"]))
    did = str(done["ref"]).split("/")[-1]
    inspect = ["buildx", "history", "inspect", "--builder", BUILDER]
    r.record(
        [*inspect, fid, "--format", "json"], stdout="b2node-inspect-failed-id.json",
        note="the id both records share: the newest of the two is shown", expect=0,
    )  # fmt: skip
    for x in recs:
        ref = str(x["ref"])
        rid = ref.split("/")[-1]
        kind = "failed" if rid == fid else "done" if rid == did else ""
        if not kind:
            continue
        n = where[ref]
        name = f"b2node-inspect-{kind}-{node_of(ref)}.json"
        r.record(
            [*inspect, f"^{n}", "--format", "json"], stdout=name,
            note=f"^{n}: the record of node {ref.split('/')[1]} (its {n + 1}. newest)", expect=0,
        )  # fmt: skip
        got = json.loads((OUT / name).read_text(encoding="utf-8"))
        if got.get("Ref") != rid or got.get("StartedAt") != x["created_at"]:
            raise SystemExit(f"^{n} did not give {ref}: {got.get('Ref')} {got.get('StartedAt')}")
    arm = next(str(x["ref"]) for x in recs if fid in str(x["ref"]) and "-arm/" in str(x["ref"]))
    amd = next(str(x["ref"]) for x in recs if fid in str(x["ref"]) and "-amd/" in str(x["ref"]))
    for ref, tag in ((arm, "arm"), (amd, "amd")):
        r.record(
            ["buildx", "history", "logs", "--builder", BUILDER, f"^{where[ref]}",
             "--progress", "rawjson"], stderr=f"b2node-logs-failed-{tag}.stderr",
            note=f"^{where[ref]}: node {ref.split('/')[1]}'s record of the failed build", expect=0,
        )  # fmt: skip
    r.record(
        ["buildx", "history", "inspect", "--builder", BUILDER, f"{BUILDER}-arm/{fid}",
         "--format", "json"], stderr="b2node-inspect-node-ref.stderr",
        note="node/id: refused", expect=1,
    )  # fmt: skip


def cleanup(r: Recorder) -> None:
    r.run_raw(["buildx", "rm", "--force", BUILDER])
    r.run_raw(["context", "rm", "--force", CONTEXT])


def main() -> int:
    info = lab()
    with tempfile.TemporaryDirectory(prefix="b2-rec-") as tmpdir:
        tmp = Path(tmpdir)
        ctx = tmp / "ctx"
        ctx.mkdir()
        (ctx / "Dockerfile").write_text(DOCKERFILE)
        r = Recorder(info, tmp)
        cleanup(r)
        try:
            record(r, info, ctx)
        except subprocess.SubprocessError as exc:
            raise SystemExit(f"recording failed: {exc}") from exc
        finally:
            cleanup(r)
        write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_multinode_history_fixtures.py` (run it again to refresh; do not\n"
    f"edit the files). Its own builder {BUILDER} (node {BUILDER}-amd pinned linux/amd64 on the "
    f"lab\nengine, {BUILDER}-arm pinned linux/arm64 through its own context {CONTEXT}), removed\n"
    "afterwards. `^N` is the N-th newest record of all the builder's nodes: the script checks\n"
    "that each one gave the record it names (id and start time as `history ls` said).\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
