#!/usr/bin/env python3
"""Record the registries' answers to `GET /v2/` that the doctor's push-target check reads
(tests/fixtures/local/doctor-v2-*.http: the raw HTTP response, headers and body).

- the lab registry (127.0.0.1:5000, no auth): 200;
- a registry of our own with htpasswd auth (Debian's `docker-registry`, on a free 127.0.0.1
  port, its own temporary config, storage and htpasswd; stopped at the end): 401 with
  WWW-Authenticate.
Rewrites its own section of tests/fixtures/local/INDEX.md. Never edit the recordings: run this.

    .venv/bin/python scripts/record_doctor_push_fixtures.py
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():  # bcrypt for an htpasswd file (Python 3.11 still has it)
    warnings.simplefilter("ignore", DeprecationWarning)
    import crypt

import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index

HEADING = "### Doctor: registries' answers to GET /v2/ (push targets), recorded on the e2e lab"
REGISTRY = "/usr/bin/docker-registry"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_v2(registry: str) -> bytes:
    """The raw answer to the request the doctor sends (core/doctor/push.py)."""
    host, _, port = registry.partition(":")
    request = (
        f"GET /v2/ HTTP/1.1\r\nHost: {registry}\r\nUser-Agent: buildx-tui-doctor\r\n"
        "Accept: application/json\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while data := sock.recv(8192):
            chunks.append(data)
    return b"".join(chunks)


def main() -> int:
    info = lab()
    rows: list[str] = []
    version = subprocess.run([REGISTRY, "--version"], capture_output=True, text=True)
    versions = version.stdout.strip() or version.stderr.strip()

    def record(registry: str, file: str, note: str) -> None:
        raw = get_v2(registry)
        (OUT / file).write_bytes(raw)
        status = raw.split(b"\r\n", 1)[0].decode()
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        rows.append(
            f"| {file} | http | `GET http://{registry}/v2/   ({note})` | {status} | {versions} "
            f"| {when} |"
        )

    record(str(info["registry"]), "doctor-v2-lab.http", "the lab registry, no auth")
    with tempfile.TemporaryDirectory(prefix="doctor-v2-rec-") as tmpdir:
        tmp = Path(tmpdir)
        port = free_port()
        salt = crypt.mksalt(crypt.METHOD_BLOWFISH)
        (tmp / "htpasswd").write_text(f"doctor:{crypt.crypt('not-a-secret', salt)}\n")
        (tmp / "config.yml").write_text(
            "version: 0.1\n"
            f"storage:\n  filesystem:\n    rootdirectory: {tmp / 'data'}\n"
            f"http:\n  addr: 127.0.0.1:{port}\n"
            f"auth:\n  htpasswd:\n    realm: doctor-rec\n    path: {tmp / 'htpasswd'}\n"
        )
        with open(tmp / "registry.log", "wb") as log:
            proc = subprocess.Popen(
                [REGISTRY, "serve", str(tmp / "config.yml")], stdout=log, stderr=log
            )
        try:
            for _ in range(100):
                with socket.socket() as s:
                    if s.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.1)
            record(f"127.0.0.1:{port}", "doctor-v2-htpasswd.http", "a registry with htpasswd")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    write_index(rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_doctor_push_fixtures.py` (run it again to refresh; do not edit\n"
    "the files). The htpasswd registry is the script's own (a free 127.0.0.1 port, stopped at\n"
    "the end); its port differs on every run.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
