"""A recorded build replayed lane by lane, and followed while it still runs.

`docker buildx history logs --builder B REF --progress rawjson` in a thread worker
(`core/builds/follow.LogFollower`): its rawjson goes through the shared progress parser into
the per-platform lanes the live build screen draws (`ui/common/lanes`). On a running build the
command keeps streaming until the build ends, so the lanes keep up with it; snapshots come at
most ~10 a second, as buildx redraws its own display, and only when something changed. Enter on
a step opens its full log.

The title names the build (its ref shortened); each platform's lane has the badge a live lane
has (native or QEMU), worked out from the node that ran the record as `buildx ls` shows it now
(:func:`buildx_tui.core.builds.nodes.lane_emulation`): "unknown" when that cannot be known
(the node is gone, or does not list the platform now).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Header, Static

from buildx_tui.core.build.platform_choices import Support
from buildx_tui.core.builders import Builder
from buildx_tui.core.builds.follow import FollowOutcome, LogFollower
from buildx_tui.core.builds.logs import HistoryProblem, ProblemKind, logs_argv
from buildx_tui.core.builds.nodes import lane_emulation
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.platforms import Emulation
from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.help import HelpScreen
from buildx_tui.ui.common.lanes.grid import focus_lane, lay_out_lanes, step_log, warnings_by_lane
from buildx_tui.ui.common.lanes.lane import LaneView
from buildx_tui.ui.common.lanes.marks import RESULT_MARK, fmt_secs
from buildx_tui.ui.common.lanes.step_log import BuildLogScreen
from buildx_tui.ui.services import AppScreen, PaletteCommand

#: How long the replay's reader may wait for a frame to be drawn (LogFollower.ui_wait_s).
UI_WAIT_S = 0.1
#: After the end is drawn, the garbage collector is given back its objects (a pause).
GC_RELEASE_S = 1.0
RESULT_WORD = {
    "running": "running",
    "success": "completed",
    "failed": "failed",
    "cancelled": "cancelled",
}


SUPPORT = {Emulation.NATIVE: Support.NATIVE, Emulation.EMULATED: Support.EMULATED}


def short_ref(ref: str) -> str:
    """A record id cut to 12 characters (buildx's ``^N`` as it is)."""
    return ref if len(ref) <= 13 else ref[:12] + "…"


def lane_id(key: str) -> str:
    return "replay-lane-" + "".join(c if c.isalnum() else "-" for c in key)


class BuildReplayScreen(AppScreen[None]):
    """The lanes of build ``ref`` recorded by ``builder`` (`history logs`)."""

    CSS_PATH = "replay.tcss"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("tab", "focus_next", "Next lane", show=False, id="replay.next_lane"),
        Binding("right,l", "lane(1)", "Next lane", show=False, id="replay.right"),
        Binding("left,h", "lane(-1)", "Previous lane", show=False, id="replay.left"),
        Binding("r", "reload", "Reload", id="replay.reload"),
        Binding("y", "copy_command", "Copy cmd", id="replay.copy"),
        Binding("escape", "back", "Back", id="replay.back"),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="replay.help"),
    ]

    @dataclass
    class Progress(Message):
        generation: int
        snapshot: ProgressSnapshot

    @dataclass
    class BuilderKnown(Message):
        info: Builder | None
        listed: bool  # False: `buildx ls` failed (nothing known of the nodes)

    @dataclass
    class Finished(Message):
        generation: int
        entry_id: int
        outcome: FollowOutcome

    def __init__(
        self,
        builder: str,
        ref: str,
        *,
        name: str = "",
        node: str = "",
        info: Builder | None = None,
    ) -> None:
        """``name``, ``node``: the build's name and the node that ran it, when known;
        ``info``: the builder as `buildx ls` said (None: listed here, for the badges)."""
        super().__init__()
        self.builder = builder
        self.ref = ref
        self.build_name = name
        self.node = node
        self.info = info
        self.info_read = info is not None
        self.builders_listed = info is not None
        self.snapshot: ProgressSnapshot | None = None
        self.outcome: FollowOutcome | None = None
        self.problem: HistoryProblem | None = None
        self.follower: LogFollower | None = None
        self.lines_seen = 0  # JSON lines: more than one means the build was followed live
        self._generation = 0
        self._log_screen: BuildLogScreen | None = None

    @property
    def running(self) -> bool:
        return self.follower is not None and self.outcome is None

    @property
    def command(self) -> str:
        return self.backend.display(logs_argv(self.builder, self.ref))

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="replay-head")
        yield Static("", id="replay-message")
        yield Grid(id="replay-lanes")
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        title = (
            f"{self.build_name} · {short_ref(self.ref)}" if self.build_name else short_ref(self.ref)
        )
        self.sub_title = f"build {title} · {self.builder}"
        self.query_one("#replay-message").display = False
        if not self.info_read:
            self._read_builder()
        self.start()

    # -- the node that ran it: the lanes' badges --------------------------------------------------
    @work(thread=True, group="builder", exit_on_error=False)
    def _read_builder(self) -> None:
        refresh = self.backend.list_builders()
        builders = refresh.ls.builders if refresh.ls is not None else ()
        info = next((b for b in builders if b.name == self.builder), None)
        self.post_message(self.BuilderKnown(info, refresh.ls is not None))

    def on_build_replay_screen_builder_known(self, message: BuilderKnown) -> None:
        self.info, self.info_read = message.info, True
        self.builders_listed = message.listed
        for view in self.query(LaneView):
            if view.lane is not None and view.lane.kind == "platform":
                view.set_badge(*self.badge(view.lane_key))

    @property
    def node_gone(self) -> bool:
        """`buildx ls` said it: the builder, or its node that ran the record, no longer exists."""
        info = self.info
        if info is None:
            return self.builders_listed
        return bool(self.node) and all(n.name != self.node for n in info.nodes)

    def badge(self, platform: str) -> tuple[Support | None, str, str | None]:
        """(support, badge text, node) of a platform's lane; nothing until `buildx ls` said."""
        node = self.node or None
        if not self.info_read:
            return None, "", node
        emulation = lane_emulation(self.info, self.node, platform)
        if emulation in SUPPORT:
            return SUPPORT[emulation], "", node
        if self.node_gone:  # the head names the node: the lane's title keeps the platform
            return Support.UNKNOWN, "unknown: node gone", None
        return Support.UNKNOWN, "native/QEMU unknown", node

    def on_resize(self) -> None:
        self._layout_lanes()
        self._draw_head()

    # -- running ---------------------------------------------------------------------------------
    def start(self) -> None:
        """(Re)start the replay: one `history logs` process."""
        if self.running:
            return
        self._generation += 1
        generation = self._generation
        self.outcome = None
        self.problem = None
        self.snapshot = None
        grid = self.query_one("#replay-lanes", Grid)
        grid.remove_children()
        self.query_one("#replay-message").display = False
        grid.display = True

        def post(snapshot: ProgressSnapshot) -> None:
            self.post_message(self.Progress(generation, snapshot))

        self.follower = LogFollower(
            self.backend,
            self.builder,
            self.ref,
            post,
            ui_wait_s=UI_WAIT_S,
            freeze_gc=True,
            keep_frozen=True,
        )
        entry = self.query_one(CommandLog).start(self.backend.display(self.follower.argv))
        self._draw_head()
        self._follow_worker(self.follower, generation, entry)

    @work(thread=True, group="replay", exit_on_error=False)
    def _follow_worker(self, follower: LogFollower, generation: int, entry_id: int) -> None:
        try:
            outcome = follower.run()
        except Exception as error:  # a bug must not leave "replaying…" forever
            result = CommandResult(tuple(follower.argv), "", 1, "", f"ERROR: {error!r}", 0.0)
            outcome = FollowOutcome(
                snapshot=_empty_snapshot(),
                result=result,
                problem=HistoryProblem(ProblemKind.OTHER, f"internal error: {error!r}", ""),
                lines=0,
                posts=0,
                followed=False,
            )
        self.post_message(self.Finished(generation, entry_id, outcome))

    def on_build_replay_screen_progress(self, message: Progress) -> None:
        if message.generation == self._generation and self.outcome is None:
            self._draw(message.snapshot)
        follower = self.follower
        if follower is not None:
            if self.is_current:
                self.call_after_refresh(follower.drawn)
            else:  # covered (a step's log): nothing of ours is painted
                follower.drawn()

    def on_build_replay_screen_finished(self, message: Finished) -> None:
        if message.generation != self._generation:
            return
        outcome = message.outcome
        self.outcome = outcome
        self.problem = outcome.problem
        result = outcome.result
        state = EntryState.OK if result.ok else EntryState.FAILED
        if result.cancelled:
            state = EntryState.CANCELLED
        tail = outcome.problem.detail if outcome.problem else ""
        note = "followed until the build ended" if outcome.followed else ""
        self.query_one(CommandLog).finish(
            message.entry_id, state, result.duration_s, tail=tail, note=note
        )
        if outcome.problem is not None:
            self._show_problem(outcome.problem)
        else:
            self._draw(outcome.snapshot)
        self._draw_head()
        follower = self.follower
        if follower is not None:  # once the end is painted (as the live build screen does)
            self.set_timer(GC_RELEASE_S, follower.release_gc)

    def on_unmount(self) -> None:
        follower = self.follower
        if follower is None:
            return
        if self.outcome is None:
            follower.cancel()  # leaving while it follows: no orphan `history logs`
        else:
            follower.release_gc()

    # -- drawing ---------------------------------------------------------------------------------
    def _draw(self, snap: ProgressSnapshot) -> None:
        self.snapshot = snap
        grid = self.query_one("#replay-lanes", Grid)
        warned = warnings_by_lane(snap)
        added = False
        for lane in snap.all_lanes:
            if not lane.steps and lane.kind == "shared":
                continue
            try:
                view = grid.query_one(f"#{lane_id(lane.key)}", LaneView)
            except NoMatches:
                support, badge, node = (
                    self.badge(lane.key) if lane.kind == "platform" else (None, "", None)
                )
                view = LaneView(
                    lane.key, support=support, badge=badge, node=node, id=lane_id(lane.key)
                )
                if lane.kind == "shared" or not grid.children:
                    grid.mount(view)
                else:
                    shared = grid.query(f"#{lane_id(snap.shared.key)}")
                    grid.mount(view, before=shared.first() if shared else None)
                added = True
            view.show(lane, snap.now, None, warned.get(lane.key, ()), snap.result)
        if added:
            self._layout_lanes()
        self._draw_head()
        log = self._log_screen
        if log is not None and log.is_current:
            log.follow(snap)

    def _layout_lanes(self) -> None:
        lay_out_lanes(self.query_one("#replay-lanes", Grid), self.size.width)

    def _draw_head(self) -> None:
        head = Text()
        head.append(f"Build {self.build_name or short_ref(self.ref)}", "bold")
        if self.build_name:
            head.append(f" ({short_ref(self.ref)})", "dim")
        where = f"{self.builder}/{self.node}" if self.node else self.builder
        head.append(f"  on {where}\n")
        snap = self.snapshot
        if self.problem is not None:
            head.append("✖ ", "bold red")
            head.append("could not replay")
        elif self.outcome is None:
            if snap is not None and snap.result == "running":
                head.append("⟳ ", "bold cyan")
                head.append("running: following it until it ends")
            else:
                head.append("⟳ ", "bold cyan")
                head.append("replaying the recorded logs…")
        elif snap is not None:
            mark, style = RESULT_MARK.get(snap.result, ("?", ""))
            head.append(f"{mark} ", style)
            head.append(RESULT_WORD.get(snap.result, snap.result))
            if snap.wall_time is not None:
                head.append(f" in {fmt_secs(snap.wall_time)}")
            steps = sum(lane.steps_total for lane in snap.all_lanes)
            cached = sum(lane.steps_cached for lane in snap.all_lanes)
            head.append(f" · {steps} steps, {cached} cached")
            if self.outcome.followed:
                head.append(" · followed live until it ended", "italic")
        self.query_one("#replay-head", Static).update(head)

    def _show_problem(self, problem: HistoryProblem) -> None:
        box = self.query_one("#replay-message", Static)
        text = Text()
        text.append("✖ ", "bold red")
        text.append(problem.message)
        if problem.kind is ProblemKind.MISSING:
            text.append("\nr: try again · Esc: back to the list")
        elif problem.kind is ProblemKind.UNREACHABLE:
            text.append("\nIs it running? r: try again")
        box.update(text)
        box.display = True
        self.query_one("#replay-lanes").display = False

    # -- actions ---------------------------------------------------------------------------------
    def action_lane(self, delta: int) -> None:
        focus_lane(self, delta)

    @on(LaneView.OpenStep)
    def _open_step(self, message: LaneView.OpenStep) -> None:
        log = step_log(self.snapshot, message)
        if log is not None:
            self._log_screen = log
            self.app.push_screen(log)

    def action_reload(self) -> None:
        if self.running:
            self.notify("Still following the build: it reloads by itself.", timeout=3)
            return
        self.start()

    def action_copy_command(self) -> None:
        self.app.copy_to_clipboard(self.command)
        self.notify(f"Copied: {self.command}", timeout=3)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        self.app.push_screen(
            HelpScreen(
                [
                    ("Replayed build", self.BINDINGS),
                    ("Lane (focused)", LaneView.BINDINGS),
                    ("Everywhere", self.app.BINDINGS),
                ]
            )
        )

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Replay: reload", "run `history logs` again", self.action_reload),
            ("Replay: copy command", self.command, self.action_copy_command),
        ]


def _empty_snapshot() -> ProgressSnapshot:
    from buildx_tui.core.progress.parser import BuildProgress

    progress = BuildProgress()
    progress.close(None)
    return progress.snapshot()
