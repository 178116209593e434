#!/usr/bin/env python3
"""Record the real output the doctor's tests replay (tests/fixtures/local/doctor-*).

Runs against the e2e lab (`scripts/lab up` first), breaking nothing shared:
- `docker buildx ls --format json` and the engine's registry settings (`docker info`);
- probe builds (`FROM 127.0.0.1:5000/busybox:latest`, `RUN uname -m`, Dockerfile on stdin) on
  lab-container for linux/amd64 and linux/arm64 (QEMU);
- registry reach probes (`FROM scratch`, `ADD http://HOST/v2/`) on lab-container: the lab's
  registry, and a closed port from a builder of ours (doctor-rec-mirror, whose buildkitd.toml
  mirrors docker.io to 127.0.0.1:5999 where nothing listens; removed at the end), and `ls` with it;
- this machine's binfmt_misc entries (copied from /proc/sys/fs/binfmt_misc into doctor-binfmt/);
- the lab's client certificate (public part only, never a key) for the expiry parser.
Rewrites its own section of tests/fixtures/local/INDEX.md. Never edit the recordings: run this.

    .venv/bin/python scripts/record_doctor_fixtures.py
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index

HEADING = "### Doctor (probe builds, registries, binfmt_misc), recorded on the e2e lab"
MIRROR = "doctor-rec-mirror"
CLOSED = "127.0.0.1:5999"
CLOSED_TOML = f"""\
# the doctor's recording: a mirror where nothing listens
[registry."docker.io"]
  mirrors = ["{CLOSED}"]

[registry."{CLOSED}"]
  http = true
"""
_FOREIGN = ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_BUILDER")


class Recorder:
    def __init__(self, info: dict[str, object], tmp: Path) -> None:
        self.info = info
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        self.env["DOCKER_HOST"] = str(info["docker_host"])
        self.env["DOCKER_CONFIG"] = str(info["docker_config"])
        self.rows: list[str] = []
        bx = self.run(["buildx", "version"]).stdout.split()[1]
        engine = self.run(["version", "--format", "{{.Server.Version}}"]).stdout.strip()
        self.versions = f"buildx {bx}, BuildKit v0.32.2, dockerd {engine}"

    def run(
        self, args: list[str], stdin: str | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.info["docker"]), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin if stdin is not None else "",
        )

    def row(self, file: str, stream: str, command: str, rc: int | str) -> None:
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        command = command.replace(str(self.tmp), "$TMP")
        self.rows.append(f"| {file} | {stream} | `{command}` | {rc} | {self.versions} | {when} |")

    def record(
        self, args: list[str], file: str, stream: str, expect: int, stdin: str = "", note: str = ""
    ) -> None:
        proc = self.run(args, stdin)
        if proc.returncode != expect:
            raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        text = proc.stdout if stream == "stdout" else proc.stderr
        (OUT / file).write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")
        said = f"   (stdin: {note})" if note else ""
        self.row(file, stream, shlex.join(["docker", *args]) + said, proc.returncode)


def probe(builder: str, platform: str) -> list[str]:
    return ["buildx", "build", "--builder", builder, "--platform", platform,
            "--progress", "rawjson", "--no-cache", "-"]  # fmt: skip


def reach(builder: str) -> list[str]:
    return ["buildx", "build", "--builder", builder, "--progress", "rawjson", "--no-cache", "-"]


def _one(dockerfile: str) -> str:
    return "; ".join(dockerfile.strip().splitlines())


def main() -> int:
    info = lab()
    registry = str(info["registry"])
    with tempfile.TemporaryDirectory(prefix="doctorrec-") as tmpdir:
        tmp = Path(tmpdir)
        r = Recorder(info, tmp)
        r.record(["buildx", "ls", "--format", "json"], "doctor-ls.json", "stdout", 0)
        r.record(
            ["info", "--format", "{{json .RegistryConfig}}"],
            "doctor-info-registry.json",
            "stdout",
            0,
        )
        dockerfile = f"FROM {registry}/busybox:latest\nRUN uname -m\n"
        for arch in ("amd64", "arm64"):
            r.record(
                probe("lab-container", f"linux/{arch}"),
                f"doctor-probe-{arch}.stderr",
                "stderr",
                0,
                stdin=dockerfile,
                note=f"FROM {registry}/busybox:latest; RUN uname -m",
            )
        ok = f"FROM scratch\nADD http://{registry}/v2/ /probe-0\n"
        r.record(reach("lab-container"), "doctor-reach-ok.stderr", "stderr", 0, ok, _one(ok))
        toml = tmp / "closed-mirror.toml"
        toml.write_text(CLOSED_TOML, encoding="utf-8")
        r.run(["buildx", "rm", MIRROR])
        try:
            made = r.run(["buildx", "create", "--name", MIRROR, "--driver", "docker-container",
                          "--driver-opt", "network=host", "--buildkitd-config", str(toml),
                          "--bootstrap"])  # fmt: skip
            if made.returncode != 0:
                raise SystemExit(f"create {MIRROR}: {made.stderr}")
            r.record(
                ["buildx", "ls", "--format", "json"], "doctor-ls-closed-mirror.json", "stdout", 0
            )
            closed = f"FROM scratch\nADD http://{CLOSED}/v2/ /probe-0\n"
            r.record(reach(MIRROR), "doctor-reach-closed.stderr", "stderr", 1, closed, _one(closed))
        finally:
            r.run(["buildx", "rm", MIRROR])
        binfmt = OUT / "doctor-binfmt"
        shutil.rmtree(binfmt, ignore_errors=True)
        binfmt.mkdir()
        source = Path("/proc/sys/fs/binfmt_misc")
        for entry in sorted(source.iterdir()):
            if entry.name != "register":
                (binfmt / entry.name).write_bytes(entry.read_bytes())
        r.row("doctor-binfmt/", "files", f"cp {source}/* (all but register)", "-")
        certs = info["certs"]
        assert isinstance(certs, dict)
        shutil.copyfile(str(certs["cert"]), OUT / "doctor-client-cert.pem")
        r.row("doctor-client-cert.pem", "file", f"cp {certs['cert']} (public part)", "-")
    write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_doctor_fixtures.py` (run it again to refresh; do not edit the\n"
    "files). Probe builds get their Dockerfile on stdin (shown in the command's note). The\n"
    f"closed-mirror case creates its own builder {MIRROR} (mirror {CLOSED}, where nothing\n"
    "listens) and removes it; nothing shared is touched.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
