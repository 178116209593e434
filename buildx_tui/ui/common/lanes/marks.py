"""How a build is written on screen: step and result marks (a symbol as well as a colour), the
platform badges, durations, progress bars and one-line steps. Used by the lanes, the summary,
the step log and the history."""

from __future__ import annotations

from rich.text import Text

from buildx_tui.core.build.platform_choices import Support
from buildx_tui.core.progress.model import LaneSnapshot, StepSnapshot, WarningSnapshot

STEP_ICON = {
    "pending": ("·", "dim"),
    "running": ("⟳", "bold cyan"),
    "done": ("✔", "green"),
    "cached": ("✔", "dim green"),
    "error": ("✖", "bold red"),
    "cancelled": ("⊘", "yellow"),
}
RESULT_MARK = {
    "running": ("⟳", "bold cyan"),
    "success": ("✔", "bold green"),
    "failed": ("✖", "bold red"),
    "cancelled": ("⊘", "bold yellow"),
    "stopped": ("⊘", "yellow"),
}
#: A build warning (a Dockerfile check like FromAsCasing): said, the build goes on.
WARNING_MARK = ("⚠", "bold yellow")
BADGE = {
    Support.NATIVE: ("native", "green"),
    Support.EMULATED: ("QEMU", "yellow"),
    Support.UNKNOWN: ("", ""),
    Support.UNLISTED: ("not listed", "yellow"),
}


def warnings_word(count: int) -> str:
    return f"{count} warning" + ("" if count == 1 else "s")


def warning_line(warning: WarningSnapshot, width: int) -> Text:
    """``⚠ FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)``, cut."""
    mark, style = WARNING_MARK
    text = Text(f"{mark} ", style)
    text.append(warning.short or "(a warning without text)", "yellow")
    text.truncate(width, overflow="ellipsis")
    return text


def fmt_secs(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def bar(fraction: float, width: int, style: str) -> Text:
    width = max(1, width)
    filled = round(max(0.0, min(1.0, fraction)) * width)
    text = Text("━" * filled, style)
    text.append("━" * (width - filled), "grey23")
    return text


def lane_result(lane: LaneSnapshot, build: str | None = None) -> str:
    """The lane's result as shown. A lane that did not fail itself in a build that failed is
    "stopped", never "failed" nor "cancelled": the shared lane of a build that failed elsewhere
    (its export never ran), and a platform whose steps were stopped by another platform's
    failure or by the builder going away — nobody cancelled it (``build``: the build's result,
    when known)."""
    if lane.kind == "shared" and lane.result == "failed" and not lane.steps_failed:
        return "stopped"
    if lane.result == "cancelled" and build == "failed":
        return "stopped"
    return lane.result


def lane_title(lane: LaneSnapshot) -> str:
    if lane.kind == "shared":
        return "shared steps"
    return lane.platform or lane.key


def step_duration(step: StepSnapshot, now: float | None) -> tuple[str, str]:
    if step.state == "cached":
        return "cached", "dim green"
    if step.state == "running":
        return fmt_secs(step.elapsed(now)) + "…", "cyan"
    if step.state == "pending":
        return "", ""
    if step.started is None:
        return "", ""
    return fmt_secs(step.duration), "red" if step.state == "error" else "dim"


def step_position(step: StepSnapshot) -> str:
    if step.index is not None:
        return f"{step.index}/{step.total}"
    return ""


def step_line(
    step: StepSnapshot, width: int, now: float | None, *, cursor: bool, pos_column: bool = True
) -> Text:
    icon, icon_style = STEP_ICON.get(step.state, ("?", ""))
    duration, duration_style = step_duration(step, now)
    pos = step_position(step)
    left = Text()
    left.append(f"{icon} ", icon_style)
    if pos_column:
        left.append(f"{pos:>5} ", "bold" if step.state == "running" else "dim")
    name_width = max(4, width - left.cell_len - len(duration) - 1)
    name = Text(step.name, "red" if step.state == "error" else "")
    name.truncate(name_width, overflow="ellipsis")
    left.append_text(name)
    pad = max(1, width - left.cell_len - len(duration))
    left.append(" " * pad)
    left.append(duration, duration_style)
    if cursor:
        left.stylize("reverse")
    return left
