"""Registry mirrors in buildkitd.toml, read the way BuildKit reads them.

BuildKit (util/resolver: ``extractMirrorHostAndPath``, ``newMirrorRegistryHost``) takes a mirror
as ``host[:port][/path]``: it drops a scheme, contacts the host over HTTPS unless
``[registry."HOST"]`` says ``http = true`` (loopback hosts default to HTTP), and puts the path
between ``/v2`` and the repository: on the lab, the mirror ``127.0.0.1:5000/library`` of
docker.io made BuildKit fetch ``FROM busybox`` as
``/v2/library/library/busybox/manifests/latest`` (not found; the build failed). A path is for a
registry that serves its proxy under one (``host/proxy-project``), never a repository namespace;
and a mirror on Docker Hub's own name is no mirror (BuildKit contacts the name as written, and
Docker Hub's registry is registry-1.docker.io).

Public names are re-exported by :mod:`buildx_tui.core.create.buildkitd.config`.
"""

from __future__ import annotations

from dataclasses import dataclass

from buildx_tui.core.create.buildkitd.hosts import (
    _SCHEME,
    DOCKER_HUB,
    DOCKER_HUB_ALIASES,
    canonical_host,
    host_syntax_error,
    is_localhost,
)
from buildx_tui.core.create.buildkitd.model import (
    BuildkitdConfig,
    ConfigProblem,
    RegistryConfig,
    host_field,
)


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


def _hub(host: str) -> bool:
    name = canonical_host(host)
    return name == DOCKER_HUB or name in DOCKER_HUB_ALIASES


def _what_it_names(path: str, host: str, raw: str, ref: MirrorRef) -> list[ConfigProblem]:
    """A mirror on the registry's own name (Docker Hub's, for docker.io), and a path that is
    a repository namespace (``library``): BuildKit puts the path before the repository."""
    example = "library/alpine" if canonical_host(host) == DOCKER_HUB else "REPOSITORY"
    fetched = f"{ref.host}/v2{ref.path}/{example}/manifests/…"
    doubled = "library" in ref.path.lower().split("/")
    how = (
        f"; and BuildKit puts the path {ref.path} before the repository, so it would ask for "
        f"{fetched}"
        if ref.path
        else ""
    )
    if _hub(ref.host) and canonical_host(host) == DOCKER_HUB:
        return [
            ConfigProblem(
                path,
                f'"{raw}" is the registry itself (Docker Hub), not a mirror of it: BuildKit '
                f"contacts {ref.host} as written, then Docker Hub (registry-1.docker.io) "
                f"anyway{how}. A mirror is another registry's host[:port], e.g. mirror.gcr.io",
                "warning",
            )
        ]
    if canonical_host(ref.host) == canonical_host(host):
        return [
            ConfigProblem(
                path, f'"{raw}" is the registry itself, not a mirror of it{how}', "warning"
            )
        ]
    if doubled:
        return [
            ConfigProblem(
                path,
                f'"{raw}": BuildKit puts the path {ref.path} before the repository name, which '
                f"already holds the namespace (docker.io/alpine is library/alpine): it would ask "
                f"for {fetched}. Write the mirror without it: {ref.host}",
                "warning",
            )
        ]
    return []


def mirror_problems(config: BuildkitdConfig, host: str, reg: RegistryConfig) -> list[ConfigProblem]:
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
        out.extend(_what_it_names(path, host, raw, ref))
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
