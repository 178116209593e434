"""Small formatting helpers shared by widgets: sizes, durations, times, status colours, the
marks of platforms."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text

from buildx_tui.core.builders import NodeStatus
from buildx_tui.core.platforms import Emulation

#: Marks that say without colour how a platform runs (NO_COLOR, monochrome, colour-blind users).
EMULATED_MARK = "~"
UNKNOWN_MARK = "?"
PINNED_MARK = "*"
PLATFORM_STYLE = {Emulation.NATIVE: "green", Emulation.EMULATED: "yellow"}


def append_platform(text: Text, label: str, emulation: Emulation, pinned: bool) -> None:
    """``label`` as a node runs it: native in green, emulated (QEMU) in yellow and marked
    ``~arm64``, not known marked ``arm64?``, pinned with ``create --platform`` followed by ``*``."""
    style = PLATFORM_STYLE.get(emulation, "")
    if emulation is Emulation.EMULATED:
        text.append(EMULATED_MARK, style)
    text.append(label, style)
    if emulation is Emulation.UNKNOWN:
        text.append(UNKNOWN_MARK, "dim")
    if pinned:
        text.append(PINNED_MARK, "bold magenta")


STATUS_STYLE = {
    NodeStatus.RUNNING: "bold green",
    NodeStatus.INACTIVE: "dim",
    NodeStatus.STOPPED: "yellow",
    NodeStatus.STARTING: "cyan",
    NodeStatus.STOPPING: "cyan",
    NodeStatus.ERROR: "bold red",
    NodeStatus.UNKNOWN: "magenta",
}
STATUS_ICON = {
    NodeStatus.RUNNING: "●",
    NodeStatus.INACTIVE: "○",
    NodeStatus.STOPPED: "■",
    NodeStatus.STARTING: "◐",
    NodeStatus.STOPPING: "◑",
    NodeStatus.ERROR: "✖",
    NodeStatus.UNKNOWN: "?",
}


def human_bytes(n: int) -> str:
    if n <= 0:
        return "0"
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"


def human_duration(seconds: float) -> str:
    if seconds <= 0:
        return "-"
    s = int(seconds)
    days, rem = divmod(s, 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    if days:
        return f"{days}d" + (f"{hours}h" if hours else "")
    if hours:
        return f"{hours}h" + (f"{minutes}m" if minutes else "")
    if minutes:
        return f"{minutes}m" + (f"{secs}s" if secs else "")
    return f"{seconds:.1f}s" if seconds < 10 else f"{secs}s"


def relative_time(when: datetime | None, now: datetime | None = None) -> str:
    if when is None:
        return "never"
    now = now or datetime.now(UTC)
    delta = (now - when).total_seconds()
    if delta < 60:  # including a little clock skew between us and the builder
        return "just now"
    return human_duration(delta) + " ago"


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis marking the cut."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
