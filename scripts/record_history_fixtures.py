#!/usr/bin/env python3
"""Record the real `docker buildx history` output the Builds screens' tests replay
(tests/fixtures/local/history-*).

Runs against the e2e lab (`scripts/lab up` first). It creates its own builders, `builds-rec-c`
(docker-container, two platforms, the lab's buildkitd.toml) and `builds-rec-m` (docker-container,
two nodes: amd64 on the lab's dockerd, arm64 on it through a docker context), makes real builds
with the plain CLI (a two-platform push with --metadata-file, the same again cached, one failing
on arm64 only, one cancelled with SIGINT, one with a --secret and an --ssh id, one with build args
and a --target, a multi-node one), records what `history ls / inspect / inspect attachment /
export / rm` print, and the limits (the docker driver's Unimplemented, lab-dead's error and its
time, a missing ref, a stopped builder). Builders and images it made are removed at the end.
Secret and ssh values are in temporary files and the environment only, never in a recording.
`$TMP` stands for its temporary folder. Rewrites its own section of tests/fixtures/local/INDEX.md.
Recordings are written verbatim: never edit them by hand, run this again.

    .venv/bin/python scripts/record_history_fixtures.py
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from record_create_fixtures import OUT, lab, write_index

HEADING = "### Build history (buildx history ls, inspect, export, rm), recorded on the e2e lab"
C = "builds-rec-c"
M = "builds-rec-m"
CTX = "builds-rec-ctx"
_FOREIGN = ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "BUILDX_BUILDER")

APP = """\
FROM 127.0.0.1:5000/busybox:latest AS base
ARG TARGETARCH
RUN echo "building for $TARGETARCH" > /arch.txt
COPY hello.txt /hello.txt
RUN cat /hello.txt /arch.txt
"""
FAILING = """\
FROM 127.0.0.1:5000/busybox:latest
ARG TARGETARCH
RUN echo "step one on $TARGETARCH"
# only amd64 passes: arm64 fails here
RUN echo "checking $TARGETARCH" && test "$TARGETARCH" = amd64
RUN echo never reached
"""
SLOW = """\
FROM 127.0.0.1:5000/busybox:latest
RUN echo "sleeping" && sleep 60
"""
SECRETS = """\
FROM 127.0.0.1:5000/busybox:latest
RUN --mount=type=secret,id=token --mount=type=ssh,id=default \\
    test -s /run/secrets/token && test -S "$SSH_AUTH_SOCK" && echo "secret and ssh mounted"
"""
ARGS = """\
FROM 127.0.0.1:5000/busybox:latest AS base
ARG GREETING=hello
RUN echo "$GREETING" > /greeting

FROM base AS release
ARG LEVEL
RUN echo "level=$LEVEL" && cat /greeting

FROM base AS other
RUN echo other
"""


class Recorder:
    def __init__(self, info: dict[str, object], tmp: Path) -> None:
        self.info = info
        self.docker = str(info["docker"])
        self.tmp = tmp
        self.env = {k: v for k, v in os.environ.items() if k not in _FOREIGN}
        self.env["DOCKER_HOST"] = str(info["docker_host"])
        self.env["DOCKER_CONFIG"] = str(info["docker_config"])
        self.rows: list[str] = []
        cli = self.run_raw(["version", "--format", "{{.Client.Version}}"]).stdout.strip()
        bx = self.run_raw(["buildx", "version"]).stdout.split()[1]
        engine = self.run_raw(["version", "--format", "{{.Server.Version}}"]).stdout.strip()
        self.versions = f"docker CLI {cli}, buildx {bx}, BuildKit v0.32.2, dockerd {engine}"

    def run_raw(
        self, args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:  # fmt: skip
        return subprocess.run(
            [self.docker, *args],
            env={**self.env, **(env or {})},
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def _row(
        self, file: str, stream: str, args: list[str], note: str, code: int, when: str
    ) -> None:
        command = shlex.join(["docker", *args]).replace(str(self.tmp), "$TMP")
        extra = f"   ({note})" if note else ""
        self.rows.append(
            f"| {file} | {stream} | `{command}`{extra} | {code} | {self.versions} | {when} |"
        )

    def record(
        self,
        args: list[str],
        *,
        stdout: str | None = None,
        stderr: str | None = None,
        cwd: Path | None = None,
        note: str = "",
        expect: int,
    ) -> subprocess.CompletedProcess[str]:
        when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        start = time.monotonic()
        proc = self.run_raw(args, cwd=cwd)
        took = time.monotonic() - start
        if proc.returncode != expect:
            raise SystemExit(f"{args}: exit {proc.returncode}, expected {expect}\n{proc.stderr}")
        said = [note] if note else []
        said.append(f"took {took:.1f} s")
        for name, file, text in (("stdout", stdout, proc.stdout), ("stderr", stderr, proc.stderr)):
            if file is None:
                continue
            (OUT / file).write_text(text.replace(str(self.tmp), "$TMP"), encoding="utf-8")
            self._row(file, name, args, "; ".join(said), proc.returncode, when)
        return proc

    def build(self, ctx: Path, args: list[str], expect: int) -> subprocess.CompletedProcess[str]:
        proc = self.run_raw(["buildx", "build", "--builder", C, *args, "."], cwd=ctx)
        if proc.returncode != expect:
            raise SystemExit(f"build {args}: exit {proc.returncode}\n{proc.stderr[-3000:]}")
        return proc

    def newest_ref(self, builder: str) -> str:
        out = self.run_raw(["buildx", "history", "ls", "--builder", builder, "--format", "json"])
        records = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        records.sort(key=lambda r: str(r["created_at"]), reverse=True)
        return str(records[0]["ref"]).rsplit("/", 1)[-1]

    def cleanup(self) -> None:
        for name in (C, M):
            self.run_raw(["buildx", "rm", "--force", name])
        self.run_raw(["context", "rm", "-f", CTX])


def context(tmp: Path, name: str, dockerfile: str) -> Path:
    ctx = tmp / name
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(dockerfile, encoding="utf-8")
    (ctx / "hello.txt").write_text("hello from the history recorder\n", encoding="utf-8")
    return ctx


def main() -> int:
    info = lab()
    certs = info["certs"]
    assert isinstance(certs, dict)
    registry = str(info["registry"])
    with tempfile.TemporaryDirectory(prefix="historyrec-") as tmpdir:
        tmp = Path(tmpdir)
        r = Recorder(info, tmp)
        r.cleanup()
        try:
            record_all(r, tmp, registry, certs)
        finally:
            r.cleanup()
        write_index(r.rows, HEADING, SECTION)
    return 0


def record_all(r: Recorder, tmp: Path, registry: str, certs: dict[str, str]) -> None:
    lab_toml = str(Path(str(r.info["lab_dir"])) / "buildkitd.toml")
    r.record(
        ["buildx", "create", "--name", C, "--driver", "docker-container", "--driver-opt",
         "network=host", "--platform", "linux/amd64,linux/arm64", "--buildkitd-config", lab_toml,
         "--bootstrap"],
        stdout="history-create-c.stdout", expect=0,
    )  # fmt: skip
    app = context(tmp, "app", APP)
    # a git checkout with an origin (never contacted): what `history ls --local` matches on
    for git in (["init", "-q"], ["remote", "add", "origin", "https://git.example.invalid/app.git"]):
        subprocess.run(["git", "-C", str(app), *git], check=True)
    image = f"{registry}/builds-rec-app:1"
    # 1. a two-platform build pushed, with its metadata file; 2. the same again: cached
    r.build(app, ["--platform", "linux/amd64,linux/arm64", "-t", image, "--push",
                  "--metadata-file", str(tmp / "meta-push.json")], 0)  # fmt: skip
    push_ref = r.newest_ref(C)
    r.build(app, ["--platform", "linux/amd64,linux/arm64", "-t", image, "--push",
                  "--metadata-file", str(tmp / "meta-cached.json")], 0)  # fmt: skip
    cached_ref = r.newest_ref(C)
    for name in ("push", "cached"):
        text = (tmp / f"meta-{name}.json").read_text(encoding="utf-8")
        (OUT / f"history-meta-{name}.json").write_text(text, encoding="utf-8")
        r.rows.append(
            f"| history-meta-{name}.json | file | the --metadata-file `docker buildx build "
            f"--builder {C} --platform linux/amd64,linux/arm64 -t {image} --push --metadata-file "
            f"$TMP/meta-{name}.json .` wrote (context $TMP/app) | 0 | {r.versions} | "
            f"{datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')} |"
        )
    # 3. failing on arm64 only: no metadata file is written (checked)
    failing = context(tmp, "failing", FAILING)
    r.build(failing, ["--platform", "linux/amd64,linux/arm64",
                      "--metadata-file", str(tmp / "meta-failed.json")], 1)  # fmt: skip
    failed_written = (tmp / "meta-failed.json").exists()
    failed_ref = r.newest_ref(C)
    # 4. args and a named target
    args = context(tmp, "args", ARGS)
    r.build(args, ["--platform", "linux/amd64", "--target", "release", "--build-arg",
                   "GREETING=bonjour", "--build-arg", "LEVEL=3"], 0)  # fmt: skip
    args_ref = r.newest_ref(C)
    # 5. a secret and an ssh id: values in $TMP and the environment only
    secrets = context(tmp, "secrets", SECRETS)
    (tmp / "id_ed25519").unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp / "id_ed25519")],
                   check=True)  # fmt: skip
    proc = subprocess.run(
        [r.docker, "buildx", "build", "--builder", C, "--platform", "linux/amd64",
         "--provenance", "mode=max", "--secret", "id=token,env=BUILDS_REC_TOKEN",
         "--ssh", f"default={tmp / 'id_ed25519'}", "."],
        cwd=secrets, env={**r.env, "BUILDS_REC_TOKEN": "s3cr3t-value-never-recorded"},
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"secrets build failed:\n{proc.stderr[-3000:]}")
    secrets_ref = r.newest_ref(C)
    # 6. cancelled with SIGINT while running; history ls while it runs
    slow = context(tmp, "slow", SLOW)
    live = subprocess.Popen(
        [r.docker, "buildx", "build", "--builder", C, "--platform", "linux/amd64", "."],
        cwd=slow, env=r.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        out = r.run_raw(["buildx", "history", "ls", "--builder", C, "--format", "json"]).stdout
        if '"status":"Running"' in out:
            time.sleep(3)  # let the RUN step start
            break
        time.sleep(0.5)
    r.record(
        ["buildx", "history", "ls", "--builder", C, "--format", "json"],
        stdout="history-ls-running.json", note="while the slow build runs", expect=0,
    )  # fmt: skip
    cancelled_ref = r.newest_ref(C)
    r.record(
        ["buildx", "history", "inspect", "--builder", C, cancelled_ref, "--format", "json"],
        stdout="history-inspect-running.json", note="while it runs", expect=0,
    )  # fmt: skip
    live.send_signal(signal.SIGINT)
    live.communicate(timeout=60)
    time.sleep(1)
    # the list, its filters and --local
    r.record(
        ["buildx", "history", "ls", "--builder", C, "--format", "json"],
        stdout="history-ls-c.json", note="the six builds above", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", C, "--format", "json", "--filter", "status=error"],
        stdout="history-ls-c-filter-error.json", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", C, "--format", "json", "--filter", "duration>30s"],
        stdout="history-ls-c-filter-duration.json", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", C, "--format", "json", "--local"],
        stdout="history-ls-c-local-app.json", cwd=app,
        note="run in $TMP/app, a git checkout whose origin is https://git.example.invalid/app.git",
        expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", C, "--format", "json", "--local"],
        stderr="history-ls-c-local-nogit.stderr", cwd=failing,
        note="run in $TMP/failing, not a git checkout", expect=1,
    )  # fmt: skip
    for kind, ref in (("push", push_ref), ("cached", cached_ref), ("failed", failed_ref),
                      ("args", args_ref), ("secrets", secrets_ref),
                      ("cancelled", cancelled_ref)):  # fmt: skip
        r.record(
            ["buildx", "history", "inspect", "--builder", C, ref, "--format", "json"],
            stdout=f"history-inspect-{kind}.json", expect=0,
        )  # fmt: skip
    r.record(
        ["buildx", "history", "inspect", "--builder", C, failed_ref],
        stdout="history-inspect-failed.txt", note="the pretty format, for comparison", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "inspect", "attachment", "--builder", C, push_ref, "--type",
         "provenance", "--platform", "linux/arm64"],
        stdout="history-attachment-provenance.json", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "inspect", "attachment", "--builder", C, secrets_ref, "--type",
         "provenance"],
        stdout="history-attachment-secrets-provenance.json",
        note="mode=max provenance: the secret and ssh ids (inspect's JSON has no field for them)",
        expect=0,
    )  # fmt: skip
    # export: a valid archive? its listing is recorded, not the binary
    dest = tmp / "push.dockerbuild"
    r.record(
        ["buildx", "history", "export", "--builder", C, push_ref, "-o", str(dest)],
        stdout="history-export.stdout", stderr="history-export.stderr", expect=0,
    )  # fmt: skip
    with tarfile.open(dest) as tar:
        listing = [f"{m.name}\t{m.size}" for m in tar.getmembers()]
    (OUT / "history-export-listing.txt").write_text("\n".join(listing) + "\n", encoding="utf-8")
    r.rows.append(
        f"| history-export-listing.txt | file | members and sizes of $TMP/push.dockerbuild (the "
        f"export above) read with Python's tarfile ({dest.stat().st_size} bytes) | 0 | "
        f"{r.versions} | {datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')} |"
    )
    # limits: a missing ref, the docker driver, an unreachable node, a stopped builder
    r.record(
        ["buildx", "history", "inspect", "--builder", C, "nosuchref0000000000000000", "--format",
         "json"],
        stderr="history-inspect-missing.stderr", expect=1,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", "default", "--format", "json"],
        stderr="history-ls-default.stderr", note="dockerd 20.10's embedded BuildKit", expect=1,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", "lab-dead", "--format", "json"],
        stdout="history-ls-dead.stdout", stderr="history-ls-dead.stderr",
        note="nothing listens on tcp://127.0.0.1:1299", expect=1,
    )  # fmt: skip
    # delete one record: the args build's
    r.record(
        ["buildx", "history", "rm", "--builder", C, args_ref],
        stdout="history-rm.stdout", stderr="history-rm.stderr", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "rm", "--builder", C, args_ref],
        stdout="history-rm-missing.stdout", stderr="history-rm-missing.stderr",
        note="the same ref again: buildx says nothing and exits 0", expect=0,
    )  # fmt: skip
    r.record(["buildx", "stop", C], stdout="history-stop.stdout", expect=0)
    r.record(
        ["buildx", "ls", "--format", "json"], stdout="history-buildx-ls-stopped.json",
        note=f"after `buildx stop {C}`", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "history", "ls", "--builder", C, "--format", "json"],
        stdout="history-ls-stopped.json", stderr="history-ls-stopped.stderr",
        note="on the stopped builder", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "ls", "--format", "json"], stdout="history-buildx-ls-after.json",
        note="after `history ls` on the stopped builder: started again?", expect=0,
    )  # fmt: skip
    # multi-node: two docker-container nodes (two BuildKit containers) on the lab's dockerd,
    # the second reached through a docker context (`builds-rec-ctx`, removed at the end) since
    # buildx refuses the same endpoint twice; one platform each
    subprocess.run([r.docker, "context", "rm", "-f", CTX], env=r.env, capture_output=True)
    subprocess.run([r.docker, "context", "create", CTX, "--docker",
                    f"host={r.info['docker_host']}"], env=r.env, capture_output=True,
                   check=True)  # fmt: skip
    node_opts = ["--driver", "docker-container", "--driver-opt", "network=host",
                 "--buildkitd-config", lab_toml]  # fmt: skip
    r.record(
        ["buildx", "create", "--name", M, "--node", f"{M}-amd", *node_opts,
         "--platform", "linux/amd64"],
        stdout="history-create-m.stdout", expect=0,
    )  # fmt: skip
    r.record(
        ["buildx", "create", "--append", "--name", M, "--node", f"{M}-arm", *node_opts,
         "--platform", "linux/arm64", CTX],
        stdout="history-create-m-append.stdout", expect=0,
    )  # fmt: skip
    proc = r.run_raw(["buildx", "build", "--builder", M, "--platform", "linux/amd64,linux/arm64",
                      "--metadata-file", str(tmp / "meta-multi.json"), "."], cwd=app)  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"multi-node build failed:\n{proc.stderr[-3000:]}")
    (OUT / "history-meta-multi.json").write_text(
        (tmp / "meta-multi.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    r.rows.append(
        f"| history-meta-multi.json | file | the --metadata-file `docker buildx build "
        f"--builder {M} --platform linux/amd64,linux/arm64 --metadata-file $TMP/meta-multi.json "
        f".` wrote "
        f"(context $TMP/app) | 0 | {r.versions} | "
        f"{datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')} |"
    )
    ls = r.record(
        ["buildx", "history", "ls", "--builder", M, "--format", "json"],
        stdout="history-ls-multinode.json", note="one record per node, the same id", expect=0,
    )  # fmt: skip
    multi = json.loads(ls.stdout.splitlines()[0])["ref"]
    multi_id = str(multi).rsplit("/", 1)[-1]
    r.record(
        ["buildx", "history", "inspect", "--builder", M, multi_id, "--format", "json"],
        stdout="history-inspect-multinode.json", note="the id both records share", expect=0,
    )  # fmt: skip
    arm = next(json.loads(x)["ref"] for x in ls.stdout.splitlines() if f"{M}-arm/" in x)
    r.record(
        ["buildx", "history", "inspect", "--builder", M, str(arm).split("/", 1)[1], "--format",
         "json"],
        stderr="history-inspect-multinode-node.stderr", note="node/id of the arm64 record",
        expect=1,
    )  # fmt: skip
    note = "failing build: --metadata-file written" if failed_written else "not written"
    print(f"{note}; refs: {push_ref} {cached_ref} {failed_ref} {args_ref} {secrets_ref} "
          f"{cancelled_ref}")  # fmt: skip
    r.run_raw(["buildx", "imagetools", "inspect", image])


SECTION = (
    f"\n{HEADING}\n\n"
    "Written by `scripts/record_history_fixtures.py` (run it again to refresh; do not edit the\n"
    f"files). Builders `{C}` (docker-container, linux/amd64+arm64, the lab's buildkitd.toml) and\n"
    f"`{M}` (docker-container, node `{M}-amd` linux/amd64 on the lab's dockerd, node `{M}-arm`\n"
    f"linux/arm64 on the same dockerd through the docker context `{CTX}`), removed afterwards.\n"
    "Builds ran in `$TMP/<name>` (its temporary folder), in this order: app (pushed,\n"
    "--metadata-file), app again (cached), failing (arm64 fails), args (--target release, two\n"
    "--build-arg), secrets (--provenance mode=max, --secret id=token,env=… and --ssh\n"
    "default=KEY; values never recorded), slow (SIGINT while its RUN sleeps), then app on the\n"
    "multi-node builder.\n\n"
)


if __name__ == "__main__":
    sys.exit(main())
