#!/usr/bin/env python3
"""Record the real buildx output the create wizard's tests replay (tests/fixtures/local/create-*).

Runs against the e2e lab (`scripts/lab up` first; root). Every builder it makes is called
`wiz-rec-*` and is removed at the end; the current builder is set back to `default`.
Rewrites its own section of tests/fixtures/local/INDEX.md (exact command, exit code, versions,
UTC time). Recordings are written verbatim: never edit them by hand, run this again.

    .venv/bin/python scripts/record_create_fixtures.py
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "local"
INDEX = OUT / "INDEX.md"
HEADING = "### Create wizard (buildx create, --append, --leave, bootstrap), recorded on the e2e lab"

MIRROR_TOML = """\
# registry settings for wiz-rec-mirror (recording)
debug = true

[registry."docker.io"]
  mirrors = ["127.0.0.1:5000"]

[registry."127.0.0.1:5000"]
  http = true
  insecure = true
"""


def lab() -> dict[str, object]:
    out = subprocess.run(
        [str(ROOT / "scripts" / "lab"), "env", "--json"], capture_output=True, text=True, check=True
    )
    data: dict[str, object] = json.loads(out.stdout)
    return data


_FOREIGN = ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_BUILDER")


class Recorder:
    def __init__(self, info: dict[str, object], tmp: Path) -> None:
        self.info = info
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        self.env["DOCKER_HOST"] = str(info["docker_host"])
        self.env["DOCKER_CONFIG"] = str(info["docker_config"])
        self.rows: list[str] = []
        self.versions = self._versions()

    def _versions(self) -> str:
        cli = self.run_raw(["version", "--format", "{{.Client.Version}}"]).stdout.strip()
        bx = self.run_raw(["buildx", "version"]).stdout.split()[1]
        engine = self.run_raw(["version", "--format", "{{.Server.Version}}"]).stdout.strip()
        return f"docker CLI {cli}, buildx {bx}, BuildKit v0.32.2, dockerd {engine}"

    def run_raw(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.info["docker"]), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def record(
        self,
        args: list[str],
        *,
        stdout: str | None = None,
        stderr: str | None = None,
        note: str = "",
        expect: int | None = None,
    ) -> subprocess.CompletedProcess[str]:
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        proc = self.run_raw(args)
        if expect is not None and proc.returncode != expect:
            raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        command = shlex.join(["docker", *args]).replace(str(self.tmp), "$TMP")
        extra = f"   ({note})" if note else ""
        outputs = (("stdout", stdout, proc.stdout), ("stderr", stderr, proc.stderr))
        for name, stream, text in outputs:
            if stream is None:
                continue
            (OUT / stream).write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")
            self.rows.append(
                f"| {stream} | {name} | `{command}`{extra} | {proc.returncode} | "
                f"{self.versions} | {when} |"
            )
        return proc

    def cleanup(self) -> None:
        ls = self.run_raw(["buildx", "ls", "--format", "json"])
        for line in ls.stdout.splitlines():
            name = json.loads(line)["Name"]
            if name.startswith("wiz-rec-"):
                self.run_raw(["buildx", "rm", name])
        self.run_raw(["buildx", "use", "default"])


def main() -> int:
    info = lab()
    certs = info["certs"]
    assert isinstance(certs, dict)
    unix = str(info["buildkitd_unix"])
    tcp = str(info["buildkitd_tcp"])
    with tempfile.TemporaryDirectory(prefix="wizrec-") as tmpdir:
        tmp = Path(tmpdir)
        (tmp / "wiz-rec-mirror.toml").write_text(MIRROR_TOML)
        (tmp / "bad-type.toml").write_text('debug = "yes"\n')
        (tmp / "bad-syntax.toml").write_text('[registry."docker.io"]\n  mirrors = ["x"\n')
        r = Recorder(info, tmp)
        r.cleanup()
        try:
            tls = [
                "--driver-opt", f"cacert={certs['ca']}",
                "--driver-opt", f"cert={certs['cert']}",
                "--driver-opt", f"key={certs['key']}",
            ]  # fmt: skip
            r.record(
                ["context", "ls", "--format", "json"], stdout="context-ls.json", expect=0,
            )  # fmt: skip
            # -- successes: container builder with a mirror config; remote TLS + unix node
            r.record(
                ["buildx", "create", "--name", "wiz-rec-mirror", "--driver", "docker-container",
                 "--platform", "linux/amd64,linux/arm64", "--driver-opt", "network=host",
                 "--buildkitd-config", str(tmp / "wiz-rec-mirror.toml")],
                stdout="create-container-ok.stdout", stderr="create-container-ok.stderr",
                note="$TMP/wiz-rec-mirror.toml mirrors docker.io to 127.0.0.1:5000, http+insecure",
                expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "inspect", "--bootstrap", "wiz-rec-mirror"],
                stdout="bootstrap-container-ok.stdout", stderr="bootstrap-container-ok.stderr",
                expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-remote", "--driver", "remote", *tls, tcp],
                stdout="create-remote-tls-ok.stdout", expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--append", "--name", "wiz-rec-remote", "--node",
                 "wiz-rec-remote-unix", "--driver", "remote", unix],
                stdout="create-append-unix-ok.stdout", expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "inspect", "--bootstrap", "wiz-rec-remote"],
                stdout="bootstrap-remote-ok.stdout", stderr="bootstrap-remote-ok.stderr",
                expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "ls", "--format", "json"], stdout="ls-wizard-created.json",
                note="after the two creates, the append and both bootstraps above", expect=0,
            )  # fmt: skip
            # -- refusals of create itself
            r.record(
                ["buildx", "create", "--append", "--name", "wiz-rec-remote", "--node",
                 "wiz-rec-remote-dup", "--driver", "remote", unix],
                stderr="create-err-duplicate-endpoint.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-remote", "--driver", "remote",
                 "tcp://127.0.0.1:1299"],
                stderr="create-err-name-exists.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--append", "--name", "wiz-rec-nosuch", "--driver", "remote",
                 "tcp://127.0.0.1:1299"],
                stderr="create-err-append-missing.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-docker", "--driver", "docker"],
                stderr="create-err-docker-driver.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-scheme", "--driver", "remote",
                 "http://127.0.0.1:1234"],
                stderr="create-err-bad-scheme.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-toml", "--driver", "docker-container",
                 "--buildkitd-config", str(tmp / "bad-type.toml")],
                stderr="create-err-toml-type.stderr", note='the file says debug = "yes"', expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-toml", "--driver", "docker-container",
                 "--buildkitd-config", str(tmp / "bad-syntax.toml")],
                stderr="create-err-toml-syntax.stderr", note="an unclosed array", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-cfg", "--driver", "remote",
                 "--buildkitd-config", str(tmp / "wiz-rec-mirror.toml"), "tcp://127.0.0.1:1299"],
                stderr="create-err-remote-config.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-tls", "--driver", "remote",
                 "--driver-opt", f"cert={certs['cert']}", "--driver-opt", f"key={certs['key']}",
                 tcp],
                stderr="create-err-missing-cacert.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-opt", "--driver", "docker-container",
                 "--driver-opt", "memroy=2g"],
                stderr="create-err-driver-opt.stderr", expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-ssh", "--driver", "docker-container",
                 "ssh://root@127.0.0.1"],
                stderr="create-err-ssh-refused.stderr", note="no sshd on this machine", expect=1,
            )  # fmt: skip
            # -- bootstrap failures (create succeeds)
            r.record(
                ["buildx", "create", "--name", "wiz-rec-img", "--driver", "docker-container",
                 "--driver-opt", "network=host", "--driver-opt",
                 "image=127.0.0.1:5000/no-such-buildkit:1"],
                expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "inspect", "--bootstrap", "wiz-rec-img"],
                stderr="bootstrap-err-image-missing.stderr",
                note="created with --driver-opt image=127.0.0.1:5000/no-such-buildkit:1",
                expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-offline", "--driver", "docker-container",
                 "--driver-opt", "image=moby/buildkit:master"],
                expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "inspect", "--bootstrap", "wiz-rec-offline"],
                stderr="bootstrap-err-image-offline.stderr",
                note="created with --driver-opt image=moby/buildkit:master; the machine is offline",
                expect=1,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--name", "wiz-rec-badca", "--driver", "remote",
                 "--driver-opt", f"cacert={certs['cert']}", "--driver-opt",
                 f"cert={certs['cert']}", "--driver-opt", f"key={certs['key']}", tcp],
                expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "inspect", "--bootstrap", "wiz-rec-badca"],
                stderr="bootstrap-err-remote-tls.stderr",
                note="created with the client certificate given as cacert: the TLS handshake "
                "fails; buildx waits 20 s and says only this",
                expect=1,
            )  # fmt: skip
            # -- leave
            r.record(
                ["buildx", "create", "--leave", "--name", "wiz-rec-remote", "--node",
                 "wiz-rec-remote-unix"],
                stdout="leave-ok.stdout", stderr="leave-ok.stderr", expect=0,
            )  # fmt: skip
            r.record(
                ["buildx", "create", "--leave", "--name", "wiz-rec-remote", "--node",
                 "wiz-rec-remote0"],
                stderr="leave-err-last-node.stderr", expect=1,
            )  # fmt: skip
        finally:
            r.cleanup()
        write_index(r.rows, HEADING, SECTION)
    return 0


def write_index(rows: list[str], heading: str, section: str) -> None:
    """Put a recording script's rows in its section of INDEX.md (``heading``; ``section`` is the
    heading and its text, added when the section is new), replacing its earlier rows (matched by
    file name) and leaving every other line, including rows others added, as it is. Shared by
    every scripts/record_*_fixtures.py."""
    text = INDEX.read_text(encoding="utf-8")
    mine = {row.split("|")[1].strip() for row in rows}
    lines = [
        ln for ln in text.splitlines(keepends=True)
        if not (ln.startswith("| ") and ln.split("|")[1].strip() in mine)
    ]  # fmt: skip
    text = "".join(lines)
    start = text.find(heading)
    if start == -1:
        text = text.rstrip("\n") + "\n" + section + TABLE_HEAD
        start = text.find(heading)
    head = text.find(TABLE_HEAD, start)
    at = head + len(TABLE_HEAD)
    INDEX.write_text(text[:at] + "\n".join(rows) + "\n" + text[at:], encoding="utf-8")


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_create_fixtures.py` (run it again to refresh; do not edit the\n"
    "files). Builders `wiz-rec-*`, removed afterwards. `$TMP` stands for the temporary\n"
    "directory holding the config files the commands name (replaced in the recordings too).\n"
    "The lab's certificates are in /tmp/buildx-tui-lab/certs; its buildkitd listens on\n"
    "tcp://127.0.0.1:1234 (mutual TLS) and unix:///tmp/buildx-tui-lab/buildkitd.sock.\n\n"
)
TABLE_HEAD = (
    "| file | stream | command | exit | tool versions | recorded (UTC) |\n"
    "|---|---|---|---|---|---|\n"
)


if __name__ == "__main__":
    sys.exit(main())
