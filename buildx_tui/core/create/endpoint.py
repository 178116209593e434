"""The positional endpoint of `docker buildx create`, checked per driver, and the Docker
contexts it may name.

The remote driver takes a BuildKit address (``tcp://host:1234``, ``unix:///path``,
``ssh://user@host``, ...); docker-container a Docker context name or an engine address (empty:
the current engine); kubernetes takes no endpoint. Two nodes of a builder never share one.
"""

from __future__ import annotations

import json
import stat
import string
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from buildx_tui.core.builders import Builder
from buildx_tui.core.create.drivers import Driver, parse_driver
from buildx_tui.core.create.problem import CreateProblem, endpoint_scheme
from buildx_tui.core.paths import look, shown

#: Why a local unix socket cannot be connected to (None: it is a socket).
SocketCheck = Callable[[str], str | None]

#: The longest DNS name (RFC 1035: 255 bytes on the wire, 253 characters written).
MAX_HOST_NAME = 253
#: The longest path of a unix socket (sun_path is 108 bytes on Linux, with the final NUL; Go's
#: net package refuses longer ones).
UNIX_PATH_MAX = 107
REMOTE_SCHEMES = ("tcp", "unix", "ssh", "docker-container", "kube-pod", "npipe")
DOCKER_SCHEMES = ("unix", "tcp", "ssh", "npipe", "fd")
_CONTEXT_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_.+-")


def local_socket_problem(path: str) -> str | None:
    """Why nothing can connect to the unix socket ``path`` on this machine, or None."""
    found = look(path)
    if found.error is not None:
        return found.problem("the socket")
    if found.missing:
        return f"{shown(path)} does not exist"
    if found.st is not None and not stat.S_ISSOCK(found.st.st_mode):
        return f"{shown(path)} is not a socket"
    return None


def check_endpoint(
    driver: str,
    endpoint: str,
    *,
    contexts: Sequence[str] | None = None,
    append_to: Builder | None = None,
    socket: SocketCheck | None = None,
) -> list[CreateProblem]:
    """The positional endpoint: its scheme rules depend on the driver. ``socket`` (e.g.
    :func:`local_socket_problem`) turns on the check that a unix:// endpoint is a socket on
    this machine (buildx connects to it from here)."""
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
    if not out and socket is not None and endpoint_scheme(ep) == "unix":
        out += _check_socket(ep, d, socket)
    if not out and ep and append_to is not None:
        for node in append_to.nodes:
            if node.endpoint == ep:
                out.append(
                    CreateProblem(
                        "endpoint",
                        f'node "{node.name}" of "{append_to.name}" already uses {shown(ep)}; '
                        "buildx refuses two nodes with the same endpoint",
                    )
                )
    return out


def _check_socket(ep: str, d: Driver | None, socket: SocketCheck) -> list[CreateProblem]:
    """A unix:// endpoint must be a socket here. The docker-container driver talks to that
    engine as buildx creates the node: create fails (on the lab: "failed to connect to the
    docker API at unix://…: no such file or directory"). The remote driver connects only when
    the builder starts: create succeeds, then every start fails with "context deadline
    exceeded" until something listens there."""
    parts = urlsplit(ep)
    problem = socket(parts.netloc + parts.path)
    if problem is None:
        return []
    if d == Driver.DOCKER_CONTAINER:
        return [
            CreateProblem(
                "endpoint",
                f"{problem}: buildx cannot reach a Docker engine there and refuses to create the "
                "node; start the engine, or correct the path (e.g. unix:///var/run/docker.sock)",
            )
        ]
    return [
        CreateProblem(
            "endpoint",
            f"{problem}: buildx creates the node all the same, but it cannot start until "
            "buildkitd listens there (buildx then says only: context deadline exceeded)",
            "warning",
        )
    ]


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
        name = shown(ep)
        return [
            CreateProblem(
                "endpoint",
                f'"{name}" has no scheme: write tcp://{name}:1234, unix://{name} or '
                f"ssh://user@{name}",
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
        name = shown(ep)
        if len(ep) > MAX_HOST_NAME and (contexts is None or ep not in contexts):
            return [
                CreateProblem(
                    "endpoint",
                    f'"{name}" is neither a Docker context name nor an address like '
                    "ssh://user@host or tcp://host:2376",
                )
            ]
        if not set(ep) <= _CONTEXT_NAME_CHARS or not ep[0].isalnum():
            return [
                CreateProblem(
                    "endpoint",
                    f'"{shown(ep)}" is neither a Docker context name nor an address like '
                    "ssh://user@host or tcp://host:2376",
                )
            ]
        if contexts is not None and ep not in contexts:
            known = ", ".join(contexts) or "none"
            return [
                CreateProblem(
                    "endpoint",
                    f'there is no Docker context "{name}" (contexts: {known}); buildx would take '
                    f"it as the host name tcp://{name}:2375. For another engine write "
                    f"ssh://user@{name} or tcp://{name}:2376",
                )
            ]
        if contexts is None:
            return [
                CreateProblem(
                    "endpoint",
                    f'"{shown(ep)}" must be the name of a Docker context (docker context ls)',
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
        return [CreateProblem("endpoint", f'"{shown(ep)}": {exc}')]
    if scheme == "unix":
        path = parts.netloc + parts.path
        if not path.startswith("/"):
            return [
                CreateProblem(
                    "endpoint",
                    f"a unix socket needs an absolute path: unix:///{shown(path.lstrip('/'))}",
                )
            ]
        size = len(path.encode("utf-8", "surrogateescape"))
        if size > UNIX_PATH_MAX:
            return [
                CreateProblem(
                    "endpoint",
                    f"the socket path is {size} bytes long; a unix socket path can have at most "
                    f"{UNIX_PATH_MAX} (the kernel's limit: nothing can connect to a longer one)",
                )
            ]
        return []
    if scheme in ("tcp", "ssh") and not parts.hostname:
        example = "tcp://host:1234" if scheme == "tcp" else "ssh://user@host"
        return [CreateProblem("endpoint", f'"{shown(ep)}" names no host; write it like {example}')]
    if parts.hostname and len(parts.hostname) > MAX_HOST_NAME:
        return [
            CreateProblem(
                "endpoint",
                f"the host name is {len(parts.hostname)} characters long; a DNS name has at most "
                f"{MAX_HOST_NAME}",
            )
        ]
    if needs_port and port is None:
        return [
            CreateProblem(
                "endpoint",
                f"add the port buildkitd listens on: {scheme}://{parts.hostname}:1234",
            )
        ]
    if scheme == "tcp" and parts.path not in ("", "/"):
        return [CreateProblem("endpoint", f'"{shown(ep)}": a tcp:// address has no path')]
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
