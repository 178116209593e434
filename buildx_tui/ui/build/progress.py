"""A build, live: one lane per platform plus the shared lane, an overall bar, then a summary.

The build runs in a thread worker (`BuildRunner`): exactly the argv shown in the command log, with
`--progress=rawjson` and `--metadata-file`, through ``app.backend``. The worker posts coalesced
snapshots (≤ ~10 a second: buildx's own display rate); this screen only draws them.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.css.query import NoMatches
from textual.message import Message
from textual.widgets import Header, Static

from buildx_tui.core.build.checks import failure_hint
from buildx_tui.core.build.form import registry_of
from buildx_tui.core.build.history import HistoryEntry
from buildx_tui.core.build.login import looks_like_auth_error
from buildx_tui.core.build.platform_choices import (
    Support,
    node_for_platform,
    platform_choices,
)
from buildx_tui.core.build.runner import BuildRunner, RunOutcome
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder
from buildx_tui.core.progress.model import ProgressSnapshot
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.build.summary import head_line, history_entry, slowdowns, summary
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.lanes.grid import focus_lane, lay_out_lanes, step_log, warnings_by_lane
from buildx_tui.ui.common.lanes.lane import LaneView
from buildx_tui.ui.common.lanes.step_log import BuildLogScreen
from buildx_tui.ui.services import AppScreen

if TYPE_CHECKING:
    from buildx_tui.ui.common.login import LoginAttempt

#: Under this many columns the summary's failing steps go under its table (summary.py).
NARROW = 110
#: How long the build's reader may wait for a frame to be drawn (see BuildRunner.ui_wait_s).
UI_WAIT_S = 0.1
#: How long making the screen waits for the build's process to start (see __init__).
START_WAIT_S = 0.1
#: After the summary is drawn, the garbage collector is given back its objects (a pause).
GC_RELEASE_S = 1.0


def lane_id(key: str) -> str:
    return "lane-" + "".join(c if c.isalnum() else "-" for c in key)


class BuildProgressScreen(AppScreen[None]):
    CSS_PATH = "build.tcss"
    #: Under 30 lines the screen scrolls as a page (build.tcss).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    #: Clock that makes running steps' elapsed times advance between events (tests set None:
    #: then times are those stamped in the stream, and snapshots are reproducible).
    progress_clock: Callable[[], float] | None = staticmethod(time.time)
    BINDINGS = [
        Binding("c", "cancel_build", "Cancel build", id="build.cancel"),
        Binding("tab", "focus_next", "Next lane", show=False, id="build.next_lane"),
        Binding("right,l", "lane(1)", "Next lane", show=False, id="build.right"),
        Binding("left,h", "lane(-1)", "Previous lane", show=False, id="build.left"),
        Binding("i", "inspect", "Inspect", id="build.inspect"),
        Binding("r", "rerun", "Run again", id="build.rerun"),
        Binding("e", "edit", "Edit", id="build.edit"),
        Binding("L", "login", "Log in", id="build.login"),
        Binding("H", "history", "History", id="build.history"),
        Binding("y", "copy_command", "Copy cmd", id="build.copy"),
        Binding("escape", "back", "Back", id="build.back"),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="build.help"),
    ]

    @dataclass
    class Progress(Message):
        snapshot: ProgressSnapshot

    @dataclass
    class Finished(Message):
        outcome: RunOutcome
        entry: HistoryEntry
        history_error: str

    def __init__(
        self,
        spec: BuildSpec,
        *,
        builder: Builder | None = None,
    ) -> None:
        super().__init__()
        self.spec = spec
        self.builder = builder
        self.history = self.services.history
        self.support: dict[str, Support] = (
            {c.name: c.support for c in platform_choices(builder)} if builder else {}
        )
        #: Which node builds a platform, where a several-node builder makes it certain.
        self.nodes: dict[str, str] = {}
        if builder is not None:
            for key in spec.platforms:
                node = node_for_platform(builder, key)
                if node is not None:
                    self.nodes[key] = node
        self.snapshot: ProgressSnapshot | None = None
        self.outcome: RunOutcome | None = None
        self.entry: HistoryEntry | None = None
        self.cancelling = False
        self.crashed = False  # the build thread failed with an exception (a bug): not running
        self._entry_id: int | None = None
        self._log_screen: BuildLogScreen | None = None  # a step's log, followed while shown
        # The build starts as the screen is made (it is always made to be shown at once): its
        # first ~25 ms of loading, composing and styling run alongside the docker CLI starting.
        self.runner = BuildRunner(
            self.backend,
            self.spec,
            self._post_snapshot,
            progress_clock=type(self).progress_clock,
            ui_wait_s=UI_WAIT_S,
            keep_frozen=True,
        )
        self.runner.prepare()
        # The build thread posts to this screen before it is mounted: make its message queue here,
        # on the app's thread (made lazily by the first post, two threads could each make one and
        # a message would be lost).
        init_queue: Callable[[], None] = self._thread_init  # Textual's own, untyped
        init_queue()
        # A plain thread (a Textual worker would start only once the screen is mounted), in a
        # copy of this context: the screen finds its app through it until it is mounted.
        context = contextvars.copy_context()
        threading.Thread(
            target=context.run, args=(self._build_thread, self.runner), name="build", daemon=True
        ).start()
        # Let it start the process before this thread goes on building the screen: both need the
        # GIL, and spawning takes a dozen hand-offs, each up to 5 ms while the UI composes
        # (20-40 ms in all; alone, 2-8 ms).
        self.runner.wait_started(START_WAIT_S)

    @property
    def running(self) -> bool:
        return self.outcome is None and not self.crashed

    @property
    def user_command(self) -> str:
        return self.backend.display(self.spec.argv())

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="build-head")
        yield Static("", id="build-summary")
        with Grid(id="lanes"):
            for key in self.spec.platforms:
                yield LaneView(
                    key, support=self.support.get(key), node=self.nodes.get(key), id=lane_id(key)
                )
            yield LaneView("shared", id=lane_id("shared"))
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        argv = self.runner.argv
        self.query_one("#build-summary").display = False
        self._layout_lanes()
        self._entry_id = self.query_one(CommandLog).start(self.backend.display(argv))
        self._draw_head()

    def on_resize(self) -> None:
        self._draw_head()
        self._layout_lanes()
        if self.outcome is not None:
            self._draw_summary(self.outcome)

    def _post_snapshot(self, snapshot: ProgressSnapshot) -> None:
        self.post_message(self.Progress(snapshot))

    # -- the build thread --------------------------------------------------------------------------
    @dataclass
    class Crashed(Message):
        error: BaseException

    def _build_thread(self, runner: BuildRunner) -> None:
        try:
            outcome = runner.run()
            entry = history_entry(self.spec, self.user_command, outcome)
        except Exception as e:  # a bug, not a build failure: say so instead of hanging
            self.post_message(self.Crashed(e))
            return
        error = ""
        try:
            self.history.append(entry)
        except OSError as e:
            error = f"could not save the build history: {e}"
        self.post_message(self.Finished(outcome, entry, error))

    @work(thread=True, group="build-cancel", exit_on_error=False)
    def _cancel_worker(self, runner: BuildRunner) -> None:
        runner.cancel()

    def on_build_progress_screen_crashed(self, message: Crashed) -> None:
        error = message.error
        self.crashed = True
        self.runner.release_gc()  # run() may have frozen it before the exception
        self.refresh_bindings()
        self.notify(f"The build could not run: {error}", severity="error", timeout=15)
        if self._entry_id is not None:
            self.query_one(CommandLog).finish(
                self._entry_id, EntryState.FAILED, 0.0, tail=str(error)
            )

    # -- drawing -----------------------------------------------------------------------------------
    def on_build_progress_screen_progress(self, message: Progress) -> None:
        if self.outcome is not None:
            return  # a late snapshot after the final one
        self._draw(message.snapshot)
        if self.is_current:
            self.call_after_refresh(self.runner.drawn)
        else:  # covered (a step's log): nothing of ours is painted
            self.runner.drawn()

    def _draw(self, snap: ProgressSnapshot, *, final: bool = False) -> None:
        self.snapshot = snap
        grid = self.query_one("#lanes", Grid)
        ratios = slowdowns(snap.lanes, self.support)
        warned = warnings_by_lane(snap)
        added = False
        for lane in snap.all_lanes:
            try:
                view = grid.query_one(f"#{lane_id(lane.key)}", LaneView)
            except NoMatches:  # a lane the stream revealed (a build-platform stage)
                view = LaneView(
                    lane.key,
                    support=self.support.get(lane.key),
                    node=self.nodes.get(lane.key),
                    id=lane_id(lane.key),
                )
                shared = grid.query_one(f"#{lane_id('shared')}", LaneView)
                grid.mount(view, before=shared)
                added = True
            view.show(
                lane,
                snap.now,
                ratios.get(lane.key),
                warned.get(lane.key, ()),
                snap.result,
                whole=final,
            )
        if added:
            self._layout_lanes()
        self._draw_head()
        log = self._log_screen
        if log is not None and log.is_current:
            log.follow(snap)

    def _layout_lanes(self) -> None:
        lay_out_lanes(self.query_one("#lanes", Grid), self.size.width)

    def _draw_summary(self, outcome: RunOutcome) -> None:
        panel = self.query_one("#build-summary", Static)
        panel.display = True
        panel.update(
            summary(
                outcome.snapshot,
                outcome.outputs,
                output=self.spec.output,
                duration_s=outcome.duration_s,
                support=self.support,
                error="" if outcome.cancelled else outcome.error_text,
                hint=self.hint(),
                exit_code=outcome.result.returncode,
                narrow=self.size.width < NARROW,
                width=self.size.width - panel.styles.gutter.width,  # its border, padding
            )
        )
        panel.set_class(True, f"-{outcome.snapshot.result}")

    def _draw_head(self) -> None:
        what = self.spec.tags[0] if self.spec.tags else self.spec.context
        if len(self.spec.platforms) > 1:
            what += f" · {len(self.spec.platforms)} platforms"
        head = self.query_one("#build-head", Static)
        head.update(
            head_line(
                self.snapshot,
                builder=self.spec.builder,
                what=what,
                width=max(20, self.size.width - 4),
                cancelling=self.cancelling,
            ),
            layout=False,  # fixed height: no screen re-layout for each update
        )

    def on_build_progress_screen_finished(self, message: Finished) -> None:
        outcome = message.outcome
        self.outcome = outcome
        self.entry = message.entry
        self._draw(outcome.snapshot, final=True)  # the lanes shrink for the summary: made once
        result = outcome.result
        state = EntryState.OK if result.ok else EntryState.FAILED
        if outcome.cancelled:
            state = EntryState.CANCELLED
        if self._entry_id is not None:
            self.query_one(CommandLog).finish(
                self._entry_id,
                state,
                result.duration_s,
                tail="" if result.ok or outcome.cancelled else result.error_text(),
            )
        self._draw_summary(outcome)
        self.refresh_bindings()
        self.set_timer(GC_RELEASE_S, self.runner.release_gc)
        if message.history_error:
            self.notify(message.history_error, severity="warning", timeout=10)
        if self.app.screen is not self:  # the summary says it here; told when it is covered
            self._tell_outcome(outcome)

    def _tell_outcome(self, outcome: RunOutcome) -> None:
        """The build's end as a notification, for a user looking at another screen (a step's
        log, the help): its summary says the same, where the toast would cover the lanes."""
        result = outcome.result
        if outcome.cancelled:
            self.notify(
                f"Build cancelled: docker buildx ended (exit {result.returncode}).",
                title="Cancelled",
                severity="warning",
                timeout=8,
            )
        elif outcome.snapshot.result == "success":
            self.notify(f"Build succeeded in {outcome.duration_s:.1f}s", timeout=5)
        else:
            self.notify(
                outcome.error_text or "see the lanes", title="Build failed", severity="error"
            )

    def hint(self) -> str:
        """What to do about a failure: log in when a registry refused, else a known fix."""
        outcome = self.outcome
        if outcome is None or outcome.cancelled or outcome.snapshot.result != "failed":
            return ""
        text = outcome.error_text + "\n" + outcome.result.stderr[-4000:]
        if looks_like_auth_error(text):
            return (
                f"The registry {self.registry()} refused: it needs credentials. "
                "L: log in, then r: run again."
            )
        # The failed steps' last lines say what the final error does not (exec format error).
        logs = [
            line.text
            for lane in outcome.snapshot.all_lanes
            for step in lane.steps
            if step.state == "error"
            for line in step.logs[-5:]
        ]
        return failure_hint("\n".join([text, *logs]), self.spec, self.builder)

    def registry(self) -> str:
        return registry_of(self.spec.tags[0]) if self.spec.tags else "docker.io"

    # -- actions -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide what does not apply: cancel only while running; the rest once it ended."""
        running = self.running
        if action == "cancel_build":
            return running
        if action in ("rerun", "edit", "history", "login"):
            return not running
        if action == "inspect":
            outcome = self.outcome
            pushed = self.spec.output is Output.PUSH
            return pushed and outcome is not None and bool(outcome.outputs.reference)
        return True

    def action_cancel_build(self) -> None:
        if not self.running:
            return
        if self.cancelling:
            self.notify("Cancelling… waiting for buildx to stop.", timeout=3)
            return
        self.cancel_build()

    def cancel_build(self, reason: str = "") -> None:
        """Cancel the running build (the app is quitting: ``reason`` says why)."""
        if not self.running or self.cancelling:
            return
        self.cancelling = True
        if reason:
            self.notify(f"Cancelling the build: {reason}.", timeout=5)
        self._draw_head()
        self._cancel_worker(self.runner)

    def action_lane(self, delta: int) -> None:
        focus_lane(self, delta)

    @on(LaneView.OpenStep)
    def _open_step(self, message: LaneView.OpenStep) -> None:
        log = step_log(self.snapshot, message)
        if log is not None:
            self._log_screen = log
            self.app.push_screen(log)

    def action_inspect(self) -> None:
        if self.outcome is None or not self.outcome.outputs.reference:
            self.notify("Nothing was pushed: there is no manifest to inspect.", severity="warning")
            return
        self.post_message(nav.OpenInspector(self.outcome.outputs.reference))

    def action_rerun(self) -> None:
        if self.running:
            return
        self.post_message(
            nav.StartBuild(
                self.spec, self.user_command, builder=self.builder, issues=(), replace=True
            )
        )

    def action_edit(self) -> None:
        if self.running:
            return
        self.post_message(nav.EditBuild(self.spec, self.builder))

    def action_login(self) -> None:
        from buildx_tui.ui.common.login import LoginScreen

        def done(ok: bool | None) -> None:
            if ok:
                self.notify(f"Logged in to {self.registry()}. r: run the build again.", timeout=8)

        self.app.push_screen(LoginScreen(self.registry(), on_attempt=self._logged), done)

    def _logged(self, attempt: LoginAttempt) -> None:
        state = EntryState.OK if attempt.ok else EntryState.FAILED
        self.query_one(CommandLog).record(attempt.command, state, attempt.duration_s, attempt.error)

    def action_history(self) -> None:
        self.post_message(nav.OpenBuildHistory())

    def action_help(self) -> None:
        from buildx_tui.ui.build.help import BuildProgressHelp

        self.app.push_screen(
            BuildProgressHelp(
                [
                    ("Build", self.BINDINGS),
                    ("Lane (focused)", LaneView.BINDINGS),
                    ("Everywhere", self.app.BINDINGS),
                ]
            )
        )

    def action_copy_command(self) -> None:
        self.app.copy_to_clipboard(self.user_command)
        self.notify(f"Copied: {self.user_command}", timeout=3)

    def action_back(self) -> None:
        if self.running:
            self.notify("The build is still running: c cancels it.", severity="warning", timeout=4)
            return
        self.app.pop_screen()

    def on_unmount(self) -> None:
        runner = self.runner
        if self.outcome is not None:
            runner.release_gc()
        elif not runner.cancel_requested:
            # Leaving (or quitting) while the build runs: stop it, leave no orphan behind.
            threading.Thread(target=runner.cancel, name="build-cancel", daemon=True).start()
