"""What each buildx driver is, can and cannot do, and the driver options it accepts.

The option lists and value rules are those of buildx v0.36 (driver/*/factory.go): an option a
driver does not know makes `buildx create` fail with "invalid driver option X for D driver".
The can/cannot table is the one users quote (docs.docker.com "Build drivers"; seed 004).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class Driver(StrEnum):
    DOCKER_CONTAINER = "docker-container"
    REMOTE = "remote"
    KUBERNETES = "kubernetes"
    DOCKER = "docker"


@dataclass(frozen=True)
class DriverInfo:
    driver: Driver
    title: str
    summary: str
    can: tuple[str, ...]
    cannot: tuple[str, ...]
    endpoint_help: str
    config_supported: bool  # takes --buildkitd-config / --buildkitd-flags
    creatable: bool = True


DRIVERS: dict[Driver, DriverInfo] = {
    Driver.DOCKER_CONTAINER: DriverInfo(
        Driver.DOCKER_CONTAINER,
        "docker-container: BuildKit in a container of a Docker engine",
        "buildx starts moby/buildkit in a container on this engine (or on another one: a Docker "
        "context, ssh://user@host, tcp://host:2376). The usual choice for multi-platform builds.",
        (
            "multi-platform images (natively or under QEMU)",
            "cache export (registry, local, gha, ...)",
            "tarball / OCI / local outputs",
            "its own buildkitd.toml: mirrors, plain-HTTP and insecure registries, CAs",
        ),
        (
            "does not load results into `docker images` by itself (--load, or default-load=true)",
            "does not see the engine's daemon.json registry settings",
        ),
        "empty for this Docker engine; a Docker context name; ssh://user@host; tcp://host:2376; "
        "unix:///var/run/docker.sock",
        True,
    ),
    Driver.REMOTE: DriverInfo(
        Driver.REMOTE,
        "remote: connect to a buildkitd you run yourself",
        "buildx connects to a running buildkitd (tcp:// with TLS, unix://, ssh://). You manage "
        "that daemon and its configuration; buildx only talks to it.",
        (
            "multi-platform images",
            "cache export",
            "tarball / OCI / local outputs",
            "native builds on another machine (an arm64 server, for example)",
        ),
        (
            "no buildkitd.toml or BuildKit flags from buildx: configure the daemon itself",
            "does not load results into `docker images` by itself",
        ),
        "tcp://host:1234 (with cacert, cert and key for TLS); unix:///run/buildkit/buildkitd.sock; "
        "ssh://user@host; docker-container://CONTAINER; kube-pod://POD",
        False,
    ),
    Driver.KUBERNETES: DriverInfo(
        Driver.KUBERNETES,
        "kubernetes: BuildKit pods in a Kubernetes cluster",
        "buildx creates a Deployment of BuildKit pods in the cluster of your current kubeconfig "
        "context (namespace and replicas are driver options).",
        (
            "multi-platform images",
            "cache export",
            "tarball / OCI / local outputs",
            "several replicas behind one builder",
            "its own buildkitd.toml",
        ),
        (
            "takes no endpoint: it uses the current kubeconfig context (KUBECONFIG)",
            "does not load results into `docker images` by itself",
        ),
        "none: the current kubeconfig context is used",
        True,
    ),
    Driver.DOCKER: DriverInfo(
        Driver.DOCKER,
        "docker: the BuildKit built into the Docker engine",
        "Every Docker context already has one builder of this driver, named after the context "
        "(`default` for the local engine). buildx cannot create more of them.",
        (
            "loads results into `docker images` automatically",
            "uses the engine's image store and daemon.json settings",
        ),
        (
            "cannot build several platforms at once (no multi-platform images)",
            "cache export: inline only",
            "no tarball / OCI / local outputs",
            "no BuildKit configuration of its own",
            "cannot be created: `docker context create NAME --docker host=ssh://user@host` "
            "gives a new one, named NAME",
        ),
        "",
        False,
        creatable=False,
    ),
}

#: The seed-004 table: rows of (feature, docker, docker-container, kubernetes, remote).
FEATURE_TABLE: tuple[tuple[str, str, str, str, str], ...] = (
    ("Automatically load image", "yes", "", "", ""),
    ("Cache export", "inline only", "yes", "yes", "yes"),
    ("Tarball output", "", "yes", "yes", "yes"),
    ("Multi-arch images", "", "yes", "yes", "yes"),
    ("BuildKit configuration", "", "yes", "yes", "managed externally"),
)

# --- driver option values ----------------------------------------------------------------

_GO_BOOL = frozenset(
    {"1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"}
)
_MEMORY = re.compile(r"^\d+(\.\d+)? ?[kKmMgGtTpP]?[iI]?[bB]?$")
_INT = re.compile(r"^-?\d+$")
_CPUSET = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_RESTART = re.compile(r"^(no|always|unless-stopped|on-failure(:\d+)?)$")
_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")
_KV_LIST = re.compile(r"^[^=,]+=[^=,]*(,[^=,]+=[^=,]*)*$")

Check = Callable[[str], str | None]


def _bool(v: str) -> str | None:
    return None if v in _GO_BOOL else f"{v!r} is not true or false"


def _memory(v: str) -> str | None:
    return None if _MEMORY.match(v) else f"{v!r} is not a size like 512m or 2g"


def _int(v: str) -> str | None:
    return None if _INT.match(v) else f"{v!r} is not a whole number"


def _positive_int(v: str) -> str | None:
    if not _INT.match(v) or int(v) < 1:
        return f"{v!r} is not a whole number of at least 1"
    return None


def _cpuset(v: str) -> str | None:
    return None if _CPUSET.match(v) else f"{v!r} is not a CPU list like 0-3 or 0,2"


def _namespace(v: str) -> str | None:
    if _DNS_LABEL.match(v):
        return None
    return f"{v!r} is not a Kubernetes namespace (lower-case letters, digits and -)"


def _restart(v: str) -> str | None:
    if _RESTART.match(v):
        return None
    return f"{v!r} is not a restart policy (no, always, unless-stopped, on-failure[:N])"


def _duration(v: str) -> str | None:
    return None if _DURATION.match(v) else f"{v!r} is not a duration like 120s or 2m"


def _kv_list(v: str) -> str | None:
    return None if _KV_LIST.match(v) else f"{v!r} is not a list like key=value,key2=value2"


def _loadbalance(v: str) -> str | None:
    return None if v in ("sticky", "random") else f"{v!r} is not sticky or random"


def _text(v: str) -> str | None:
    return None if v and not any(c.isspace() for c in v) else f"{v!r} must be one word"


def _any(v: str) -> str | None:
    return None


#: Known options per driver and how their values are checked. ``env.NAME`` is handled apart.
DRIVER_OPTIONS: dict[Driver, dict[str, Check]] = {
    Driver.DOCKER_CONTAINER: {
        "image": _text,
        "network": _text,
        "memory": _memory,
        "memory-swap": _memory,
        "cpu-period": _int,
        "cpu-quota": _int,
        "cpu-shares": _int,
        "cpuset-cpus": _cpuset,
        "cpuset-mems": _cpuset,
        "cgroup-parent": _text,
        "restart-policy": _restart,
        "default-load": _bool,
        "provenance-add-gha": _bool,
        "allow-untrusted-image": _bool,
    },
    Driver.REMOTE: {
        "cacert": _any,  # checked with the TLS files
        "cert": _any,
        "key": _any,
        "servername": _text,
        "default-load": _bool,
    },
    Driver.KUBERNETES: {
        "image": _text,
        "namespace": _namespace,
        "replicas": _positive_int,
        "requests.cpu": _text,
        "requests.memory": _text,
        "requests.ephemeral-storage": _text,
        "persistent-volume-claim.requests.storage": _text,
        "limits.cpu": _text,
        "limits.memory": _text,
        "limits.ephemeral-storage": _text,
        "rootless": _bool,
        "schedulername": _text,
        "serviceaccount": _text,
        "nodeselector": _kv_list,
        "annotations": _kv_list,
        "labels": _kv_list,
        "tolerations": _any,
        "loadbalance": _loadbalance,
        "qemu.install": _bool,
        "qemu.image": _text,
        "buildkit-root-volume-memory": _text,
        "default-load": _bool,
        "timeout": _duration,
    },
    Driver.DOCKER: {},
}

ENV_OPTION_DRIVERS = frozenset({Driver.DOCKER_CONTAINER, Driver.KUBERNETES})


def parse_driver(value: str) -> Driver | None:
    try:
        return Driver(value)
    except ValueError:
        return None
