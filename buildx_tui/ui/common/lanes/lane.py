"""One lane of a running build: a platform's steps (or the shared steps), its clock and log tail.

The lane is drawn from an immutable `LaneSnapshot`; it never sees the parser. Focus it and move
the cursor over its steps with ↑/↓; Enter asks to open the full log of the step under the cursor.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.control import strip_control_codes
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from buildx_tui.core.build.platform_choices import Support
from buildx_tui.core.progress.model import LaneSnapshot, StepSnapshot, WarningSnapshot
from buildx_tui.ui.common.lanes.marks import (
    BADGE,
    RESULT_MARK,
    WARNING_MARK,
    bar,
    fmt_secs,
    lane_result,
    lane_title,
    step_line,
    step_position,
    warning_line,
    warnings_word,
)

MAX_LOG_ROWS = 8
MAX_WARNING_ROWS = 2


def _tenths(value: float | None) -> int | None:
    return None if value is None else round(value * 10)


def _window(count: int, focus: int, rows: int) -> tuple[int, int]:
    """[start, end) of the steps shown in ``rows`` rows, keeping ``focus`` visible."""
    if count <= rows:
        return 0, count
    start = max(0, min(focus - rows + 3, count - rows))
    return start, start + rows


class LaneView(Widget, can_focus=True):
    """A lane; its border shows the platform and whether it runs natively or under QEMU."""

    DEFAULT_CSS = """
    LaneView {
        border: round $primary-darken-1;
        padding: 0 1;
        height: 1fr;
        min-width: 30;
    }
    LaneView:focus { border: round $accent; }
    LaneView.-success { border: round $success-darken-1; }
    LaneView.-failed { border: heavy $error; }
    LaneView.-cancelled, LaneView.-stopped { border: round $warning; }
    LaneView.-success:focus, LaneView.-failed:focus, LaneView.-cancelled:focus,
    LaneView.-stopped:focus {
        border: round $accent;
    }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Step up", show=False, id="lane.up"),
        Binding("down,j", "move(1)", "Step down", show=False, id="lane.down"),
        Binding("home", "jump(0)", "First step", show=False, id="lane.home"),
        Binding("end", "jump(-1)", "Last step", show=False, id="lane.end"),
        Binding("enter,o", "open", "Open log", id="lane.open"),
    ]

    @dataclass
    class OpenStep(Message):
        lane: str
        digest: str

    def __init__(
        self,
        lane_key: str,
        *,
        support: Support | None = None,
        node: str | None = None,
        badge: str = "",
        id: str | None = None,
    ) -> None:
        """``node``: the builder node that builds this platform, when known (several nodes);
        ``badge``: said instead of the support's badge (a replay: "unknown (node gone)")."""
        super().__init__(id=id)
        self.lane_key = lane_key
        self.support = support
        self.node = node
        self.badge = badge
        self.lane: LaneSnapshot | None = None
        self.warnings: tuple[WarningSnapshot, ...] = ()
        self.now: float | None = None
        self.ratio: float | None = None
        self.cursor: str | None = None  # digest of the step under the cursor
        self._signature: tuple[object, ...] | None = None
        self._version = 0  # bumped by each repaint: the cached strips are then stale
        self._strips: list[Strip] = []
        # what the cached strips were made for: (width, height, focused), and the version
        self._strips_frame: tuple[int, int, bool] | None = None
        self._strips_version = -1
        self._shown_title: str | None = None
        self._shown_subtitle: str | None = None
        self._natural_rows = 0  # the rows it wanted at the last layout (height: auto)
        self.build_result: str | None = None

    # -- data --------------------------------------------------------------------------------------
    def show(
        self,
        lane: LaneSnapshot,
        now: float | None,
        ratio: float | None = None,
        warnings: tuple[WarningSnapshot, ...] = (),
        build: str | None = None,
        *,
        whole: bool = False,
    ) -> None:
        """Draw ``lane``; ``warnings`` are the build warnings attached to its steps; ``build``:
        the build's result (a lane stopped by a failure elsewhere is not "cancelled");
        ``whole``: the lane is about to change size (the end of a build shows the summary),
        so its rows are made once, at the new size, when painted (not now to compare them)."""
        # Unchanged steps are the same objects from one snapshot to the next: skip the repaint
        # when nothing the lane draws has changed (the shared lane, mostly, while others run).
        signature = (
            tuple(map(id, lane.steps)),
            lane.result,
            build,
            _tenths(lane.wall_time),
            _tenths(lane.current_elapsed),
            _tenths(ratio),
            warnings,
        )
        if signature == self._signature:
            return
        self._signature = signature
        self.build_result = build
        self.lane = lane
        self.warnings = warnings
        self.now = now
        self.ratio = ratio
        # Setting a border title repaints the whole lane: only when its text changes (while the
        # lane runs its clock there counts whole seconds; the running step's clock has tenths).
        title = self._title()
        if title != self._shown_title:
            self._shown_title = self.border_title = title
        subtitle = self._subtitle()
        if subtitle != self._shown_subtitle:
            self._shown_subtitle = self.border_subtitle = subtitle
        shown = lane_result(lane, self.build_result)
        for result in ("success", "failed", "cancelled", "stopped"):
            self.set_class(shown == result, f"-{result}")
        self._repaint(whole=whole)
        height = self.styles.height
        if height is not None and height.is_auto and self.is_mounted:  # a short screen's lane
            rows = len(self.lines(natural=True))
            if rows != self._natural_rows:  # a step, an error or log lines came: grow
                self._natural_rows = rows
                self.refresh(layout=True)

    def _title(self) -> str:
        lane = self.lane
        assert lane is not None
        title = lane_title(lane)
        if lane.kind == "platform" and not lane.requested:
            title += " (build platform)"
        label, _ = BADGE.get(self.support, ("", "")) if self.support else ("", "")
        label = self.badge or label
        if label:
            title = f"{title} · {label}"
        return f"{title} · on {self.node}" if self.node else title

    def set_badge(self, support: Support | None, badge: str, node: str | None) -> None:
        """Badge and node known after the lane was drawn (a replay reads `buildx ls` then)."""
        self.support, self.badge, self.node = support, badge, node
        if self.lane is not None:
            title = self._title()
            if title != self._shown_title:
                self._shown_title = self.border_title = title

    def _subtitle(self) -> str:
        """The bottom border: the lane's wall time and QEMU ratio once it has ended. While it
        runs they are on its first row (:meth:`_clock`): Textual repaints a whole lane when its
        border text changes, and a clock there changed every second (three lanes of ~26 rows:
        a quarter of the app's CPU during a build, taken from the build, bench_build_ui --lab)."""
        lane = self.lane
        assert lane is not None
        if lane.result == "running":
            return ""
        return self._clock()

    def _clock(self) -> str:
        """The lane's wall time (whole seconds while a step runs) and its QEMU ratio."""
        lane = self.lane
        assert lane is not None
        wall = lane.wall_time
        parts = [fmt_secs(wall)] if wall is not None else []
        if wall is not None and lane.result == "running" and lane.current is not None:
            parts = [fmt_secs(float(int(wall))).replace(".0s", "s")]  # whole seconds: see show()
        if self.ratio is not None and self.ratio >= 1.05:
            parts.append(f"×{self.ratio:.1f}")  # noqa: RUF001
        return " ".join(parts)

    def focus_index(self) -> int:
        lane = self.lane
        if lane is None or not lane.steps:
            return 0
        steps = lane.steps
        if self.cursor is not None and self.has_focus:
            for i, s in enumerate(steps):
                if s.digest == self.cursor:
                    return i
        for i, s in enumerate(steps):
            if s.state == "error":
                return i
        if lane.current is not None:
            for i, s in enumerate(steps):
                if s.digest == lane.current.digest:
                    return i
        last = 0
        for i, s in enumerate(steps):
            if s.state != "pending":
                last = i
        return last

    def log_step(self) -> StepSnapshot | None:
        """The step whose log tail is shown: cursor, else the failure, else the running one,
        else the last step that wrote anything."""
        lane = self.lane
        if lane is None or not lane.steps:
            return None
        if self.has_focus and self.cursor is not None:
            step = lane.step(self.cursor)
            if step is not None:
                return step
        if lane.failed_step is not None:
            return lane.failed_step
        if lane.current is not None and lane.current.logs:
            return lane.current
        for step in reversed(lane.steps):
            if step.logs:
                return step
        return lane.current

    # -- keys --------------------------------------------------------------------------------------
    def _ensure_cursor(self) -> int:
        index = self.focus_index()
        if self.lane is not None and self.lane.steps:
            self.cursor = self.lane.steps[index].digest
        return index

    def action_move(self, delta: int) -> None:
        if self.lane is None or not self.lane.steps:
            return
        index = self._ensure_cursor() if self.cursor is None else self.focus_index()
        index = max(0, min(len(self.lane.steps) - 1, index + delta))
        self.cursor = self.lane.steps[index].digest
        self._repaint()

    def action_jump(self, index: int) -> None:
        if self.lane is None or not self.lane.steps:
            return
        self.cursor = self.lane.steps[index].digest
        self._repaint()

    def action_open(self) -> None:
        if self.lane is None or not self.lane.steps:
            return
        if self.cursor is None:
            self._ensure_cursor()
        if self.cursor is not None:
            self.post_message(self.OpenStep(self.lane_key, self.cursor))

    def on_focus(self) -> None:
        if self.cursor is None:
            self._ensure_cursor()
        self._repaint()

    def on_blur(self) -> None:
        self._repaint()

    # -- drawing -----------------------------------------------------------------------------------
    # Line API: the lane's rows are made once per change as Strips cut to the width (no Rich
    # wrapping pass, which cost ~30 ms a frame for three lanes under a log flood), and each row
    # the compositor asks for is taken from that list.
    def _repaint(self, *, whole: bool = False) -> None:
        """Repaint the rows that changed (all of them when the size or style changed);
        ``whole``: all of them, made when painted (see show())."""
        self._version += 1
        old, old_frame = self._strips, self._strips_frame
        if whole or not self.is_mounted or old_frame is None or not self.content_size:
            self.refresh()
            return
        self._make_strips()
        if self._strips_frame != old_frame or not self.screen.is_active:
            # Resized or (un)focused: every row. Under another screen (a step's log) too: the
            # rows Textual repainted there were left stale (test_build_snapshots, step-log).
            self.refresh()
            return
        new = self._strips
        width = self.content_size.width
        rows = max(len(old), len(new))
        changed = [
            Region(0, y, width, 1)
            for y in range(rows)
            if y >= len(old) or y >= len(new) or old[y] != new[y]
        ]
        if changed:
            self.refresh(*changed)

    def notify_style_update(self) -> None:
        self._version += 1  # a new theme or class: colours of the cached strips are stale
        super().notify_style_update()

    def _frame(self) -> tuple[int, int, bool]:
        size = self.content_size
        return (size.width, size.height, self.has_focus)

    def _make_strips(self) -> None:
        console = self.app.console
        base = self.rich_style
        width = self.content_size.width
        self._strips = [
            # Text.render leaves out the Text's own style when it has no spans: apply it here.
            Strip(text.render(console), text.cell_len)
            .apply_style(console.get_style(text.style))
            .crop_extend(0, width, None)
            .apply_style(base)
            for text in self.lines()
        ]
        self._strips_frame = self._frame()
        self._strips_version = self._version

    def render_line(self, y: int) -> Strip:
        if self._strips_version != self._version or self._strips_frame != self._frame():
            self._make_strips()
        if 0 <= y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.content_size.width, self.rich_style)

    def render(self) -> Group:
        """The rows as one Rich renderable (for tests and text export)."""
        return Group(*self.lines())

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """The rows the lane wants (a short screen's lanes are ``height: auto``, build.tcss):
        its head, bar, every step, its errors and warnings and a log tail, whatever height it
        has now. Counted from its current height, a lane had two heights it could settle on,
        one of them showing rows made for the other (a blank last row, 80x24)."""
        return len(self.lines(width, natural=True))

    def lines(self, width: int | None = None, *, natural: bool = False) -> list[Text]:
        """The lane's rows, each cut to the content width; ``natural``: as many as it wants,
        else as many as its content height holds."""
        lane = self.lane
        width = max(10, self.content_size.width if width is None else width)
        height = max(3, self.content_size.height)
        if lane is None:
            return [Text("waiting for the first step…", "dim")]
        head = self._summary_line(lane)
        clock = self._clock() if lane.result == "running" else ""
        if clock and head.cell_len + len(clock) + 2 <= width:  # right-aligned, as the border's
            head.append(" " * (width - head.cell_len - len(clock)))
            head.append(clock, "dim")
        head.truncate(width, overflow="ellipsis")
        lines: list[Text] = [head, self._bar(lane, width)]
        room = max(1, height - len(lines))
        failed = lane.failed_step
        errors = self._error_lines(failed.error, width) if failed and failed.error else []
        errors += self._warning_lines(width)
        room_for_steps = max(1, room - len(errors))
        log_step = self.log_step()
        log_want = 0
        if log_step is not None and (log_step.logs or log_step.state == "running"):
            log_want = 1 + max(1, min(MAX_LOG_ROWS, len(log_step.logs)))
        steps = len(lane.steps) or 1
        if natural:
            room = len(errors) + steps + log_want
            room_for_steps = steps + log_want
        if room_for_steps >= steps + log_want:
            step_rows, log_rows = steps, room_for_steps - steps
        else:
            log_rows = min(log_want, room_for_steps // 3)
            step_rows = room_for_steps - log_rows
        lines += self._steps(lane, width, step_rows)
        lines += errors[: max(0, room - step_rows)]
        if log_rows >= 2 and log_step is not None:
            lines += self._log_tail(log_step, width, min(log_rows - 1, MAX_LOG_ROWS * 2))
        return lines

    def _warning_lines(self, width: int) -> list[Text]:
        """The lane's build warnings, one row each (the summary has them in full)."""
        warnings = self.warnings
        if len(warnings) <= MAX_WARNING_ROWS:
            return [warning_line(w, width) for w in warnings]
        rows = [warning_line(w, width) for w in warnings[: MAX_WARNING_ROWS - 1]]
        mark, style = WARNING_MARK
        more = Text(f"{mark} ", style)
        more.append(f"{len(warnings) - len(rows)} more (the summary lists them)", "yellow")
        more.truncate(width, overflow="ellipsis")
        return [*rows, more]

    @staticmethod
    def _error_lines(error: str, width: int, rows: int = 2) -> list[Text]:
        flat = " ".join(error.split())
        chunks = [flat[i : i + width] for i in range(0, len(flat), width)] or [""]
        out = [Text(c, "red") for c in chunks[:rows]]
        if len(chunks) > rows:
            out[-1] = Text(chunks[rows - 1][: max(1, width - 1)] + "…", "red")
        return out

    def _summary_line(self, lane: LaneSnapshot) -> Text:
        result = lane_result(lane, self.build_result)
        mark, style = RESULT_MARK.get(result, ("?", ""))
        text = Text(f"{mark} ", style)
        failed = lane.failed_step
        if failed is not None:
            text.append(f"failed at {step_position(failed) or failed.name}", "bold red")
            text.append(f" · {lane.steps_done}/{lane.steps_total} ok", "")
        elif result in ("cancelled", "stopped"):
            text.append(result, style)
            text.append(f" · {lane.steps_done}/{lane.steps_total} ok", "")
        else:
            text.append(f"{lane.steps_finished}/{lane.steps_total} steps", "bold")
        if lane.steps_cached:
            text.append(f" · {lane.steps_cached} cached", "dim green")
        if self.warnings:
            mark, style = WARNING_MARK
            text.append(" · ")
            text.append(f"{mark} {warnings_word(len(self.warnings))}", style)
        if lane.current is not None and lane.result == "running":
            elapsed = fmt_secs(lane.current_elapsed)
            text.append(f" · {elapsed} on {step_position(lane.current) or 'step'}", "cyan")
        return text

    def _bar(self, lane: LaneSnapshot, width: int) -> Text:
        style = {
            "running": "cyan",
            "success": "green",
            "failed": "red",
            "cancelled": "yellow",
            "stopped": "yellow",
        }.get(lane_result(lane, self.build_result), "cyan")
        return bar(lane.progress, width, style)

    def _steps(self, lane: LaneSnapshot, width: int, rows: int) -> list[Text]:
        steps = lane.steps
        if not steps:
            return [Text("no steps yet", "dim")]
        start, end = _window(len(steps), self.focus_index(), rows)
        show_cursor = self.has_focus
        pos_column = any(s.index is not None for s in steps)
        out = [
            step_line(
                s,
                width,
                self.now,
                cursor=show_cursor and s.digest == self.cursor,
                pos_column=pos_column,
            )
            for s in steps[start:end]
        ]
        if start > 0:
            done = sum(1 for s in steps[:start] if s.finished)
            out[0] = Text(f"  ↑ {start} earlier ({done} finished)", "dim")
        if end < len(steps) and len(out) > 1:
            out[-1] = Text(f"  ↓ {len(steps) - end + 1} more", "dim")
        return out

    def _log_tail(self, step: StepSnapshot, width: int, rows: int) -> list[Text]:
        pos = step_position(step)
        head = Text(f"─ log {pos} {step.name}".rstrip(), "dim bold")
        head.truncate(width, overflow="ellipsis")
        out = [head]
        tail = step.logs[-rows:] if step.logs else ()
        if not tail:
            out.append(Text("  (no output)" if step.finished else "  (no output yet)", "dim"))
        for line in tail:
            style = "red" if line.stream == 2 and step.state == "error" else ""
            text = Text(strip_control_codes(line.text.expandtabs(4)), style)
            text.truncate(width, overflow="ellipsis")
            out.append(text)
        return out
