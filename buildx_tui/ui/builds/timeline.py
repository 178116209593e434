"""A recorded build's waterfall: one row per step, grouped by platform, bars on a time axis.

`docker buildx history trace --builder B REF` (Jaeger JSON on stdout: the backend's stdout is a
pipe) in a thread worker; `core/builds/trace` makes the steps, `core/builds/timeline` the layout
for the screen's width; this screen only draws it. Cached steps, failed ones and the critical
path each have a mark (not only a colour); each platform's heading says its wall time, so what
QEMU costs is seen at a glance. With ``compare`` (another record of the same build), both
builds' `history logs` are replayed and compared step by step (`core/builds/compare`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static

from buildx_tui.core.builds.compare import Change, LaneDiff, compare_builds
from buildx_tui.core.builds.logs import (
    HistoryProblem,
    ProblemKind,
    history_problem,
    logs_argv,
    replay_text,
)
from buildx_tui.core.builds.timeline import (
    GroupRow,
    Timeline,
    fmt_seconds,
    layout,
    slowest_platform,
)
from buildx_tui.core.builds.trace import SHARED, BuildTrace, TraceError, parse_trace, trace_argv
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.help import HelpScreen
from buildx_tui.ui.services import AppScreen, PaletteCommand

#: Marks of a step row (meaning never by colour alone).
CRITICAL_MARK = "*"
CACHED_MARK = "c"
FAILED_MARK = "✖"
STOPPED_MARK = "⊘"
DONE_MARK = "✔"
#: The critical path's own colour: not failed's red (the ANSI themes draw magenta and red
#: alike: #f4005f both), not cached's dim, not ran's green nor stopped's yellow. Its mark
#: (``*``) says it without colour (NO_COLOR).
CRITICAL_STYLE = "bold #3b8eea"
#: Columns after a bar for the step's duration (" 12.5s", " 1m30s").
SUFFIX = 7
BAR = {"run": "█", "cached": "░", "failed": "▓", "stopped": "▒"}
CHANGE_MARK: dict[Change, tuple[str, str]] = {
    "slower": ("▲ slower", "bold yellow"),
    "faster": ("▼ faster", "green"),
    "same": ("= same", "dim"),
    "cache-lost": ("✖ cache lost", "bold red"),
    "cache-hit": ("✔ now cached", "green"),
    "failed": ("✖ failed", "bold red"),
    "stopped": ("⊘ stopped", "yellow"),
    "new": ("+ new", "cyan"),
    "gone": ("- gone", "dim"),
}
LEGEND = Text.assemble(
    (f"{CRITICAL_MARK} {BAR['run']} ", CRITICAL_STYLE),
    "critical path  ",
    (f"{CACHED_MARK} {BAR['cached']} ", "dim"),
    "cached  ",
    (f"{FAILED_MARK} {BAR['failed']} ", "bold red"),
    "failed  ",
    (f"{STOPPED_MARK} {BAR['stopped']} ", "yellow"),
    "stopped  ",
    (f"{DONE_MARK} {BAR['run']} ", "green"),
    "ran",
)


@dataclass(frozen=True)
class Loaded:
    trace: BuildTrace | None
    problem: HistoryProblem | None
    diffs: tuple[LaneDiff, ...] | None = None


class BuildTimelineScreen(AppScreen[None]):
    CSS_PATH = "timeline.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("r", "reload", "Reload", id="timeline.reload"),
        Binding("y", "copy_command", "Copy cmd", id="timeline.copy"),
        Binding("escape", "back", "Back", id="timeline.back"),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="timeline.help"),
    ]

    @dataclass
    class Ran(Message):
        generation: int
        entry_id: int
        result: CommandResult

    @dataclass
    class Done(Message):
        generation: int
        loaded: Loaded

    def __init__(
        self,
        builder: str,
        ref: str,
        compare: str | None = None,
        *,
        name: str = "",
        node: str = "",
    ) -> None:
        """``ref``: a record id or buildx's ``^N``; ``name``, ``node``: said in the title."""
        super().__init__()
        self.builder = builder
        self.ref = ref
        self.build_name = name
        self.node = node
        self.compare = compare
        self.trace: BuildTrace | None = None
        self.problem: HistoryProblem | None = None
        self.diffs: tuple[LaneDiff, ...] | None = None
        self.timeline: Timeline | None = None
        self.loading = False
        self._generation = 0

    @property
    def command(self) -> str:
        return self.backend.display(trace_argv(self.builder, self.ref))

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="timeline-head")
        yield Static(LEGEND, id="timeline-legend")
        yield Static("", id="timeline-message")
        with VerticalScroll(id="timeline-scroll"):
            yield Static("", id="timeline-chart")
            yield Static("", id="timeline-compare")
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        what = f"{self.build_name} · {self.ref}" if self.build_name else self.ref
        self.sub_title = f"timeline {what} · {self.builder}"
        self.query_one("#timeline-message").display = False
        self.query_one("#timeline-compare").display = False
        self.load()

    def on_resize(self) -> None:
        self._draw()

    # -- loading ---------------------------------------------------------------------------------
    def load(self) -> None:
        if self.loading:
            return
        self.loading = True
        self._generation += 1
        self._draw_head()
        argvs = [trace_argv(self.builder, self.ref)]
        if self.compare:
            argvs += [logs_argv(self.builder, self.compare), logs_argv(self.builder, self.ref)]
        log = self.query_one(CommandLog)
        entries = [log.start(self.backend.display(argv)) for argv in argvs]
        self._load_worker(self._generation, argvs, entries)

    @work(thread=True, group="timeline", exit_on_error=False)
    def _load_worker(self, generation: int, argvs: list[list[str]], entries: list[int]) -> None:
        results: list[CommandResult] = []
        for argv, entry in zip(argvs, entries, strict=True):
            result = self.backend.run(argv)
            results.append(result)
            self.post_message(self.Ran(generation, entry, result))
        try:
            loaded = self._interpret(results)
        except Exception as error:  # a bug must not leave "loading…" forever
            problem = HistoryProblem(ProblemKind.OTHER, f"internal error: {error!r}", "")
            loaded = Loaded(None, problem)
        self.post_message(self.Done(generation, loaded))

    def _interpret(self, results: list[CommandResult]) -> Loaded:
        trace_result = results[0]
        problem = history_problem(trace_result, self.builder, self.ref)
        if problem is not None:
            return Loaded(None, problem)
        try:
            trace = parse_trace(trace_result.stdout)
        except TraceError as error:
            return Loaded(None, HistoryProblem(ProblemKind.OTHER, f"Unreadable trace: {error}", ""))
        diffs = None
        if self.compare and len(results) == 3:
            before, after = results[1], results[2]
            problem = history_problem(before, self.builder, self.compare)
            problem = problem or history_problem(after, self.builder, self.ref)
            if problem is not None:
                return Loaded(trace, problem)
            diffs = compare_builds(replay_text(before.stderr), replay_text(after.stderr))
        return Loaded(trace, None, diffs)

    def on_build_timeline_screen_ran(self, message: Ran) -> None:
        result = message.result
        state = EntryState.OK if result.ok else EntryState.FAILED
        self.query_one(CommandLog).finish(
            message.entry_id,
            state,
            result.duration_s,
            tail="" if result.ok else result.error_text(),
        )

    def on_build_timeline_screen_done(self, message: Done) -> None:
        if message.generation != self._generation:
            return
        self.loading = False
        loaded = message.loaded
        self.trace = loaded.trace
        self.problem = loaded.problem
        self.diffs = loaded.diffs
        self._draw()

    # -- drawing ---------------------------------------------------------------------------------
    def _widths(self) -> tuple[int, int]:
        """(label columns, bar columns) for the screen's width; a step's duration follows its
        bar (up to :data:`SUFFIX` columns)."""
        width = max(40, self.size.width - 4)  # padding and the scrollbar
        label = max(22, min(48, width * 2 // 5))
        return label, max(10, width - label - 1 - SUFFIX)

    def _draw(self) -> None:
        self._draw_head()
        box = self.query_one("#timeline-message", Static)
        problem = self.problem
        if problem is not None:
            text = Text()
            text.append("✖ ", "bold red")
            if problem.kind is ProblemKind.MISSING:  # `history trace` asks for completed ones
                text.append(
                    f"Builder {self.builder!r} has no completed record {self.ref!r}: the build "
                    "is still running (buildx traces completed builds only), was deleted, or "
                    "never ran there."
                )
            else:
                text.append(problem.message)
            box.update(text)
        box.display = problem is not None
        chart = self.query_one("#timeline-chart", Static)
        if self.trace is None:
            self.timeline = None
            chart.update("")
        else:
            label, bars = self._widths()
            self.timeline = layout(self.trace, bars)
            chart.update(self._chart(self.timeline, label))
        compare = self.query_one("#timeline-compare", Static)
        compare.display = self.diffs is not None
        if self.diffs is not None:
            compare.update(self._compare_text(self.diffs))

    def _draw_head(self) -> None:
        head = Text()
        head.append(f"Timeline of build {self.build_name or self.ref}", "bold")
        if self.build_name:
            head.append(f" ({self.ref})", "dim")
        head.append(f"  on {self.builder}/{self.node}" if self.node else f"  on {self.builder}")
        if self.compare:
            head.append(f"  compared with {self.compare}")
        head.append("\n")
        trace = self.trace
        if self.loading:
            head.append("⟳ ", "bold cyan")
            head.append("loading the trace…")
        elif trace is not None:
            head.append(f"total {fmt_seconds(trace.duration)}")
            totals = [t for t in trace.totals() if t.platform != SHARED]
            for total in totals:
                head.append(f" · {total.platform} {fmt_seconds(total.wall_time)}")
            slow = slowest_platform(trace.totals())
            fastest = min(totals, key=lambda t: t.wall_time, default=None)
            if slow and fastest and fastest is not slow and fastest.wall_time > 0:
                ratio = slow.wall_time / fastest.wall_time
                head.append(f" · slowest {slow.platform} ({ratio:.1f}x)", "bold")
        self.query_one("#timeline-head", Static).update(head)

    def _chart(self, timeline: Timeline, label: int) -> Text:
        """The axis, then per platform its heading and its steps; every line cut to the width
        (a heading's note after its bar is the first thing to go)."""
        width = label + 1 + timeline.width + SUFFIX
        axis = [" "] * (timeline.width + SUFFIX)
        for tick in timeline.ticks:
            for i, ch in enumerate("┊" + tick.label):
                if tick.col + i < len(axis):
                    axis[tick.col + i] = ch
        lines = [Text.assemble(" " * (label + 1), ("".join(axis).rstrip(), "dim"))]
        for row in timeline.rows:
            line = Text()
            if isinstance(row, GroupRow):
                total = row.total
                title = f"{row.platform} · {fmt_seconds(total.wall_time)}"
                failed = f" ✖ {total.failed} failed" if total.failed else ""
                line.append(_fit(title, label - len(failed)), "bold")
                line.append(failed, "bold red")
                line.append(" " + " " * row.bar.start_col)
                line.append("━" * row.bar.width, "bold")
                line.append(f" {total.steps} steps, {total.cached} cached", "dim")
            else:
                step = row.step
                if step.error:
                    mark, style, bar = FAILED_MARK, "bold red", BAR["failed"]
                elif step.stopped:
                    mark, style, bar = STOPPED_MARK, "yellow", BAR["stopped"]
                elif step.cached:
                    mark, style, bar = CACHED_MARK, "dim", BAR["cached"]
                else:
                    mark, style, bar = DONE_MARK, "green", BAR["run"]
                line.append(CRITICAL_MARK if row.critical else " ", CRITICAL_STYLE)
                line.append(mark, style)
                name = f" {step.position} {step.title}" if step.position else f" {step.title}"
                line.append(_fit(name, label - 2))
                line.append(" " + " " * row.bar.start_col)
                # a critical step that failed or stopped keeps that colour: its * says critical
                critical = row.critical and not (step.error or step.stopped)
                line.append(bar * row.bar.width, CRITICAL_STYLE if critical else style)
                line.append(f" {fmt_seconds(step.duration)}", "dim")
            line.truncate(width)
            lines.append(line)
        return Text("\n", no_wrap=True).join(lines)

    def _compare_text(self, diffs: tuple[LaneDiff, ...]) -> Text:
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f"Compared with {self.compare} (before → now)\n", "bold underline")
        label, _ = self._widths()
        for lane in diffs:
            before = fmt_seconds(lane.before_wall) if lane.before_wall is not None else "—"
            after = fmt_seconds(lane.after_wall) if lane.after_wall is not None else "—"
            out.append(f"{lane.lane}: {before} → {after}\n", "bold")
            for step in lane.steps:
                mark, style = CHANGE_MARK[step.change]
                out.append(f"  {mark:<13}", style)
                out.append(
                    _fit(f"{step.key} {step.name}" if step.key != step.name else step.name, label)
                )
                old = fmt_seconds(step.before.duration) if step.before else "—"
                new = fmt_seconds(step.after.duration) if step.after else "—"
                out.append(f"  {old:>7} → {new}\n", "dim")
        out.rstrip()
        return out

    # -- actions ---------------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.load()

    def action_copy_command(self) -> None:
        self.app.copy_to_clipboard(self.command)
        self.notify(f"Copied: {self.command}", timeout=3)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        screen = HelpScreen([("Timeline", self.BINDINGS), ("Everywhere", self.app.BINDINGS)])
        screen.LEGEND = [
            (
                f"{CRITICAL_MARK} ███",
                CRITICAL_STYLE,
                "the critical path: the steps that set the build's length (a failed one keeps "
                "failed's ✖ ▓ and red, its * says critical)",
            ),
            (
                f"{CACHED_MARK} {BAR['cached']}",
                "dim",
                "answered from the cache (BuildKit loads the last step of a cached chain)",
            ),
            (
                f"{FAILED_MARK} {BAR['failed']}",
                "bold red",
                "failed",
            ),
            (
                f"{STOPPED_MARK} {BAR['stopped']}",
                "yellow",
                "stopped unfinished: the build failed elsewhere (BuildKit: context canceled)",
            ),
            (f"{DONE_MARK} {BAR['run']}", "green", "ran"),
            (
                "linux/arm64 · 2.9s",
                "bold",
                "a platform's wall time: its first step's start to its last step's end",
            ),
        ]
        self.app.push_screen(screen)

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Timeline: reload", "run `history trace` again", self.action_reload),
            ("Timeline: copy command", self.command, self.action_copy_command),
        ]


def _fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` columns (… when cut)."""
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: width - 1] + "…"
    return text.ljust(width)
