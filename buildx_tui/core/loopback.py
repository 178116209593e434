"""A registry on the loopback address and a builder that has its own network: what cannot be
reached, said before anything runs. Shared by the build form's checks (core/build/network.py)
and bake's pre-flight (core/bake/preflight.py): one check, each feature words where it shows.

BuildKit in a docker-container builder runs in a container; without ``--driver-opt
network=host`` that container has its own network, where 127.0.0.1 (and ``localhost``, ``::1``)
is the container itself. A registry on this machine's loopback is then out of its reach: on the
lab, a push, a ``--cache-to`` export and a ``FROM`` on 127.0.0.1:5000 all failed with ``dial tcp
127.0.0.1:5000: connect: connection refused`` (tests/fixtures/local/msg-build-bridge-*), while a
``--cache-from`` import failing that way only loses the cache (BuildKit goes on). The docker
driver and ``network=host`` share the host's network; a remote BuildKit's loopback is its own
host's.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass

from buildx_tui.core.builders import Builder
from buildx_tui.core.reference import InvalidReference, parse_reference

__all__ = ["Unreachable", "dockerfile_bases", "loopback_host", "own_network_nodes", "unreachable"]

_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE)
_MAX_DOCKERFILE_BYTES = 1 << 20


@dataclass(frozen=True)
class Unreachable:
    """What will not reach a loopback registry. ``field``: what names it (``tags``,
    ``cache_to``, ``dockerfile``: fails; ``cache_from``: only that cache is lost)."""

    field: str
    fails: bool
    message: str


def loopback_host(ref: str) -> str | None:
    """The registry of an image reference (``host[:port]``) when it is on the loopback
    address (127.0.0.0/8, ``localhost``, ``::1``), else None."""
    try:
        domain = parse_reference(ref).domain
    except InvalidReference:
        return None
    bracketed = domain.startswith("[")
    host = domain[1 : domain.find("]")] if bracketed else domain.rsplit(":", 1)[0]
    if host.lower() == "localhost":
        return domain
    try:
        return domain if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


def own_network_nodes(builder: Builder | None) -> list[str]:
    """The nodes of a docker-container builder whose container has its own network (no
    ``--driver-opt network=host``)."""
    if builder is None or builder.driver != "docker-container":
        return []
    return [n.name for n in builder.nodes if n.driver_opts.get("network") != "host"]


def dockerfile_bases(path: str) -> list[str]:
    """The images the Dockerfile's ``FROM`` lines name (stage names, ``scratch`` and names
    built from ARGs left out); [] when it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read(_MAX_DOCKERFILE_BYTES)
    except (OSError, ValueError):
        return []
    stages: set[str] = set()
    bases: list[str] = []
    for line in text.splitlines():
        m = _FROM.match(line)
        if m is None:
            continue
        image = m.group(1)
        words = line.split()
        if len(words) >= 2 and words[-2].lower() == "as":
            stages.add(words[-1].lower())
        if "$" in image or image.lower() in stages or image.lower() == "scratch":
            continue
        bases.append(image)
    return bases


def unreachable(
    builder: Builder | None,
    *,
    pushes: Iterable[str] = (),
    cache_exports: Iterable[str] = (),
    bases: Iterable[str] = (),
    cache_imports: Iterable[str] = (),
) -> list[Unreachable]:
    """What a docker-container builder with its own network cannot reach: the images pushed
    (``pushes``), the registry caches exported and imported, the base images pulled, when
    they are on the loopback address."""
    if builder is None or not own_network_nodes(builder):
        return []
    fails: dict[str, list[str]] = {}  # what fails -> the registries, in the order met
    fields: list[str] = []

    def add(field: str, ref: str, what: str) -> None:
        host = loopback_host(ref)
        if host is None:
            return
        hosts = fails.setdefault(what, [])
        if host not in hosts:
            hosts.append(host)
        if field not in fields:
            fields.append(field)

    for ref in pushes:
        add("tags", ref, "the push to")
    for ref in cache_exports:
        add("cache_to", ref, "the cache export to")
    for base in bases:
        add("dockerfile", base, "pulling base images from")
    found: list[Unreachable] = []
    where = (
        f"{builder.name} runs BuildKit in a container with its own network (no --driver-opt "
        "network=host), where the loopback address (127.0.0.1, localhost) is the container itself"
    )
    if fails:
        what = _and([f"{w} {_and(hosts)}" for w, hosts in fails.items()])
        found.append(
            Unreachable(
                fields[0],
                True,
                f"{where}: {what} will fail (connection refused); recreate the builder with "
                "--driver-opt network=host, or use an address of this machine the container "
                "can reach",
            )
        )
    imports = list(dict.fromkeys(h for h in map(loopback_host, cache_imports) if h))
    if imports:
        found.append(
            Unreachable(
                "cache_from",
                False,
                f"the cache import from {_and(imports)} finds nothing: {where} (the build goes "
                "on without that cache)",
            )
        )
    return found


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
