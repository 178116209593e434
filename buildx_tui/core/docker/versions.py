"""The versions of the tools buildx-tui drives, each known or unknown with the reason.

- the docker CLI and the Docker engine: `docker version --format '{{json .}}'` (the CLI prints
  its own part even when the engine cannot be reached: it exits 1 with ``"Server":null``);
- buildx: `docker buildx version` (``github.com/docker/buildx v0.36.1 1d8dde8…``);
- each node's BuildKit: `docker buildx ls --format json` already says it (``Node.version``).

The parsers never raise: output that cannot be read gives a :class:`Version` that is unknown,
whose ``unknown`` says why in words, and only what the output shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from buildx_tui.core.builders import LsResult, NodeStatus, looks_like_engine_down
from buildx_tui.core.commands import VERSION_ARGV
from buildx_tui.core.docker.problems import diagnose_ls_failure
from buildx_tui.core.docker.types import ClientOptions, ProblemKind

#: Both docker parts at once, as JSON (after the docker CLI and its global flags).
DOCKER_VERSION_ARGV: tuple[str, ...] = ("version", "--format", "{{json .}}")
#: buildx's own version line.
BUILDX_VERSION_ARGV: tuple[str, ...] = VERSION_ARGV
#: An unreachable TCP engine can keep `docker version` waiting: the About screen gives up then.
VERSION_TIMEOUT_S = 20.0

#: The longest piece of a tool's own words kept in a reason (a whole usage text is not needed).
_MAX_WORDS = 300


@dataclass(frozen=True)
class Version:
    """One component's version (``version``), or why it is not known (``unknown``)."""

    component: str  # "docker CLI", "Docker engine", "buildx", "BuildKit"
    version: str = ""
    #: What else the tool said about itself: ("API", "1.41"), ("commit", "e6534b4") …
    details: tuple[tuple[str, str], ...] = ()
    unknown: str = ""

    @property
    def known(self) -> bool:
        return bool(self.version)

    def detail(self, name: str) -> str:
        return next((value for key, value in self.details if key == name), "")


@dataclass(frozen=True)
class DockerVersions:
    """What `docker version` said: the CLI's part and the engine's."""

    cli: Version
    engine: Version
    engine_unreachable: bool = False  # docker's words say it could not reach the engine


@dataclass(frozen=True)
class NodeVersion:
    """A node's BuildKit, as `buildx ls` reported it."""

    builder: str
    node: str
    driver: str
    status: NodeStatus
    buildkit: Version


def _words(text: str) -> str:
    """A tool's message on one line, shortened: what a reason quotes."""
    flat = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return flat if len(flat) <= _MAX_WORDS else flat[: _MAX_WORDS - 1] + "…"


def _said(returncode: int, stderr: str) -> str:
    words = _words(stderr)
    return f"exit status {returncode}: {words}" if words else f"exit status {returncode}"


def _str(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _details(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in pairs if v)


# -- docker version ------------------------------------------------------------------------------
def parse_docker_version(returncode: int, stdout: str, stderr: str) -> DockerVersions:
    """The CLI's and the engine's versions from `docker version --format '{{json .}}'`."""
    data: object = None
    text = stdout.strip()
    if text:
        try:
            data = json.loads(text.splitlines()[0])
        except ValueError:
            data = None
    if not isinstance(data, dict):
        if not text and returncode == 127:  # the gateway found no docker binary to run
            why = f"the docker CLI did not run ({_said(returncode, stderr)})"
        elif not text:
            why = f"`docker version` printed nothing ({_said(returncode, stderr)})"
        else:
            why = f"`docker version` printed no JSON object: {_words(text)}"
        return DockerVersions(
            Version("docker CLI", unknown=why),
            Version("Docker engine", unknown="not known: " + why),
        )
    client = data.get("Client")
    server = data.get("Server")
    cli = _client(client) if isinstance(client, dict) else _missing("docker CLI", "Client")
    unreachable = False
    if isinstance(server, dict):
        engine = _server(server)
    elif server is None and returncode != 0:
        unreachable = looks_like_engine_down(stderr)
        words = _words(stderr)
        if unreachable:
            why = f"unreachable: {words}"
        else:
            why = f"no answer from the engine ({_said(returncode, stderr)})"
        engine = Version("Docker engine", unknown=why)
    else:
        engine = _missing("Docker engine", "Server")
    return DockerVersions(cli, engine, unreachable)


def _missing(component: str, part: str) -> Version:
    return Version(component, unknown=f"`docker version` printed no {part} part")


def _api(data: dict[str, object], default_key: str) -> str:
    """The API version in use; docker's own words when it was negotiated down."""
    api = _str(data, "ApiVersion")
    default = _str(data, default_key)
    if api and default and default != api:
        return f"{api} (downgraded from {default})"
    return api


def _client(data: dict[str, object]) -> Version:
    version = _str(data, "Version")
    if not version:
        return Version("docker CLI", unknown="`docker version` printed no client version")
    os_arch = "/".join(x for x in (_str(data, "Os"), _str(data, "Arch")) if x)
    return Version(
        "docker CLI",
        version,
        _details(
            ("API", _api(data, "DefaultAPIVersion")),
            ("commit", _str(data, "GitCommit")),
            ("Go", _str(data, "GoVersion")),
            ("OS/arch", os_arch),
            ("built", _str(data, "BuildTime")),
            ("context", _str(data, "Context")),
        ),
    )


def _server(data: dict[str, object]) -> Version:
    version = _str(data, "Version")
    if not version:
        return Version("Docker engine", unknown="`docker version` printed no engine version")
    platform = data.get("Platform")
    name = _str(platform, "Name") if isinstance(platform, dict) else ""
    api = _str(data, "ApiVersion")
    minimum = _str(data, "MinAPIVersion")
    os_arch = "/".join(x for x in (_str(data, "Os"), _str(data, "Arch")) if x)
    components: list[tuple[str, str]] = []
    raw = data.get("Components")
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and _str(item, "Name") not in ("", "Engine"):
            components.append((_str(item, "Name"), _str(item, "Version") or "?"))
    return Version(
        "Docker engine",
        version,
        _details(
            ("platform", name),
            ("API", f"{api} (minimum {minimum})" if api and minimum else api),
            ("commit", _str(data, "GitCommit")),
            ("Go", _str(data, "GoVersion")),
            ("OS/arch", os_arch),
            ("kernel", _str(data, "KernelVersion")),
            *components,
        ),
    )


# -- buildx version ------------------------------------------------------------------------------
def parse_buildx_version(returncode: int, stdout: str, stderr: str) -> Version:
    """buildx's version and commit from `docker buildx version`, e.g.
    ``github.com/docker/buildx v0.36.1 1d8dde89b8aba914e05e45366770736fea1fd690``."""
    if returncode != 0:
        kind = diagnose_ls_failure(returncode, stderr, ClientOptions()).kind
        if kind is ProblemKind.BUILDX_MISSING:
            why = f"buildx is not installed (docker says: {_words(stderr)})"
        elif kind is ProblemKind.DOCKER_MISSING:
            why = f"the docker CLI did not run ({_words(stderr)})"
        else:
            why = f"`docker buildx version` failed ({_said(returncode, stderr)})"
        return Version("buildx", unknown=why)
    lines = [ln.split() for ln in stdout.splitlines() if ln.strip()]
    if not lines:
        return Version("buildx", unknown="`docker buildx version` printed nothing")
    words = lines[0]
    if len(words) >= 2 and "buildx" in words[0]:
        package, version, rest = words[0], words[1], words[2:]
    elif words[0][:1] in "v0123456789":
        package, version, rest = "", words[0], words[1:]
    else:
        return Version(
            "buildx",
            unknown=f"`docker buildx version` printed no version: {_words(stdout)}",
        )
    return Version(
        "buildx", version, _details(("commit", rest[0] if rest else ""), ("package", package))
    )


# -- each node's BuildKit ------------------------------------------------------------------------
def buildkit_versions(ls: LsResult) -> tuple[NodeVersion, ...]:
    """Each node's BuildKit version as `buildx ls` reported it (only for a node it reached)."""
    out: list[NodeVersion] = []
    for builder in ls.builders:
        if not builder.nodes:
            why = f"buildx could not read this builder: {_words(builder.error)}"
            if not builder.error:
                why = "the builder has no nodes"
            unknown = Version("BuildKit", unknown=why)
            out.append(NodeVersion(builder.name, "", builder.driver, builder.status, unknown))
            continue
        for node in builder.nodes:
            status = node.effective_status
            if node.version:
                buildkit = Version("BuildKit", node.version)
            elif node.error or builder.error:
                buildkit = Version(
                    "BuildKit",
                    unknown=f"buildx could not reach it: {_words(node.error or builder.error)}",
                )
            else:
                buildkit = Version(
                    "BuildKit", unknown=f"not reported by `buildx ls` (the node is {status})"
                )
            out.append(NodeVersion(builder.name, node.name, builder.driver, status, buildkit))
    return tuple(out)
