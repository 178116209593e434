"""An ssh:// endpoint reached as buildx reaches it: with the user's own ssh and ssh config.

The docker CLI's ssh connection helper (docker/cli ``cli/connhelper``) runs the ``ssh`` found on
PATH: ``ssh [-l USER] [-p PORT] -o ConnectTimeout=30 -T -- HOST "docker system dial-stdio"``
(with ``docker --host=unix://PATH …`` when the URL has a path). So ~/.ssh/config applies: Host
aliases, User, Port, IdentityFile, ProxyJump/ProxyCommand, known_hosts. The check does the same:

1. ``ssh -G [-l USER] [-p PORT] -- HOST`` prints the effective config without connecting: the
   real host name, user, port, identity files, a proxy;
2. only when that host is loopback (and no proxy leads elsewhere), one real connection,
   non-interactive: ``ssh [-l USER] [-p PORT] -o BatchMode=yes -o ConnectTimeout=N -T -- HOST
   "docker version --format '{{.Server.Version}}'"``: the same ssh, the same remote docker and
   engine socket as dial-stdio, and the remote engine's version as the answer.

Its failures, as ssh and docker print them (tests/fixtures/local/doctor-ssh-*), are told apart:
nothing listening, key refused, host key unknown or changed, no docker there, no permission on
the engine's socket, no engine.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from enum import StrEnum
from ipaddress import ip_address
from urllib.parse import urlsplit

from .context import DoctorContext
from .model import CheckResult, Fix, Status

#: What the remote runs: docker's own client, answering the engine's version.
VERSION_FORMAT = "{{.Server.Version}}"
#: Extra seconds the whole ssh process gets beyond ConnectTimeout (auth, the remote docker).
EXTRA_S = 10.0


@dataclass(frozen=True)
class SshTarget:
    """An ``ssh://[user@]host[:port][/socket]`` endpoint, read as the docker CLI reads it."""

    endpoint: str
    user: str
    host: str
    port: str
    path: str

    def args(self) -> list[str]:
        """``-l USER -p PORT`` as the docker CLI passes them (before any -o)."""
        out: list[str] = []
        if self.user:
            out += ["-l", self.user]
        if self.port:
            out += ["-p", self.port]
        return out

    def remote_command(self) -> str:
        """One string, quoted for the remote shell (ssh runs it there), as docker quotes it."""
        argv = ["docker"]
        if self.path.strip("/"):
            argv.append(f"--host=unix://{self.path}")
        argv += ["version", "--format", VERSION_FORMAT]
        return shlex.join(argv)


def parse_target(endpoint: str) -> SshTarget | str:
    """The endpoint's parts, or why docker would refuse it."""
    try:
        parts = urlsplit(endpoint.strip())
        port = parts.port
    except ValueError as exc:
        return f"not a valid ssh URL: {exc}"
    if parts.scheme != "ssh":
        return "not an ssh:// endpoint"
    if parts.password is not None:
        return "a password in the URL: docker does not accept one (use a key)"
    if not parts.hostname:
        return "no host name in the URL"
    if parts.query or parts.fragment:
        return "query parameters or a fragment in the URL: docker does not accept them"
    return SshTarget(
        endpoint, parts.username or "", parts.hostname, str(port) if port else "", parts.path
    )


def resolve_argv(target: SshTarget) -> tuple[str, ...]:
    return ("ssh", "-G", *target.args(), "--", target.host)


def connect_argv(target: SshTarget, connect_timeout_s: float) -> tuple[str, ...]:
    seconds = max(1, round(connect_timeout_s))
    return (
        "ssh",
        *target.args(),
        "-o",
        "BatchMode=yes",
        "-o",
        f"ConnectTimeout={seconds}",
        "-T",
        "--",
        target.host,
        target.remote_command(),
    )


@dataclass(frozen=True)
class SshConfig:
    """What ``ssh -G`` says ssh would use."""

    hostname: str
    user: str
    port: str
    identity_files: tuple[str, ...]
    proxy: str  # "ProxyJump X" / "ProxyCommand Y", "" when none


def parse_ssh_g(stdout: str) -> SshConfig | None:
    """The effective config ``ssh -G`` printed (one ``key value`` a line), None if there is none."""
    values: dict[str, str] = {}
    identities: list[str] = []
    for line in stdout.splitlines():
        key, _, value = line.strip().partition(" ")
        key = key.lower()
        if key == "identityfile":
            identities.append(value.strip())
        elif key and key not in values:
            values[key] = value.strip()
    if "hostname" not in values:
        return None
    proxy = ""
    for key, word in (("proxyjump", "ProxyJump"), ("proxycommand", "ProxyCommand")):
        if values.get(key, "none").lower() != "none":
            proxy = f"{word} {values[key]}"
    return SshConfig(
        values["hostname"], values.get("user", ""), values.get("port", "22"), tuple(identities),
        proxy,
    )  # fmt: skip


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Outcome(StrEnum):
    OK = "ok"
    UNREACHABLE = "unreachable"
    AUTH = "auth"
    HOST_KEY_UNKNOWN = "host-key-unknown"
    HOST_KEY_CHANGED = "host-key-changed"
    NO_DOCKER = "no-docker"
    SOCKET_DENIED = "socket-denied"
    NO_ENGINE = "no-engine"
    TIMEOUT = "timeout"
    NO_SSH = "no-ssh"
    OTHER = "other"


@dataclass(frozen=True)
class Classified:
    outcome: Outcome
    said: str  # the line(s) of ssh or docker that tell it
    version: str = ""


def _last(stderr: str, *needles: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for line in reversed(lines):
        if any(n in line.lower() for n in needles):
            return line
    return lines[-1] if lines else ""


def classify(returncode: int, stdout: str, stderr: str) -> Classified:
    """What one connection run says (its exit status, stdout, stderr)."""
    low = stderr.lower()
    if returncode == 0 and stdout.strip():
        return Classified(Outcome.OK, "", stdout.strip().splitlines()[-1])
    if "remote host identification has changed" in low:
        return Classified(Outcome.HOST_KEY_CHANGED, _last(stderr, "has changed"))
    if "host key verification failed" in low:
        return Classified(Outcome.HOST_KEY_UNKNOWN, _last(stderr, "host key"))
    if "permission denied (" in low:
        return Classified(Outcome.AUTH, _last(stderr, "permission denied"))
    if "timed out after" in low or "connection timed out" in low:
        return Classified(Outcome.TIMEOUT, _last(stderr, "timed out"))
    if "ssh: connect to host" in low or "could not resolve hostname" in low:
        return Classified(Outcome.UNREACHABLE, _last(stderr, "ssh:"))
    if returncode == 127 and ("not found" in low or "no such file" in low):
        if "docker" in low:
            return Classified(Outcome.NO_DOCKER, _last(stderr, "docker"))
        return Classified(Outcome.NO_SSH, _last(stderr, "ssh"))
    if "permission denied while trying to connect to the docker daemon" in low:
        return Classified(Outcome.SOCKET_DENIED, _last(stderr, "permission denied"))
    if "cannot connect to the docker daemon" in low:
        return Classified(Outcome.NO_ENGINE, _last(stderr, "cannot connect"))
    return Classified(Outcome.OTHER, _last(stderr) or f"exit status {returncode}")


#: outcome -> (status, what it means, the fix)
MEANING: dict[Outcome, tuple[Status, str, str]] = {
    Outcome.OK: (Status.PASSED, "", ""),
    Outcome.UNREACHABLE: (
        Status.FAILED,
        "no ssh server answers there",
        "Check the host and port (the endpoint's, or the Host entry of your ssh config) and "
        "that sshd runs there; without a port ssh uses 22.",
    ),
    Outcome.TIMEOUT: (
        Status.FAILED,
        "no answer in time",
        "Check that the host is up and that a firewall lets the ssh port through.",
    ),
    Outcome.AUTH: (
        Status.FAILED,
        "the server refused every key offered without asking (BatchMode: buildx cannot type "
        "a password or a passphrase either)",
        "Put your public key in the server's authorized_keys (ssh-copy-id USER@HOST), name "
        "the key in ~/.ssh/config (IdentityFile) or load it into your ssh-agent (ssh-add).",
    ),
    Outcome.HOST_KEY_UNKNOWN: (
        Status.FAILED,
        "the server's host key is not in known_hosts (buildx cannot answer ssh's question)",
        "Connect once by hand and check the fingerprint: ssh USER@HOST (it asks to add the "
        "key), or add it with ssh-keyscan after checking it.",
    ),
    Outcome.HOST_KEY_CHANGED: (
        Status.FAILED,
        "the server's host key differs from the one in known_hosts (a reinstalled host, or "
        "someone in between)",
        "Find out why it changed; if it is expected, remove the old key: ssh-keygen -R "
        "'[HOST]:PORT' (the line ssh printed), then connect once by hand.",
    ),
    Outcome.NO_DOCKER: (
        Status.FAILED,
        "logged in, but there is no docker CLI on the remote PATH (dial-stdio needs it)",
        "Install the docker CLI on the remote host (it must be on the PATH of a "
        "non-interactive ssh session).",
    ),
    Outcome.SOCKET_DENIED: (
        Status.FAILED,
        "logged in, but that user may not open the remote engine's socket",
        "Add the remote user to the docker group (usermod -aG docker USER, then log in "
        "again) or use a user that may.",
    ),
    Outcome.NO_ENGINE: (
        Status.FAILED,
        "logged in, but no engine answers on the remote socket",
        "Start the Docker engine on the remote host (or correct the socket path in the URL).",
    ),
    Outcome.NO_SSH: (
        Status.FAILED,
        "there is no ssh client here (docker's ssh:// needs it)",
        "Install the OpenSSH client (Debian: apt-get install openssh-client).",
    ),
    Outcome.OTHER: (Status.FAILED, "the connection failed", ""),
}


def _resolved(target: SshTarget, config: SshConfig) -> str:
    said = f"{config.user or '(your user)'}@{config.hostname}:{config.port}"
    alias = config.hostname != target.host
    head = f"ssh config resolves {target.host} to {said}" if alias else f"ssh uses {said}"
    if config.identity_files:
        head += f", key {config.identity_files[0]}"
    if config.proxy:
        head += f", through {config.proxy}"
    return head


def check_ssh_endpoint(ctx: DoctorContext, endpoint: str) -> CheckResult:
    """Resolve ``endpoint`` with the user's ssh config, then (loopback only) connect once."""
    key, title = f"ssh:{endpoint}", f"SSH to {endpoint}"
    why = "buildx reaches an ssh:// node through your ssh and ssh config, without a terminal"
    target = parse_target(endpoint)
    if isinstance(target, str):
        return CheckResult(key, title, Status.FAILED, f"{endpoint}: {target}", "", why)
    resolve = ctx.run_program(resolve_argv(target), timeout=ctx.command_timeout_s)
    config = parse_ssh_g(resolve.stdout) if resolve.ok else None
    if config is None:
        got = classify(resolve.returncode, "", resolve.stderr)
        outcome = Outcome.NO_SSH if got.outcome is Outcome.NO_SSH else Outcome.OTHER
        status, _, fix = MEANING[outcome]
        found = f"`ssh -G` could not resolve {target.host}: {got.said or resolve.error_text()}"
        fixed = Fix(fix) if fix else None
        return CheckResult(key, title, status, found, resolve.command, why, fixed)
    resolved = _resolved(target, config)
    if not is_loopback(config.hostname) or config.proxy:
        where = config.proxy or config.hostname
        found = (
            f"{resolved}; not contacted (buildx-tui connects only to loopback addresses, and "
            f"this goes to {where})"
        )
        return CheckResult(key, title, Status.UNKNOWN, found, resolve.command, why)
    run = ctx.run_program(
        connect_argv(target, ctx.connect_timeout_s),
        timeout=ctx.connect_timeout_s + EXTRA_S,
    )
    got = classify(run.returncode, run.stdout, run.stderr)
    how = f"{resolve.command}; {run.command}"
    status, meaning, fix = MEANING[got.outcome]
    if got.outcome is Outcome.OK:
        found = f"{resolved}; logged in without a prompt, remote engine {got.version}"
        return CheckResult(key, title, status, found, how, why)
    found = f"{resolved}; {meaning}: {got.said}"
    return CheckResult(key, title, status, found, how, why, Fix(fix) if fix else None)


def ssh_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    """One result per distinct ssh:// endpoint of the chosen builders' nodes."""
    refresh = ctx.ls()
    if refresh.ls is None:
        return ()
    endpoints: dict[str, None] = {}
    for builder in ctx.chosen_builders(refresh.ls):
        for node in builder.nodes:
            if node.endpoint.startswith("ssh://"):
                endpoints.setdefault(node.endpoint, None)
    return tuple(ctx.ssh_endpoint(e, check_ssh_endpoint) for e in endpoints)
