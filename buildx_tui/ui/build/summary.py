"""Renderables for the build screen's head line (overall bar) and the end-of-build summary."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text

from buildx_tui.core.build.history import BuildOutputs, HistoryEntry, LaneSummary
from buildx_tui.core.build.platform_choices import Support
from buildx_tui.core.build.runner import RunOutcome
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.progress.model import LaneSnapshot, ProgressSnapshot, WarningSnapshot
from buildx_tui.ui.common.lanes.marks import RESULT_MARK, WARNING_MARK, bar, fmt_secs, lane_result
from buildx_tui.ui.common.text_table import columns, labelled

MIN_TIMED_S = 0.5  # shorter lanes say nothing about emulation speed
MAX_WARNINGS_SHOWN = 5
WARNING_INDENT = 8  # "warning" and a space: the column of the warnings' text
MEDIA_TYPES = {
    "application/vnd.oci.image.index.v1+json": "OCI image index",
    "application/vnd.oci.image.manifest.v1+json": "OCI image manifest",
    "application/vnd.docker.distribution.manifest.list.v2+json": "Docker manifest list",
    "application/vnd.docker.distribution.manifest.v2+json": "Docker image manifest",
}
RESULT_WORD = {
    "running": "building",
    "success": "built",
    "failed": "failed",
    "cancelled": "cancelled",
}


def slowdowns(lanes: tuple[LaneSnapshot, ...], support: Mapping[str, Support]) -> dict[str, float]:
    """Wall time of each platform lane over the fastest native lane's (or the fastest lane's,
    when nothing is known to be native)."""
    timed = {
        lane.key: lane.wall_time
        for lane in lanes
        if lane.kind == "platform" and lane.wall_time is not None and lane.wall_time >= MIN_TIMED_S
    }
    if len(timed) < 2:
        return {}
    native = [t for k, t in timed.items() if support.get(k) is Support.NATIVE]
    base = min(native) if native else min(timed.values())
    return {k: t / base for k, t in timed.items()}


def head_line(
    snap: ProgressSnapshot | None,
    *,
    builder: str,
    what: str,
    width: int,
    cancelling: bool = False,
) -> Text:
    """``⟳ building app:1 on lab-container · 4.2s`` over an overall progress bar."""
    result = snap.result if snap is not None else "running"
    mark, style = RESULT_MARK.get(result, ("?", ""))
    line = Text(f"{mark} ", style)
    word = "cancelling" if cancelling and result == "running" else RESULT_WORD.get(result, result)
    line.append(word, style)
    line.append(f" {what}" if what else "", "bold")
    line.append(f" on {builder}", "")
    if snap is not None and snap.wall_time is not None:
        line.append(f" · {fmt_secs(snap.wall_time)}", "dim")
    lanes = snap.all_lanes if snap is not None else ()
    total = sum(lane.steps_total for lane in lanes)
    if result in ("running", "success"):
        progress = snap.progress if snap is not None else 0.0
        done = sum(lane.steps_finished for lane in lanes)
        tail = f" {progress * 100:3.0f}%  {done}/{total} steps"
    else:  # steps stopped by the failure or the cancel are finished, not done
        done = sum(lane.steps_done for lane in lanes)
        progress = done / total if total else 0.0
        tail = f" {done}/{total} steps done"
    bar_style = {"success": "green", "failed": "red", "cancelled": "yellow"}.get(result, "cyan")
    row = bar(progress, max(10, width - len(tail)), bar_style)
    row.append(tail, "bold")
    return Text("\n").join((line, row))


def summary(
    snap: ProgressSnapshot,
    outputs: BuildOutputs,
    *,
    output: Output,
    duration_s: float,
    support: Mapping[str, Support],
    error: str,
    hint: str,
    exit_code: int | None,
    narrow: bool = False,
    width: int | None = None,
) -> Text:
    """``narrow``: under 110 columns the failing steps go under the lanes' table (as a column
    they were squeezed to a word a line). ``width``: the panel's, which the failing steps and
    the warnings fold to under their column. One `Text` of lines: it is drawn in the frame that
    shows the result, where a Rich table cost a third of that frame (ui/common/text_table.py)."""
    parts: list[Text] = []
    mark, style = RESULT_MARK.get(snap.result, ("?", ""))
    head = Text(f"{mark} ", style)
    if snap.result == "success":
        head.append(f"Build succeeded in {fmt_secs(duration_s)}", style)
    elif snap.result == "cancelled":
        head.append(f"Build cancelled after {fmt_secs(duration_s)}", style)
        head.append(
            f" — docker buildx ended (exit {exit_code}); BuildKit stopped the running steps",
            "yellow",
        )
    else:
        head.append(f"Build failed after {fmt_secs(duration_s)}", style)
        if exit_code is not None:
            head.append(f" (exit {exit_code})", "dim")
    parts.append(head)
    if outputs.digest:
        line = Text("digest  ", "dim")
        line.append(outputs.digest, "bold")
        kind = MEDIA_TYPES.get(outputs.media_type)
        if kind:
            line.append(f"  {kind}", "dim")
        parts.append(line)
    if outputs.image_names:
        verb = "pushed  " if output is Output.PUSH else "image   "
        line = Text(verb, "dim")
        line.append(", ".join(outputs.image_names), "bold")
        if output is Output.PUSH and outputs.digest:
            line.append("   i: inspect the manifest", "cyan")
        parts.append(line)
    parts += lane_table(snap, support, narrow=narrow, width=width)
    if narrow:
        parts += failing_steps(snap)
    parts += warning_rows(snap.warnings, width)
    if error:
        parts.append(Text("error   " + error, "red"))
    if hint:
        parts.append(Text("fix     " + hint, "bold yellow"))
    return Text("\n").join(parts)


def warning_rows(warnings: tuple[WarningSnapshot, ...], width: int | None = None) -> list[Text]:
    """Each build warning: its rule and message, the lines it is about, the detail and the
    rule's page (the first few; then how many more), beside a "warning" label. [] when there
    is none."""
    if not warnings:
        return []
    mark, style = WARNING_MARK
    rows: list[Text] = []
    for i, w in enumerate(warnings[:MAX_WARNINGS_SHOWN]):
        row = Text(f"{mark} ", style)
        row.append(w.short or "(a warning without text)", "yellow")
        if w.lane and w.lane != "shared":
            row.append(f"  [{w.lane}]", "dim")
        lines = [row]
        if w.where:
            where = Text(w.where, "dim")
            if w.source_lines:
                where.append("  " + w.source_lines[0].strip(), "")
            lines.append(where)
        lines += [Text(detail) for detail in w.detail]
        if w.url:
            lines.append(Text(w.url, "dim underline"))
        label = Text("warning" if i == 0 else "", "dim")
        rows += labelled(label, lines, indent=WARNING_INDENT, width=width)
    if len(warnings) > MAX_WARNINGS_SHOWN:
        more = len(warnings) - MAX_WARNINGS_SHOWN
        rows += labelled(
            Text(), [Text(f"{more} more warnings", "yellow")], indent=WARNING_INDENT, width=width
        )
    return rows


def failing_steps(snap: ProgressSnapshot) -> list[Text]:
    """``failing  linux/arm64: 3/4 RUN …``: one line per lane that failed (narrow screens)."""
    rows = []
    for lane in snap.all_lanes:
        failed = lane.failed_step
        if failed is not None:
            name = "shared" if lane.kind == "shared" else (lane.platform or lane.key)
            row = Text("failing ", "dim").append(f"{name}: ", "bold red")
            rows.append(row.append(f"{failed.position} {failed.name}".strip(), "red"))
    return rows


def lane_table(
    snap: ProgressSnapshot,
    support: Mapping[str, Support],
    *,
    narrow: bool = False,
    width: int | None = None,
) -> list[Text]:
    """A header and one row per lane; ``narrow``: without the failing-step column (see
    failing_steps)."""
    ratios = slowdowns(snap.lanes, support)
    names = ["platform", "result", "time", "steps", "cached", "slowdown", "failing step"]
    rows: list[list[Text | str]] = []
    for lane in snap.all_lanes:
        if lane.kind == "shared" and not lane.steps:
            continue
        result = lane_result(lane, snap.result)
        mark, style = RESULT_MARK.get(result, ("?", ""))
        name = "shared" if lane.kind == "shared" else (lane.platform or lane.key)
        badge = support.get(lane.key)
        label = Text(name)
        if badge is Support.EMULATED:
            label.append(" (QEMU)", "yellow")
        # The slowdown of emulated lanes (or of every lane when nothing is known to be native).
        ratio = ratios.get(lane.key) if badge is not Support.NATIVE else None
        failed = lane.failed_step
        cells: list[Text | str] = [
            label,
            Text(f"{mark} {result}", style),
            fmt_secs(lane.wall_time),
            f"{lane.steps_done}/{lane.steps_total}",
            str(lane.steps_cached),
            f"×{ratio:.1f}" if ratio is not None else "",  # noqa: RUF001
        ]
        if not narrow:
            cells.append(Text(f"{failed.position} {failed.name}".strip(), "red") if failed else "")
        rows.append(cells)
    return columns(names[:-1] if narrow else names, rows, width=width)


def history_entry(spec: BuildSpec, command: str, outcome: RunOutcome) -> HistoryEntry:
    """What the app's history keeps of a finished build: a lane that did not fail itself in a
    failed build is "stopped", as the screen says (lane_result)."""
    lanes = tuple(
        LaneSummary(
            platform=lane.platform or lane.key,
            result=lane_result(lane, outcome.snapshot.result),
            wall_time=lane.wall_time,
            steps=lane.steps_total,
            cached=lane.steps_cached,
            failed_step=(
                f"{lane.failed_step.position} {lane.failed_step.name}".strip()
                if lane.failed_step
                else ""
            ),
        )
        for lane in outcome.snapshot.lanes
    )
    return HistoryEntry(
        spec=spec,
        command=command,
        started_at=outcome.started_at,
        result="cancelled" if outcome.cancelled else outcome.snapshot.result,
        duration_s=outcome.duration_s,
        exit_code=outcome.result.returncode,
        outputs=outcome.outputs,
        lanes=lanes,
        error=outcome.error_text,
    )
