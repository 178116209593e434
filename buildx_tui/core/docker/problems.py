"""What is wrong with the user's docker set-up, in words they can act on.

Each diagnosis comes from output we already have (one `ls` per refresh): no extra process.
The diagnoses are :class:`~buildx_tui.core.docker.types.Problem` s.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from buildx_tui.core.docker.types import ClientOptions, Problem, ProblemKind

if TYPE_CHECKING:
    from buildx_tui.core.builders import LsResult


def docker_missing(options: ClientOptions) -> Problem:
    return Problem(
        ProblemKind.DOCKER_MISSING,
        "Docker CLI not found",
        f"No executable named {options.docker!r} was found on PATH.",
        "Install the Docker CLI (e.g. `apt-get install docker.io`, or Docker Desktop), or point "
        "buildx-tui at it with `buildx-tui --docker /path/to/docker`.",
    )


def diagnose_ls_failure(returncode: int, stderr: str, options: ClientOptions) -> Problem:
    low = stderr.lower()
    if returncode == 127 and "not found" in low:
        return docker_missing(options)
    # docker 28 without the plugin: `ls` alone says "unknown command: docker buildx"; with our
    # flags it fails earlier, on the top-level usage ("unknown flag: --format" + "Usage:  docker
    # [OPTIONS] COMMAND"). An old buildx names its own subcommand instead ("docker buildx ls").
    top_level_usage = "usage:  docker [options] command" in low or "see 'docker --help'" in low
    if (
        "'buildx' is not a docker command" in low
        or "unknown command: docker buildx" in low
        or ("unknown flag: --format" in low and top_level_usage and "buildx ls" not in low)
    ):
        return Problem(
            ProblemKind.BUILDX_MISSING,
            "docker buildx is not installed",
            stderr.strip(),
            "Install the buildx plugin (Debian: `apt-get install docker-buildx`; or put the "
            "`docker-buildx` binary in ~/.docker/cli-plugins/ and make it executable).",
        )
    if "unknown flag: --format" in low or "unknown shorthand flag" in low:
        return Problem(
            ProblemKind.BUILDX_TOO_OLD,
            "docker buildx is too old",
            "This buildx has no `ls --format json` (added in buildx 0.13).\n" + stderr.strip(),
            "Upgrade buildx to 0.13 or newer (`docker buildx version` shows yours).",
        )
    return Problem(
        ProblemKind.LS_FAILED,
        "`docker buildx ls` failed",
        stderr.strip() or f"exit status {returncode}",
        "Run the command shown above in a terminal to see the full error.",
    )


def diagnose_ls_result(ls: LsResult, options: ClientOptions) -> Problem | None:
    error = ls.engine_error()
    if not error:
        return None
    target = options.host or (f"context {options.context}" if options.context else "")
    where = f" ({target})" if target else ""
    return Problem(
        ProblemKind.ENGINE_UNREACHABLE,
        f"Docker engine unreachable{where}",
        error,
        "Start the Docker daemon (`sudo systemctl start docker`, or open Docker Desktop), or "
        "check DOCKER_HOST / `--host` / `--context`. Builders on remote nodes may still work. "
        "Press r to retry.",
    )
