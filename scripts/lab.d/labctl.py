"""buildx-tui end-to-end lab: a private dockerd + buildx + BuildKit + registry + QEMU + sshd, on
this host.

Usage:
    scripts/lab up            install what is missing, start what is not running (idempotent)
    scripts/lab down [--purge] stop exactly what `up` started; --purge also deletes the lab dir
    scripts/lab status        say what is up; exit 0 only when everything is
    scripts/lab env [--json]  shell exports (eval "$(scripts/lab env)") or one JSON object
    scripts/lab engine-stop   stop only the lab dockerd (for "docker unreachable" tests)
    scripts/lab engine-start  start the lab dockerd again (and re-bootstrap lab-container)

Settings (read by `up`, then remembered in <lab>/lab.json):
    BUILDX_TUI_LAB_DIR            lab directory (default /tmp/buildx-tui-lab; keep it short:
                                  unix socket paths are limited to 107 bytes)
    BUILDX_TUI_LAB_REGISTRY_PORT  registry port on 127.0.0.1 (default 5000)
    BUILDX_TUI_LAB_BUILDKITD_PORT host buildkitd mutual-TLS port on 127.0.0.1 (default 1234)
    BUILDX_TUI_LAB_DEAD_PORT      port of the lab-dead builder, where nothing listens (default 1299)
    BUILDX_TUI_LAB_SSH_PORT       port of the lab sshd on 127.0.0.1 and 127.0.0.2 (default 2222)
    XDG_CACHE_HOME                buildx/BuildKit binaries are built once into
                                  ${XDG_CACHE_HOME:-~/.cache}/buildx-tui/lab-bin/<name>-<version>/

Everything the lab runs lives under the lab dir:
    lab.json  builders.json   settings `up` used; create arguments of the lab builders
    docker.sock containerd.sock buildkitd.sock
    daemon.json docker/ containerd/   dockerd (own data-root, key) and containerd config/state
    docker-config/            DOCKER_CONFIG: cli-plugins/docker-buildx, buildx/ (builders)
    bin/runc-capfilter        dockerd's default runtime (see runc-capfilter.py: capability trap)
    registry/                 config.yml, data/ (busybox, moby/buildkit, whatever tests push)
    buildkitd/ buildkitd.toml host buildkitd root; registry config of every lab builder
    certs/                    ca.pem, server-*.pem, client-cert.pem, client-key.pem (0600)
    ssh/                      the lab sshd: sshd_config, host key, authorized_keys (the client
                              key, `restrict`ed); the client side: id_ed25519, known_hosts,
                              ssh_config, and bin/ssh, a wrapper that runs /usr/bin/ssh with
                              -F ssh/ssh_config. `env` puts ssh/bin first on PATH, so the docker
                              CLI's ssh:// helper finds it: ssh://root@127.0.0.1:PORT (and
                              127.0.0.2, a second "host") reaches the lab dockerd (the sshd sets
                              DOCKER_HOST and DOCKER_CONFIG for its sessions). ~/.ssh is never used.
    logs/<daemon>.log         containerd, dockerd, registry, buildkitd, sshd, runc-capfilter, apt,
                              go-build-*, lab-commands (every docker/buildx command `up` ran)
    run/<daemon>.pid          PID files; run/docker is dockerd's exec-root
                              run/sshd.config-sha1: the sshd_config the running sshd read
Outside it, `up` only installs Debian packages, registers the qemu binfmt handlers, creates one
network bridge for the lab dockerd (removed again by `down`) and /run/sshd (sshd's privilege
separation directory, which sshd insists on). It never touches ~/.docker, ~/.ssh, a system dockerd
or a system sshd. Python 3 stdlib only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

BUILDX_VERSION = "v0.36.1"
# Commit of the v0.36.1 tag, as `docker buildx version` printed it in the reference lab
# (shared/fixtures/buildx/version.txt); `go install` cannot stamp it by itself.
BUILDX_REVISION = "1d8dde89b8aba914e05e45366770736fea1fd690"
BUILDKIT_VERSION = "v0.32.2"
BUILDKIT_IMAGE = "moby/buildkit:buildx-stable-1"
BUILDKIT_LABEL = "org.buildx-tui.lab.buildkit-version"

APT_PACKAGES = [
    "docker.io",  # dockerd, containerd, runc (the CLI in /usr/local/bin may be newer; either works)
    "docker-registry",
    "qemu-user-static",
    "binfmt-support",
    "openssl",
    "skopeo",
    "busybox-static",
    "iproute2",
    "openssh-server",  # the lab sshd (ssh:// endpoints); its system service is never started
    "openssh-client",
]
# The lab's images are made for these two platforms; the one that is not the host's runs under QEMU.
IMAGE_ARCHES = ("amd64", "arm64")
BINFMT_HANDLERS = {"amd64": ["qemu-aarch64", "qemu-arm"], "arm64": ["qemu-x86_64"]}

# (pid file name, argv[0] basename) of the daemons `up` starts, in the order `down` stops them
DAEMONS_STOP_ORDER = (
    ("sshd", "sshd"),
    ("dockerd", "dockerd"),
    ("containerd", "containerd"),
    ("buildkitd", "buildkitd"),
    ("registry", "docker-registry"),
)

BUILDER_CONTAINER = "lab-container"
BUILDER_REMOTE = "lab-remote"
BUILDER_DEAD = "lab-dead"

LAB_D = Path(__file__).resolve().parent  # scripts/lab.d: this file, Dockerfiles, the runc wrapper

# Variables that would point the docker CLI somewhere else than the lab engine.
FOREIGN_DOCKER_ENV = (
    "DOCKER_CONTEXT",
    "DOCKER_TLS_VERIFY",
    "DOCKER_CERT_PATH",
    "DOCKER_TLS",
    "BUILDX_BUILDER",
    "BUILDKIT_HOST",
)


class LabError(Exception):
    def __init__(self, message: str, log: Path | None = None) -> None:
        super().__init__(message)
        self.log = log


def say(msg: str) -> None:
    print(f"lab: {msg}", flush=True)


def tail(path: Path | None, lines: int = 25) -> str:
    if not path or not path.exists():
        return ""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        f.seek(max(0, f.tell() - 16384))
        text = f.read().decode("utf-8", "replace")
    return "\n".join(text.splitlines()[-lines:])


# --------------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    lab_dir: str
    registry_port: int
    buildkitd_port: int
    dead_port: int
    docker: str
    ssh_port: int = 2222

    @staticmethod
    def from_environ(base: Settings | None = None) -> Settings:
        """Defaults, or `base` (what lab.json remembers), overridden by the variables set."""

        def port(var: str, default: int) -> int:
            return int(os.environ.get(var) or default)

        lab_dir = os.path.abspath(os.environ.get("BUILDX_TUI_LAB_DIR") or "/tmp/buildx-tui-lab")
        return Settings(
            lab_dir=lab_dir,
            registry_port=port(
                "BUILDX_TUI_LAB_REGISTRY_PORT", base.registry_port if base else 5000
            ),
            buildkitd_port=port(
                "BUILDX_TUI_LAB_BUILDKITD_PORT", base.buildkitd_port if base else 1234
            ),
            dead_port=port("BUILDX_TUI_LAB_DEAD_PORT", base.dead_port if base else 1299),
            docker=shutil.which("docker") or "",
            ssh_port=port("BUILDX_TUI_LAB_SSH_PORT", base.ssh_port if base else 2222),
        )


class Lab:
    """Paths and settings of one lab directory."""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        d = Path(settings.lab_dir)
        self.dir = d
        self.state_file = d / "lab.json"
        self.logs = d / "logs"
        self.run_dir = d / "run"
        self.bin = d / "bin"
        self.docker_sock = d / "docker.sock"
        self.containerd_sock = d / "containerd.sock"
        self.buildkitd_sock = d / "buildkitd.sock"
        self.docker_config = d / "docker-config"
        self.certs = d / "certs"
        self.buildkitd_toml = d / "buildkitd.toml"
        self.capfilter = self.bin / "runc-capfilter"
        self.ssh_dir = d / "ssh"
        self.ssh_bin = self.ssh_dir / "bin"  # only the `ssh` wrapper: `env` puts it on PATH
        self.sshd_config = self.ssh_dir / "sshd_config"
        self.ssh_config = self.ssh_dir / "ssh_config"
        # Two loopback "hosts" on one sshd: a builder may not have two nodes on one endpoint.
        self.ssh_hosts = ("127.0.0.1", "127.0.0.2")
        self.ssh_endpoints = tuple(f"ssh://root@{h}:{settings.ssh_port}" for h in self.ssh_hosts)
        self.registry = f"127.0.0.1:{settings.registry_port}"
        self.buildkitd_tcp = f"tcp://127.0.0.1:{settings.buildkitd_port}"
        digest = hashlib.sha1(str(d).encode()).hexdigest()
        self.bridge = f"bxtui{digest[:6]}"
        self.bridge_cidr = f"172.30.{20 + int(digest[6:10], 16) % 200}.1/24"

    @staticmethod
    def load() -> Lab:
        """The lab as `up` configured it (lab.json), else as the environment says."""
        env = Settings.from_environ()
        state = Path(env.lab_dir) / "lab.json"
        if state.exists():
            with contextlib.suppress(OSError, ValueError, TypeError):
                data = json.loads(state.read_text())
                return Lab(Settings(**{**asdict(env), **data.get("settings", {})}))
        return Lab(env)

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    def pidfile(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    @property
    def cert(self) -> dict[str, str]:
        return {
            "ca": str(self.certs / "ca.pem"),
            "cert": str(self.certs / "client-cert.pem"),
            "key": str(self.certs / "client-key.pem"),
        }

    def docker_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in FOREIGN_DOCKER_ENV}
        env["DOCKER_HOST"] = f"unix://{self.docker_sock}"
        env["DOCKER_CONFIG"] = str(self.docker_config)
        # the lab's `ssh` wrapper first: ssh:// endpoints use the lab key and known_hosts
        env["PATH"] = os.pathsep.join([str(self.ssh_bin), env.get("PATH") or os.defpath])
        return env

    def env_json(self) -> dict[str, object]:
        return {
            "lab_dir": str(self.dir),
            "docker": self.s.docker,
            "docker_host": f"unix://{self.docker_sock}",
            "docker_config": str(self.docker_config),
            "registry": self.registry,
            "buildkitd_tcp": self.buildkitd_tcp,
            "buildkitd_unix": f"unix://{self.buildkitd_sock}",
            "certs": self.cert,
            "ssh_endpoints": list(self.ssh_endpoints),
            "path_prepend": str(self.ssh_bin),
            "builders": {
                "container": BUILDER_CONTAINER,
                "remote": BUILDER_REMOTE,
                "dead": BUILDER_DEAD,
            },
        }


# ------------------------------------------------------------------------------------- utilities


def run(
    argv: list[str],
    *,
    log: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | str | None = None,
    timeout: float = 600,
    check: bool = True,
    what: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run argv; append command and output to `log`; raise LabError (with the log) on failure."""
    try:
        proc = subprocess.run(
            argv,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except FileNotFoundError as exc:
        raise LabError(f"{what or argv[0]}: {exc}", log) from None
    except subprocess.TimeoutExpired:
        raise LabError(f"{what or ' '.join(argv)}: timed out after {timeout:.0f}s", log) from None
    if log:
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a") as f:
            f.write(f"\n$ {' '.join(argv)}   # exit {proc.returncode}\n{proc.stdout}{proc.stderr}")
    if check and proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
        raise LabError(
            f"{what or ' '.join(argv)} failed (exit {proc.returncode}):\n  " + "\n  ".join(detail),
            log,
        )
    return proc


def read_pid(pidfile: Path) -> int | None:
    try:
        return int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def pid_alive(pid: int | None, expect: str) -> bool:
    """True when pid runs and its argv[0] ends with `expect` (guards against PID reuse); also a
    process that rewrote its title as `expect: ...` (sshd's listener does)."""
    if not pid:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        argv0 = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
    except OSError:
        return False
    if stat.rsplit(")", 1)[1].split()[0] in ("Z", "X"):
        return False
    return os.path.basename(argv0) == expect or argv0.startswith(f"{expect}: ")


def running(lab: Lab, name: str, expect: str) -> int | None:
    pid = read_pid(lab.pidfile(name))
    return pid if pid_alive(pid, expect) else None


def spawn(
    lab: Lab, name: str, argv: list[str], *, write_pid: bool = True
) -> subprocess.Popen[bytes]:
    """Start a daemon in its own session, output appended to <lab>/logs/<name>.log."""
    log = lab.log(name)
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as f:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        f.write(f"\n==== {stamp} lab up: {' '.join(argv)}\n".encode())
        f.flush()
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=f,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=str(lab.dir),
        )
    if write_pid:
        lab.pidfile(name).write_text(f"{proc.pid}\n")
    return proc


def wait_ready(name: str, proc: subprocess.Popen[bytes], ready, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if proc.poll() is not None:
            raise LabError(f"{name} exited with status {proc.returncode} while starting", log)
        time.sleep(0.2)
    raise LabError(f"{name} did not become ready within {timeout:.0f}s", log)


def stop_pid(name: str, pid: int | None, expect: str, timeout: float = 60) -> bool:
    """SIGTERM, wait, then SIGKILL. Returns True if something was stopped."""
    if not pid_alive(pid, expect):
        return False
    assert pid is not None
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid, expect):
            return True
        time.sleep(0.2)
    say(f"{name} (pid {pid}) ignored SIGTERM for {timeout:.0f}s: sending SIGKILL")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    return True


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def unix_listening(path: Path) -> bool:
    if not path.exists():
        return False
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(0.5)
        return s.connect_ex(str(path)) == 0


class _UnixHTTP(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


def docker_ping(lab: Lab) -> bool:
    if not lab.docker_sock.exists():
        return False
    conn = _UnixHTTP(str(lab.docker_sock), timeout=2)
    try:
        conn.request("GET", "/_ping")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def http_get(url: str, headers: dict[str, str] | None = None, timeout: float = 3):
    """(status, body) of a GET; status 0 when nothing answers."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (OSError, urllib.error.URLError):
        return 0, b""


INDEX_ACCEPT = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)


def registry_platforms(lab: Lab, repo: str, tag: str) -> set[str]:
    """Platforms of an image index in the lab registry (empty if absent or not an index)."""
    status, body = http_get(
        f"http://{lab.registry}/v2/{repo}/manifests/{tag}", {"Accept": INDEX_ACCEPT}
    )
    if status != 200:
        return set()
    try:
        doc = json.loads(body)
    except ValueError:
        return set()
    plats = set()
    for m in doc.get("manifests", []):
        p = m.get("platform", {})
        if p.get("os") and p.get("os") != "unknown":
            plats.add(f"{p['os']}/{p['architecture']}")
    return plats


def registry_has(lab: Lab, repo: str, tag: str) -> bool:
    status, _ = http_get(
        f"http://{lab.registry}/v2/{repo}/manifests/{tag}", {"Accept": INDEX_ACCEPT}
    )
    return status == 200


def host_arch() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "buildx-tui" / "lab-bin"


def docker(lab: Lab, *args: str, what: str | None = None, timeout: float = 600, check=True):
    return run(
        [lab.s.docker, *args],
        env=lab.docker_env(),
        log=lab.log("lab-commands"),
        what=what,
        timeout=timeout,
        check=check,
    )


# ------------------------------------------------------------------------------------- packages


def dpkg_installed(pkg: str) -> bool:
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", pkg], capture_output=True, text=True)
    return proc.returncode == 0 and proc.stdout.strip() == "install ok installed"


@contextlib.contextmanager
def no_service_starts():
    """Keep the packages' maintainer scripts from starting system services (dockerd, containerd,
    registry on :5000) while installing: the lab runs its own. Uses Debian's policy-rc.d hook;
    an existing policy-rc.d is left alone, one we add is removed again."""
    path = Path("/usr/sbin/policy-rc.d")
    if path.exists():
        yield
        return
    path.write_text("#!/bin/sh\n# temporary, by buildx-tui scripts/lab\nexit 101\n")
    path.chmod(0o755)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


def apt_env() -> dict[str, str]:
    return {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def ensure_packages(lab: Lab) -> None:
    missing = [p for p in APT_PACKAGES if not dpkg_installed(p)]
    if not missing:
        return
    log = lab.log("apt")
    say(f"installing Debian packages: {' '.join(missing)} (log {log})")
    run(["apt-get", "update"], log=log, env=apt_env(), what="apt-get update")
    with no_service_starts():
        run(
            ["apt-get", "install", "-y", "--no-install-recommends", *missing],
            log=log,
            env=apt_env(),
            what="apt-get install",
            timeout=1800,
        )


def foreign_busybox(lab: Lab, arch: str) -> Path:
    """Debian's busybox-static for another architecture, downloaded and unpacked (not installed)."""
    dest = cache_root() / f"busybox-static-{arch}" / "busybox"
    if dest.exists():
        return dest
    log = lab.log("apt")
    say(f"fetching busybox-static:{arch} (log {log})")
    foreign = run(["dpkg", "--print-foreign-architectures"], log=log).stdout.split()
    if arch not in foreign:
        run(["dpkg", "--add-architecture", arch], log=log)
        run(["apt-get", "update"], log=log, env=apt_env(), what="apt-get update")
    with tempfile.TemporaryDirectory(prefix="bxtui-bb-") as tmp:
        os.chmod(tmp, 0o755)
        dl = ["apt-get", "download", f"busybox-static:{arch}"]
        if run(dl, log=log, cwd=tmp, env=apt_env(), check=False).returncode != 0:
            run(["apt-get", "update"], log=log, env=apt_env(), what="apt-get update")
            run(dl, log=log, cwd=tmp, env=apt_env(), what=" ".join(dl))
        deb = next(Path(tmp).glob("busybox-static_*.deb"))
        run(["dpkg-deb", "-x", str(deb), f"{tmp}/root"], log=log)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f"{tmp}/root/bin/busybox", dest)
        (dest.parent / "deb").write_text(deb.name + "\n")
    return dest


# ----------------------------------------------------------------------------------- go binaries


def go_binary() -> str:
    go = shutil.which("go") or "/usr/local/go/bin/go"
    if not os.access(go, os.X_OK):
        raise LabError(
            "Go is needed to build buildx and BuildKit (no `go` on PATH or /usr/local/go)"
        )
    return go


def _version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def go_env(go: str, module: str, log: Path) -> tuple[dict[str, str], Path]:
    """Environment for a static build of `module` (path@version) and the module's source dir.
    GOTOOLCHAIN=local unless the module's go.mod demands a newer Go than the one installed."""
    base = {**os.environ, "CGO_ENABLED": "0"}
    base["GOFLAGS"] = (base.get("GOFLAGS", "") + " -mod=mod").strip()
    info = json.loads(
        run(
            [go, "mod", "download", "-json", module],
            env={**base, "GOTOOLCHAIN": "local"},
            log=log,
            cwd="/",
            timeout=1800,
            what=f"go mod download {module}",
        ).stdout
    )
    needed = re.search(r"^go\s+(\S+)", Path(info["GoMod"]).read_text(), re.M)
    have = run([go, "env", "GOVERSION"], env={**base, "GOTOOLCHAIN": "local"}).stdout.strip()
    newer = needed and _version_tuple(needed.group(1)) > _version_tuple(have)
    base["GOTOOLCHAIN"] = f"go{needed.group(1)}" if newer else "local"
    return base, Path(info["Dir"])


def build_buildx(go: str, out: Path, log: Path) -> tuple[list[str], dict[str, str], str]:
    module = f"github.com/docker/buildx/cmd/buildx@{BUILDX_VERSION}"
    env, _ = go_env(go, f"github.com/docker/buildx@{BUILDX_VERSION}", log)
    env["GOBIN"] = str(out)
    pkg = "github.com/docker/buildx"
    ldflags = f"-s -w -X {pkg}/version.Version={BUILDX_VERSION}"
    ldflags += f" -X {pkg}/version.Revision={BUILDX_REVISION}"
    return [go, "install", "-trimpath", "-ldflags", ldflags, module], env, "/"


def build_buildkit(go: str, out: Path, log: Path) -> tuple[list[str], dict[str, str], str]:
    # `go install github.com/moby/buildkit/cmd/buildkitd@v0.32.2` is refused: BuildKit's go.mod has
    # `exclude` directives, which `go install pkg@version` does not allow. So build it as the main
    # module from a writable copy of its source from the module cache (same go.mod/go.sum).
    env, src = go_env(go, f"github.com/moby/buildkit@{BUILDKIT_VERSION}", log)
    work = out / "src"
    shutil.copytree(src, work)
    for root, dirs, files in os.walk(work):
        for n in dirs + files:
            os.chmod(os.path.join(root, n), 0o755 if n in dirs else 0o644)
    pkg = "github.com/moby/buildkit"
    ldflags = f"-s -w -X {pkg}/version.Version={BUILDKIT_VERSION} -X {pkg}/version.Package={pkg}"
    argv = [go, "build", "-trimpath", "-ldflags", ldflags, "-o", str(out) + "/"]
    return [*argv, "./cmd/buildkitd", "./cmd/buildctl"], env, str(work)


TOOLS = {
    # name: (version, files, builder)
    "buildx": (BUILDX_VERSION, ["buildx"], build_buildx),
    "buildkit": (BUILDKIT_VERSION, ["buildkitd", "buildctl"], build_buildkit),
}


def tool_dir(name: str) -> Path:
    return cache_root() / f"{name}-{TOOLS[name][0]}"


def ensure_binaries(lab: Lab) -> dict[str, Path]:
    """Build buildx and BuildKit from source once per version (CGO_ENABLED=0), cached."""
    paths = {f: tool_dir(name) / f for name, (_, files, _) in TOOLS.items() for f in files}
    todo = [
        n
        for n, (_, files, _) in TOOLS.items()
        if not all((tool_dir(n) / f).exists() for f in files)
    ]
    if not todo:
        return paths
    go = go_binary()
    mem_gib = 0.0
    with contextlib.suppress(OSError, ValueError, StopIteration):
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        line = next(x for x in meminfo if x.startswith("MemAvailable:"))
        mem_gib = int(line.split()[1]) / 2**20
    parallel = mem_gib >= 6
    say(
        "building from source (cold cache, ~5 min each on 2 cores, "
        + ("in parallel" if parallel else f"one at a time: only {mem_gib:.1f} GiB free")
        + "): "
        + ", ".join(f"{n} {TOOLS[n][0]}" for n in todo)
    )
    pending = list(todo)
    active: dict[str, tuple[subprocess.Popen[bytes], Path, float]] = {}
    last_note = time.monotonic()
    while pending or active:
        while pending and (parallel or not active):
            name = pending.pop(0)
            log = lab.log(f"go-build-{name}")
            log.write_text("")
            tmp = cache_root() / f".{tool_dir(name).name}.tmp{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
            argv, env, cwd = TOOLS[name][2](go, tmp, log)
            with open(log, "ab") as f:
                f.write(f"$ {' '.join(argv)}  (cwd {cwd})\n".encode())
                proc = subprocess.Popen(
                    argv,
                    env=env,
                    cwd=cwd,
                    stdout=f,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            active[name] = (proc, tmp, time.monotonic())
        time.sleep(2)
        for name, (proc, tmp, started) in list(active.items()):
            if proc.poll() is None:
                continue
            del active[name]
            log = lab.log(f"go-build-{name}")
            if proc.returncode != 0:
                for p, t, _ in active.values():
                    p.kill()
                    shutil.rmtree(t, ignore_errors=True)
                shutil.rmtree(tmp, ignore_errors=True)
                raise LabError(f"building {name} {TOOLS[name][0]} failed", log)
            final = tool_dir(name)
            shutil.rmtree(tmp / "src", ignore_errors=True)
            if name == "buildx":
                (tmp / "buildx").rename(tmp / "docker-buildx")
                (tmp / "buildx").symlink_to("docker-buildx")
            shutil.rmtree(final, ignore_errors=True)
            tmp.rename(final)
            say(f"built {name} {TOOLS[name][0]} in {time.monotonic() - started:.0f}s -> {final}")
        if active and time.monotonic() - last_note >= 30:
            last_note = time.monotonic()
            say(
                "still building: "
                + ", ".join(f"{n} ({time.monotonic() - a[2]:.0f}s)" for n, a in active.items())
            )
    return paths


# ---------------------------------------------------------------------------------------- binfmt


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def ensure_binfmt(lab: Lab) -> None:
    root = Path("/proc/sys/fs/binfmt_misc")
    if not (root / "register").exists():
        run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(root)], what="mount binfmt_misc")
    # Every qemu handler Debian ships (as the reference lab had: `buildx ls` then lists riscv64,
    # ppc64le, s390x, ... as well); only the ones for the lab's own platforms are checked.
    shipped = sorted(p.name for p in Path("/usr/share/binfmts").glob("qemu-*"))
    todo = [h for h in shipped if "enabled" not in _read(root / h)]
    if todo:
        say(f"registering binfmt handlers: {' '.join(todo)}")
    for handler in todo:
        run(["update-binfmts", "--enable", handler], log=lab.log("lab-commands"), check=False)
    for handler in BINFMT_HANDLERS.get(host_arch(), []):
        entry = root / handler
        text = _read(entry)
        flags = re.search(r"^flags:\s*(\S*)", text, re.M)
        if "enabled" not in text or not flags or "F" not in flags.group(1):
            raise LabError(
                f"binfmt handler {handler} is not enabled with the F flag "
                f"(see {entry}); emulated builds would fail with 'exec format error'"
            )


# ------------------------------------------------------------------------------ configs and certs


def write_if_changed(path: Path, text: str, mode: int | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    if mode is not None:
        path.chmod(mode)


def write_configs(lab: Lab, bins: dict[str, Path]) -> None:
    for d in (lab.logs, lab.run_dir, lab.bin, lab.docker_config / "cli-plugins"):
        d.mkdir(parents=True, exist_ok=True)
    real_runc = shutil.which("runc") or "/usr/sbin/runc"
    python = (
        "/usr/bin/python3"
        if os.access("/usr/bin/python3", os.X_OK)
        else os.path.realpath(sys.executable)
    )
    wrapper = (LAB_D / "runc-capfilter.py").read_text()
    wrapper = wrapper.replace("#!/usr/bin/env python3", f"#!{python}", 1)
    wrapper = wrapper.replace("@@REAL_RUNC@@", real_runc).replace(
        "@@LOG_FILE@@", str(lab.log("runc-capfilter"))
    )
    write_if_changed(lab.capfilter, wrapper, 0o755)

    reg = lab.registry
    write_if_changed(
        lab.buildkitd_toml,
        "# buildkitd config of the buildx-tui lab builders (written by scripts/lab)\n"
        f'[registry."docker.io"]\n  mirrors = ["{reg}"]\n\n'
        f'[registry."{reg}"]\n  http = true\n  insecure = true\n\n'
        f'[registry."localhost:{lab.s.registry_port}"]\n  http = true\n  insecure = true\n',
    )
    write_if_changed(
        lab.dir / "registry" / "config.yml",
        "version: 0.1\n"
        "log:\n  level: info\n  accesslog:\n    disabled: true\n"
        "storage:\n"
        f"  filesystem:\n    rootdirectory: {lab.dir}/registry/data\n"
        "  delete:\n    enabled: true\n"
        "  cache:\n    blobdescriptor: inmemory\n"
        f"http:\n  addr: {reg}\n",
    )
    write_if_changed(
        lab.dir / "containerd" / "config.toml",
        "version = 2\n"
        f'root = "{lab.dir}/containerd/root"\n'
        f'state = "{lab.run_dir}/containerd"\n'
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n\n'
        f'[grpc]\n  address = "{lab.containerd_sock}"\n\n'
        '[debug]\n  level = "info"\n\n'
        f'[plugins."io.containerd.internal.v1.opt"]\n  path = "{lab.dir}/containerd/opt"\n',
    )
    # dockerd would read /etc/docker/daemon.json by default and write /etc/docker/key.json (its
    # 20.10 identity key): give it the lab's own config, which moves that key into the lab too.
    key = lab.dir / "docker" / "key.json"
    write_if_changed(lab.dir / "daemon.json", json.dumps({"deprecated-key-path": str(key)}) + "\n")

    plugin = lab.docker_config / "cli-plugins" / "docker-buildx"
    src = bins["buildx"]
    if not plugin.exists() or plugin.stat().st_size != src.stat().st_size:
        tmp = plugin.with_suffix(".tmp")
        shutil.copy2(src, tmp)
        tmp.rename(plugin)


def ensure_certs(lab: Lab) -> None:
    c = lab.certs
    files = ["ca.pem", "server-cert.pem", "server-key.pem", "client-cert.pem", "client-key.pem"]
    if all((c / f).exists() for f in files):
        ok = run(
            [
                "openssl",
                "verify",
                "-CAfile",
                str(c / "ca.pem"),
                str(c / "server-cert.pem"),
                str(c / "client-cert.pem"),
            ],
            check=False,
        )
        if ok.returncode == 0:
            return
    say(f"generating CA, server and client certificates in {c}")
    c.mkdir(parents=True, exist_ok=True)
    log = lab.log("lab-commands")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run(
        [
            "openssl",
            "req",
            "-x509",
            *ec,
            "-days",
            "3650",
            "-subj",
            "/CN=buildx-tui lab CA",
            "-keyout",
            str(c / "ca-key.pem"),
            "-out",
            str(c / "ca.pem"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        log=log,
        what="openssl (CA)",
    )
    exts = {
        "server": "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n",
        "client": "extendedKeyUsage=clientAuth\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n",
    }
    for who, ext in exts.items():
        (c / f"{who}.ext").write_text(ext)
        run(
            [
                "openssl",
                "req",
                "-new",
                *ec,
                "-subj",
                f"/CN=buildx-tui lab {who}",
                "-keyout",
                str(c / f"{who}-key.pem"),
                "-out",
                str(c / f"{who}.csr"),
            ],
            log=log,
            what=f"openssl ({who} key)",
        )
        run(
            [
                "openssl",
                "x509",
                "-req",
                "-in",
                str(c / f"{who}.csr"),
                "-days",
                "3650",
                "-CA",
                str(c / "ca.pem"),
                "-CAkey",
                str(c / "ca-key.pem"),
                "-set_serial",
                str(int.from_bytes(os.urandom(8), "big")),
                "-extfile",
                str(c / f"{who}.ext"),
                "-out",
                str(c / f"{who}-cert.pem"),
            ],
            log=log,
            what=f"openssl ({who} cert)",
        )
        (c / f"{who}.csr").unlink()
    for key in c.glob("*-key.pem"):
        key.chmod(0o600)


# --------------------------------------------------------------------------------------- daemons


def check_port_free(port: int, what: str) -> None:
    if port_open(port):
        raise LabError(
            f"127.0.0.1:{port} is already in use by a process that is not the lab's {what}; "
            f"stop it or choose another port (see `scripts/lab --help`)"
        )


def start_registry(lab: Lab) -> str:
    registry_up = http_get(f"http://{lab.registry}/v2/")[0] == 200
    if running(lab, "registry", "docker-registry") and registry_up:
        return "running"
    check_port_free(lab.s.registry_port, "registry")
    (lab.dir / "registry" / "data").mkdir(parents=True, exist_ok=True)
    exe = shutil.which("docker-registry") or "/usr/bin/docker-registry"
    proc = spawn(lab, "registry", [exe, "serve", str(lab.dir / "registry" / "config.yml")])
    wait_ready(
        "registry",
        proc,
        lambda: http_get(f"http://{lab.registry}/v2/")[0] == 200,
        lab.log("registry"),
        30,
    )
    return f"started (pid {proc.pid})"


def buildctl_ok(lab: Lab, bins: dict[str, Path], tcp: bool) -> bool:
    addr = lab.buildkitd_tcp if tcp else f"unix://{lab.buildkitd_sock}"
    argv = [str(bins["buildctl"]), "--addr", addr]
    if tcp:
        c = lab.cert
        argv += ["--tlscacert", c["ca"], "--tlscert", c["cert"], "--tlskey", c["key"]]
    with contextlib.suppress(subprocess.TimeoutExpired):
        return (
            subprocess.run([*argv, "debug", "workers"], capture_output=True, timeout=10).returncode
            == 0
        )
    return False


def start_buildkitd(lab: Lab, bins: dict[str, Path]) -> str:
    if running(lab, "buildkitd", "buildkitd") and buildctl_ok(lab, bins, tcp=True):
        return "running"
    if running(lab, "buildkitd", "buildkitd"):
        stop_pid("buildkitd", read_pid(lab.pidfile("buildkitd")), "buildkitd")
    check_port_free(lab.s.buildkitd_port, "buildkitd")
    lab.buildkitd_sock.unlink(missing_ok=True)
    c = lab.certs
    argv = [
        str(bins["buildkitd"]),
        "--root", str(lab.dir / "buildkitd"),
        "--config", str(lab.buildkitd_toml),
        "--addr", f"unix://{lab.buildkitd_sock}",
        "--addr", lab.buildkitd_tcp,
        "--tlscacert", str(c / "ca.pem"),
        "--tlscert", str(c / "server-cert.pem"),
        "--tlskey", str(c / "server-key.pem"),
        "--oci-worker=true",
        "--containerd-worker=false",
        # the host runc behind the capability filter, like the lab dockerd (see runc-capfilter.py)
        "--oci-worker-binary", str(lab.capfilter),
    ]  # fmt: skip
    proc = spawn(lab, "buildkitd", argv)
    wait_ready(
        "buildkitd",
        proc,
        lambda: buildctl_ok(lab, bins, tcp=False) and buildctl_ok(lab, bins, tcp=True),
        lab.log("buildkitd"),
        60,
    )
    return f"started (pid {proc.pid}; unix + mutual-TLS tcp)"


def ensure_bridge(lab: Lab) -> None:
    """A private bridge for the lab dockerd, so it never claims docker0 (a system dockerd's)."""
    marker = lab.run_dir / "bridge"
    exists = Path(f"/sys/class/net/{lab.bridge}").exists()
    if not exists:
        log = lab.log("lab-commands")
        run(["ip", "link", "add", "name", lab.bridge, "type", "bridge"], log=log)
        marker.write_text(lab.bridge + "\n")
        run(["ip", "addr", "add", lab.bridge_cidr, "dev", lab.bridge], log=log)
    run(["ip", "link", "set", lab.bridge, "up"], log=lab.log("lab-commands"))


def start_containerd(lab: Lab) -> str:
    if running(lab, "containerd", "containerd") and unix_listening(lab.containerd_sock):
        return "running"
    exe = shutil.which("containerd") or "/usr/bin/containerd"
    proc = spawn(lab, "containerd", [exe, "--config", str(lab.dir / "containerd" / "config.toml")])
    wait_ready(
        "containerd", proc, lambda: unix_listening(lab.containerd_sock), lab.log("containerd"), 30
    )
    return f"started (pid {proc.pid})"


def start_dockerd(lab: Lab) -> str:
    pid = running(lab, "dockerd", "dockerd")
    if pid and docker_ping(lab):
        return "running"
    if pid:
        raise LabError(f"dockerd (pid {pid}) runs but does not answer", lab.log("dockerd"))
    ensure_bridge(lab)
    lab.pidfile("dockerd").unlink(missing_ok=True)
    exe = shutil.which("dockerd") or "/usr/sbin/dockerd"
    argv = [
        exe,
        "--config-file", str(lab.dir / "daemon.json"),
        "--data-root", str(lab.dir / "docker"),
        "--exec-root", str(lab.run_dir / "docker"),
        "--pidfile", str(lab.pidfile("dockerd")),
        "-H", f"unix://{lab.docker_sock}",
        "--containerd", str(lab.containerd_sock),
        # the capability trap: see scripts/lab.d/runc-capfilter.py
        "--add-runtime", f"lab-runc={lab.capfilter}",
        "--default-runtime", "lab-runc",
        # networking: own bridge, no iptables/NAT/ip_forward changes on the host, no DNS server
        # outside this machine (containers resolve nothing; builders use --driver-opt network=host)
        "--bridge", lab.bridge,
        "--iptables=false",
        "--ip-masq=false",
        "--ip-forward=false",
        "--dns", "127.0.0.1",
        # `docker pull busybox` / `FROM busybox` on the default builder come from the lab registry
        "--registry-mirror", f"http://{lab.registry}",
    ]  # fmt: skip
    proc = spawn(lab, "dockerd", argv, write_pid=False)
    wait_ready("dockerd", proc, lambda: docker_ping(lab), lab.log("dockerd"), 90)
    return f"started (pid {proc.pid})"


# ------------------------------------------------------------------------------------------- sshd


def ssh_keygen(lab: Lab, key: Path, comment: str) -> None:
    for f in (key, key.with_name(key.name + ".pub")):
        f.unlink(missing_ok=True)
    run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(key)],
        log=lab.log("lab-commands"),
        what=f"ssh-keygen {key.name}",
    )


def ensure_ssh_files(lab: Lab) -> None:
    """The lab sshd's host key and config, and the client side: a key pair (authorized for
    root, `restrict`ed), known_hosts with the host key, an ssh_config, and bin/ssh."""
    d = lab.ssh_dir
    d.mkdir(parents=True, exist_ok=True)
    d.chmod(0o700)
    host_key, client_key = d / "ssh_host_ed25519_key", d / "id_ed25519"
    for key, comment in ((host_key, "buildx-tui lab sshd"), (client_key, "buildx-tui lab client")):
        if not (key.exists() and key.with_name(key.name + ".pub").exists()):
            say(f"generating {key}")
            ssh_keygen(lab, key, comment)
        key.chmod(0o600)
    client_pub = (d / "id_ed25519.pub").read_text().strip()
    host_pub = " ".join((d / "ssh_host_ed25519_key.pub").read_text().split()[:2])
    write_if_changed(d / "authorized_keys", f"restrict {client_pub}\n", 0o600)
    port = lab.s.ssh_port
    names = ",".join(f"[{h}]:{port}" for h in lab.ssh_hosts)
    write_if_changed(d / "known_hosts", f"{names} {host_pub}\n", 0o644)
    listen = "".join(f"ListenAddress {h}:{port}\n" for h in lab.ssh_hosts)
    write_if_changed(
        lab.sshd_config,
        "# sshd of the buildx-tui lab (written by scripts/lab): loopback only, key only.\n"
        f"{listen}"
        f"HostKey {host_key}\n"
        f"PidFile {lab.pidfile('sshd')}\n"
        f"AuthorizedKeysFile {d / 'authorized_keys'}\n"
        "AuthenticationMethods publickey\n"
        "PubkeyAuthentication yes\n"
        "PasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\n"
        "HostbasedAuthentication no\n"
        "PermitRootLogin prohibit-password\n"
        "AllowUsers root\n"
        "UsePAM no\n"
        # the lab dir lives under /tmp (world-writable): sshd's owner/mode walk would refuse it
        "StrictModes no\n"
        "PermitUserEnvironment no\n"
        "X11Forwarding no\n"
        "AllowAgentForwarding no\n"
        "AllowTcpForwarding no\n"
        "AllowStreamLocalForwarding no\n"
        "PermitTunnel no\n"
        "PrintMotd no\n"
        "PrintLastLog no\n"
        "UseDNS no\n"
        "MaxStartups 100:30:200\n"
        "MaxSessions 100\n"
        "LogLevel VERBOSE\n"
        # what makes the remote `docker system dial-stdio` reach the lab engine
        f"SetEnv DOCKER_HOST=unix://{lab.docker_sock} DOCKER_CONFIG={lab.docker_config}\n",
        0o644,
    )
    write_if_changed(
        lab.ssh_config,
        "# ssh client settings of the buildx-tui lab (written by scripts/lab; used by bin/ssh)\n"
        "Host *\n"
        f"  IdentityFile {client_key}\n"
        "  IdentitiesOnly yes\n"
        f"  UserKnownHostsFile {d / 'known_hosts'}\n"
        "  GlobalKnownHostsFile /dev/null\n"
        "  StrictHostKeyChecking yes\n"
        "  UpdateHostKeys no\n"
        "  CheckHostIP no\n"
        "  BatchMode yes\n"
        # half the handshake time of the default post-quantum kex (every docker call over ssh://
        # opens a connection)
        "  KexAlgorithms curve25519-sha256\n"
        "  LogLevel ERROR\n",
        0o644,
    )
    real_ssh = "/usr/bin/ssh"
    if not os.access(real_ssh, os.X_OK):
        raise LabError(f"{real_ssh} is missing (Debian package openssh-client)")
    write_if_changed(
        lab.ssh_bin / "ssh",
        "#!/bin/sh\n"
        "# buildx-tui lab: ssh with the lab's key, known_hosts and settings, never ~/.ssh\n"
        f'exec {real_ssh} -F {lab.ssh_config} "$@"\n',
        0o755,
    )


def lab_ssh(
    lab: Lab, host: str, *command: str, timeout: float = 20
) -> subprocess.CompletedProcess[str]:
    """Run `command` over the lab sshd with the lab's ssh wrapper (output captured)."""
    argv = [str(lab.ssh_bin / "ssh"), "-p", str(lab.s.ssh_port), "-l", "root", "--", host, *command]
    try:
        return subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, 124, "", f"timed out after {timeout:.0f}s")


def sshd_answers(lab: Lab) -> bool:
    return port_open(lab.s.ssh_port) and lab_ssh(lab, lab.ssh_hosts[0], "true").returncode == 0


def start_sshd(lab: Lab, restart: bool = False) -> str:
    """Start the lab sshd unless it runs with the current sshd_config (ensure_sshd checks that
    it answers)."""
    pid = running(lab, "sshd", "sshd")
    stamp = lab.run_dir / "sshd.config-sha1"  # the sshd_config the running sshd read
    digest = hashlib.sha1(lab.sshd_config.read_bytes()).hexdigest()
    current = stamp.exists() and stamp.read_text().strip() == digest
    if pid and port_open(lab.s.ssh_port) and current and not restart:
        return "running"
    if pid:  # not answering, or its config changed: start it afresh
        stop_pid("sshd", pid, "sshd", timeout=15)
    check_port_free(lab.s.ssh_port, "sshd")
    # sshd refuses to start without its privilege separation directory (normally made by systemd)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    exe = "/usr/sbin/sshd"  # sshd re-execs itself: it must be started by its absolute path
    run([exe, "-t", "-f", str(lab.sshd_config)], log=lab.log("sshd"), what="sshd -t (config test)")
    proc = spawn(lab, "sshd", [exe, "-D", "-e", "-f", str(lab.sshd_config)])
    stamp.write_text(digest + "\n")
    wait_ready("sshd", proc, lambda: sshd_answers(lab), lab.log("sshd"), 30)
    return f"started (pid {proc.pid}; {', '.join(lab.ssh_endpoints)})"


def docker_over_ssh(lab: Lab) -> subprocess.CompletedProcess[str]:
    """`docker -H ssh://root@127.0.0.1:PORT version` with the lab env: the whole ssh:// chain
    (PATH wrapper, key, known_hosts, sshd, SetEnv, dial-stdio) reaching the lab engine."""
    return run(
        [lab.s.docker, "-H", lab.ssh_endpoints[0], "version", "--format", "{{.Server.Version}}"],
        env={k: v for k, v in lab.docker_env().items() if k != "DOCKER_HOST"},
        log=lab.log("lab-commands"),
        what=f"docker -H {lab.ssh_endpoints[0]} version",
        timeout=60,
        check=False,
    )


def ensure_sshd(lab: Lab) -> str:
    result = start_sshd(lab)
    proc = docker_over_ssh(lab)
    if proc.returncode != 0 and result == "running":
        say(f"sshd runs but docker over ssh fails: restarting it (log {lab.log('sshd')})")
        result = start_sshd(lab, restart=True)
        proc = docker_over_ssh(lab)
    if proc.returncode != 0:
        raise LabError(
            f"docker over {lab.ssh_endpoints[0]} does not reach the lab engine:\n  "
            + (proc.stderr or proc.stdout).strip()[-1500:],
            lab.log("sshd"),
        )
    return f"{result}; docker over ssh: engine {proc.stdout.strip()}"


# ---------------------------------------------------------------------------------------- images


def rootfs_tar(busybox: Path, applets: list[str]) -> bytes:
    """A minimal busybox root filesystem, reproducible byte for byte."""
    buf = io.BytesIO()
    mtime = 1_700_000_000

    def add(name: str, kind: bytes, mode: int, data: bytes = b"", link: str = "") -> None:
        ti = tarfile.TarInfo(name)
        ti.type, ti.mode, ti.mtime, ti.linkname, ti.size = kind, mode, mtime, link, len(data)
        tf.addfile(ti, io.BytesIO(data) if data else None)

    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        dirs = {"bin", "dev", "etc", "proc", "root", "sbin", "sys", "usr", "usr/bin", "usr/sbin",
                "var", "tmp"}  # fmt: skip
        for d in sorted(dirs):
            add(d, tarfile.DIRTYPE, 0o1777 if d == "tmp" else 0o755)
        add("bin/busybox", tarfile.REGTYPE, 0o755, busybox.read_bytes())
        for path in sorted(set(applets)):
            if path != "bin/busybox" and path.split("/")[0] in ("bin", "sbin", "usr"):
                add(path, tarfile.SYMTYPE, 0o777, link="/bin/busybox")
        passwd = b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n"
        add("etc/passwd", tarfile.REGTYPE, 0o644, passwd)
        add("etc/group", tarfile.REGTYPE, 0o644, b"root:x:0:\nnobody:x:65534:\n")
    return buf.getvalue()


def busybox_binaries(lab: Lab) -> dict[str, Path]:
    arch = host_arch()
    out = {arch: Path("/bin/busybox")}
    for other in IMAGE_ARCHES:
        if other != arch:
            out[other] = foreign_busybox(lab, other)
    return out


def applet_list() -> list[str]:
    proc = subprocess.run(
        ["/bin/busybox", "--list-full"], capture_output=True, text=True, check=True
    )
    return proc.stdout.split()


def shared_libs(binary: str) -> list[str]:
    """Paths (as the dynamic loader looks them up) of the libraries `binary` needs, incl. ld.so."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    libs = []
    for line in out.splitlines():
        m = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)\s+\(", line)
        if m:
            libs.append(m.group(1))
    return libs


def ensure_buildkit_image(lab: Lab, bins: dict[str, Path]) -> str:
    label = docker(
        lab, "image", "inspect", "--format",
        f'{{{{index .Config.Labels "{BUILDKIT_LABEL}"}}}}', BUILDKIT_IMAGE, check=False,
    ).stdout.strip()  # fmt: skip
    mirror_ref = f"{lab.registry}/{BUILDKIT_IMAGE}"
    result = "present"
    if label != BUILDKIT_VERSION:
        say(f"building {BUILDKIT_IMAGE} (busybox + buildkitd {BUILDKIT_VERSION} + Debian runc)")
        ctx = lab.dir / "images" / "buildkit"
        shutil.rmtree(ctx, ignore_errors=True)
        (ctx / "libs").mkdir(parents=True)
        (ctx / "rootfs.tar").write_bytes(rootfs_tar(Path("/bin/busybox"), applet_list()))
        for name in ("buildkitd", "buildctl"):
            shutil.copy2(bins[name], ctx / name)
        runc = shutil.which("runc") or "/usr/sbin/runc"
        shutil.copy2(runc, ctx / "buildkit-runc")
        for lib in shared_libs(runc):
            dest = ctx / "libs" / lib.lstrip("/")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(os.path.realpath(lib), dest)
        shutil.copy2(LAB_D / "buildkit.Dockerfile", ctx / "Dockerfile")
        docker(
            lab, "buildx", "build", "--builder", "default", "--progress", "plain",
            "--build-arg", f"BUILDKIT_VERSION={BUILDKIT_VERSION}",
            "-t", BUILDKIT_IMAGE, str(ctx), what=f"building {BUILDKIT_IMAGE}",
        )  # fmt: skip
        shutil.rmtree(ctx)
        result = "built"
    if result == "built" or not registry_has(lab, "moby/buildkit", "buildx-stable-1"):
        # Also in the registry, which dockerd uses as its docker.io mirror: buildx pulls this tag
        # before it creates a builder container, and then finds it without going to the internet.
        docker(lab, "tag", BUILDKIT_IMAGE, mirror_ref)
        docker(lab, "push", mirror_ref, what=f"docker push {mirror_ref}")
        result += f", pushed to {mirror_ref}"
    return result


def ensure_busybox(lab: Lab) -> str:
    want = {f"linux/{a}" for a in IMAGE_ARCHES}
    repos = ["library/busybox", "busybox"]
    if all(want <= registry_platforms(lab, r, "latest") for r in repos):
        return "present"
    say(f"building busybox for {', '.join(sorted(want))} from Debian busybox-static")
    ctx = lab.dir / "images" / "busybox"
    shutil.rmtree(ctx, ignore_errors=True)
    ctx.mkdir(parents=True)
    applets = applet_list()
    for arch, binary in busybox_binaries(lab).items():
        if arch in IMAGE_ARCHES:
            (ctx / f"rootfs-{arch}.tar").write_bytes(rootfs_tar(binary, applets))
    shutil.copy2(LAB_D / "busybox.Dockerfile", ctx / "Dockerfile")
    tags = [x for r in repos for x in ("-t", f"{lab.registry}/{r}:latest")]
    docker(
        lab, "buildx", "build", "--builder", BUILDER_CONTAINER, "--progress", "plain",
        "--platform", ",".join(sorted(want)), *tags, "--push", str(ctx),
        what="building and pushing busybox", timeout=900,
    )  # fmt: skip
    shutil.rmtree(ctx)
    for r in repos:
        got = registry_platforms(lab, r, "latest")
        if not want <= got:
            raise LabError(f"{lab.registry}/{r}:latest has platforms {got}, wanted {want}")
    return f"built and pushed {lab.registry}/{{library/,}}busybox:latest"


# -------------------------------------------------------------------------------------- builders


def builder_exists(lab: Lab, name: str) -> bool:
    return docker(lab, "buildx", "inspect", name, check=False, timeout=60).returncode == 0


def bootstrap(lab: Lab, name: str) -> None:
    docker(
        lab, "buildx", "inspect", name, "--bootstrap",
        what=f"bootstrapping builder {name}", timeout=300,
    )  # fmt: skip


def builder_specs(lab: Lab) -> dict[str, list[str]]:
    c = lab.cert
    return {
        BUILDER_CONTAINER: [
            "--driver", "docker-container",
            "--driver-opt", "network=host",
            "--platform", ",".join(f"linux/{a}" for a in IMAGE_ARCHES),
            "--buildkitd-config", str(lab.buildkitd_toml),
        ],
        BUILDER_REMOTE: [
            "--driver", "remote",
            "--driver-opt", f"cacert={c['ca']},cert={c['cert']},key={c['key']}",
            lab.buildkitd_tcp,
        ],
        BUILDER_DEAD: ["--driver", "remote", f"tcp://127.0.0.1:{lab.s.dead_port}"],
    }  # fmt: skip


def ensure_builder(lab: Lab, name: str, spec: list[str], do_bootstrap: bool) -> str:
    state = lab.dir / "builders.json"  # the create arguments each lab builder was made with
    try:
        known = json.loads(state.read_text())
    except (OSError, ValueError):
        known = {}
    result = "present"
    exists = builder_exists(lab, name)
    if exists and known.get(name) != spec:  # settings changed since it was created
        docker(lab, "buildx", "rm", name, check=False, timeout=120)
        exists = False
    if not exists:
        docker(lab, "buildx", "create", "--name", name, *spec, what=f"creating builder {name}")
        known[name] = spec
        state.write_text(json.dumps(known, indent=1) + "\n")
        result = "created"
    if do_bootstrap:
        bootstrap(lab, name)
        result += ", bootstrapped"
    return result


def buildx_ls(lab: Lab) -> dict[str, dict]:
    out = docker(lab, "buildx", "ls", "--format", "json", timeout=120).stdout
    builders = {}
    for line in out.splitlines():
        with contextlib.suppress(ValueError):
            b = json.loads(line)
            builders[b["Name"]] = b
    return builders


def node_status(b: dict | None) -> str:
    nodes = (b or {}).get("Nodes") or [{}]
    return nodes[0].get("Status") or "missing"


def verify_builders(lab: Lab) -> None:
    ls = buildx_ls(lab)
    problems = []
    for name in (BUILDER_CONTAINER, BUILDER_REMOTE):
        if node_status(ls.get(name)) != "running":
            problems.append(f"{name} is {node_status(ls.get(name))}")
    plats = set(((ls.get(BUILDER_CONTAINER) or {}).get("Nodes") or [{}])[0].get("Platforms") or [])
    for p in (f"linux/{a}" for a in IMAGE_ARCHES):
        if p not in plats:
            problems.append(f"{BUILDER_CONTAINER} lacks platform {p}")
    if BUILDER_DEAD not in ls:
        problems.append(f"{BUILDER_DEAD} is missing")
    if problems:
        raise LabError("builders not as expected: " + "; ".join(problems), lab.log("lab-commands"))


# -------------------------------------------------------------------------------------- commands


@contextlib.contextmanager
def locked(lab: Lab):
    lab.dir.mkdir(parents=True, exist_ok=True)
    with open(lab.dir / "lab.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def require_root() -> None:
    if os.geteuid() != 0:
        raise LabError(
            "the lab needs root (it runs dockerd, mounts binfmt_misc, installs packages)"
        )


def cmd_up() -> int:
    t0 = time.monotonic()
    require_root()
    previous = Lab.load()
    env_settings = Settings.from_environ(previous.s)
    lab = Lab(env_settings)
    if len(str(lab.containerd_sock) + ".ttrpc") > 100:
        raise LabError(f"lab dir {lab.dir} is too long for unix socket paths: choose a shorter one")
    with locked(lab):

        def ports(x: Lab) -> tuple[int, int, int, int]:
            return x.s.registry_port, x.s.buildkitd_port, x.s.dead_port, x.s.ssh_port

        if ports(previous) != ports(lab) and any(running(lab, *d) for d in DAEMONS_STOP_ORDER):
            raise LabError(
                f"the lab in {lab.dir} is up with ports {ports(previous)}, not {ports(lab)}: "
                "run `scripts/lab down` first"
            )
        say(f"lab dir {lab.dir}")
        ensure_packages(lab)
        docker_cli = shutil.which("docker")
        if not docker_cli:
            raise LabError("no `docker` CLI on PATH after installing docker.io")
        lab = Lab(Settings(**{**asdict(env_settings), "docker": docker_cli}))
        lab.dir.mkdir(parents=True, exist_ok=True)
        lab.state_file.write_text(json.dumps({"settings": asdict(lab.s)}, indent=1) + "\n")
        bins = ensure_binaries(lab)
        ensure_binfmt(lab)
        write_configs(lab, bins)
        ensure_certs(lab)
        ensure_ssh_files(lab)

        steps = [
            ("registry", lambda: start_registry(lab)),
            ("buildkitd", lambda: start_buildkitd(lab, bins)),
            ("containerd", lambda: start_containerd(lab)),
            ("dockerd", lambda: start_dockerd(lab)),
            ("sshd", lambda: ensure_sshd(lab)),
            ("buildkit image", lambda: ensure_buildkit_image(lab, bins)),
        ]
        specs = builder_specs(lab)
        steps.append(
            (
                BUILDER_CONTAINER,
                lambda: ensure_builder(lab, BUILDER_CONTAINER, specs[BUILDER_CONTAINER], True),
            )
        )
        steps.append(("busybox image", lambda: ensure_busybox(lab)))
        steps.append(
            (
                BUILDER_REMOTE,
                lambda: ensure_builder(lab, BUILDER_REMOTE, specs[BUILDER_REMOTE], True),
            )
        )
        steps.append(
            (BUILDER_DEAD, lambda: ensure_builder(lab, BUILDER_DEAD, specs[BUILDER_DEAD], False))
        )
        for name, step in steps:
            t = time.monotonic()
            result = step()
            say(f"{name:<15} {result}  [{time.monotonic() - t:.1f}s]")
        verify_builders(lab)
    say(f"docker CLI {lab.s.docker}; buildx {BUILDX_VERSION}; BuildKit {BUILDKIT_VERSION}")
    say("reach it with:")
    print(env_exports(lab), flush=True)
    say(f"up in {time.monotonic() - t0:.1f}s")
    return 0


def leftover_shims(lab: Lab) -> list[int]:
    pids = []
    needle = str(lab.containerd_sock).encode()
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            with contextlib.suppress(OSError):
                cmd = (p / "cmdline").read_bytes()
                if b"containerd-shim" in cmd.split(b"\0")[0] and needle in cmd:
                    pids.append(int(p.name))
    return pids


def lab_mounts(lab: Lab) -> list[str]:
    mounts = []
    prefix = str(lab.dir) + "/"
    with open("/proc/self/mountinfo") as f:
        for line in f:
            target = line.split()[4].replace("\\040", " ")
            if target.startswith(prefix):
                mounts.append(target)
    return mounts


def stop_dockerd(lab: Lab) -> bool:
    return stop_pid("dockerd", read_pid(lab.pidfile("dockerd")), "dockerd", timeout=90)


def cmd_down(purge: bool) -> int:
    require_root()
    lab = Lab.load()
    if not lab.dir.exists():
        say(f"nothing to do: {lab.dir} does not exist")
        return 0
    with locked(lab):
        for name, expect in DAEMONS_STOP_ORDER:
            pid = read_pid(lab.pidfile(name))
            if stop_pid(name, pid, expect, timeout=90):
                say(f"stopped {name} (pid {pid})")
            lab.pidfile(name).unlink(missing_ok=True)
            if name == "containerd":
                for shim in leftover_shims(lab):
                    say(f"killing leftover containerd shim {shim}")
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(shim, signal.SIGKILL)
        marker = lab.run_dir / "bridge"
        if marker.exists():
            name = marker.read_text().strip()
            if Path(f"/sys/class/net/{name}").exists():
                run(["ip", "link", "del", name], log=lab.log("lab-commands"), check=False)
                say(f"removed bridge {name}")
            marker.unlink()
        for m in sorted(lab_mounts(lab), key=len, reverse=True):
            say(f"unmounting leftover {m}")
            subprocess.run(["umount", "-l", m], check=False)
        for sock in (lab.docker_sock, lab.containerd_sock, lab.buildkitd_sock):
            sock.unlink(missing_ok=True)
    if purge:
        if not lab.state_file.exists():
            raise LabError(
                f"{lab.dir} has no lab.json: not deleting a directory the lab did not make"
            )
        shutil.rmtree(lab.dir)
        say(f"deleted {lab.dir}")
    say("down")
    return 0


def cmd_status() -> int:
    lab = Lab.load()
    up = True

    def line(name: str, ok: bool, detail: str) -> None:
        nonlocal up
        up &= ok
        print(f"{name:<22} {'up' if ok else 'DOWN':<5} {detail}", flush=True)

    print(f"{'lab dir':<22} {lab.dir}")
    for name, expect in (("registry", "docker-registry"), ("buildkitd", "buildkitd"),
                         ("containerd", "containerd"), ("dockerd", "dockerd")):  # fmt: skip
        pid = running(lab, name, expect)
        if name == "registry":
            ok = bool(pid) and http_get(f"http://{lab.registry}/v2/")[0] == 200
            detail = f"http://{lab.registry}"
        elif name == "buildkitd":
            ok = (
                bool(pid) and port_open(lab.s.buildkitd_port) and unix_listening(lab.buildkitd_sock)
            )
            detail = f"{lab.buildkitd_tcp} (mutual TLS), unix://{lab.buildkitd_sock}"
        elif name == "containerd":
            ok = bool(pid) and unix_listening(lab.containerd_sock)
            detail = str(lab.containerd_sock)
        else:
            ok = bool(pid) and docker_ping(lab)
            detail = f"unix://{lab.docker_sock}"
        line(name, ok, f"pid {pid or '-'}  {detail}  log {lab.log(name)}")
    pid = running(lab, "sshd", "sshd")
    if not pid:
        ok, via = False, "not running"
    elif docker_ping(lab) and lab.s.docker:
        over = docker_over_ssh(lab)
        ok = over.returncode == 0
        via = f"docker over ssh: engine {over.stdout.strip()}" if ok else "docker over ssh FAILS"
    else:
        ok = sshd_answers(lab)
        via = "answers; dockerd is down" if ok else "not answering"
    detail = f"{', '.join(lab.ssh_endpoints)} ({via}; PATH {lab.ssh_bin})"
    line("sshd", ok, f"pid {pid or '-'}  {detail}  log {lab.log('sshd')}")
    plats = registry_platforms(lab, "busybox", "latest")
    line("busybox", {"linux/amd64", "linux/arm64"} <= plats, ", ".join(sorted(plats)) or "missing")
    if docker_ping(lab) and lab.s.docker:
        try:
            ls = buildx_ls(lab)
        except LabError:
            ls = {}
        for name, want in ((BUILDER_CONTAINER, "running"), (BUILDER_REMOTE, "running"),
                           (BUILDER_DEAD, "inactive")):  # fmt: skip
            got = node_status(ls.get(name))
            line(f"builder {name}", got == want, got)
    else:
        line("builders", False, "dockerd is not up")
    return 0 if up else 1


def env_exports(lab: Lab) -> str:
    bindir = lab.ssh_bin
    return (
        "unset DOCKER_CONTEXT BUILDX_BUILDER DOCKER_TLS_VERIFY DOCKER_CERT_PATH\n"
        f"export DOCKER_HOST=unix://{lab.docker_sock}\n"
        f"export DOCKER_CONFIG={lab.docker_config}\n"
        f"export BUILDX_TUI_LAB_REGISTRY={lab.registry}\n"
        f"export BUILDX_TUI_LAB_SSH={lab.ssh_endpoints[0]}\n"
        f'case ":$PATH:" in *":{bindir}:"*) ;; *) export PATH="{bindir}:$PATH" ;; esac'
    )


def cmd_env(as_json: bool) -> int:
    lab = Lab.load()
    print(json.dumps(lab.env_json(), indent=None) if as_json else env_exports(lab))
    return 0


def cmd_engine_stop() -> int:
    require_root()
    lab = Lab.load()
    with locked(lab):
        pid = read_pid(lab.pidfile("dockerd"))
        say(f"stopped dockerd (pid {pid})" if stop_dockerd(lab) else "dockerd was not running")
    return 0


def cmd_engine_start() -> int:
    require_root()
    lab = Lab.load()
    with locked(lab):
        say(f"containerd {start_containerd(lab)}")
        say(f"dockerd    {start_dockerd(lab)}")
        if builder_exists(lab, BUILDER_CONTAINER):
            bootstrap(lab, BUILDER_CONTAINER)
            say(f"{BUILDER_CONTAINER} bootstrapped")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if argv else 2
    cmd, args = argv[0], argv[1:]
    try:
        if cmd == "up" and not args:
            return cmd_up()
        if cmd == "down" and args in ([], ["--purge"]):
            return cmd_down(purge=bool(args))
        if cmd == "status" and not args:
            return cmd_status()
        if cmd == "env" and args in ([], ["--json"]):
            return cmd_env(as_json=bool(args))
        if cmd == "engine-stop" and not args:
            return cmd_engine_stop()
        if cmd == "engine-start" and not args:
            return cmd_engine_start()
    except LabError as exc:
        print(f"lab: FAILED: {exc}", file=sys.stderr, flush=True)
        if exc.log:
            print(f"lab: log file: {exc.log}", file=sys.stderr)
            text = tail(exc.log)
            if text:
                print(f"lab: last lines of {exc.log}:\n{text}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lab: interrupted", file=sys.stderr)
        return 130
    print(f"lab: unknown command {' '.join(argv)!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
