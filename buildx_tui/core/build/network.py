"""A registry on the loopback address and a builder that has its own network.

BuildKit in a docker-container builder runs in a container; without ``--driver-opt
network=host`` that container has its own network, where 127.0.0.1 (and ``localhost``, ``::1``)
is the container itself. A registry on this machine's loopback is then out of its reach: on the
lab, a push, a ``--cache-to`` export and a ``FROM`` on 127.0.0.1:5000 all failed with ``dial tcp
127.0.0.1:5000: connect: connection refused`` (tests/fixtures/local/msg-build-bridge-*), while a
``--cache-from`` import failing that way only loses the cache (BuildKit goes on). The docker
driver and ``network=host`` share the host's network; a remote BuildKit's loopback is its own
host's.

:func:`loopback_issues` warns before the build; :func:`loopback_failure_hint` explains the
failure.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from buildx_tui.core.build.cache import parse_cache_entry
from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.options import OptionError
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder
from buildx_tui.core.reference import InvalidReference, parse_reference

__all__ = ["loopback_failure_hint", "loopback_host", "loopback_issues", "own_network_nodes"]

_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE)
_DIAL = re.compile(r"dial tcp (127(?:\.\d{1,3}){3}|\[::1\]):(\d+): connect: connection refused")
_MAX_DOCKERFILE_BYTES = 1 << 20


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


def _cache_refs(values: Iterable[str], *, export: bool) -> list[str]:
    refs: list[str] = []
    for value in values:
        try:
            entries = parse_cache_entry(value, export=export)
        except OptionError:
            continue  # the form says what is wrong with it
        refs += [e.attr("ref") for e in entries if e.type == "registry" and e.attr("ref")]
    return refs


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


def loopback_issues(
    spec: BuildSpec, builder: Builder | None, dockerfile: str | None
) -> list[Issue]:
    """Warnings for what a docker-container builder with its own network cannot reach: the
    push target, cache refs and base images on the loopback address."""
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

    if spec.output is Output.PUSH:
        for tag in spec.tags:
            add("tags", tag, "the push to")
    for ref in _cache_refs(spec.cache_to, export=True):
        add("cache_to", ref, "the cache export to")
    for base in dockerfile_bases(dockerfile) if dockerfile else []:
        add("dockerfile", base, "pulling base images from")
    issues: list[Issue] = []
    where = (
        f"{builder.name} runs BuildKit in a container with its own network (no --driver-opt "
        "network=host), where the loopback address (127.0.0.1, localhost) is the container itself"
    )
    if fails:
        what = _and([f"{w} {_and(hosts)}" for w, hosts in fails.items()])
        issues.append(
            Issue(
                fields[0],
                Severity.WARNING,
                f"{where}: {what} will fail (connection refused); recreate the builder with "
                "--driver-opt network=host, or use an address of this machine the container "
                "can reach",
            )
        )
    imports = list(dict.fromkeys(h for h in map(loopback_host, _cache_refs(
        spec.cache_from, export=False)) if h))  # fmt: skip
    if imports:
        issues.append(
            Issue(
                "cache_from",
                Severity.NOTE,
                f"the cache import from {_and(imports)} finds nothing: {where} (the build goes "
                "on without that cache)",
            )
        )
    return issues


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def loopback_failure_hint(error_text: str, builder: Builder | None) -> str:
    """What a ``dial tcp 127.0.0.1:PORT: connect: connection refused`` means for this builder
    ('' when the text has none)."""
    m = _DIAL.search(error_text)
    if m is None:
        return ""
    addr = f"{m.group(1)}:{m.group(2)}"
    if builder is not None and own_network_nodes(builder):
        return (
            f"{addr} is the loopback address: inside {builder.name}'s container (its own "
            "network: no --driver-opt network=host) that is the container itself, where nothing "
            f"listens. Recreate the builder with network=host (docker buildx rm {builder.name}, "
            f"then docker buildx create --name {builder.name} --driver docker-container "
            "--driver-opt network=host), or use an address of this machine the container can "
            "reach."
        )
    if builder is not None and builder.driver == "remote":
        return (
            f"Nothing answered on {addr} as seen from the BuildKit host of {builder.name} "
            "(its loopback is its own): run the registry there, or use an address it can reach."
        )
    if builder is not None:
        return (
            f"Nothing answered on {addr} on the host of {builder.name}'s Docker engine (this "
            "machine for a local engine): is the registry running there?"
        )
    return (
        f"Nothing answered on {addr}. If the builder is a docker-container one without "
        "--driver-opt network=host, 127.0.0.1 is its own container, not this machine: recreate "
        "it with network=host."
    )
