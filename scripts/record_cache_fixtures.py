#!/usr/bin/env python3
"""Record the real output the Cache screen's tests replay (tests/fixtures/local/du-*, prune-*):
`docker buildx du` (JSON, table, --verbose) on several node types and `docker buildx prune` with
each filter and space flag.

Runs against the e2e lab (`scripts/lab up` first). It creates its own builder `cache-c`
(docker-container, `--driver-opt network=host`, linux/amd64 + linux/arm64, the lab's
buildkitd.toml), builds a few real things on it with the plain CLI so that du has records of
several types (regular, source.local, exec.cachemount from `RUN --mount=type=cache`, frontend from a
`# syntax=` image that is not a frontend, pushed by the script to the lab registry as
`cache-c-frontend:1`: that build fails, its pulled image stays), then prunes
ONLY that builder, recording `du --format json` just before each prune (`du-before-*.json`: the
state that prune's preview is computed from). `lab-remote` is read (du only, never pruned);
`lab-dead` answers an error; the `default` builder (dockerd 20.10's embedded BuildKit) is read,
and its refusal of `--max-used-space` is recorded with a `--filter id=…` that matches no record
(checked first: the node's BuildKit must be older than v0.17, so buildx refuses before pruning).
The builder is removed at the end. Rewrites its own section of tests/fixtures/local/INDEX.md
(exact command, exit code, versions, UTC time). Recordings are written verbatim: never edit them
by hand, run this again.

    .venv/bin/python scripts/record_cache_fixtures.py
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index

HEADING = "### Cache screen (buildx du, buildx prune), recorded on the e2e lab"
BUILDER = "cache-c"
NO_MATCH_ID = "cache-c-matches-no-record"

DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest
COPY hello.txt /hello.txt
RUN --mount=type=cache,target=/cache,id=cache-c \\
    echo "$(uname -m)" >> /cache/seen && cp /cache/seen /seen
RUN dd if=/dev/zero of=/blob bs=1024 count=512 2>/dev/null
"""
DOCKERFILE_2 = """\
FROM 127.0.0.1:5000/busybox:latest
COPY hello.txt /again.txt
RUN echo second > /second.txt
"""
#: A tiny image pushed by the script and named as a `# syntax=` frontend: BuildKit pulls it as a
#: record of type "frontend" and then fails to run it (it is no frontend).
FRONTEND = "127.0.0.1:5000/cache-c-frontend:1"
FRONTEND_DOCKERFILE = f"# syntax={FRONTEND}\nFROM busybox\n"

_FOREIGN = ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_BUILDER")


class Recorder:
    def __init__(self, info: dict[str, object], tmp: Path) -> None:
        self.info = info
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        self.env["DOCKER_HOST"] = str(info["docker_host"])
        self.env["DOCKER_CONFIG"] = str(info["docker_config"])
        self.rows: list[str] = []
        cli = self.run_raw(["version", "--format", "{{.Client.Version}}"]).stdout.strip()
        bx = self.run_raw(["buildx", "version"]).stdout.split()[1]
        engine = self.run_raw(["version", "--format", "{{.Server.Version}}"]).stdout.strip()
        self.versions = f"docker CLI {cli}, buildx {bx}, dockerd {engine}"

    def run_raw(self, args: list[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.info["docker"]), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def must(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        proc = self.run_raw(args)
        if proc.returncode != 0:
            raise SystemExit(f"{args}: exit {proc.returncode}\n{proc.stderr}")
        return proc

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
        started = datetime.now(UTC)
        proc = self.run_raw(args)
        took = (datetime.now(UTC) - started).total_seconds()
        if proc.returncode != expect:
            raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        command = shlex.join(["docker", *args]).replace(str(self.tmp), "$TMP")
        said = [note] if note else []
        said.append(f"took {took:.2f} s")
        for name, file, text in (("stdout", stdout, proc.stdout), ("stderr", stderr, proc.stderr)):
            if file is None and text:
                raise SystemExit(f"{args}: unexpected {name}:\n{text}")
            if file is None:
                said.append(f"{name} was empty")
        extra = f"   ({'; '.join(said)})"
        for name, file, text in (("stdout", stdout, proc.stdout), ("stderr", stderr, proc.stderr)):
            if file is None:
                continue
            (OUT / file).write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")
            self.rows.append(
                f"| {file} | {name} | `{command}`{extra} | {proc.returncode} | "
                f"{self.versions} | {when} |"
            )
        return proc

    def du_json(self, builder: str, file: str, note: str = "") -> None:
        self.record(["buildx", "du", "--builder", builder, "--format", "json"], stdout=file,
                    note=note, expect=0)  # fmt: skip

    def prune(self, name: str, flags: list[str], note: str = "") -> None:
        """`du --format json` then `prune -f <flags>` on the recorder's own builder."""
        self.du_json(BUILDER, f"du-before-{name}.json", note=f"just before prune-{name}.stdout")
        self.record(["buildx", "prune", "--builder", BUILDER, "-f", *flags],
                    stdout=f"prune-{name}.stdout", note=note, expect=0)  # fmt: skip


def default_buildkit(r: Recorder) -> str:
    out = r.must(["buildx", "ls", "--format", "json"]).stdout
    for line in out.splitlines():
        b = json.loads(line)
        if b.get("Name") == "default":
            return str((b.get("Nodes") or [{}])[0].get("Version", ""))
    return ""


def build(r: Recorder, ctx: Path, *extra: str, expect: int = 0) -> None:
    proc = r.run_raw(["buildx", "build", "--builder", BUILDER, "--progress", "plain", *extra,
                      str(ctx)])  # fmt: skip
    if proc.returncode != expect:
        raise SystemExit(f"build {extra}: exit {proc.returncode}\n{proc.stderr[-2000:]}")


def main() -> int:
    info = lab()
    with tempfile.TemporaryDirectory(prefix="cacherec-") as tmpdir:
        tmp = Path(tmpdir)
        r = Recorder(info, tmp)
        version = default_buildkit(r)
        m = re.match(r"v0\.(\d+)", version)
        if m is None or int(m.group(1)) >= 17:
            raise SystemExit(f"the default node's BuildKit is {version!r}: not recording a refusal")
        r.run_raw(["buildx", "rm", BUILDER])
        try:
            r.must([
                "buildx", "create", "--name", BUILDER, "--driver", "docker-container",
                "--driver-opt", "network=host", "--platform", "linux/amd64,linux/arm64",
                "--buildkitd-config", f"{info['lab_dir']}/buildkitd.toml", "--bootstrap",
            ])  # fmt: skip
            for name, text in (("a", DOCKERFILE), ("b", DOCKERFILE_2), ("f", FRONTEND_DOCKERFILE),
                               ("p", "FROM scratch\nCOPY hello.txt /\n")):  # fmt: skip
                (tmp / name).mkdir()
                (tmp / name / "Dockerfile").write_text(text, encoding="utf-8")
                (tmp / name / "hello.txt").write_text(f"hello from {name}\n", encoding="utf-8")
            build(r, tmp / "p", "--output", f"type=image,name={FRONTEND},push=true")
            build(r, tmp / "a", "--platform", "linux/amd64,linux/arm64")
            build(r, tmp / "b", "--output", "type=image,name=cache-c/app:1")  # kept: shared
            build(r, tmp / "f", expect=1)  # the "frontend" cannot run; its pulled image stays
            r.record(["buildx", "ls", "--format", "json"], stdout="du-ls.json", expect=0)
            r.du_json(BUILDER, "du-container.json")
            r.record(["buildx", "du", "--builder", BUILDER], stdout="du-container.stdout",
                     expect=0)  # fmt: skip
            r.record(["buildx", "du", "--builder", BUILDER, "--verbose"],
                     stdout="du-container-verbose.stdout", expect=0)  # fmt: skip
            r.du_json("lab-remote", "du-remote.json", note="the lab's remote builder, read only")
            r.record(["buildx", "du", "--builder", "lab-remote"], stdout="du-remote.stdout",
                     note="the lab's remote builder, read only", expect=0)  # fmt: skip
            r.du_json("default", "du-default.json",
                      note=f"docker driver, dockerd's embedded BuildKit {version}")  # fmt: skip
            r.record(["buildx", "du", "--builder", "default"], stdout="du-default.stdout",
                     note=f"docker driver, BuildKit {version}", expect=0)  # fmt: skip
            r.record(["buildx", "du", "--builder", "lab-dead", "--format", "json"],
                     stderr="du-dead.stderr", note="nothing listens on the node's port",
                     expect=1)  # fmt: skip
            r.record(
                ["buildx", "prune", "--builder", "default", "-f", "--max-used-space", "1GB",
                 "--filter", f"id={NO_MATCH_ID}"],
                stderr="prune-default-max-used-refused.stderr",
                note=f"BuildKit {version}: buildx refuses before pruning; the id filter matches "
                "no record, so nothing could have gone had it run",
                expect=1,
            )  # fmt: skip
            r.record(["buildx", "prune", "--builder", BUILDER, "-f", "--filter", "until=banana"],
                     stderr="prune-err-until.stderr", expect=1)  # fmt: skip
            r.prune("until-24h", ["--filter", "until=24h"], note="every record is newer")
            r.prune("reserved-1gb", ["--reserved-space", "1GB"], note="the cache is smaller")
            r.prune("max-used-1gb", ["--max-used-space", "1GB"], note="the cache is smaller")
            r.prune("min-free-1mb", ["--min-free-space", "1MB"], note="the disk has more free")
            r.prune("type-cachemount", ["--filter", "type=exec.cachemount"])
            r.prune("type-local-verbose", ["--verbose", "--filter", "type=source.local"])
            time.sleep(6)
            build(r, tmp / "b", "--output", "type=image,name=cache-c/app:2")
            again = "6 s after the first builds, just after building the second again"
            r.prune("until-4s", ["--filter", "until=4s"], note=again)
            r.prune("default", [], note="the frontend record stays")
            build(r, tmp / "a", "--platform", "linux/amd64,linux/arm64")
            r.prune("max-used-3mb", ["--max-used-space", "3MB"])
            r.prune("all", ["--all"])
            r.du_json(BUILDER, "du-container-empty.json", note="after prune --all")
        finally:
            r.run_raw(["buildx", "rm", BUILDER])
    write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_cache_fixtures.py` (run it again to refresh; do not edit the\n"
    "files). Builder `cache-c` (docker-container, host network, linux/amd64 + linux/arm64), made\n"
    "and removed by the script; only it is pruned. `du-before-X.json` is `du --format json` just\n"
    "before `prune-X.stdout`. `$TMP` stands for the temporary folder of the build contexts.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
