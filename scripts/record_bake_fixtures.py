#!/usr/bin/env python3
"""Record the real buildx output the bake workspace's tests replay (tests/fixtures/local/bake-*,
call-*): `bake --print`, `--list`, `--call check|outline|targets`, bake runs with
`--progress rawjson --metadata-file` (success, one target failing, the entitlement refusal),
`--set`, `--var`, bad files, and `build --call=check|outline|targets[,format=json]`.

Runs against the e2e lab (`scripts/lab up` first). It writes a bake workspace (docker-bake.hcl
and Dockerfiles, `WORKSPACE` below) into a temporary folder (`$TMP` in the recordings and the
index), creates the builder `bake-c` (docker-container, host network, the lab's buildkitd.toml),
pushes to 127.0.0.1:5000/bake-*, and removes the builder at the end.
Rewrites its own section of tests/fixtures/local/INDEX.md (exact command, exit code, versions,
UTC time). Recordings are written verbatim (big ones gzipped): never edit them, run this again.

    .venv/bin/python scripts/record_bake_fixtures.py
"""

from __future__ import annotations

import gzip
import os
import shlex
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index

HEADING = "### Bake workspace (bake --print/--list/--call, runs; build --call), on the e2e lab"
BUILDER = "bake-c"
BUILDKITD_TOML = "/tmp/buildx-tui-lab/buildkitd.toml"
GZIP_OVER = 64 * 1024

BAKE_HCL = """\
variable "REGISTRY" {
  default = "127.0.0.1:5000"
  description = "Where the images are pushed"
}

variable "TAG" {
  default = "v1"
  description = "Tag of every image"
}

variable "REPLICAS" {
  type = number
  default = 2
  description = "A typed number passed to the app"
}

group "default" {
  description = "The app and its tool"
  targets = ["app", "tool"]
}

group "fails" {
  targets = ["tool", "broken"]
}

target "app" {
  description = "The app, for two platforms"
  context = "app"
  target = "app"
  platforms = ["linux/amd64", "linux/arm64"]
  args = {
    GREETING = "hello"
    REPLICAS = "${REPLICAS}"
  }
  tags = ["${REGISTRY}/bake-app:${TAG}"]
  output = ["type=image,push=true"]
}

target "tool" {
  description = "A tool sharing the app's base stage"
  context = "app"
  target = "tool"
  platforms = ["linux/amd64"]
  tags = ["${REGISTRY}/bake-tool:${TAG}"]
  output = ["type=image,push=true"]
}

target "variant" {
  name = "variant-${flavor}"
  matrix = {
    flavor = ["small", "big"]
  }
  context = "variant"
  args = {
    FLAVOR = flavor
  }
  platforms = ["linux/amd64"]
  tags = ["${REGISTRY}/bake-variant:${flavor}"]
  output = ["type=image,push=true"]
}

target "outside" {
  description = "Reads a folder outside the workspace"
  context = "../outside"
  platforms = ["linux/amd64"]
  output = ["type=cacheonly"]
}

target "broken" {
  context = "broken"
  platforms = ["linux/amd64"]
  output = ["type=cacheonly"]
}
"""

APP_DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest as base
RUN echo base > /base.txt

FROM base AS app
ARG GREETING=hi
ARG REPLICAS=1
RUN echo "$GREETING x$REPLICAS" > /app.txt

FROM base AS tool
RUN echo tool > /tool.txt
"""

VARIANT_DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest
ARG FLAVOR
RUN echo "$FLAVOR" > /flavor.txt
"""

BROKEN_DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest
RUN echo tool is fine
RUN echo about to fail && sleep 1 && exit 3
"""

OUTSIDE_DOCKERFILE = """\
FROM 127.0.0.1:5000/busybox:latest
COPY hello.txt /hello.txt
"""

INSIGHT_DOCKERFILE = """\
# BASE is the image every stage starts from
ARG BASE=127.0.0.1:5000/busybox:latest

FROM ${BASE} as deps
# VERSION of the tool to fetch
ARG VERSION=1.2.3
RUN echo "$VERSION" > /version

FROM deps AS test
# FAST skips the slow tests
ARG FAST
RUN echo test

FROM ${BASE} AS release
COPY --from=deps /version /version
ENTRYPOINT /bin/sh
"""

SYNTAX_ERROR_HCL = """\
target "app" {
  context = "."
  tags = ["a"
}
"""

MISSING_CONTEXT_HCL = """\
target "gone" {
  context = "no-such-folder"
}
"""

WORKSPACE = {
    "ws/docker-bake.hcl": BAKE_HCL,
    "ws/app/Dockerfile": APP_DOCKERFILE,
    "ws/variant/Dockerfile": VARIANT_DOCKERFILE,
    "ws/broken/Dockerfile": BROKEN_DOCKERFILE,
    "outside/Dockerfile": OUTSIDE_DOCKERFILE,
    "outside/hello.txt": "hello from outside\n",
    "insight/Dockerfile": INSIGHT_DOCKERFILE,
    "bad-syntax/docker-bake.hcl": SYNTAX_ERROR_HCL,
    "bad-context/docker-bake.hcl": MISSING_CONTEXT_HCL,
}

ALL_NAMES = ("app", "broken", "fails", "outside", "tool", "variant", "variant-big", "variant-small")
#: The workspace as the tests read it (the screen's tree and details; runs are recorded above).
COPY = OUT / "bake-workspace"

_FOREIGN = ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_BUILDER")


def write_workspace(tmp: Path, only: str = "") -> None:
    for rel, text in WORKSPACE.items():
        if not rel.startswith(only):
            continue
        path = tmp / rel.removeprefix(only)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


class Recorder:
    def __init__(self, info: dict[str, object], tmp: Path) -> None:
        self.docker = str(info["docker"])
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        self.env["DOCKER_HOST"] = str(info["docker_host"])
        self.env["DOCKER_CONFIG"] = str(info["docker_config"])
        self.rows: list[str] = []
        cli = self.run_raw(["version", "--format", "{{.Client.Version}}"]).stdout.strip()
        bx = self.run_raw(["buildx", "version"]).stdout.split()[1]
        self.versions = f"docker CLI {cli}, buildx {bx}, BuildKit v0.32.2"

    def run_raw(
        self, args: list[str], cwd: Path | None = None, timeout: float = 600
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.docker, *args],
            env=self.env,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def _write(self, name: str, text: str) -> str:
        text = text.replace(str(self.tmp), "$TMP")
        if len(text) > GZIP_OVER:
            name += ".gz"
            (OUT / name).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
        else:
            (OUT / name).write_text(text, encoding="utf-8")
        return name

    def record(
        self,
        args: list[str],
        *,
        cwd: str,
        stem: str,
        expect: int,
        note: str = "",
        metadata: str | None = None,
    ) -> None:
        """Run ``docker <args>`` in ``$TMP/<cwd>``; keep stdout and stderr as ``<stem>.stdout``
        / ``<stem>.stderr`` (an empty stream is not written: the index says so) and, with
        ``metadata``, the metadata file it names (``$TMP/<metadata>``) as
        ``<stem>.metadata.json``."""
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        proc = self.run_raw(args, cwd=self.tmp / cwd)
        if proc.returncode != expect:
            raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        command = f"(cd $TMP/{cwd} && " + shlex.join(["docker", *args]) + ")"
        command = command.replace(str(self.tmp), "$TMP")
        said = [note] if note else []
        files: list[tuple[str, str]] = []
        for name, text in (("stdout", proc.stdout), ("stderr", proc.stderr)):
            if text:
                files.append((self._write(f"{stem}.{name}", text), name))
            else:
                said.append(f"{name} was empty")
        if metadata is not None:
            meta = self.tmp / metadata
            if meta.exists():
                files.append((self._write(f"{stem}.metadata.json", meta.read_text()), "metadata"))
                meta.unlink()
            else:
                said.append("no metadata file was written")
        extra = f"   ({'; '.join(said)})" if said else ""
        for file, stream in files:
            self.rows.append(
                f"| {file} | {stream} | `{command}`{extra} | {proc.returncode} | "
                f"{self.versions} | {when} |"
            )


def bake(*args: str) -> list[str]:
    return ["buildx", "bake", "--builder", BUILDER, *args]


def build(*args: str) -> list[str]:
    return ["buildx", "build", "--builder", BUILDER, *args]


def record_all(r: Recorder) -> None:
    ws = "ws"
    # the builders, bake-c among them (the workspace's platform override offers its platforms)
    r.record(["buildx", "ls", "--format", "json"], cwd=ws, stem="bake-ls", expect=0)
    # the definition, as bake reads it
    r.record(bake("--print"), cwd=ws, stem="bake-print", expect=0)
    r.record(bake("--print", "app", "variant"), cwd=ws, stem="bake-print-targets", expect=0)
    # every name --list gives but `default` (the app asks for all of them to show each one;
    # bake then prints a `default` group of the names asked for: the app takes the real one
    # from the plain --print)
    r.record(bake("--print", *ALL_NAMES), cwd=ws, stem="bake-print-all", expect=0)
    r.record(
        bake("--print", "--set", "tool.platform=linux/arm64", "--set", "*.args.X=1"),
        cwd=ws,
        stem="bake-print-set",
        expect=0,
    )
    r.record(bake("--print", "--var", "REPLICAS=5"), cwd=ws, stem="bake-print-var", expect=0)
    # the platform override of the app: one --set per platform (bake accumulates them; one
    # comma-separated value stays one string in --print)
    r.record(
        bake("--print", "--set", "*.platform=linux/amd64", "--set", "*.platform=linux/arm64",
             "tool"),
        cwd=ws,
        stem="bake-print-platforms",
        expect=0,
    )  # fmt: skip
    r.record(bake("--list=type=targets,format=json"), cwd=ws, stem="bake-list-targets", expect=0)
    r.record(bake("--list=type=variables,format=json"), cwd=ws, stem="bake-list-vars", expect=0)
    # bad input: nothing runs
    r.record(bake("--print", "nosuch"), cwd=ws, stem="bake-bad-target", expect=1)
    r.record(bake("--print", "--var", "REPLICAS=many"), cwd=ws, stem="bake-bad-var-type", expect=1)
    r.record(bake("--print"), cwd="bad-syntax", stem="bake-bad-syntax", expect=1)
    r.record(
        bake("--progress", "rawjson", "gone"), cwd="bad-context", stem="bake-bad-context", expect=1
    )
    # checks before building
    # a check that finds something exits 1 (app/Dockerfile's `as base`: FromAsCasing)
    r.record(bake("--call", "check"), cwd=ws, stem="call-bake-check", expect=1)
    # as the app runs its check (core/bake/spec.py check_argv): plain progress, JSON result
    r.record(
        bake("--progress", "plain", "--call", "check,format=json", "default"),
        cwd=ws,
        stem="call-bake-check-json",
        expect=1,
    )
    r.record(
        bake("--progress", "plain", "--call", "check,format=json", "fails"),
        cwd=ws,
        stem="call-bake-check-fails-json",
        expect=1,
    )
    r.record(bake("--call", "check", "variant"), cwd=ws, stem="call-bake-check-clean", expect=0)
    r.record(
        bake("--call", "check,format=json", "variant"),
        cwd=ws,
        stem="call-bake-check-clean-json",
        expect=0,
    )
    # runs
    r.record(
        bake("--progress", "rawjson", "--metadata-file", str(r.tmp / "m.json")),
        cwd=ws,
        stem="bake-run-default",
        expect=0,
        metadata="m.json",
        note="the default group: app (2 platforms) and tool, sharing the base stage; pushed",
    )
    r.record(
        bake("--progress", "rawjson", "--metadata-file", str(r.tmp / "m.json"), "--var",
             "TAG=v2", "variant"),
        cwd=ws,
        stem="bake-run-matrix",
        expect=0,
        metadata="m.json",
        note="the matrix target: variant-small and variant-big; pushed",
    )  # fmt: skip
    r.record(
        bake("--progress", "rawjson", "--metadata-file", str(r.tmp / "m.json"), "--no-cache",
             "fails"),
        cwd=ws,
        stem="bake-run-fail",
        expect=1,
        metadata="m.json",
        note="tool and broken: broken's last RUN exits 3",
    )  # fmt: skip
    # buildx skips its entitlement check under --progress rawjson (commands/bake.go): the
    # run reads ../outside without --allow. A check (plain progress) is refused and says why.
    r.record(
        bake("--progress", "rawjson", "--metadata-file", str(r.tmp / "m.json"), "outside"),
        cwd=ws,
        stem="bake-run-outside-rawjson",
        expect=0,
        metadata="m.json",
        note="reads ../outside without --allow: rawjson skips the entitlement check",
    )
    r.record(
        bake("--progress", "plain", "--call", "check", "outside"),
        cwd=ws,
        stem="bake-check-outside-refused",
        expect=1,
        note="reads ../outside without --allow: refused",
    )
    r.record(
        bake("--progress", "plain", "--call", "check", "--allow", "fs.read=../outside", "outside"),
        cwd=ws,
        stem="bake-check-outside-allowed",
        expect=0,
    )
    r.record(
        bake("--progress", "rawjson", "--metadata-file", str(r.tmp / "m.json"), "--allow",
             "fs.read=../outside", "outside"),
        cwd=ws,
        stem="bake-run-outside-allowed",
        expect=0,
        metadata="m.json",
    )  # fmt: skip
    # build --call on a Dockerfile with documented ARGs and several stages
    for call, stem, code in (
        ("check", "call-build-check", 1),  # `as deps`: FromAsCasing
        ("check,format=json", "call-build-check-json", 1),
        ("outline", "call-build-outline", 0),
        ("outline,format=json", "call-build-outline-json", 0),
        ("targets", "call-build-targets", 0),
        ("targets,format=json", "call-build-targets-json", 0),
    ):
        r.record(build("--call", call, "."), cwd="insight", stem=stem, expect=code)


def main() -> int:
    info = lab()
    with tempfile.TemporaryDirectory(prefix="bakerec-") as tmpdir:
        tmp = Path(tmpdir)
        write_workspace(tmp)
        r = Recorder(info, tmp)
        r.run_raw(["buildx", "rm", BUILDER])
        made = r.run_raw(
            ["buildx", "create", "--name", BUILDER, "--driver", "docker-container",
             "--driver-opt", "network=host", "--platform", "linux/amd64,linux/arm64",
             "--buildkitd-config", BUILDKITD_TOML, "--bootstrap"]
        )  # fmt: skip
        if made.returncode != 0:
            raise SystemExit(f"cannot create {BUILDER}:\n{made.stderr}")
        try:
            record_all(r)
        finally:
            r.run_raw(["buildx", "rm", BUILDER])
    write_workspace(COPY, only="ws/")
    write_index(r.rows, HEADING, SECTION)
    return 0


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_bake_fixtures.py` (run it again to refresh; do not edit the\n"
    "files). `$TMP` stands for its temporary folder, holding the workspace the script writes\n"
    "(`ws/docker-bake.hcl` and Dockerfiles, `outside/`, `insight/Dockerfile`, `bad-*`). Builder\n"
    "`bake-c` (docker-container, network=host, the lab's buildkitd.toml), removed afterwards.\n"
    "`*.metadata.json` is the file `--metadata-file` named, read after the run.\n"
    "`bake-workspace/` is a copy of `$TMP/ws` (the files, not a recording) for the UI tests.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
