#!/usr/bin/env python3
"""Record a push from a builder whose platforms run on different nodes (issue #11 item 6, seed
002): tests/fixtures/local/multinode-*.

A builder of its own, `multinode-rec`, with two docker-container nodes: `multinode-rec-amd`
(pinned linux/amd64) on the lab's engine, and `multinode-rec-arm` (pinned linux/arm64) on the
same engine reached through a docker context of its own (`multinode-rec-ctx`: buildx refuses the
same endpoint twice). A two-platform build pushed to the lab registry with `--metadata-file`:
buildx sends each platform to the node that lists it and merges the two images into one index.
Builder, context and pushed tag are the script's own; the builder and context are removed.

Runs against the e2e lab (`scripts/lab up` first). Rewrites its own section of
tests/fixtures/local/INDEX.md. Recordings are written verbatim: never edit them by hand, run
this again.

    .venv/bin/python scripts/record_multinode_fixtures.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index
from record_message_fixtures import Recorder

HEADING = "### A builder with one node per platform (push, metadata), recorded on the e2e lab"
BUILDER = "multinode-rec"
CONTEXT = "multinode-rec-ctx"
DOCKERFILE = (
    "FROM 127.0.0.1:5000/busybox:latest\n"
    "ARG TARGETARCH\n"
    'RUN echo "built for $TARGETARCH on $(uname -m)"\n'
)


def record(r: Recorder, info: dict[str, object], ctx: Path) -> None:
    config = str(Path(str(info["lab_dir"])) / "buildkitd.toml")
    registry = str(info["registry"])
    tag = f"{registry}/multinode-rec:1"
    common = ["--driver", "docker-container", "--driver-opt", "network=host",
              "--buildkitd-config", config]  # fmt: skip
    r.must(["context", "create", CONTEXT, "--docker", f"host={info['docker_host']}"])
    r.must(["buildx", "create", "--name", BUILDER, "--node", f"{BUILDER}-amd",
            "--platform", "linux/amd64", *common])  # fmt: skip
    r.must(["buildx", "create", "--append", "--name", BUILDER, "--node", f"{BUILDER}-arm",
            "--platform", "linux/arm64", *common, CONTEXT])  # fmt: skip
    r.must(["buildx", "inspect", "--bootstrap", BUILDER])
    r.record(
        ["buildx", "ls", "--format", "json"], stdout="multinode-ls.json",
        note=f"{BUILDER}: node {BUILDER}-amd (pinned linux/amd64) on the lab engine, "
        f"{BUILDER}-arm (pinned linux/arm64) on the same engine through context {CONTEXT}",
        expect=0,
    )  # fmt: skip
    meta = ctx.parent / "metadata.json"
    args = ["buildx", "build", "--builder", BUILDER, "--platform", "linux/amd64,linux/arm64",
            "--tag", tag, "--push", "--metadata-file", str(meta), "--progress", "rawjson",
            str(ctx)]  # fmt: skip
    r.record(
        args, stderr="multinode-push-rawjson.stderr",
        note=f"$TMP/ctx: {' / '.join(DOCKERFILE.splitlines())}", expect=0,
    )  # fmt: skip
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    (OUT / "multinode-push.metadata.json").write_text(meta.read_text(encoding="utf-8"))
    r.rows.append(
        f"| multinode-push.metadata.json | file | `--metadata-file` of the build above | 0 | "
        f"{r.versions} | {when} |"
    )
    r.record(
        ["buildx", "imagetools", "inspect", "--raw", tag], stdout="multinode-push-index.json",
        note="the index the build above pushed", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", BUILDER, "--format", "json"],
        stdout="multinode-history-ls.json",
        note="after the build above: one record per node (each built its pinned platform)",
        expect=0,
    )  # fmt: skip


def cleanup(r: Recorder) -> None:
    r.run_raw(["buildx", "rm", "--force", BUILDER])
    r.run_raw(["context", "rm", "--force", CONTEXT])


def main() -> int:
    info = lab()
    with tempfile.TemporaryDirectory(prefix="multinode-") as tmpdir:
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
    "Written by `scripts/record_multinode_fixtures.py` (run it again to refresh; do not edit\n"
    f"the files). Its own builder {BUILDER} (two docker-container nodes, one platform pinned\n"
    f"on each, the second through its own docker context {CONTEXT}), removed afterwards;\n"
    "the pushed tag 127.0.0.1:5000/multinode-rec:1 is its own. `$TMP` stands for the temporary\n"
    "folder.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
