"""How a build looks in the list: its cells (text only; marks, never colour alone)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from buildx_tui.core.builds.grouping import BuildGroup
from buildx_tui.core.builds.records import BuildStatus
from buildx_tui.ui.common.format import human_duration, relative_time

COLUMNS = (
    "status",
    "name",
    "builder / node",
    "platforms",
    "started",
    "duration",
    "steps",
    "cached",
)

STATUS_MARK: dict[BuildStatus, tuple[str, str, str]] = {
    BuildStatus.RUNNING: ("⟳", "running", "bold cyan"),
    BuildStatus.COMPLETED: ("✔", "completed", "green"),
    BuildStatus.ERROR: ("✖", "error", "bold red"),
    BuildStatus.FAILED: ("✖", "failed", "bold red"),
    BuildStatus.CANCELLED: ("⊘", "cancelled", "yellow"),
    BuildStatus.UNKNOWN: ("?", "unknown", "dim"),
}


def status_text(status: BuildStatus) -> Text:
    mark, word, style = STATUS_MARK[status]
    return Text(f"{mark} {word}", style)


def columns(one_builder: bool) -> tuple[str, ...]:
    """The list's columns: of one builder, its node only (the builder is in the title)."""
    return tuple("node" if c == "builder / node" and one_builder else c for c in COLUMNS)


def cells(
    group: BuildGroup, now: datetime, platforms: str, *, one_builder: bool = False
) -> tuple[str | Text, ...]:
    took = group.duration_s(now)
    nodes = ", ".join(group.nodes)
    if one_builder:
        where = nodes
    elif len(group.records) == 1:
        where = f"{group.builder}/{nodes}"
    else:
        where = f"{group.builder}: {nodes}"
    steps = f"{group.completed_steps}/{group.total_steps}" if group.total_steps else "-"
    return (
        status_text(group.status),
        group.name or "(no name)",
        where,
        platforms or "·",
        relative_time(group.created_at, now) if group.created_at else "?",
        human_duration(took) if took is not None else "?",
        steps,
        str(group.cached_steps) if group.total_steps else "-",
    )
