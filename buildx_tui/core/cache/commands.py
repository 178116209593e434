"""The argv of the Cache screen's commands, and what their failures mean.

`du --format json` needs buildx >= 0.28 (older: "unknown flag: --format"); the prune space flags
need BuildKit >= 0.17 on every node (buildx refuses `--max-used-space` / `--min-free-space`
itself on an older one: "buildkit v0.17.0+ is required …"; we offer none of the three there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from buildx_tui.core.builders import Node

#: `du` and `prune` wait this long for an unreachable node (buildx's --timeout, default 20s).
NODE_TIMEOUT_S = 20
#: The gateway gives up on a `du` a little later.
RUN_TIMEOUT_S = 60.0
#: A prune of many gigabytes takes minutes: the gateway waits longer (in a worker: the UI goes on).
PRUNE_TIMEOUT_S = 900.0
SPACE_FLAGS_SINCE = (0, 17)


def du_json_argv(builder: str) -> tuple[str, ...]:
    return (
        "buildx",
        "du",
        "--builder",
        builder,
        "--format",
        "json",
        "--timeout",
        f"{NODE_TIMEOUT_S}s",
    )


def du_summary_argv(builder: str) -> tuple[str, ...]:
    """Plain `du`: the table and buildx's own totals (what a user would compare with)."""
    return ("buildx", "du", "--builder", builder)


_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?")


def buildkit_version(text: str) -> tuple[int, int, int] | None:
    """A node's BuildKit version from `ls` ("v0.32.2", "v0.8+unknown"), None when not known."""
    m = _VERSION.match(text.strip())
    if m is None:
        return None
    return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))


@dataclass(frozen=True)
class SpaceFlags:
    """Whether the prune space flags may be offered, and why not."""

    allowed: bool
    reason: str = ""


def space_flags(nodes: Sequence[Node]) -> SpaceFlags:
    """Allowed when every node's BuildKit is known to be >= 0.17."""
    if not nodes:
        return SpaceFlags(False, "the builder's nodes are not known (no `buildx ls` answer)")
    for node in nodes:
        version = buildkit_version(node.version)
        if version is None:
            return SpaceFlags(
                False, f"node {node.name}'s BuildKit version is not known (is it running?)"
            )
        if version < (*SPACE_FLAGS_SINCE, 0):
            return SpaceFlags(
                False,
                f"node {node.name} runs BuildKit {node.version}; --max-used-space, "
                "--min-free-space and --reserved-space need v0.17 or newer",
            )
    return SpaceFlags(True)


def du_problem(returncode: int, stderr: str) -> tuple[str, str]:
    """A failed `du`: a title and what to do."""
    text = stderr.strip()
    if "unknown flag: --format" in text:
        return (
            "This buildx has no `du --format json` (it needs buildx 0.28 or newer)",
            "Update the buildx plugin; plain `docker buildx du` still works in a terminal.",
        )
    if "connection refused" in text or "Unavailable" in text:
        return (
            "The builder's node does not answer",
            "Start the builder (or the BuildKit daemon it points at), then reload with r.",
        )
    if "context deadline exceeded" in text or "DeadlineExceeded" in text:
        return (
            f"The builder's node did not answer within {NODE_TIMEOUT_S} s",
            "Check that its endpoint is reachable, then reload with r.",
        )
    if "no builder" in text and "found" in text:
        return ("No such builder", "It may have been removed: go back to the builders list.")
    return (f"`docker buildx du` failed (exit {returncode})", "buildx's own words are below.")


_PRUNED_ROW = re.compile(r"^(?:ID:\s+)?([a-z0-9]{20,})\*?\s*$|^([a-z0-9]{20,})\*?\s")


def pruned_ids(stdout: str) -> list[str]:
    """The IDs `prune` printed, in its order: its table (a trailing * marks mutable) or, with
    --verbose, its "ID:" lines."""
    found = []
    for line in stdout.splitlines():
        m = _PRUNED_ROW.match(line)
        if m is not None:
            found.append(m.group(1) or m.group(2))
    return found
