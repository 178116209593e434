#!/usr/bin/env python3
"""Record the real output the About screen's tests replay (tests/fixtures/local/version-*,
buildx-version*): `docker version --format '{{json .}}'` and `docker buildx version`.

Runs against the e2e lab (`scripts/lab up` first). The engine-down case points DOCKER_HOST at a
unix socket path that does not exist (in a temporary folder, written `$TMP` in the recordings
and the index): the lab's dockerd is never stopped. The no-plugin case gives the docker CLI an
empty DOCKER_CONFIG (this machine has buildx only in the lab's config folder).
Rewrites its own section of tests/fixtures/local/INDEX.md (exact command, exit code, versions,
UTC time). Recordings are written verbatim: never edit them by hand, run this again.

    .venv/bin/python scripts/record_version_fixtures.py
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The lab's environment, the fixtures folder and INDEX.md's section writer are the create
# recorder's: one implementation for every scripts/record_*_fixtures.py.
from record_create_fixtures import OUT, lab, write_index

HEADING = "### Versions (the About screen), recorded on the e2e lab"

DOCKER_VERSION = ["version", "--format", "{{json .}}"]
BUILDX_VERSION = ["buildx", "version"]

_FOREIGN = ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_BUILDER")


class Recorder:
    def __init__(self, info: dict[str, object], tmp: Path) -> None:
        self.docker = str(info["docker"])
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        self.env["DOCKER_HOST"] = str(info["docker_host"])
        self.env["DOCKER_CONFIG"] = str(info["docker_config"])
        self.rows: list[str] = []
        self.versions = self._versions()

    def _versions(self) -> str:
        cli = self.run_raw(["version", "--format", "{{.Client.Version}}"]).stdout.strip()
        engine = self.run_raw(["version", "--format", "{{.Server.Version}}"]).stdout.strip()
        bx = self.run_raw(BUILDX_VERSION).stdout.split()[1]
        return f"docker CLI {cli}, buildx {bx}, dockerd {engine}"

    def run_raw(
        self, args: list[str], env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.docker, *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )

    def record(
        self,
        args: list[str],
        *,
        stdout: str | None = None,
        stderr: str | None = None,
        env: dict[str, str] | None = None,
        note: str = "",
        expect: int,
    ) -> None:
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        proc = self.run_raw(args, env)
        if proc.returncode != expect:
            raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        shown_env = [f"{k}={v}" for k, v in (env or {}).items()]
        command = shlex.join([*shown_env, "docker", *args]).replace(str(self.tmp), "$TMP")
        streams = (("stdout", stdout, proc.stdout), ("stderr", stderr, proc.stderr))
        said = [note] if note else []
        for name, file, text in streams:
            if file is None:  # a stream not kept must be empty: the index says so
                if text:
                    raise SystemExit(f"{args}: unexpected {name}:\n{text}")
                said.append(f"{name} was empty")
        extra = f"   ({'; '.join(said)})" if said else ""
        for name, file, text in streams:
            if file is None:
                continue
            (OUT / file).write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")
            self.rows.append(
                f"| {file} | {name} | `{command}`{extra} | {proc.returncode} | "
                f"{self.versions} | {when} |"
            )


def main() -> int:
    info = lab()
    with tempfile.TemporaryDirectory(prefix="versionrec-") as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "empty-config").mkdir()
        r = Recorder(info, tmp)
        r.record(DOCKER_VERSION, stdout="version-lab.json", expect=0)
        r.record(BUILDX_VERSION, stdout="buildx-version.stdout", expect=0)
        r.record(
            DOCKER_VERSION,
            stdout="version-engine-down.stdout",
            stderr="version-engine-down.stderr",
            env={"DOCKER_HOST": f"unix://{tmp / 'no-engine' / 'docker.sock'}"},
            note="no such socket: the engine is unreachable",
            expect=1,
        )
        r.record(
            BUILDX_VERSION,
            stderr="buildx-version-no-plugin.stderr",
            env={"DOCKER_CONFIG": str(tmp / "empty-config")},
            note="an empty config folder: no buildx plugin anywhere",
            expect=1,
        )
    write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_version_fixtures.py` (run it again to refresh; do not edit the\n"
    "files). `$TMP` stands for its temporary folder: the engine-down case points DOCKER_HOST at\n"
    "a socket path in it that does not exist (the lab's dockerd kept running), the no-plugin\n"
    "case gives docker an empty DOCKER_CONFIG there.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
