"""Failures of `buildx create`, `--leave`, `inspect --bootstrap` and `use`, explained with the fix.

Each rule matches buildx's own words, as recorded on the lab (tests/fixtures/local/create-err-*,
bootstrap-err-*, leave-err-*). Where buildx hides the reason (a remote node that does not answer
says only "context deadline exceeded"), the caller passes what :mod:`create_probe` found.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from buildx_tui.core.create_drivers import DRIVER_OPTIONS, ENV_OPTION_DRIVERS, parse_driver
from buildx_tui.core.create_probe import ProbeResult


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


Rule = tuple[re.Pattern[str], Callable[[re.Match[str], Facts], tuple[str, str]]]


def _toml(_m: re.Match[str], f: Facts) -> tuple[str, str]:
    where = f" {f.config_path}" if f.config_path else ""
    return (
        "BuildKit cannot read the buildkitd.toml",
        f"Correct the file{where} at the place buildx names (the wizard edits only debug and "
        "the [registry] tables; other keys are yours), or go back and leave the config path "
        "empty to create the builder without it.",
    )


def _remote_config(_m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        "The remote driver takes no buildkitd.toml",
        "Configure the buildkitd you run (its own --config). If you gave no config, buildx took "
        "its default one: move $DOCKER_CONFIG/buildx/buildkitd.default.toml away.",
    )


def _driver_opt(m: re.Match[str], f: Facts) -> tuple[str, str]:
    d = parse_driver(m.group(2)) or parse_driver(f.driver)
    names = ""
    if d is not None:
        names = ", ".join(sorted(DRIVER_OPTIONS[d]))
        if d in ENV_OPTION_DRIVERS:
            names += ", env.NAME"
    return (
        f'The {m.group(2)} driver has no option "{m.group(1)}"',
        f"Go back to the node step and correct it. Its options: {names}.",
    )


def _missing_tls(m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        "TLS files missing",
        f"buildx needs {m.group(1)}: with TLS give the CA certificate (cacert), and the client "
        "certificate and key together.",
    )


def _name_exists(m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        f'A builder "{m.group(1)}" already exists',
        "Choose another name, or append a node to it (the name step offers --append).",
    )


def _append_missing(m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        f'There is no builder "{m.group(1)}" to append to',
        "It was removed meanwhile: refresh the builders and create it instead.",
    )


def _duplicate_endpoint(m: re.Match[str], f: Facts) -> tuple[str, str]:
    return (
        "Another node of this builder already uses that endpoint",
        f"A builder cannot have two nodes on {m.group(1)}: choose another endpoint, or leave "
        f"the other node first (docker buildx create --leave --name {f.builder} --node NODE).",
    )


def _docker_driver(_m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        "buildx cannot create docker-driver builders",
        "Each Docker context has one already. For another engine run `docker context create "
        "NAME --docker host=ssh://user@host`; for multi-platform builds choose docker-container.",
    )


def _scheme(m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        f"{m.group(1)}:// is not a BuildKit address",
        "Use tcp://host:port (TLS files for encryption), unix:///path/buildkitd.sock or "
        "ssh://user@host.",
    )


def _ssh(_m: re.Match[str], f: Facts) -> tuple[str, str]:
    return (
        "buildx could not reach the Docker engine over SSH",
        "`ssh USER@HOST docker version` must work without a password prompt: use key-based "
        "login (ssh-copy-id), accept the host key once by hand, and make sure docker runs there "
        "for that user. Then try again." + (f" Endpoint: {f.endpoint}." if f.endpoint else ""),
    )


def _not_a_context(m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        f"{m.group(1)} is not a Docker context",
        "buildx took it as a host name. Pick a context from `docker context ls`, or write "
        "ssh://user@host or tcp://host:2376.",
    )


def _engine(_m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        "The Docker engine is not reachable",
        "Start Docker (or check DOCKER_HOST / the current context), then try again.",
    )


def _image_missing(_m: re.Match[str], f: Facts) -> tuple[str, str]:
    image = f.image or "the BuildKit image"
    return (
        f"The BuildKit image {image} cannot be pulled",
        "The registry does not have it: check the name and tag (moby/buildkit:buildx-stable-1, "
        "moby/buildkit:master, or your own mirror's copy), or leave the image empty for the "
        "default.",
    )


def _image_offline(_m: re.Match[str], f: Facts) -> tuple[str, str]:
    image = f.image or "moby/buildkit:buildx-stable-1"
    return (
        f"The engine cannot reach a registry to pull {image}",
        "This machine cannot reach the registry. Pull or `docker load` the image by other means, "
        "or push it to a registry you can reach and set the driver option image=HOST/"
        "moby/buildkit:TAG. (Pulling this image is done by the Docker engine, so its "
        "daemon.json registry-mirrors do apply here — unlike builds inside the builder.)",
    )


def _caps(_m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        "The engine cannot start the privileged BuildKit container",
        "docker-container builders need a privileged container; this engine refuses one "
        "(missing capabilities). Use a remote buildkitd instead, or fix the engine.",
    )


def _container_conflict(m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        "A container of an earlier builder of this name is still there",
        f"Remove it: docker rm -f {m.group(1)}, then bootstrap again.",
    )


def _leave_last(_m: re.Match[str], f: Facts) -> tuple[str, str]:
    return (
        "A builder's last node cannot leave",
        f"Remove the whole builder instead: docker buildx rm {f.builder or 'NAME'}.",
    )


def _node_not_found(m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (f'There is no node "{m.group(1)}"', "Refresh the builders: it was removed meanwhile.")


def _invalid_name(_m: re.Match[str], _f: Facts) -> tuple[str, str]:
    return (
        "Invalid name",
        "Names start with a letter and hold only letters, digits and . _ -",
    )


_IMAGE_MISSING = (
    r"manifest unknown|pull access denied|repository does not exist|not found: manifest"
)
_IMAGE_OFFLINE = (
    r'Error response from daemon: Get "https?://[^"]+": .*'
    r"(no such host|i/o timeout|connection refused|network is unreachable)"
)
_DRIVER_OPT = r"invalid driver option (\S+) for (?:driver )?(\S+?)(?: driver)?$"
_SSH = r"ssh:|dial-stdio|Host key verification failed|Permission denied \(publickey"
_CONFLICT = r'The container name "/?(buildx_buildkit_[^"]+)" is already in use'

RULES: tuple[Rule, ...] = (
    (re.compile(r"failed to parse config: toml"), _toml),
    (re.compile(r"setting config file is not supported for remote driver"), _remote_config),
    (re.compile(_DRIVER_OPT, re.M), _driver_opt),
    (re.compile(r"tls enabled, but missing keys (.+)$", re.M), _missing_tls),
    (re.compile(r'existing instance for "([^"]+)" but no append mode'), _name_exists),
    (re.compile(r'instance name "([^"]+)" already exists as context builder'), _name_exists),
    (re.compile(r'failed to find instance "([^"]+)" for append'), _append_missing),
    (re.compile(r"invalid duplicate endpoint (\S+)"), _duplicate_endpoint),
    (re.compile(r'additional instances of driver "docker" cannot be created'), _docker_driver),
    (re.compile(r"unrecognized url scheme (\S+)"), _scheme),
    (re.compile(_SSH), _ssh),
    (re.compile(r"failed to connect to the docker API at tcp://([^:/\s]+):2375"), _not_a_context),
    (re.compile(r"Cannot connect to the Docker daemon|docker daemon is not running"), _engine),
    (re.compile(_IMAGE_MISSING), _image_missing),
    (re.compile(_IMAGE_OFFLINE), _image_offline),
    (re.compile(r"unable to apply caps|operation not permitted: unknown"), _caps),
    (re.compile(_CONFLICT), _container_conflict),
    (re.compile(r"can not leave last node"), _leave_last),
    (re.compile(r'node "([^"]+)" not found for'), _node_not_found),
    (re.compile(r"invalid name \S+, name needs to start with a letter"), _invalid_name),
)  # fmt: skip


def explain(
    error_text: str, facts: Facts | None = None, *, probe: ProbeResult | None = None
) -> Explanation:
    """What went wrong and what to do, from buildx's error output (``CommandResult.error_text``
    or the whole stderr) and, for a remote node that never answered, the probe's finding."""
    facts = facts or Facts()
    detail = error_text.strip()
    if "context deadline exceeded" in detail and facts.driver == "remote":
        return _deadline(detail, facts, probe)
    for pattern, make in RULES:
        m = pattern.search(detail)
        if m:
            title, fix = make(m, facts)
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
