"""What `history` cannot tell, classified from its error output: each limit a sentence that
says what is known, never an empty list that looks like "no builds".

Recorded on the lab (tests/fixtures/local/history-*.stderr):

* the docker driver on dockerd 20.10 (embedded BuildKit v0.8): ``rpc error: code =
  Unimplemented desc = unknown method ListenBuildHistory``;
* a node nothing listens on (lab-dead): ``#1 [internal] waiting for connection`` then
  ``ERROR: context deadline exceeded`` (it waits for buildx's timeout);
* a record deleted meanwhile: ``ERROR: no record found for ref "…"``;
* ``--local`` outside a git checkout with a remote: ``could not get remote URL for local filter``;
* a stopped docker-container builder: `history ls` starts it (the UI asks first).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from buildx_tui.core.builders import Builder, NodeStatus

__all__ = [
    "HistoryLimit",
    "LimitKind",
    "classify_history_error",
    "needs_start",
    "stopped_message",
    "unreachable_without_asking",
]


class LimitKind(StrEnum):
    NO_HISTORY_API = "no-history-api"
    UNREACHABLE = "unreachable"
    MISSING_RECORD = "missing-record"
    NOT_A_CHECKOUT = "not-a-checkout"
    NO_BUILDER = "no-builder"
    STOPPED = "stopped"
    OTHER = "other"


@dataclass(frozen=True)
class HistoryLimit:
    kind: LimitKind
    builder: str
    message: str
    detail: str = ""  # buildx's own words


def _error_line(stderr: str) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("ERROR:")]
    return (errors[-1] if errors else lines[-1] if lines else "").removeprefix("ERROR:").strip()


def classify_history_error(builder: str, stderr: str, returncode: int) -> HistoryLimit:
    """A failed `history` command, in words."""
    detail = _error_line(stderr) or f"exit status {returncode}"
    low = stderr.lower()
    if "listenbuildhistory" in low or ("unimplemented" in low and "history" in low):
        return HistoryLimit(
            LimitKind.NO_HISTORY_API,
            builder,
            f"{builder}: its BuildKit keeps no build history (no history API: the docker driver "
            "on an engine with an old embedded BuildKit). Builds on it cannot be listed; a "
            "docker-container builder can.",
            detail,
        )
    if "no record found" in low:
        return HistoryLimit(
            LimitKind.MISSING_RECORD,
            builder,
            f"{builder}: that build record is gone (deleted or pruned meanwhile).",
            detail,
        )
    if "could not get remote url for local filter" in low:
        return HistoryLimit(
            LimitKind.NOT_A_CHECKOUT,
            builder,
            "This directory only (--local) needs a git checkout with a remote (origin or "
            "upstream): buildx matches builds by it. The app's directory is not one.",
            detail,
        )
    if "no builder" in low and "found" in low:
        return HistoryLimit(LimitKind.NO_BUILDER, builder, f"{builder}: no such builder.", detail)
    unreachable = (
        "context deadline exceeded",
        "connection refused",
        "waiting for connection",
        "no such host",
        "i/o timeout",
        "connection reset",
    )
    if any(word in low for word in unreachable):
        return HistoryLimit(
            LimitKind.UNREACHABLE,
            builder,
            f"{builder}: a node cannot be reached, so its builds cannot be listed "
            "(nothing is known about them).",
            detail,
        )
    return HistoryLimit(LimitKind.OTHER, builder, f"{builder}: history failed: {detail}", detail)


def stopped_message(builder: str) -> HistoryLimit:
    return HistoryLimit(
        LimitKind.STOPPED,
        builder,
        f"{builder} is stopped: listing its builds starts it (`history ls` boots the node). "
        "Press s to start it and list, or leave it stopped.",
    )


def needs_start(builder: Builder) -> bool:
    """`history ls` would start this builder (seen on the lab after `buildx stop`): a
    docker-container/kubernetes builder whose nodes are all stopped or not created yet. A remote
    builder that is inactive is unreachable instead (it cannot be started)."""
    if builder.driver not in ("docker-container", "kubernetes") or not builder.nodes:
        return False
    return all(n.status in (NodeStatus.STOPPED, NodeStatus.INACTIVE) for n in builder.nodes)


def unreachable_without_asking(builder: Builder) -> HistoryLimit | None:
    """A remote builder `buildx ls` already found unreachable (inactive, or an error): running
    `history ls` on it would only wait for buildx's timeout (lab-dead: ``waiting for
    connection`` … ``context deadline exceeded``), so it is said at once instead."""
    if builder.driver != "remote" or not builder.nodes:
        return None
    bad = [n for n in builder.nodes if n.error or n.status is NodeStatus.INACTIVE]
    if len(bad) < len(builder.nodes):
        return None
    why = next((n.error for n in bad if n.error), "inactive in `buildx ls`")
    return HistoryLimit(
        LimitKind.UNREACHABLE,
        builder.name,
        f"{builder.name}: its node cannot be reached ({why}), so its builds cannot be listed "
        "(nothing is known about them).",
        why,
    )
