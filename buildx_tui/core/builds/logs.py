"""`docker buildx history logs REF --progress rawjson`: its argv, its problems, its replay.

The command asks BuildKit's Control.Status for the record (buildx ``commands/history/logs.go``)
and prints each SolveStatus as one JSON line on stderr, the same stream a live ``build
--progress rawjson`` writes: it is replayed through the shared progress parser
(:mod:`buildx_tui.core.progress`), the live build's code path. Facts from the lab
(tests/fixtures/local/INDEX.md, section "Build history"):

* a finished build: one line holding every vertex, status and log;
* a running build: what is recorded so far in one line, then the live updates until the build
  ends: the command follows it by itself (see :mod:`.follow`);
* the exit code is 0 whether the build succeeded or failed: the result comes from the stream
  (the parser's ``close(None)``), never from the exit code;
* no ``ERROR: …`` line of the build itself (that is the CLI's, not recorded): a failed step's
  error is in its vertex.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.core.progress.names import parse_vertex_name
from buildx_tui.core.progress.parser import BuildProgress


def logs_argv(builder: str, ref: str) -> list[str]:
    """The exact command (rawjson on stderr)."""
    return ["buildx", "history", "logs", "--builder", builder, ref, "--progress", "rawjson"]


class ProblemKind(Enum):
    NO_HISTORY_API = "no-history-api"
    MISSING = "missing"
    NO_TRACE = "no-trace"
    UNREACHABLE = "unreachable"
    OTHER = "other"


@dataclass(frozen=True)
class HistoryProblem:
    """Why a `history logs`/`trace` command gave nothing to show, in words for the user."""

    kind: ProblemKind
    message: str
    detail: str
    """buildx's own ERROR lines."""


def history_problem(result: CommandResult, builder: str, ref: str) -> HistoryProblem | None:
    """The problem a failed `history` command reports, or None when it succeeded."""
    if result.ok:
        return None
    detail = result.error_text()
    low = detail.lower()
    if "listenbuildhistory" in low and "unimplemented" in low:
        return HistoryProblem(
            ProblemKind.NO_HISTORY_API,
            f"Builder {builder!r} keeps no build history: its BuildKit has no history API "
            "(the docker driver of an engine with an old embedded BuildKit). Builds on a "
            "docker-container or remote builder are recorded.",
            detail,
        )
    if "no record found" in low or "was deleted" in low:
        return HistoryProblem(
            ProblemKind.MISSING,
            f"Builder {builder!r} has no record {ref!r} (deleted, or never built there).",
            detail,
        )
    if "is missing a trace" in low:
        return HistoryProblem(
            ProblemKind.NO_TRACE,
            f"BuildKit kept no trace for build {ref!r} on {builder!r}, so its timeline cannot "
            "be drawn. Its logs (l) still give each step and its time.",
            detail,
        )
    if any(
        s in low
        for s in ("context deadline exceeded", "connection refused", "no such host", "dial ")
    ):
        return HistoryProblem(
            ProblemKind.UNREACHABLE,
            f"Builder {builder!r} could not be reached.",
            detail,
        )
    if result.cancelled:
        return HistoryProblem(ProblemKind.OTHER, "Stopped.", detail)
    return HistoryProblem(
        ProblemKind.OTHER, f"docker buildx history failed (exit {result.returncode}).", detail
    )


def platforms_in(line: str) -> tuple[str, ...]:
    """The platforms a SolveStatus line's steps name (``[linux/arm64 2/3] RUN …``), sorted.

    The record's first line holds every step known so far (all of them once the build has
    ended): the replay's lanes are made for them, as the live build's are for ``--platform``
    (else the parser would take them for build-platform stages nobody asked for)."""
    if not line.startswith("{"):
        return ()
    try:
        status = json.loads(line)
    except ValueError:
        return ()
    found: set[str] = set()
    vertexes = status.get("vertexes") if isinstance(status, dict) else None
    for vertex in vertexes if isinstance(vertexes, list) else ():
        name = vertex.get("name") if isinstance(vertex, dict) else None
        if isinstance(name, str) and (platform := parse_vertex_name(name).platform):
            found.add(platform)
    return tuple(sorted(found))


def replay_lines(lines: Iterable[str], platforms: Sequence[str] = ()) -> ProgressSnapshot:
    """The final snapshot of a recorded `history logs` stream (whole, at once); the lanes are
    ``platforms``, else those the first line names."""
    lines = iter(lines)
    first = next(lines, "")
    progress = BuildProgress(platforms or platforms_in(first))
    progress.feed_line(first)
    progress.feed(lines)
    progress.close(None)  # the exit code says nothing about the build: the stream does
    return progress.snapshot()


def replay_text(text: str, platforms: Sequence[str] = ()) -> ProgressSnapshot:
    return replay_lines(text.splitlines(), platforms)


def lane_steps(snapshot: ProgressSnapshot) -> dict[str, tuple[str, ...]]:
    """Each lane's steps as ``"position title"``, sorted: what the replay and the live run
    must agree on (a build's lanes, whichever stream drew them). Sorted because steps that
    start at the same moment (a cached chain) reach the parser in either order."""
    return {
        lane.key: tuple(sorted(f"{s.position} {s.name}".strip() for s in lane.steps))
        for lane in snapshot.all_lanes
    }
