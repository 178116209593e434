"""Validation of the buildkitd.toml model: registry host syntax, mirrors, certificates.

The rules follow what BuildKit and buildx actually do with the file:

* BuildKit looks a registry up by the exact host of the image name (``docker.io`` for
  ``FROM alpine``), so a key with a scheme, a path, or another spelling of Docker Hub is never used.
* For each mirror BuildKit keeps only ``host[:port][/path]`` (it parses ``https://x/`` to host
  ``x``) and reads its ``http`` / ``insecure`` / ``ca`` from ``[registry."MIRROR-HOST"]``, *not*
  from the registry being mirrored. A mirror written ``http://x`` is still contacted over HTTPS
  unless ``[registry."x"] http = true`` (localhost and 127.0.0.0/8 default to HTTP).
* For ``docker.io`` the fallback after the mirrors is ``registry-1.docker.io`` with the
  ``docker.io`` settings, so ``http = true`` there breaks pulls from Docker Hub itself.
* buildx (docker-container / kubernetes drivers) reads every ``ca`` / ``key`` / ``cert`` file
  when the builder is created and copies it into the container as
  ``/etc/buildkit/certs/HOST/BASENAME``: a missing file makes ``create`` fail, and two files with
  the same base name overwrite each other.

Public names are re-exported by :mod:`buildx_tui.core.create.buildkitd.config`.
"""

from __future__ import annotations

import copy
import ipaddress
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from buildx_tui.core.create.buildkitd.model import (
    BuildkitdConfig,
    ConfigProblem,
    RegistryConfig,
    host_field,
)
from buildx_tui.core.paths import shown

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


# --- mirrors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class MirrorRef:
    """A ``mirrors`` entry split the way BuildKit reads it.

    BuildKit expects ``host[:port][/path]``; it tolerates a scheme but ignores it (``http://``
    does *not* make it use plain HTTP). ``normalized`` is the form buildx-tui writes.
    """

    raw: str
    scheme: str | None
    host: str
    path: str

    @property
    def normalized(self) -> str:
        return self.host + self.path


def parse_mirror(raw: str) -> MirrorRef:
    """Split a mirror entry; never raises (see :func:`mirror_syntax_error`)."""
    rest = raw.strip()
    scheme: str | None = None
    m = _SCHEME.fullmatch(rest)
    if m:
        scheme, rest = m.group(1).lower(), m.group(2)
    host, slash, path = rest.partition("/")
    path = ("/" + path).rstrip("/") if slash else ""
    return MirrorRef(raw=raw, scheme=scheme, host=host, path=path)


def mirror_syntax_error(raw: str) -> str | None:
    """Why a mirror entry can't work, or ``None``. A scheme alone is not an error."""
    if raw.strip() == "":
        return "the mirror is empty"
    if any(c.isspace() for c in raw.strip()) or raw != raw.strip():
        return "the mirror contains spaces"
    ref = parse_mirror(raw)
    if ref.scheme is not None and ref.scheme not in ("http", "https"):
        return f'"{ref.scheme}://" is not a registry scheme; write host[:port][/path]'
    if "?" in raw or "#" in raw:
        return "a mirror is host[:port][/path], without ?query or #fragment"
    if "@" in ref.host:
        return "credentials do not go in the mirror address; log in with docker login instead"
    err = host_syntax_error(ref.host)
    if err:
        return f'the host "{ref.host}" is not valid: {err}'
    return None


# --- rules -------------------------------------------------------------------------------


def check_hosts(hosts: Iterable[str]) -> list[ConfigProblem]:
    """Duplicate registries in a list of hosts (e.g. the wizard's rows before they become a
    dict): exact repeats, and spellings BuildKit would treat as different tables although they
    name the same registry (case, scheme, trailing slash). Reported on the later entry."""
    seen_exact: set[str] = set()
    seen_canonical: dict[str, str] = {}
    problems: list[ConfigProblem] = []
    for host in hosts:
        where = host_field(host)
        canon = canonical_host(host)
        if host in seen_exact:
            problems.append(ConfigProblem(where, f'"{host}" is listed twice; keep one entry'))
        elif canon in seen_canonical:
            first = seen_canonical[canon]
            problems.append(
                ConfigProblem(
                    where,
                    f'"{host}" and "{first}" name the same registry; BuildKit would use only the '
                    "one spelled exactly like the image name, so merge them into one",
                )
            )
        seen_exact.add(host)
        seen_canonical.setdefault(canon, host)
    return problems


def validate(
    config: BuildkitdConfig, *, file_exists: Callable[[str], bool] | None = None
) -> list[ConfigProblem]:
    """Every problem of ``config``, errors and warnings, in file order.

    ``file_exists`` (e.g. ``os.path.exists``) turns on the check that each ``ca`` / ``key`` /
    ``cert`` file is there (buildx reads them when it creates the builder). Without it the
    function is pure.
    """
    problems = check_hosts(config.registries)
    for host, reg in config.registries.items():
        problems.extend(_registry_problems(config, host, reg, file_exists))
    return problems


def has_errors(problems: Iterable[ConfigProblem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _registry_problems(
    config: BuildkitdConfig,
    host: str,
    reg: RegistryConfig,
    file_exists: Callable[[str], bool] | None,
) -> list[ConfigProblem]:
    where = host_field(host)
    out: list[ConfigProblem] = []
    err = host_syntax_error(host)
    if err:
        out.append(ConfigProblem(where, err))
    else:
        if host != host.lower():
            out.append(
                ConfigProblem(
                    where,
                    f'BuildKit matches "{host}" against image names case-sensitively; registry '
                    f'hosts are normally lower case ("{host.lower()}")',
                    "warning",
                )
            )
        if host.lower() in DOCKER_HUB_ALIASES:
            out.append(
                ConfigProblem(
                    where,
                    f"images from Docker Hub (FROM alpine, docker.io/...) are looked up as "
                    f'"{DOCKER_HUB}", so settings under "{host}" are never used for them; '
                    f'use [registry."{DOCKER_HUB}"]',
                    "warning",
                )
            )
    if reg.is_empty():
        out.append(
            ConfigProblem(where, "this registry sets nothing; BuildKit ignores it", "warning")
        )

    if host == DOCKER_HUB and reg.http:
        out.append(
            ConfigProblem(
                f"{where}.http",
                "Docker Hub is served over HTTPS only: http = true here makes BuildKit use plain "
                "HTTP for registry-1.docker.io whenever the mirrors do not have an image. Mirror "
                'settings belong under the mirror\'s own [registry."MIRROR"]',
                "warning",
            )
        )

    out.extend(_mirror_problems(config, host, reg))
    out.extend(_file_problems(host, reg, file_exists))
    return out


def _mirror_problems(
    config: BuildkitdConfig, host: str, reg: RegistryConfig
) -> list[ConfigProblem]:
    where = host_field(host)
    out: list[ConfigProblem] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(reg.mirrors):
        path = f"{where}.mirrors[{i}]"
        err = mirror_syntax_error(raw)
        if err:
            out.append(ConfigProblem(path, err))
            continue
        ref = parse_mirror(raw)
        own = config.registries.get(ref.host)
        own_http = own.http if own is not None else None
        if ref.scheme == "http" and own_http is not True and not is_localhost(ref.host):
            out.append(
                ConfigProblem(
                    path,
                    'BuildKit ignores "http://" in a mirror and connects to '
                    f"{ref.host} over HTTPS; "
                    f'if this mirror only speaks HTTP, write "{ref.normalized}" and set '
                    f'http = true under [registry."{ref.host}"]',
                    "warning",
                )
            )
        elif ref.scheme is not None:
            out.append(
                ConfigProblem(
                    path,
                    f'write the mirror without "{ref.scheme}://" ("{ref.normalized}"): BuildKit '
                    "expects host[:port][/path]; recent versions drop the scheme, older ones "
                    "cannot reach it",
                    "warning",
                )
            )
        key = canonical_host(ref.normalized)
        if key in seen:
            out.append(
                ConfigProblem(
                    path,
                    f'"{raw}" repeats mirror {seen[key]} ("{reg.mirrors[seen[key]]}"); keep one',
                    "warning",
                )
            )
        else:
            seen[key] = i
        if canonical_host(ref.host) == canonical_host(host) and not ref.path:
            out.append(
                ConfigProblem(
                    path, f'"{raw}" is the registry itself, not a mirror of it', "warning"
                )
            )
        for setting in ("http", "insecure"):
            if getattr(reg, setting) is True and (own is None or getattr(own, setting) is None):
                if setting == "http" and is_localhost(ref.host):
                    continue
                out.append(
                    ConfigProblem(
                        path,
                        f'{setting} = true under [registry."{host}"] does not apply to its mirror '
                        f"{ref.host}: BuildKit reads a mirror's settings from "
                        f'[registry."{ref.host}"]; set {setting} = true there',
                        "warning",
                    )
                )
    return out


def _file_problems(
    host: str, reg: RegistryConfig, file_exists: Callable[[str], bool] | None
) -> list[ConfigProblem]:
    where = host_field(host)
    out: list[ConfigProblem] = []
    files: list[tuple[str, str]] = []
    for i, path in enumerate(reg.ca):
        if path.strip() == "":
            out.append(ConfigProblem(f"{where}.ca[{i}]", "the file path is empty"))
        else:
            files.append((f"{where}.ca[{i}]", path))
    for i, kp in enumerate(reg.keypairs):
        for name, other in (("key", "cert"), ("cert", "key")):
            value = getattr(kp, name)
            path = f"{where}.keypair[{i}].{name}"
            if value.strip() == "":
                out.append(
                    ConfigProblem(path, f"a keypair needs both key and {other}; {name} is missing")
                )
            else:
                files.append((path, value))
    by_base: dict[str, tuple[str, str]] = {}
    for path, value in files:
        if not posixpath.isabs(value) and not re.match(r"[A-Za-z]:[\\/]", value):
            out.append(
                ConfigProblem(
                    path,
                    f'"{value}" is relative: buildx reads it from the directory you run '
                    "docker buildx create in; use an absolute path",
                    "warning",
                )
            )
        if file_exists is not None and not file_exists(value):
            out.append(
                ConfigProblem(
                    path,
                    f'"{shown(value)}" does not exist; docker buildx create fails when it '
                    "cannot read it",
                )
            )
        base = posixpath.basename(value.replace("\\", "/"))
        if base in by_base and by_base[base][1] != value:
            first_path, first_value = by_base[base]
            out.append(
                ConfigProblem(
                    path,
                    f'"{value}" and "{first_value}" ({first_path}) have the same file name; '
                    f"buildx copies both into the builder as /etc/buildkit/certs/.../{base}, so "
                    "one would replace the other. Rename one of them",
                )
            )
        by_base.setdefault(base, (path, value))
    if reg.http is True and (reg.ca or reg.keypairs):
        out.append(
            ConfigProblem(
                f"{where}.http",
                "http = true means plain HTTP, so the ca and keypair files of this registry "
                "are not used",
                "warning",
            )
        )
    return out


# --- normalization -----------------------------------------------------------------------


def normalize(config: BuildkitdConfig) -> tuple[BuildkitdConfig, list[str]]:
    """A copy of ``config`` with the mirror fixes the wizard offers applied, and what changed.

    * the scheme and trailing slash of each mirror are dropped (``https://m.io/`` -> ``m.io``);
    * repeated mirrors (after that) are dropped, keeping the first;
    * for a mirror written ``http://HOST`` (not localhost) whose ``[registry."HOST"]`` does not
      say ``http`` either way, ``http = true`` is set there (creating the table), because that
      is the only place BuildKit reads it from.

    Hosts are never renamed: that is for the user to decide from the warnings.
    """
    out = copy.deepcopy(config)
    notes: list[str] = []
    wants_http: list[str] = []
    for host, reg in out.registries.items():
        kept: list[str] = []
        seen: set[str] = set()
        for raw in reg.mirrors:
            if mirror_syntax_error(raw):
                kept.append(raw)
                continue
            ref = parse_mirror(raw)
            if ref.normalized != raw:
                notes.append(f'{host}: mirror "{raw}" written as "{ref.normalized}"')
            key = canonical_host(ref.normalized)
            if key in seen:
                notes.append(f'{host}: dropped repeated mirror "{raw}"')
                continue
            seen.add(key)
            kept.append(ref.normalized)
            if ref.scheme == "http" and not is_localhost(ref.host):
                wants_http.append(ref.host)
        reg.mirrors = kept
    for mirror_host in wants_http:
        own = out.registries.get(mirror_host)
        if own is None:
            out.registries[mirror_host] = RegistryConfig(http=True)
            notes.append(f'added [registry."{mirror_host}"] with http = true (mirror was http://)')
        elif own.http is None:
            own.http = True
            notes.append(f'set http = true under [registry."{mirror_host}"] (mirror was http://)')
    return out, notes
