#!/usr/bin/env python3
"""Record the real buildx output behind the messages of issue #11 items 7, 8, 9 and 11
(tests/fixtures/local/msg-*): platforms a node does not list, Windows, amd64 variants; a
docker-container builder without network=host and a registry on loopback; Dockerfile check
warnings; two nodes on one BuildKit daemon; missing sockets, swapped TLS files, mirror paths,
--build-arg NAME. Runs on the e2e lab (`scripts/lab up` first); its builders are `msg-*`,
removed at the end. Contexts go to a temporary folder (`$TMP`), with static "hello" programs
cross-compiled by Go for each platform. Rewrites its own section of INDEX.md; recordings are
verbatim: never edit them, run this again.

    .venv/bin/python scripts/record_message_fixtures.py
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The lab's environment, the fixtures folder and INDEX.md's section writer are the create
# recorder's: one implementation for every scripts/record_*_fixtures.py.
from record_create_fixtures import OUT, lab, write_index

HEADING = "### Misleading messages (issue #11 items 7, 8, 9, 11), recorded on the e2e lab"
PREFIX = "msg-"

HELLO_GO = """\
package main

import (
	"os"
	"runtime"
)

func main() {
	os.Stdout.WriteString("hello from " + runtime.GOOS + "/" + runtime.GOARCH + "\\n")
}
"""
#: file name suffix (TARGETARCH + TARGETVARIANT) -> GOOS, GOARCH, GOARM
HELLO_TARGETS = {
    "amd64": ("linux", "amd64", ""),
    "arm64": ("linux", "arm64", ""),
    "armv7": ("linux", "arm", "7"),
    "armv6": ("linux", "arm", "6"),
    "armv5": ("linux", "arm", "5"),
    "386": ("linux", "386", ""),
    "ppc64le": ("linux", "ppc64le", ""),
    "mips64le": ("linux", "mips64le", ""),
}
#: Eight platforms; lab-container lists six of them (not linux/arm/v5, linux/mips64le).
EIGHT = (
    "linux/amd64,linux/arm64,linux/arm/v7,linux/arm/v6,linux/arm/v5,linux/386,linux/ppc64le,"
    "linux/mips64le"
)
RUN_HELLO = """\
FROM scratch
ARG TARGETARCH
ARG TARGETVARIANT
COPY hello-${TARGETARCH}${TARGETVARIANT} /hello
RUN ["/hello"]
"""

#: A mirror written with Docker Hub's namespace as its path (item 11).
MIRROR_PATH_TOML = """\
[registry."docker.io"]
  mirrors = ["127.0.0.1:5000/library"]

[registry."127.0.0.1:5000"]
  http = true
  insecure = true
"""

_FOREIGN = ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_BUILDER")


def go_binary() -> str:
    go = shutil.which("go") or "/usr/local/go/bin/go"
    if not os.access(go, os.X_OK):
        raise SystemExit("Go is needed to cross-compile the hello programs (no `go` on PATH)")
    return go


def hello_programs(dest: Path, names: list[str], *, windows: bool = False) -> None:
    """Static hello programs for ``names`` (of HELLO_TARGETS) in ``dest``; a Windows one too."""
    src = dest.parent / "hello-src"
    if not src.exists():
        src.mkdir()
        (src / "main.go").write_text(HELLO_GO)
        (src / "go.mod").write_text("module hello\n\ngo 1.22\n")
    dest.mkdir(parents=True, exist_ok=True)
    targets = [(f"hello-{n}", *HELLO_TARGETS[n]) for n in names]
    if windows:
        targets.append(("hello-windows-amd64.exe", "windows", "amd64", ""))
    for out, goos, goarch, goarm in targets:
        env = {**os.environ, "CGO_ENABLED": "0", "GOOS": goos, "GOARCH": goarch}
        if goarm:
            env["GOARM"] = goarm
        subprocess.run(
            [go_binary(), "build", "-trimpath", "-ldflags=-s -w -buildid=", "-o", str(dest / out)],
            cwd=src,
            env=env,
            check=True,
        )


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
        bx = self.run_raw(["buildx", "version"]).stdout.split()[1]
        return f"docker CLI {cli}, buildx {bx}, BuildKit v0.32.2, dockerd {engine}"

    def run_raw(
        self, args: list[str], timeout: float = 300, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.docker, *args],
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def must(self, args: list[str]) -> None:
        proc = self.run_raw(args)
        if proc.returncode != 0:
            raise SystemExit(f"{args}: exit {proc.returncode}\n{proc.stderr}")

    def record(
        self,
        args: list[str],
        *,
        stdout: str | None = None,
        stderr: str | None = None,
        note: str = "",
        expect: int,
        env: dict[str, str] | None = None,
    ) -> None:
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        proc = self.run_raw(args, env=env)
        if proc.returncode != expect:
            raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        self.save(args, proc, when, stdout=stdout, stderr=stderr, note=note, env=env)

    def save(
        self,
        args: list[str],
        proc: subprocess.CompletedProcess[str],
        when: str,
        *,
        stdout: str | None = None,
        stderr: str | None = None,
        note: str = "",
        env: dict[str, str] | None = None,
    ) -> None:
        shown_env = [f"{k}={v}" for k, v in (env or {}).items()]
        command = shlex.join([*shown_env, "docker", *args]).replace(str(self.tmp), "$TMP")
        streams = (("stdout", stdout, proc.stdout), ("stderr", stderr, proc.stderr))
        said = [note] if note else []
        for name, file, text in streams:
            if file is None and not text:
                said.append(f"{name} was empty")
        extra = f"   ({'; '.join(said)})".replace(str(self.tmp), "$TMP") if said else ""
        for name, file, text in streams:
            if file is None:
                continue
            (OUT / file).write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")
            self.rows.append(
                f"| {file} | {name} | `{command}`{extra} | {proc.returncode} | "
                f"{self.versions} | {when} |"
            )

    def cleanup(self) -> None:
        ls = self.run_raw(["buildx", "ls", "--format", "json"])
        for line in ls.stdout.splitlines():
            name = json.loads(line)["Name"]
            if name.startswith(PREFIX):
                self.run_raw(["buildx", "rm", name])


EXE = "FROM scratch\nCOPY hello-windows-amd64.exe /hello.exe\n"
#: The small build contexts: folder -> {file: text}.
FILES = {
    "windows": {
        "run.Dockerfile": EXE + 'RUN ["/hello.exe"]\n',
        "shell.Dockerfile": EXE + "RUN echo hi\n",
        "copy.Dockerfile": EXE,
    },
    "from-as": {"Dockerfile": "FROM busybox as base\nRUN echo hi\n"},
    "scratch": {"hello.txt": "hello\n", "Dockerfile": "FROM scratch\nCOPY hello.txt /\n"},
    "loop-from": {"Dockerfile": "FROM 127.0.0.1:5000/busybox\nRUN true\n"},
    "build-arg": {
        "Dockerfile": 'FROM busybox\nARG MSG_ARG=dockerfile-default\nRUN echo "MSG_ARG=$MSG_ARG"\n'
    },
    "hub": {"Dockerfile": "FROM busybox\n"},
}


def contexts(tmp: Path) -> dict[str, Path]:
    """The build contexts, by name."""
    ctx = {name: tmp / name for name in ("hello", *FILES)}
    hello_programs(ctx["hello"], list(HELLO_TARGETS))
    (ctx["hello"] / "Dockerfile").write_text(RUN_HELLO)
    hello_programs(ctx["windows"], [], windows=True)
    for name, files in FILES.items():
        ctx[name].mkdir(exist_ok=True)
        for file, text in files.items():
            (ctx[name] / file).write_text(text)
    (tmp / "mirror-path.toml").write_text(MIRROR_PATH_TOML)
    return ctx


def build(*args: str) -> list[str]:
    return ["buildx", "build", "--no-cache", "--progress=rawjson", *args]


def record_platforms(r: Recorder, ctx: dict[str, Path]) -> None:
    """Item 7: platforms lab-container does not list; Windows; an unknown amd64 variant."""
    r.record(
        ["buildx", "ls", "--format", "json"], stdout="msg-ls.json",
        note="the lab's builders; lab-container0 lists 13 platforms, not linux/arm/v5 nor "
        "linux/mips64le, while QEMU handlers for arm and mips64el are registered on the host",
        expect=0,
    )  # fmt: skip
    hello = str(ctx["hello"])
    r.record(
        build("--builder", "lab-container", "--platform", EIGHT, hello),
        stderr="msg-build-unlisted-platforms-rawjson.stderr",
        note="$TMP/hello: FROM scratch, COPY hello-${TARGETARCH}${TARGETVARIANT} /hello, "
        'RUN ["/hello"] (static Go programs, one per platform)',
        expect=0,
    )  # fmt: skip
    win = ctx["windows"]
    for kind, what, code in (
        ("run", 'COPY hello-windows-amd64.exe /hello.exe, RUN ["/hello.exe"]', 1),
        ("shell", "COPY hello-windows-amd64.exe /hello.exe, RUN echo hi", 1),
        ("copy", "COPY hello-windows-amd64.exe /hello.exe only", 0),
    ):
        r.record(
            build("--builder", "lab-container", "--platform", "windows/amd64",
                  "-f", str(win / f"{kind}.Dockerfile"), str(win)),
            stderr=f"msg-build-windows-{kind}-rawjson.stderr",
            note=f"$TMP/windows/{kind}.Dockerfile: FROM scratch, {what}",
            expect=code,
        )  # fmt: skip
    r.record(
        build("--builder", "lab-container", "--platform", "linux/amd64/v9", str(ctx["from-as"])),
        stderr="msg-build-amd64-v9-rawjson.stderr",
        note="$TMP/from-as: FROM busybox as base, RUN echo hi",
        expect=1,
    )  # fmt: skip


def record_loopback(r: Recorder, ctx: dict[str, Path], registry: str) -> None:
    """Item 8: a docker-container builder without network=host and the registry on the host's
    127.0.0.1 (the lab's builders all have network=host)."""
    r.record(
        ["buildx", "create", "--name", "msg-bridge", "--driver", "docker-container",
         "--bootstrap"],
        stdout="msg-create-bridge.stdout", note="no --driver-opt network=host", expect=0,
    )  # fmt: skip
    scratch = str(ctx["scratch"])
    r.record(
        build("--builder", "msg-bridge", "--push", "-t", f"{registry}/msg-bridge:1", scratch),
        stderr="msg-build-bridge-push-rawjson.stderr",
        note="$TMP/scratch: FROM scratch, COPY hello.txt /",
        expect=1,
    )  # fmt: skip
    port = registry.rsplit(":", 1)[1]
    cache = f"type=registry,ref=localhost:{port}/msg-bridge:cache"
    r.record(
        build("--builder", "msg-bridge", "--cache-to", cache, scratch),
        stderr="msg-build-bridge-cache-rawjson.stderr",
        note="$TMP/scratch: FROM scratch, COPY hello.txt /",
        expect=1,
    )  # fmt: skip
    r.record(
        build("--builder", "msg-bridge", str(ctx["loop-from"])),
        stderr="msg-build-bridge-from-rawjson.stderr",
        note=f"$TMP/loop-from: FROM {registry}/busybox, RUN true",
        expect=1,
    )  # fmt: skip
    r.must(["buildx", "rm", "msg-bridge"])


def record_warnings(r: Recorder, ctx: dict[str, Path]) -> None:
    """Item 9: a Dockerfile check warning (FromAsCasing) in the rawjson stream."""
    from_as = str(ctx["from-as"])
    note = "$TMP/from-as: FROM busybox as base, RUN echo hi"
    r.record(
        build("--builder", "lab-container", "--platform", "linux/amd64,linux/arm64", from_as),
        stderr="msg-build-warning-rawjson.stderr", note=note, expect=0,
    )  # fmt: skip
    r.record(
        build("--builder", "lab-container", from_as),
        stderr="msg-build-warning-single-rawjson.stderr",
        note=note + "; no --platform", expect=0,
    )  # fmt: skip


def record_create(r: Recorder, ctx: dict[str, Path], info: dict[str, object]) -> None:
    """Item 11: two nodes on one BuildKit daemon; endpoints on a missing socket; swapped TLS."""
    certs = info["certs"]
    assert isinstance(certs, dict)
    tcp, unix = str(info["buildkitd_tcp"]), str(info["buildkitd_unix"])
    tls = [
        "--driver-opt", f"cacert={certs['ca']}",
        "--driver-opt", f"cert={certs['cert']}",
        "--driver-opt", f"key={certs['key']}",
    ]  # fmt: skip
    r.must(["buildx", "create", "--name", "msg-twin", "--driver", "remote",
            "--platform", "linux/amd64", *tls, tcp])  # fmt: skip
    r.must(["buildx", "create", "--append", "--name", "msg-twin", "--node", "msg-twin1",
            "--platform", "linux/arm64", "--driver", "remote", unix])  # fmt: skip
    r.must(["buildx", "inspect", "--bootstrap", "msg-twin"])
    r.record(
        ["buildx", "ls", "--format", "json"], stdout="msg-ls-twin.json",
        note=f"msg-twin: node msg-twin0 on {tcp} (pinned linux/amd64), msg-twin1 on {unix} "
        "(pinned linux/arm64): both are the lab's one buildkitd",
        expect=0,
    )  # fmt: skip
    # Two builds on one daemon race: buildx ends with one of two errors, either one. Run it until
    # both were seen (at most 8 times) and keep the first output of each.
    twin = build("--builder", "msg-twin", "--platform", "linux/amd64,linux/arm64",
                 str(ctx["scratch"]))  # fmt: skip
    kinds = {"job ID": "job-id", "gateway result is already set": "gateway"}
    seen: set[str] = set()
    for attempt in range(1, 9):
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        proc = r.run_raw(twin)
        last = proc.stderr.strip().splitlines()[-1:] or [""]
        kind = next((k for marker, k in kinds.items() if marker in last[0]), None)
        if proc.returncode != 1 or kind is None:
            raise SystemExit(f"{twin}: exit {proc.returncode}, unexpected\n{proc.stderr}")
        if kind in seen:
            continue
        seen.add(kind)
        r.save(
            twin, proc, when, stderr=f"msg-build-twin-{kind}-rawjson.stderr",
            note=f"$TMP/scratch: FROM scratch, COPY hello.txt /; builder msg-twin as above; "
            f"attempt {attempt}: the two builds race and buildx ends with one of two errors",
        )  # fmt: skip
        if seen == set(kinds.values()):
            break
    r.must(["buildx", "rm", "msg-twin"])
    nosock = f"unix://{r.tmp / 'no-such.sock'}"
    r.record(
        ["buildx", "create", "--name", "msg-nosock", "--driver", "docker-container", nosock],
        stderr="msg-create-container-no-socket.stderr", note="no such socket", expect=1,
    )  # fmt: skip
    r.record(
        ["buildx", "create", "--name", "msg-nosock-remote", "--driver", "remote", nosock],
        stdout="msg-create-remote-no-socket.stdout", note="no such socket", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "inspect", "--bootstrap", "msg-nosock-remote"],
        stderr="msg-bootstrap-remote-no-socket.stderr",
        note=f"msg-nosock-remote: the remote driver on {nosock}, which does not exist",
        expect=1,
    )  # fmt: skip
    r.must(["buildx", "rm", "msg-nosock-remote"])
    r.record(
        ["buildx", "create", "--name", "msg-swap", "--driver", "remote",
         "--driver-opt", f"cacert={certs['ca']}", "--driver-opt", f"cert={certs['key']}",
         "--driver-opt", f"key={certs['cert']}", tcp],
        stdout="msg-create-swapped-tls.stdout",
        note="cert= names the client's key and key= its certificate", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "inspect", "--bootstrap", "msg-swap"],
        stderr="msg-bootstrap-swapped-tls.stderr",
        note="msg-swap: created with cert and key swapped (above)", expect=1,
    )  # fmt: skip
    r.must(["buildx", "rm", "msg-swap"])


def record_build_arg(r: Recorder, ctx: dict[str, Path]) -> None:
    """Item 11: --build-arg NAME without a value — buildx takes NAME's value from its own
    environment, and passes nothing when NAME is not set there (the ARG default applies)."""
    note = "$TMP/build-arg: " + FILES["build-arg"]["Dockerfile"].strip().replace("\n", ", ")
    args = build("--builder", "lab-container", "--build-arg", "MSG_ARG", str(ctx["build-arg"]))
    r.record(
        args, stderr="msg-build-arg-env-rawjson.stderr", note=note,
        env={"MSG_ARG": "from-the-environment"}, expect=0,
    )  # fmt: skip
    r.record(
        args, stderr="msg-build-arg-unset-rawjson.stderr",
        note=note + "; MSG_ARG not set in docker's environment", expect=0,
    )  # fmt: skip


def record_mirror(r: Recorder, ctx: dict[str, Path], info: dict[str, object]) -> None:
    """Item 11: what BuildKit does with a mirror's path — the lab registry's log says which
    URL it was asked for (quoted in the index)."""
    log = Path(str(info["lab_dir"])) / "logs" / "registry.log"
    r.must(["buildx", "create", "--name", "msg-mirror", "--driver", "docker-container",
            "--driver-opt", "network=host", "--buildkitd-config",
            str(r.tmp / "mirror-path.toml"), "--bootstrap"])  # fmt: skip
    seen = log.stat().st_size
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    args = build("--builder", "msg-mirror", str(ctx["hub"]))
    proc = r.run_raw(args)
    if proc.returncode != 1:
        raise SystemExit(f"{args}: exit {proc.returncode}, expected 1\n{proc.stderr}")
    with log.open("rb") as fh:
        fh.seek(seen)
        new = fh.read().decode("utf-8", "replace")
    asked = sorted({m for m in re.findall(r'uri="([^"]+)"', new) if "busybox" in m})
    r.save(
        args, proc, when, stderr="msg-build-mirror-path-rawjson.stderr",
        note="$TMP/hub: FROM busybox; msg-mirror: docker-container, network=host, buildkitd.toml "
        "mirrors docker.io to 127.0.0.1:5000/library (http); the lab registry was asked for "
        + (", ".join(f"`{a}`" for a in asked) or "nothing"),
    )  # fmt: skip
    r.must(["buildx", "rm", "msg-mirror"])


def main() -> int:
    info = lab()
    registry = str(info["registry"])
    with tempfile.TemporaryDirectory(prefix="msgrec-") as tmpdir:
        tmp = Path(tmpdir)
        ctx = contexts(tmp)
        r = Recorder(info, tmp)
        r.cleanup()
        try:
            record_platforms(r, ctx)
            record_loopback(r, ctx, registry)
            record_warnings(r, ctx)
            record_create(r, ctx, info)
            record_mirror(r, ctx, info)
            record_build_arg(r, ctx)
        finally:
            r.cleanup()
        write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_message_fixtures.py` (run it again to refresh; do not edit the\n"
    "files). Builders `msg-*`, removed afterwards; the lab's lab-container (docker-container,\n"
    "network=host) is only used. `$TMP` stands for the temporary folder holding the build\n"
    "contexts; the `hello-*` programs in them are static Go programs printing their OS/arch,\n"
    "cross-compiled there. The host has QEMU binfmt_misc handlers for every architecture\n"
    "QEMU supports (arm, mips64el, ... included); lab-container0 lists only those BuildKit\n"
    "probes.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
