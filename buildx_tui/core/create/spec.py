"""`docker buildx create` (new builder, ``--append``, ``--leave``) as typed specs -> argv, and the
checks the wizard runs before anything is executed, with messages for the user.

The rules are buildx v0.36's (commands/create.go, builder/builder.go, store/, driver/*): a
builder name starts with a letter and holds letters, digits and ``. _ -`` (stored lower-case);
``default`` is reserved; an existing name needs ``--append`` (or ``--node`` to change a node);
the remote driver takes a BuildKit address and no buildkitd.toml; kubernetes takes no endpoint;
``--driver-opt`` values are CSV (a comma splits options unless quoted); TLS paths must be
absolute; ``--config`` is a hidden alias of ``--buildkitd-config`` (we always write the latter);
``--timeout`` is a Go duration (``20s``, ``1m30s``; default 20s).
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from buildx_tui.core.builders import Builder
from buildx_tui.core.commands import InvalidName, validate_builder_name
from buildx_tui.core.create.drivers import (
    DRIVER_OPTIONS,
    DRIVERS,
    ENV_OPTION_DRIVERS,
    Driver,
    parse_driver,
)
from buildx_tui.core.create.problem import CreateProblem, Severity, endpoint_scheme, errors_in
from buildx_tui.core.create.tls import Access, check_tls_files
from buildx_tui.core.platforms import KNOWN_ARCH, PlatformError, parse_platform

# Re-exported: callers import the wizard's checks from here.
__all__ = [
    "Access",
    "CreateProblem",
    "CreateSpec",
    "LeaveSpec",
    "Severity",
    "check_buildkitd_flags",
    "check_config_allowed",
    "check_driver",
    "check_driver_opts",
    "check_endpoint",
    "check_name",
    "check_node_name",
    "check_platforms",
    "check_timeout",
    "check_tls_files",
    "driver_opt",
    "endpoint_scheme",
    "errors_in",
    "find_builder",
    "next_node_name",
    "parse_context_names",
    "parse_go_duration",
    "split_driver_opt",
]

# --- specs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateSpec:
    """``docker buildx create`` with the flags users write (see the seeds' commands)."""

    name: str | None = None
    driver: str | None = None
    endpoint: str | None = None  # the positional [CONTEXT|ENDPOINT]
    node: str | None = None
    platforms: tuple[str, ...] = ()
    driver_opts: tuple[str, ...] = ()  # each as buildx receives one --driver-opt (CSV)
    buildkitd_flags: str | None = None
    buildkitd_config: str | None = None
    timeout: str | None = None  # Go duration: how long buildx waits for the nodes' status
    append: bool = False
    use: bool = False
    bootstrap: bool = False

    def argv(self) -> list[str]:
        argv = ["buildx", "create"]
        if self.append:
            argv.append("--append")
        if self.use:
            argv.append("--use")
        if self.name:
            argv += ["--name", self.name]
        if self.node:
            argv += ["--node", self.node]
        if self.driver:
            argv += ["--driver", self.driver]
        if self.platforms:
            argv += ["--platform", ",".join(self.platforms)]
        for opt in self.driver_opts:
            argv += ["--driver-opt", opt]
        if self.buildkitd_flags:
            argv += ["--buildkitd-flags", self.buildkitd_flags]
        if self.buildkitd_config:
            argv += ["--buildkitd-config", self.buildkitd_config]
        if self.timeout:
            argv += ["--timeout", self.timeout]
        if self.bootstrap:
            argv.append("--bootstrap")
        if self.endpoint:
            argv.append(self.endpoint)
        return argv


@dataclass(frozen=True)
class LeaveSpec:
    """``docker buildx create --leave``: remove one node from a builder (not its last one)."""

    name: str
    node: str

    def argv(self) -> list[str]:
        return ["buildx", "create", "--leave", "--name", self.name, "--node", self.node]


def driver_opt(key: str, value: str) -> str:
    """One ``--driver-opt`` argument. buildx reads it as CSV, so a value holding a comma or a
    quote is quoted (``"nodeselector=a=b,c=d"``), as buildx's docs tell users to do."""
    item = f"{key}={value}"
    if any(c in item for c in ',"\n\r'):
        return '"' + item.replace('"', '""') + '"'
    return item


def split_driver_opt(raw: str) -> list[tuple[str, str]] | str:
    """The key/value pairs buildx reads from one ``--driver-opt`` (CSV, then ``k=v``), or an
    error message as buildx would give it."""
    try:
        rows = list(csv.reader([raw], strict=True))
    except csv.Error as exc:
        return f"{raw!r}: {exc}"
    fields = rows[0] if rows else []
    pairs: list[tuple[str, str]] = []
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep:
            return f"invalid value {item!r}, expecting key=value"
        pairs.append((key, value))
    return pairs


# --- names ---------------------------------------------------------------------------------


def find_builder(existing: Sequence[Builder], name: str) -> Builder | None:
    low = name.lower()
    return next((b for b in existing if b.name.lower() == low), None)


def check_name(name: str, existing: Sequence[Builder], *, append: bool) -> list[CreateProblem]:
    """The builder name, as buildx checks it, and against the builders that exist."""
    name = name.strip()
    out: list[CreateProblem] = []
    try:
        stored = validate_builder_name(name)
    except InvalidName as exc:
        return [CreateProblem("name", str(exc))]
    if stored == "default":
        return [
            CreateProblem(
                "name", '"default" is reserved for the Docker engine\'s own builder; choose another'
            )
        ]
    if stored != name:
        out.append(
            CreateProblem(
                "name", f'buildx stores builder names in lower case: "{stored}"', "warning"
            )
        )
    found = find_builder(existing, stored)
    if append:
        if found is None:
            out.append(CreateProblem("name", f'there is no builder "{stored}" to append a node to'))
        elif found.driver == Driver.DOCKER:
            out.append(
                CreateProblem(
                    "name",
                    f'"{found.name}" is the builder of a Docker context (docker driver); '
                    "nodes cannot be appended to it",
                )
            )
        return out
    if found is not None:
        if found.driver == Driver.DOCKER:
            out.append(
                CreateProblem(
                    "name",
                    f'"{found.name}" is the builder of the Docker context of that name; '
                    "choose another name",
                )
            )
        else:
            nodes = ", ".join(n.name for n in found.nodes) or "no nodes"
            out.append(
                CreateProblem(
                    "name",
                    f'a builder named "{found.name}" already exists ({found.driver}; nodes: '
                    f"{nodes}). Choose another name, or append a node to it (--append)",
                )
            )
    return out


def next_node_name(builder: Builder) -> str:
    """The node name buildx gives an appended node without --node: NAME0, NAME1, ... first free."""
    taken = {n.name.lower() for n in builder.nodes}
    i = 0
    while f"{builder.name}{i}".lower() in taken:
        i += 1
    return f"{builder.name}{i}"


def check_node_name(node: str, append_to: Builder | None) -> list[CreateProblem]:
    """``--node``: optional; buildx names it after the builder (NAME0, NAME1...) when empty."""
    node = node.strip()
    if not node:
        return []
    try:
        stored = validate_builder_name(node)
    except InvalidName as exc:
        return [CreateProblem("node", str(exc).replace("builder name", "node name"))]
    out: list[CreateProblem] = []
    if stored != node:
        out.append(
            CreateProblem("node", f'buildx stores node names in lower case: "{stored}"', "warning")
        )
    if append_to is not None and any(n.name.lower() == stored for n in append_to.nodes):
        out.append(
            CreateProblem(
                "node",
                f'builder "{append_to.name}" already has a node "{stored}"; with --append buildx '
                "would change that node instead of adding one. Choose another node name",
            )
        )
    return out


# --- driver and endpoint -----------------------------------------------------------------


def check_driver(driver: str, append_to: Builder | None) -> list[CreateProblem]:
    d = parse_driver(driver)
    if d is None:
        known = ", ".join(x.value for x in Driver if DRIVERS[x].creatable)
        return [CreateProblem("driver", f'unknown driver "{driver}" (buildx knows {known})')]
    if not DRIVERS[d].creatable:
        return [
            CreateProblem(
                "driver",
                "buildx cannot create builders with the docker driver: each Docker context "
                "already has one, named after the context. For another engine run "
                "`docker context create NAME --docker host=ssh://user@host`; for multi-platform "
                "builds and cache export choose docker-container",
            )
        ]
    if append_to is not None and append_to.driver != d:
        return [
            CreateProblem(
                "driver",
                f'"{append_to.name}" uses the {append_to.driver} driver; a node appended to it '
                f"must use {append_to.driver} too",
            )
        ]
    return []


REMOTE_SCHEMES = ("tcp", "unix", "ssh", "docker-container", "kube-pod", "npipe")
DOCKER_SCHEMES = ("unix", "tcp", "ssh", "npipe", "fd")
_CONTEXT_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_.+-")


def check_endpoint(
    driver: str,
    endpoint: str,
    *,
    contexts: Sequence[str] | None = None,
    append_to: Builder | None = None,
) -> list[CreateProblem]:
    """The positional endpoint: its scheme rules depend on the driver."""
    ep = endpoint.strip()
    d = parse_driver(driver)
    if any(c.isspace() for c in ep):
        return [CreateProblem("endpoint", "an endpoint has no spaces")]
    if ep.startswith("-"):
        return [CreateProblem("endpoint", "an endpoint cannot start with '-'")]
    if d == Driver.KUBERNETES:
        if ep:
            return [
                CreateProblem(
                    "endpoint",
                    "the kubernetes driver takes no endpoint: it uses the current kubeconfig "
                    "context; choose the namespace in the driver options",
                )
            ]
        return []
    if d == Driver.REMOTE:
        out = _check_remote_endpoint(ep)
    elif d == Driver.DOCKER_CONTAINER:
        out = _check_docker_endpoint(ep, contexts)
    else:
        return []
    if not out and ep and append_to is not None:
        for node in append_to.nodes:
            if node.endpoint == ep:
                out.append(
                    CreateProblem(
                        "endpoint",
                        f'node "{node.name}" of "{append_to.name}" already uses {ep}; buildx '
                        "refuses two nodes with the same endpoint",
                    )
                )
    return out


def _check_remote_endpoint(ep: str) -> list[CreateProblem]:
    if not ep:
        return [
            CreateProblem(
                "endpoint",
                "the remote driver needs the address of a running buildkitd, e.g. "
                "tcp://host:1234 or unix:///run/buildkit/buildkitd.sock",
            )
        ]
    scheme = endpoint_scheme(ep)
    if scheme is None:
        return [
            CreateProblem(
                "endpoint",
                f'"{ep}" has no scheme: write tcp://{ep}:1234, unix://{ep} or ssh://user@{ep}',
            )
        ]
    if scheme in ("http", "https", "grpc"):
        return [
            CreateProblem(
                "endpoint",
                f"{scheme}:// is not a BuildKit address (buildx: unrecognized url scheme "
                f"{scheme}); buildkitd speaks gRPC: write tcp://host:port, with the TLS files for "
                "an encrypted connection",
            )
        ]
    if scheme not in REMOTE_SCHEMES:
        return [
            CreateProblem(
                "endpoint",
                f"unrecognized scheme {scheme}:// for the remote driver; use one of "
                + ", ".join(f"{s}://" for s in REMOTE_SCHEMES),
            )
        ]
    return _check_url_parts(ep, scheme, needs_port=scheme == "tcp")


def _check_docker_endpoint(ep: str, contexts: Sequence[str] | None) -> list[CreateProblem]:
    if not ep:
        return []  # the current Docker engine
    scheme = endpoint_scheme(ep)
    if scheme is None:
        if not set(ep) <= _CONTEXT_NAME_CHARS or not ep[0].isalnum():
            return [
                CreateProblem(
                    "endpoint",
                    f'"{ep}" is neither a Docker context name nor an address like '
                    "ssh://user@host or tcp://host:2376",
                )
            ]
        if contexts is not None and ep not in contexts:
            known = ", ".join(contexts) or "none"
            return [
                CreateProblem(
                    "endpoint",
                    f'there is no Docker context "{ep}" (contexts: {known}); buildx would take it '
                    f"as the host name tcp://{ep}:2375. For another engine write "
                    f"ssh://user@{ep} or tcp://{ep}:2376",
                )
            ]
        if contexts is None:
            return [
                CreateProblem(
                    "endpoint",
                    f'"{ep}" must be the name of a Docker context (docker context ls)',
                    "warning",
                )
            ]
        return []
    if scheme not in DOCKER_SCHEMES:
        return [
            CreateProblem(
                "endpoint",
                f"{scheme}:// is not a Docker engine address; use a Docker context name, "
                "ssh://user@host, tcp://host:2376 or unix:///path/docker.sock",
            )
        ]
    return _check_url_parts(ep, scheme, needs_port=False)


def _check_url_parts(ep: str, scheme: str, *, needs_port: bool) -> list[CreateProblem]:
    try:
        parts = urlsplit(ep)
        port = parts.port
    except ValueError as exc:
        return [CreateProblem("endpoint", f'"{ep}": {exc}')]
    if scheme == "unix":
        path = parts.netloc + parts.path
        if not path.startswith("/"):
            return [
                CreateProblem(
                    "endpoint",
                    f"a unix socket needs an absolute path: unix:///{path.lstrip('/')}",
                )
            ]
        return []
    if scheme in ("tcp", "ssh") and not parts.hostname:
        example = "tcp://host:1234" if scheme == "tcp" else "ssh://user@host"
        return [CreateProblem("endpoint", f'"{ep}" names no host; write it like {example}')]
    if needs_port and port is None:
        return [
            CreateProblem(
                "endpoint",
                f"add the port buildkitd listens on: {scheme}://{parts.hostname}:1234",
            )
        ]
    if scheme == "tcp" and parts.path not in ("", "/"):
        return [CreateProblem("endpoint", f'"{ep}": a tcp:// address has no path')]
    return []


# --- platforms, driver options, BuildKit flags --------------------------------------------


def check_platforms(items: Sequence[str]) -> list[CreateProblem]:
    """``--platform`` values as buildx accepts them; repeats (after normalising) are warned."""
    out: list[CreateProblem] = []
    seen: dict[str, str] = {}
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        if "/" not in item and item.lower() in KNOWN_ARCH | {"x86_64", "aarch64", "armhf"}:
            out.append(
                CreateProblem(
                    "platforms",
                    f'"{item}" has no OS: buildx fills in the OS of this machine (linux/{item} '
                    "on Linux); write the full os/arch to be sure",
                    "warning",
                )
            )
            item = f"linux/{item}"
        try:
            plat = str(parse_platform(item))
        except PlatformError as exc:
            out.append(CreateProblem("platforms", str(exc)))
            continue
        if plat in seen:
            out.append(
                CreateProblem(
                    "platforms",
                    f'"{raw.strip()}" is the same platform as "{seen[plat]}" ({plat}); buildx '
                    "keeps one",
                    "warning",
                )
            )
        else:
            seen[plat] = raw.strip()
    return out


def check_driver_opts(driver: str, opts: Sequence[str]) -> list[CreateProblem]:
    """Every ``--driver-opt`` argument: CSV of ``key=value``, keys the driver knows, values it
    can parse. A key given twice is warned (buildx keeps the last)."""
    d = parse_driver(driver)
    if d is None:
        return []
    known = DRIVER_OPTIONS[d]
    out: list[CreateProblem] = []
    seen: set[str] = set()
    for raw in opts:
        pairs = split_driver_opt(raw)
        if isinstance(pairs, str):
            out.append(CreateProblem("driver_opts", pairs))
            continue
        for key, value in pairs:
            out.extend(_check_one_opt(d, known, key, value))
            if key in seen:
                out.append(
                    CreateProblem(
                        "driver_opts", f"{key} is given twice; buildx keeps the last", "warning"
                    )
                )
            seen.add(key)
    return out


def _check_one_opt(
    d: Driver, known: dict[str, Callable[[str], str | None]], key: str, value: str
) -> list[CreateProblem]:
    if key.startswith("env.") and d in ENV_OPTION_DRIVERS:
        if key == "env.":
            return [CreateProblem("driver_opts", "env. needs a variable name: env.NAME=value")]
        return []
    check = known.get(key)
    if check is None:
        names = ", ".join(sorted(known)) + (", env.NAME" if d in ENV_OPTION_DRIVERS else "")
        return [
            CreateProblem(
                "driver_opts",
                f'the {d.value} driver has no option "{key}" (it has: {names})',
            )
        ]
    err = check(value)
    return [CreateProblem("driver_opts", f"{key}: {err}")] if err else []


def check_buildkitd_flags(driver: str, flags: str) -> list[CreateProblem]:
    flags = flags.strip()
    if not flags:
        return []
    if parse_driver(driver) == Driver.REMOTE:
        return [
            CreateProblem(
                "buildkitd_flags",
                "the remote driver takes no BuildKit flags (buildx refuses them): set them "
                "where you start that buildkitd",
            )
        ]
    try:
        words = shlex.split(flags)
    except ValueError as exc:
        return [CreateProblem("buildkitd_flags", f"cannot split the flags: {exc}")]
    if words and not words[0].startswith("-"):
        return [
            CreateProblem(
                "buildkitd_flags",
                f'"{words[0]}" is not a flag; BuildKit flags look like --debug or '
                "--allow-insecure-entitlement security.insecure",
            )
        ]
    return []


def check_config_allowed(driver: str, has_config: bool) -> list[CreateProblem]:
    if has_config and parse_driver(driver) == Driver.REMOTE:
        return [
            CreateProblem(
                "config",
                "the remote driver takes no buildkitd.toml (buildx: setting config file is not "
                "supported for remote driver): configure the buildkitd you run",
            )
        ]
    return []


# --- --timeout: a Go duration ---------------------------------------------------------------

DEFAULT_TIMEOUT = "20s"
# Go's time.ParseDuration units, in seconds (µs: MICRO SIGN and GREEK SMALL LETTER MU).
_DURATION_UNITS = {
    "ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
    "h": 3600.0,
}  # fmt: skip
_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]*)([^0-9.]*)")


def parse_go_duration(text: str) -> float:
    """Seconds in a Go duration as buildx's ``--timeout`` reads it (time.ParseDuration:
    ``20s``, ``1m30s``, ``1.5h``, ``300ms``; ``0`` alone; an optional sign). Raises ValueError
    with Go's reason."""
    s = text
    sign = 1.0
    if s[:1] in ("-", "+"):
        sign, s = (-1.0 if s[0] == "-" else 1.0), s[1:]
    if s == "0":
        return 0.0
    if not s:
        raise ValueError(f'invalid duration "{text}"')
    total, pos = 0.0, 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        assert m is not None  # the pattern matches the empty string
        number, unit = m.group(1), m.group(2)
        if not number.strip(".") or number.count(".") > 1:
            raise ValueError(f'invalid duration "{text}"')
        if not unit:
            raise ValueError(f'missing unit in duration "{text}"')
        if unit not in _DURATION_UNITS:
            raise ValueError(f'unknown unit "{unit}" in duration "{text}"')
        total += float(number) * _DURATION_UNITS[unit]
        pos = m.end()
    return sign * total


def check_timeout(text: str) -> list[CreateProblem]:
    """``--timeout``: empty (buildx's default, 20s) or a positive Go duration."""
    value = text.strip()
    if not value:
        return []
    example = "write it like 20s, 90s, 1m30s or 2m"
    try:
        seconds = parse_go_duration(value)
    except ValueError as exc:
        return [CreateProblem("timeout", f"{exc}: {example}")]
    if seconds <= 0:
        return [
            CreateProblem(
                "timeout",
                f'a timeout of "{value}" makes buildx give up at once; {example} (or leave it '
                f"empty for buildx's {DEFAULT_TIMEOUT})",
            )
        ]
    if seconds < 1:
        return [
            CreateProblem(
                "timeout",
                f'"{value}" is under a second: buildx will likely give up before a node answers',
                "warning",
            )
        ]
    return []


# --- Docker contexts (endpoints of the docker-container driver) ---------------------------

CONTEXT_LS_ARGV: tuple[str, ...] = ("context", "ls", "--format", "json")


def parse_context_names(stdout: str) -> list[str] | None:
    """Context names from `docker context ls --format json` (one object per line; older CLIs
    print one array). None when the output is not that."""
    text = stdout.strip()
    if not text:
        return None
    try:
        if text.startswith("["):
            items = json.loads(text)
        else:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
    except ValueError:
        return None
    if not isinstance(items, list):
        return None
    names = [str(i["Name"]) for i in items if isinstance(i, dict) and "Name" in i]
    return names if len(names) == len(items) else None
