"""How a build looks in the list: its cells (text only; marks, never colour alone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from buildx_tui.core.builds.grouping import BuildGroup
from buildx_tui.core.builds.limits import HistoryLimit
from buildx_tui.core.builds.records import BuildRecord, BuildStatus
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
    return Text(f"{mark} {word}", style, no_wrap=True, end="")


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
    # Text, never str: the DataTable reads a str as markup (a name like "[x]" would be eaten,
    # and parsing 8,000 cells' markup was a good part of the first frame of a long list).
    return (
        status_text(group.status),
        _plain(group.name or "(no name)"),
        _plain(where),
        _plain(platforms or "·"),
        _plain(relative_time(group.created_at, now) if group.created_at else "?"),
        _plain(human_duration(took) if took is not None else "?"),
        _plain(steps),
        _plain(str(group.cached_steps) if group.total_steps else "-"),
    )


def _plain(text: str) -> Text:
    return Text(text, no_wrap=True, end="")


@dataclass
class BuilderState:
    """What the list knows of one builder: its records, or why it has none."""

    records: tuple[BuildRecord, ...] = ()
    limit: HistoryLimit | None = None
    listed: bool = False
    bad_lines: int = 0


def list_message(
    states: dict[str, BuilderState], pending: set[str], local: bool, total: int, shown: int
) -> str:
    """The line over the list: what could not be listed and why, what is being listed, and
    how many builds there are (of each builder)."""
    parts: list[str] = []
    for name, state in states.items():
        if state.limit is not None:
            parts.append("⚠ " + state.limit.message)
        elif state.bad_lines:
            parts.append(f"⚠ {name}: {state.bad_lines} lines of `history ls` were not records")
    waiting = sorted(pending)
    if waiting:
        parts.append("⟳ listing: " + ", ".join(waiting))
    listed = [n for n, s in states.items() if s.listed]
    scope = " (this directory only: --local)" if local else ""
    if listed and total == 0 and not waiting:
        parts.append(f"No builds recorded on {', '.join(listed)}{scope}.")
    elif total and shown < total:
        parts.append(f"{shown} of {total} builds match the filter{scope}.")
    elif total:
        counts = ", ".join(f"{n}: {len(states[n].records)}" for n in listed)
        parts.append(f"{total} builds ({counts}){scope}, newest first.")
    return "\n".join(parts)
