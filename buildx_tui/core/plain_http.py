"""A push to a registry that may serve plain HTTP, said before anything runs. Shared by the build
form's checks (core/build/network.py) and bake's pre-flight (core/bake/preflight.py).

BuildKit speaks HTTPS to a registry unless the builder's buildkitd.toml says ``http = true`` in
its ``[registry."HOST"]`` table; only localhost, 127.0.0.1 and ::1 fall back to plain HTTP by
themselves (BuildKit's resolver: ``docker.MatchLocalhost``). A self-hosted registry served over
plain HTTP (the seeds' ``192.168.x.x:5000``) therefore fails the push with ``http: server gave
HTTP response to HTTPS client`` (tests/fixtures/local/imagetools-err-http-vs-https.stderr) until
the builder is made with that table. Whether a registry serves plain HTTP cannot be known without
asking it, and only loopback addresses are ever contacted: so this says what is known (the
builder's config holds no ``http = true`` for a registry that looks self-hosted: an IP address or
an explicit port) and what is not (how the registry answers), as a note, not a failure.

Only docker-container builders are judged: their nodes carry the buildkitd.toml they were made
with (``ls`` JSON ``Files``). The docker driver follows the engine's daemon.json and a remote
BuildKit its own file, neither of which the app can read.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Iterable

from buildx_tui.core.builders import Builder, Node
from buildx_tui.core.loopback import loopback_host
from buildx_tui.core.reference import InvalidReference, parse_reference

CONFIG_FILE = "buildkitd.toml"


def _registry_host(ref: str) -> str | None:
    """``host[:port]`` of a reference that names a registry (not Docker Hub's default)."""
    try:
        domain = parse_reference(ref).domain
    except InvalidReference:
        return None
    return domain or None


def looks_self_hosted(domain: str) -> bool:
    """An IP address or an explicit port other than 443: where plain HTTP registries live."""
    if domain.startswith("["):
        return True  # an IPv6 address
    host, _, port = domain.partition(":")
    if port and port != "443":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def http_hosts(node: Node) -> set[str] | None:
    """The registries a node's buildkitd.toml marks ``http = true``; None when it has no
    readable config (made without one, or not TOML)."""
    text = node.files.get(CONFIG_FILE)  # decoded from ls JSON's base64 by core/builders
    if text is None:
        return set()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    registries = data.get("registry")
    if not isinstance(registries, dict):
        return set()
    return {
        str(host)
        for host, table in registries.items()
        if isinstance(table, dict) and table.get("http") is True
    }


def plain_http_note(builder: Builder | None, pushes: Iterable[str]) -> str:
    """A note for the self-hosted registries ``pushes`` go to that some node of a
    docker-container ``builder`` is not configured to reach over plain HTTP ('' when none)."""
    if builder is None or builder.driver != "docker-container":
        return ""
    hosts: list[str] = []
    for ref in pushes:
        host = _registry_host(ref)
        if host is None or host in hosts or loopback_host(ref) is not None:
            continue
        if looks_self_hosted(host):
            hosts.append(host)
    if not hosts:
        return ""
    configured = [http_hosts(n) for n in builder.nodes]
    missing = [h for h in hosts if any(c is not None and h not in c for c in configured)]
    if not missing:
        return ""
    names = ", ".join(missing)
    tables = " ".join(f'[registry."{h}"] http = true' for h in missing)
    return (
        f"If {names} serves plain HTTP, the push will fail ('server gave HTTP response to HTTPS "
        f"client'): {builder.name}'s buildkitd.toml does not say http = true for it (not "
        f"checked: only loopback registries are contacted). Make the builder with {tables} "
        "(the create wizard's Registries step; e recreates it)."
    )
