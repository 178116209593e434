"""Registry hosts in buildkitd.toml: their syntax (``host[:port]``, IPv6 in brackets), Docker
Hub's spellings, loopback hosts (plain HTTP by default) and the form two spellings share.

Public names are re-exported by :mod:`buildx_tui.core.create.buildkitd.config`.
"""

from __future__ import annotations

import ipaddress
import re

DOCKER_HUB = "docker.io"

#: Other spellings people use for Docker Hub; BuildKit never consults them for ``FROM alpine``.
DOCKER_HUB_ALIASES: frozenset[str] = frozenset(
    {
        "index.docker.io",
        "registry-1.docker.io",
        "registry.hub.docker.com",
        "hub.docker.com",
        "registry.docker.io",
        "docker.com",
    }
)

_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_NUMERIC_HOST = re.compile(r"[0-9.]+")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://(.*)", re.DOTALL)
_BRACKETED = re.compile(r"\[([^\]]*)\](?::([^:]*))?")


# --- host syntax -------------------------------------------------------------------------


def host_syntax_error(host: str) -> str | None:
    """Why ``host`` is not a valid registry ``host[:port]``, or ``None`` when it is.

    Accepted: a DNS name (``docker.io``, ``localhost``, ``registry.local``), an IPv4 address,
    an IPv6 address in brackets (``[::1]``), each with an optional ``:port`` (1-65535).
    """
    if host == "":
        return "the host is empty"
    if host != host.strip() or any(c.isspace() for c in host):
        return "the host contains spaces"
    scheme = _SCHEME.fullmatch(host)
    if scheme:
        return (
            f'write it without "{scheme.group(1)}://": registries are named host or host:port, '
            "as in image names"
        )
    if "/" in host:
        return "a registry host has no path; write only host or host:port"
    if host.startswith("["):
        m = _BRACKETED.fullmatch(host)
        if not m:
            return "an IPv6 address is written [address] or [address]:port"
        addr, port = m.group(1), m.group(2)
        if not re.fullmatch(r"[0-9A-Fa-f:]+", addr or "-"):
            return f'"{addr}" is not an IPv6 address'
        try:
            ipaddress.IPv6Address(addr)
        except ValueError:
            return f'"{addr}" is not an IPv6 address'
        return None if port is None else _port_error(port)
    if host.count(":") > 1:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return "too many colons; the form is host:port"
        return f"write an IPv6 address in brackets, e.g. [{host}] or [{host}]:5000"
    name, sep, port = host.partition(":")
    if sep:
        perr = _port_error(port)
        if perr:
            return perr
    if name == "":
        return "the host name before the port is empty"
    if _NUMERIC_HOST.fullmatch(name):
        try:
            ipaddress.IPv4Address(name)
        except ValueError:
            return f'"{name}" is not a valid IPv4 address'
        return None
    if len(name) > 253:
        return "the host name is longer than 253 characters"
    if "_" in name:
        return "underscores are not allowed in registry host names"
    for label in name.split("."):
        if label == "":
            return f'"{name}" has an empty part between dots'
        if not _LABEL.fullmatch(label):
            return (
                f'"{label}" is not a valid host name part (letters, digits and inner hyphens, '
                "at most 63 characters)"
            )
    return None


def _port_error(port: str) -> str | None:
    if not port.isascii() or not port.isdigit():
        return f'the port "{port}" is not a number'
    if not 1 <= int(port) <= 65535:
        return f"the port {port} is out of range (1-65535)"
    return None


def split_host_port(host: str) -> tuple[str, str | None]:
    """``("registry.local", "5000")`` for ``registry.local:5000``; brackets kept for IPv6."""
    if host.startswith("["):
        m = _BRACKETED.fullmatch(host)
        if m:
            return f"[{m.group(1)}]", m.group(2)
        return host, None
    if host.count(":") == 1:
        name, _, port = host.partition(":")
        return name, port
    return host, None


def is_localhost(host: str) -> bool:
    """True for hosts BuildKit talks plain HTTP to by default (containerd's MatchLocalhost):
    ``localhost``, loopback IPs (127.0.0.0/8, ::1), with or without a port."""
    name, _ = split_host_port(host)
    name = name.strip("[]")
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def canonical_host(host: str) -> str:
    """The form two spellings of one registry share: lower case, no scheme, no trailing slash."""
    h = host.strip()
    m = _SCHEME.fullmatch(h)
    if m:
        h = m.group(2)
    return h.rstrip("/").lower()
