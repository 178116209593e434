"""Failures of `buildx create`, `--leave`, `inspect --bootstrap` and `use`, explained with the fix.

Each :class:`Matcher` in :data:`MATCHERS` matches buildx's own words, as recorded on the lab
(tests/fixtures/local/create-err-*, bootstrap-err-*, leave-err-*); the first that matches wins.
Where buildx hides the reason (a remote node that does not answer says only "context deadline
exceeded"), the caller passes what :mod:`create_probe` found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from buildx_tui.core.create.drivers import DRIVER_OPTIONS, ENV_OPTION_DRIVERS, parse_driver
from buildx_tui.core.probe import ProbeResult


@dataclass(frozen=True)
class Explanation:
    title: str
    detail: str  # buildx's own error lines
    fix: str


@dataclass(frozen=True)
class Facts:
    """What the explanation may name: the builder, its driver, image, config file, endpoint."""

    builder: str = ""
    driver: str = ""
    image: str = ""
    config_path: str = ""
    endpoint: str = ""


Extra = Callable[[re.Match[str], Facts], Mapping[str, str]]


@dataclass(frozen=True)
class Matcher:
    """One failure: the words buildx reports it with, and the title and fix to show.

    ``title`` and ``fix`` are :meth:`str.format` templates: ``{1}``, ``{2}`` … are the
    pattern's groups, ``{builder}``, ``{driver}``, ``{image}``, ``{config_path}`` and
    ``{endpoint}`` the :class:`Facts`, and ``extra`` may add (or override) named values.
    Literal braces in a template are written ``{{`` and ``}}``.
    """

    pattern: re.Pattern[str]
    title: str
    fix: str
    extra: Extra | None = None

    def explain(self, m: re.Match[str], facts: Facts) -> tuple[str, str]:
        groups = (m.group(0), *m.groups(default=""))
        named = asdict(facts) | dict(self.extra(m, facts) if self.extra else {})
        return self.title.format(*groups, **named), self.fix.format(*groups, **named)


def _or(field: str, default: str) -> Extra:
    """The fact ``field``, or ``default`` when the caller does not know it."""
    return lambda _m, f: {field: getattr(f, field) or default}


def _config_where(_m: re.Match[str], f: Facts) -> Mapping[str, str]:
    return {"where": f" {f.config_path}" if f.config_path else ""}


def _driver_options(m: re.Match[str], f: Facts) -> Mapping[str, str]:
    d = parse_driver(m.group(2)) or parse_driver(f.driver)
    names = ""
    if d is not None:
        names = ", ".join(sorted(DRIVER_OPTIONS[d]))
        if d in ENV_OPTION_DRIVERS:
            names += ", env.NAME"
    return {"options": names}


def _endpoint_note(_m: re.Match[str], f: Facts) -> Mapping[str, str]:
    return {"endpoint_note": f" Endpoint: {f.endpoint}." if f.endpoint else ""}


def _ssh_target(_m: re.Match[str], f: Facts) -> Mapping[str, str]:
    """Host, port and the ssh command line of an ssh:// endpoint, for the SSH failures."""
    host, port, login = "the host", "22", "ssh USER@HOST"
    try:
        url = urlsplit(f.endpoint)
        url_port = url.port
    except ValueError:
        return {"host": host, "port": port, "login": login}
    if url.scheme == "ssh" and url.hostname:
        host, port = url.hostname, str(url_port or 22)
        user = f"{url.username}@" if url.username else ""
        login = "ssh " + (f"-p {url_port} " if url_port else "") + user + host
    return {"host": host, "port": port, "login": login}


def _ssh_host_key(m: re.Match[str], f: Facts) -> Mapping[str, str]:
    target = dict(_ssh_target(m, f))
    return {**target, "key_host": m.group(1) or target["host"]}


_IMAGE_MISSING = (
    r"manifest unknown|pull access denied|repository does not exist|not found: manifest"
)
_IMAGE_OFFLINE = (
    r'Error response from daemon: Get "https?://[^"]+": .*'
    r"(no such host|i/o timeout|connection refused|network is unreachable)"
)
_DRIVER_OPT = r"invalid driver option (\S+) for (?:driver )?(\S+?)(?: driver)?$"
_SSH = r"ssh:|dial-stdio|Host key verification failed|Permission denied \(publickey"
_SSH_HOST_KEY = (
    r"No \S+ host key is known for (\S+)|Host key verification failed"
    r"|REMOTE HOST IDENTIFICATION HAS CHANGED"
)
# The docker CLI's placeholder URL for an engine reached through a connection helper (ssh://).
_SSH_DEADLINE = r'Get "http://docker\.example\.com/[^"]*": context deadline exceeded'
_CONFLICT = r'The container name "/?(buildx_buildkit_[^"]+)" is already in use'
_NAME_EXISTS = (
    'A builder "{1}" already exists',
    "Choose another name, or append a node to it (the name step offers --append).",
)

MATCHERS: tuple[Matcher, ...] = (
    Matcher(
        re.compile(r"failed to parse config: toml"),
        "BuildKit cannot read the buildkitd.toml",
        "Correct the file{where} at the place buildx names (the wizard edits only debug and "
        "the [registry] tables; other keys are yours), or go back and leave the config path "
        "empty to create the builder without it.",
        _config_where,
    ),
    Matcher(
        re.compile(r"setting config file is not supported for remote driver"),
        "The remote driver takes no buildkitd.toml",
        "Configure the buildkitd you run (its own --config). If you gave no config, buildx took "
        "its default one: move $DOCKER_CONFIG/buildx/buildkitd.default.toml away.",
    ),
    Matcher(
        re.compile(_DRIVER_OPT, re.M),
        'The {2} driver has no option "{1}"',
        "Go back to the node step and correct it. Its options: {options}.",
        _driver_options,
    ),
    Matcher(
        re.compile(r"tls enabled, but missing keys (.+)$", re.M),
        "TLS files missing",
        "buildx needs {1}: with TLS give the CA certificate (cacert), and the client "
        "certificate and key together.",
    ),
    Matcher(re.compile(r'existing instance for "([^"]+)" but no append mode'), *_NAME_EXISTS),
    Matcher(
        re.compile(r'instance name "([^"]+)" already exists as context builder'), *_NAME_EXISTS
    ),
    Matcher(
        re.compile(r'failed to find instance "([^"]+)" for append'),
        'There is no builder "{1}" to append to',
        "It was removed meanwhile: refresh the builders and create it instead.",
    ),
    Matcher(
        re.compile(r"invalid duplicate endpoint (\S+)"),
        "Another node of this builder already uses that endpoint",
        "A builder cannot have two nodes on {1}: choose another endpoint, or leave the other "
        "node first (docker buildx create --leave --name {builder} --node NODE).",
    ),
    Matcher(
        re.compile(r'additional instances of driver "docker" cannot be created'),
        "buildx cannot create docker-driver builders",
        "Each Docker context has one already. For another engine run `docker context create "
        "NAME --docker host=ssh://user@host`; for multi-platform builds choose docker-container.",
    ),
    Matcher(
        re.compile(r"unrecognized url scheme (\S+)"),
        "{1}:// is not a BuildKit address",
        "Use tcp://host:port (TLS files for encryption), unix:///path/buildkitd.sock or "
        "ssh://user@host.",
    ),
    # ssh:// endpoints: the particular failures (recorded on the lab's sshd), then any other.
    Matcher(
        re.compile(r"ssh: connect to host (\S+) port (\d+): Connection refused"),
        "Nothing answers on {1} port {2} (SSH connection refused)",
        "No SSH server listens at that address. Check the host and the port in the endpoint "
        "(ssh://user@host:PORT; without a port ssh uses 22, or the Port of a matching Host in "
        "~/.ssh/config) and that sshd runs on that machine: `{login} docker version` must work. "
        "Then try again.",
        _ssh_target,
    ),
    Matcher(
        re.compile(_SSH_HOST_KEY),
        "ssh does not trust the host key of {key_host}",
        "buildx runs ssh without prompts, so it cannot accept a host key for you. Connect once "
        "by hand, check the fingerprint and accept it: `{login} true` (ssh then keeps it in "
        "~/.ssh/known_hosts). If ssh says the key has CHANGED, find out why before removing "
        "the old one (ssh-keygen -R).",
        _ssh_host_key,
    ),
    Matcher(
        re.compile(r"([^\s=]+@[^\s:]+): Permission denied \(([^)]*)\)"),
        "The SSH server refused the login {1} ({2})",
        "buildx logs in without prompts, so that user needs key-based login: put your public "
        "key in their ~/.ssh/authorized_keys on the host (ssh-copy-id), and load it into "
        "ssh-agent or name it as IdentityFile in ~/.ssh/config; check the user name in the "
        "endpoint. `{login} docker version` must then work without a password.",
        _ssh_target,
    ),
    Matcher(
        re.compile(_SSH_DEADLINE),
        "No answer over SSH from {host} port {port} in time",
        "Something took the connection, but neither sshd nor docker there answered before "
        "buildx gave up (20 s, or the timeout set on the endpoint step). Check the address "
        "and port (a firewall may swallow the traffic) and that `{login} docker version` "
        "answers; on a slow link set a longer timeout on the endpoint step (e.g. 1m).",
        _ssh_target,
    ),
    Matcher(
        re.compile(_SSH),
        "buildx could not reach the Docker engine over SSH",
        "`ssh USER@HOST docker version` must work without a password prompt: use key-based "
        "login (ssh-copy-id), accept the host key once by hand, and make sure docker runs there "
        "for that user. Then try again.{endpoint_note}",
        _endpoint_note,
    ),
    Matcher(
        re.compile(r"failed to connect to the docker API at tcp://([^:/\s]+):2375"),
        "{1} is not a Docker context",
        "buildx took it as a host name. Pick a context from `docker context ls`, or write "
        "ssh://user@host or tcp://host:2376.",
    ),
    Matcher(
        re.compile(r"Cannot connect to the Docker daemon|docker daemon is not running"),
        "The Docker engine is not reachable",
        "Start Docker (or check DOCKER_HOST / the current context), then try again.",
    ),
    Matcher(
        re.compile(_IMAGE_MISSING),
        "The BuildKit image {image} cannot be pulled",
        "The registry does not have it: check the name and tag (moby/buildkit:buildx-stable-1, "
        "moby/buildkit:master, or your own mirror's copy), or leave the image empty for the "
        "default.",
        _or("image", "the BuildKit image"),
    ),
    Matcher(
        re.compile(_IMAGE_OFFLINE),
        "The engine cannot reach a registry to pull {image}",
        "This machine cannot reach the registry. Pull or `docker load` the image by other means, "
        "or push it to a registry you can reach and set the driver option image=HOST/"
        "moby/buildkit:TAG. (Pulling this image is done by the Docker engine, so its "
        "daemon.json registry-mirrors do apply here — unlike builds inside the builder.)",
        _or("image", "moby/buildkit:buildx-stable-1"),
    ),
    Matcher(
        re.compile(r"unable to apply caps|operation not permitted: unknown"),
        "The engine cannot start the privileged BuildKit container",
        "docker-container builders need a privileged container; this engine refuses one "
        "(missing capabilities). Use a remote buildkitd instead, or fix the engine.",
    ),
    Matcher(
        re.compile(r"Error response from daemon: network (\S+) not found"),
        'The Docker network "{1}" does not exist',
        "The driver option network= names it. Go back to the node step and choose network=host, "
        "or a network `docker network ls` lists (or make it: docker network create {1}).",
    ),
    Matcher(
        re.compile(_CONFLICT),
        "A container of an earlier builder of this name is still there",
        "Remove it: docker rm -f {1}, then bootstrap again.",
    ),
    Matcher(
        re.compile(r"can not leave last node"),
        "A builder's last node cannot leave",
        "Remove the whole builder instead: docker buildx rm {builder}.",
        _or("builder", "NAME"),
    ),
    Matcher(
        re.compile(r'node "([^"]+)" not found for'),
        'There is no node "{1}"',
        "Refresh the builders: it was removed meanwhile.",
    ),
    Matcher(
        re.compile(
            r"failed to connect to the docker API at (unix://\S+?);.*dial unix \S+: connect: "
            r"(no such file or directory|connection refused|permission denied)"
        ),
        "No Docker engine answers at {1}",
        "buildx talks to that engine as it creates a docker-container node, and got: {2}. Give "
        "the path of a running engine's socket (unix:///var/run/docker.sock, or a Docker "
        "context name), or start that engine.",
    ),
    Matcher(
        re.compile(r"invalid name \S+, name needs to start with a letter"),
        "Invalid name",
        "Names start with a letter and hold only letters, digits and . _ -",
    ),
)


def lost_ssh_words(stderr: str, endpoint: str | None) -> bool:
    """The docker CLI's ssh helper sometimes reports only that writing to ssh failed ("write |1:
    broken pipe": ssh had already exited) and drops ssh's own message; then only a probe of the
    endpoint can tell what went wrong."""
    return bool(endpoint and endpoint.startswith("ssh://")) and (
        "error during connect" in stderr and "broken pipe" in stderr and "stderr=" not in stderr
    )


def explain(
    error_text: str, facts: Facts | None = None, *, probe: ProbeResult | None = None
) -> Explanation:
    """What went wrong and what to do, from buildx's error output (``CommandResult.error_text``
    or the whole stderr) and, for a remote node that never answered, the probe's finding."""
    facts = facts or Facts()
    detail = error_text.strip()
    if "context deadline exceeded" in detail and facts.driver == "remote":
        return _deadline(detail, facts, probe)
    if probe is not None and not probe.ok and lost_ssh_words(detail, facts.endpoint):
        return Explanation(
            probe.summary,
            detail + "\n(the docker CLI lost ssh's own message; buildx-tui connected itself to "
            "find the reason)",
            probe.fix or "Correct the endpoint and try again.",
        )
    for matcher in MATCHERS:
        m = matcher.pattern.search(detail)
        if m:
            title, fix = matcher.explain(m, facts)
            return Explanation(title, detail, fix)
    return Explanation(
        "The command failed",
        detail or "no error message",
        "Read buildx's message above; go back to change the settings, or close the wizard.",
    )


def _deadline(detail: str, facts: Facts, probe: ProbeResult | None) -> Explanation:
    where = facts.endpoint or "the endpoint"
    if probe is not None and not probe.ok:
        return Explanation(
            f"{where}: {probe.summary}",
            detail + "\n(buildx waits 20 s and reports only this; buildx-tui connected itself "
            "to find the reason)",
            probe.fix or "Correct the endpoint or the TLS files and try again.",
        )
    return Explanation(
        f"No answer from {where} within 20 s",
        detail,
        "Either nothing listens there, or the TLS handshake fails (wrong cacert, missing or "
        "rejected client certificate, server name not in the certificate). Check that buildkitd "
        "runs at that address and that cacert is the CA that signed its certificate.",
    )
