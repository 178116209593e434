"""The tools: the docker CLI found, the engine reachable (and which), buildx present and new
enough for what the app offers."""

from __future__ import annotations

import re

from .context import DoctorContext
from .model import CheckResult, Fix, Status

#: What needs a newer buildx: (version, what).
BUILDX_FEATURES: tuple[tuple[tuple[int, ...], str], ...] = (
    ((0, 13), "`ls --format json` (every screen of this app reads it)"),
    ((0, 20), "the `history` commands (past builds, their logs and traces)"),
    ((0, 28), "`du --format json` (the cache screen)"),
)
#: What needs a newer BuildKit on a node.
BUILDKIT_FEATURES: tuple[tuple[tuple[int, ...], str], ...] = (
    ((0, 11), "the build history API (`buildx history`)"),
    ((0, 17), "prune's space flags (--max-used-space, --min-free-space, --reserved-space)"),
)

_VERSION_RE = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


def version_tuple(text: str) -> tuple[int, ...] | None:
    """``v0.32.2`` -> (0, 32, 2); ``v0.8+unknown`` -> (0, 8, 0); None when there is no number."""
    m = _VERSION_RE.search(text)
    if m is None:
        return None
    return (int(m[1]), int(m[2]), int(m[3] or 0))


def lacking(version: str, table: tuple[tuple[tuple[int, ...], str], ...]) -> list[str]:
    """What a ``version`` is too old for, with the version each needs."""
    have = version_tuple(version)
    if have is None:
        return []
    return [f"{what} needs {'.'.join(map(str, need))}" for need, what in table if have < (*need, 0)]


def check_docker_cli(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    versions, command = ctx.docker_version()
    cli = versions.cli
    why = "every buildx command runs through the docker CLI"
    if cli.known:
        found = f"docker CLI {cli.version}"
        if cli.detail("OS/arch"):
            found += f" ({cli.detail('OS/arch')})"
        return (CheckResult("docker-cli", "docker CLI", Status.PASSED, found, command, why),)
    fix = Fix(
        "Install the Docker CLI (e.g. `apt-get install docker.io`, or Docker Desktop), or point "
        "buildx-tui at it with --docker /path/to/docker."
    )
    return (CheckResult("docker-cli", "docker CLI", Status.FAILED, cli.unknown, command, why, fix),)


def check_engine(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    versions, command = ctx.docker_version()
    engine = versions.engine
    context = versions.cli.detail("context")
    which = ctx.engine_target or (f"context {context}" if context else "")
    why = (
        "the docker driver builds in this engine, and docker-container builders run in it as "
        "containers"
    )
    if engine.known:
        found = f"Docker engine {engine.version}" + (f" via {which}" if which else "")
        return (CheckResult("engine", "Docker engine", Status.PASSED, found, command, why),)
    status = Status.FAILED if versions.engine_unreachable else Status.UNKNOWN
    fix = Fix(
        "Start the Docker daemon (`sudo systemctl start docker`, or open Docker Desktop), or "
        "check DOCKER_HOST / --host / --context. Remote builders may still work."
    )
    found = engine.unknown + (f" ({which})" if which else "")
    return (CheckResult("engine", "Docker engine", status, found, command, why, fix),)


def check_buildx(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    version, command = ctx.buildx_version()
    why = "buildx drives BuildKit: builders, multi-platform builds, history, cache"
    if not version.known:
        fix = Fix(
            "Install the buildx plugin (Debian: `apt-get install docker-buildx`; or put the "
            "docker-buildx binary in ~/.docker/cli-plugins/ and make it executable)."
        )
        return (CheckResult("buildx", "buildx", Status.FAILED, version.unknown, command, why, fix),)
    missing = lacking(version.version, BUILDX_FEATURES)
    found = f"buildx {version.version}"
    if not missing:
        return (CheckResult("buildx", "buildx", Status.PASSED, found, command, why),)
    have = version_tuple(version.version)
    too_old = have is not None and have < (0, 13, 0)
    fix = Fix(f"Upgrade buildx (yours is {version.version}; the newest has all of these).")
    return (
        CheckResult(
            "buildx",
            "buildx",
            Status.FAILED if too_old else Status.WARNING,
            found + "; too old for: " + "; ".join(missing),
            command,
            why,
            fix,
        ),
    )
