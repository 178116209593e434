#!/usr/bin/env python3
"""Record what recreating a builder with changes relies on (tests/fixtures/local/recreate-*):
`ls --format json` of a docker-container builder with network=host, an env driver option,
BuildKit flags, pinned platforms and a buildkitd.toml with a mirror; buildx's own store file for
it (the pinned platforms); `rm --keep-state` keeping the state volume and `rm` removing it; the
same builder created again with a changed buildkitd.toml; a create that fails on a bad
--driver-opt (buildx leaves no builder behind); a bootstrap that fails on a network that does not
exist, that builder removed and the original created again; a plain builder
(the network.host entitlement buildx adds by itself).

Runs against the e2e lab (`scripts/lab up` first; root) with a private DOCKER_CONFIG (the lab's
buildx plugin, an empty store), so `use` and `rm` never touch the lab's own builders or its
current builder. Every builder it makes is called `recreate-rec*` and is removed at the end
with its state volume. Rewrites its own section of tests/fixtures/local/INDEX.md. Recordings are
written verbatim: never edit them by hand, run this again.

    .venv/bin/python scripts/record_recreate_fixtures.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import record_bootstrap_fixtures as rb
import record_create_fixtures as rc

NAME = "recreate-rec"
PLAIN = "recreate-rec-plain"
NO_NET = "recreate-no-such-net"
HEADING = "### Recreate a builder with changes (rm + create), recorded on the e2e lab"
SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_recreate_fixtures.py` (run it again to refresh; do not edit the\n"
    "files). Run with a private DOCKER_CONFIG (`$TMP/config`: the lab's buildx plugin, an empty\n"
    "store) on the lab's dockerd. Builders `recreate-rec*`, removed afterwards with their state\n"
    "volumes. `$TMP` is the directory holding the buildkitd.toml files: `before.toml` mirrors\n"
    "docker.io to 127.0.0.1:5000 (plain HTTP, a comment above it); `after.toml` adds a mirror\n"
    "for ghcr.io. The builder was made current (`docker buildx use recreate-rec`) before the\n"
    "first `ls`; no `use` ran after that. The failed bootstrap is of the builder created with\n"
    f"`--driver-opt network={NO_NET}` (a network that does not exist) instead of network=host.\n\n"
)
BEFORE_TOML = """\
# recreate-rec: pull Docker Hub images through the lab registry
[registry."docker.io"]
  mirrors = ["127.0.0.1:5000"]

[registry."127.0.0.1:5000"]
  http = true
"""
AFTER_TOML = (
    BEFORE_TOML
    + """
[registry."ghcr.io"]
  mirrors = ["127.0.0.1:5000"]
"""
)
VOLUME = f"buildx_buildkit_{NAME}0_state"


def create_argv(config: Path, *extra: str, network: str = "host") -> list[str]:
    return [
        "buildx", "create", "--name", NAME, "--node", f"{NAME}0", "--driver", "docker-container",
        "--platform", "linux/amd64,linux/arm64", "--driver-opt", f"network={network}",
        "--driver-opt", "env.BUILDKIT_STEP_LOG_MAX_SIZE=10485760", *extra,
        "--buildkitd-flags", "--debug --allow-insecure-entitlement security.insecure",
        "--buildkitd-config", str(config),
    ]  # fmt: skip


def record_file(r: rc.Recorder, path: Path, out: str, shown: str) -> None:
    """A file buildx wrote (its store), copied verbatim."""
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    (rc.OUT / out).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    r.rows.append(f"| {out} | file | `cat {shown}` | 0 | {r.versions} | {when} |")


def main() -> int:
    info = rc.lab()
    with tempfile.TemporaryDirectory(prefix="recreaterec-") as tmpdir:
        tmp = Path(tmpdir)
        config = tmp / "config"
        (config / "buildx").mkdir(parents=True)
        plugins = Path(str(info["docker_config"])) / "cli-plugins"
        os.symlink(plugins, config / "cli-plugins")
        before, after = tmp / "before.toml", tmp / "after.toml"
        before.write_text(BEFORE_TOML)
        after.write_text(AFTER_TOML)
        r = rc.Recorder(info, tmp)
        r.env["DOCKER_CONFIG"] = str(config)
        volume_ls = ["volume", "ls", "--filter", f"name={VOLUME}", "--format", "json"]
        ls = ["buildx", "ls", "--format", "json"]

        def cleanup() -> None:
            for name in (NAME, PLAIN):
                r.run_raw(["buildx", "rm", name])
            for name in (VOLUME, f"buildx_buildkit_{PLAIN}0_state"):
                r.run_raw(["volume", "rm", name])

        cleanup()
        try:
            r.record(create_argv(before), expect=0)
            r.record(["buildx", "use", NAME], expect=0)
            r.record(["buildx", "inspect", "--bootstrap", NAME], expect=0)
            r.record(
                ls, stdout="recreate-ls-before.json",
                note="after create with before.toml, use and bootstrap", expect=0,
            )  # fmt: skip
            record_file(
                r, config / "buildx" / "instances" / NAME, "recreate-store-before.json",
                f"$TMP/config/buildx/instances/{NAME}",
            )  # fmt: skip
            r.record(volume_ls, stdout="recreate-volume-before.json", expect=0)
            r.record(
                ["buildx", "rm", "--keep-state", NAME], stderr="recreate-rm-keep-state.stderr",
                expect=0,
            )  # fmt: skip
            r.record(volume_ls, stdout="recreate-volume-kept.json", expect=0)
            r.record(create_argv(after), stdout="recreate-create-after.stdout", expect=0)
            r.record(["buildx", "inspect", "--bootstrap", NAME], expect=0)
            r.record(
                ls, stdout="recreate-ls-after.json",
                note="after rm --keep-state and create with after.toml: current again", expect=0,
            )  # fmt: skip
            # -- a recreate whose create fails, undone by creating the original again
            r.record(["buildx", "rm", "--keep-state", NAME], expect=0)
            r.record(
                create_argv(before, "--driver-opt", "memroy=2g"),
                stderr="recreate-create-err-driver-opt.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ls, stdout="recreate-ls-failed-create.json",
                note="after the failed create: buildx left no builder of that name", expect=0,
            )  # fmt: skip
            # -- a recreate whose bootstrap fails (a network that does not exist): the new builder
            # is removed, the original created again
            r.record(create_argv(before, network=NO_NET), expect=0)
            rb.record_bytes(
                r, ["buildx", "inspect", "--bootstrap", NAME],
                "recreate-bootstrap-err-network.stderr", expect=1,
            )  # fmt: skip
            r.record(["buildx", "rm", NAME], stderr="recreate-rm-half-made.stderr", expect=0)
            r.record(create_argv(before), expect=0)
            r.record(["buildx", "inspect", "--bootstrap", NAME], expect=0)
            r.record(
                ls, stdout="recreate-ls-restored.json",
                note="after the original create again (before.toml) and bootstrap", expect=0,
            )  # fmt: skip
            r.record(["buildx", "rm", NAME], stderr="recreate-rm.stderr", expect=0)
            r.record(volume_ls, stdout="recreate-volume-removed.json", expect=0)
            # -- a plain builder: the entitlement buildx adds by itself
            plain = ["buildx", "create", "--name", PLAIN, "--driver", "docker-container"]
            r.record(plain, expect=0)
            r.record(["buildx", "inspect", "--bootstrap", PLAIN], expect=0)
            r.record(
                ls, stdout="recreate-ls-plain.json",
                note=f"after create --name {PLAIN} --driver docker-container and bootstrap",
                expect=0,
            )  # fmt: skip
        finally:
            cleanup()
    rc.write_index(r.rows, HEADING, SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
