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

Host syntax is :mod:`.hosts`', mirrors :mod:`.mirrors`'; public names are re-exported here and
by :mod:`buildx_tui.core.create.buildkitd.config`.
"""

from __future__ import annotations

import copy
import posixpath
import re
from collections.abc import Callable, Iterable

from buildx_tui.core.create.buildkitd.hosts import (
    DOCKER_HUB,
    DOCKER_HUB_ALIASES,
    canonical_host,
    host_syntax_error,
    is_localhost,
    split_host_port,
)
from buildx_tui.core.create.buildkitd.mirrors import (
    MirrorRef,
    mirror_problems,
    mirror_syntax_error,
    parse_mirror,
)
from buildx_tui.core.create.buildkitd.model import (
    BuildkitdConfig,
    ConfigProblem,
    RegistryConfig,
    host_field,
)
from buildx_tui.core.paths import shown

__all__ = [
    "DOCKER_HUB",
    "DOCKER_HUB_ALIASES",
    "MirrorRef",
    "canonical_host",
    "check_hosts",
    "has_errors",
    "host_syntax_error",
    "is_localhost",
    "mirror_syntax_error",
    "normalize",
    "parse_mirror",
    "split_host_port",
    "validate",
]

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

    out.extend(mirror_problems(config, host, reg))
    out.extend(_file_problems(host, reg, file_exists))
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
