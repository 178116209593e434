"""The Builds screen: every build BuildKit recorded on one builder or on all of them, newest
first (`docker buildx history ls`, one per builder per refresh, each in a thread worker and
shown in the command log). Running builds keep it refreshing; unchanged rows are not redrawn.
What cannot be listed is said per builder (:mod:`buildx_tui.core.builds.limits`).

The first frame (bench/bench_builds_list.py): the `history ls` of a builder whose `buildx ls`
the opener passed starts as the screen is made, not once it is mounted; its output is parsed
in the worker; the rows the table shows are added first, the rest in batches after that frame
(ui/builds/filling.py); cells are Text (a str cell is parsed as markup by the DataTable); a row
whose platforms arrive is the only one redrawn; the footer is made again only when its keys
change (ui/common/footer.py)."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.timer import Timer
from textual.types import NoActiveAppError
from textual.widgets import DataTable, Header, Input, Static

from buildx_tui.core.builders import Builder
from buildx_tui.core.builds.commands import InspectSpec, LsSpec, run_early
from buildx_tui.core.builds.details import DetailsError, parse_inspect
from buildx_tui.core.builds.filters import FilterError, ListFilter, parse_filter
from buildx_tui.core.builds.grouping import BuildGroup, group_records
from buildx_tui.core.builds.limits import (
    classify_history_error,
    needs_start,
    stopped_message,
    unreachable_without_asking,
)
from buildx_tui.core.builds.records import BuildStatus, LsParse, parse_ls
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.builds.filling import TableFill
from buildx_tui.ui.builds.rows import BuilderState, cells, columns, list_message
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.help import HelpScreen
from buildx_tui.ui.navigation import OpenBuildDetails, OpenBuildLogs, OpenBuildTimeline
from buildx_tui.ui.services import AppScreen, PaletteCommand

#: Seconds between refreshes while a listed build is running.
RUNNING_REFRESH_S = 2.0
LS_TIMEOUT_S = 30.0


#: "linux/amd64, linux/arm64" whole; longer lists are cut (the details show them all).
PLATFORMS_WIDTH = 24


class BuildsScreen(AppScreen[None]):
    CSS_PATH = "builds.tcss"
    SUB_TITLE = "builds (BuildKit history)"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("enter", "open", "Details", id="builds.open", show=True),
        Binding("L", "logs", "Logs", id="builds.logs"),
        Binding("T", "timeline", "Timeline", id="builds.timeline"),
        Binding("m", "mark", "Mark to compare", show=False, id="builds.mark"),
        Binding("r", "refresh", "Refresh", id="builds.refresh"),
        Binding("slash", "filter", "Filter", key_display="/", id="builds.filter", priority=True),
        Binding("l", "toggle_local", "This dir only", id="builds.local"),
        Binding("s", "start_stopped", "Start stopped", id="builds.start"),
        Binding("escape", "back", "Back", id="builds.back"),
        Binding("f1,question_mark", "help", "Help", key_display="F1", id="builds.help"),
    ]

    @dataclass
    class BuildersKnown(Message):
        builders: tuple[Builder, ...]
        problem: str

    @dataclass
    class Listed(Message):
        builder: str
        generation: int
        entry_id: int
        result: CommandResult
        parsed: LsParse | None = None  # parsed in the worker (None: it failed)

    @dataclass
    class Peeked(Message):
        key: str
        platforms: str

    def __init__(
        self, builder: str | None = None, *, builders: tuple[Builder, ...] | None = None
    ) -> None:
        """``builders``: what a `buildx ls` just said (the builders list's): used at once, so
        the first `history ls` does not wait for another `buildx ls`."""
        super().__init__()
        self.builder = builder
        self._known_builders = builders
        self.local = False
        self.filter = ListFilter()
        self.states: dict[str, BuilderState] = {}
        self.builders: dict[str, Builder] = {}
        self.allowed_to_start: set[str] = set()
        self.platforms: dict[str, str] = {}
        self._generation = 0
        self._pending: set[str] = set()
        self._fill: TableFill | None = None
        self._timer: Timer | None = None
        self.problem = ""
        #: A build marked with m: T on another compares the two (builder, record id).
        self.marked: tuple[str, str] | None = None
        #: `history ls` started before the screen is mounted, by builder.
        self._prefetched: dict[str, Future[CommandResult]] = {}
        self._prefetch()

    def _prefetch(self) -> None:
        """Start the one builder's `history ls` now (the screen is not even mounted): when the
        opener passed what `buildx ls` said of it and nothing is to be asked first."""
        known = {b.name: b for b in self._known_builders or ()}
        try:
            backend = self.backend
        except (NoActiveAppError, TypeError):  # made outside a running app: mount lists
            return
        builder = known.get(self.builder or "")
        if builder is None or unreachable_without_asking(builder) or needs_start(builder):
            return
        argv = LsSpec(builder.name).argv()
        self._prefetched[builder.name] = run_early(backend, argv, LS_TIMEOUT_S)

    # -- layout ------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="filter: status:error since:2h >30s name (Enter applies)",
            id="builds-filter",
        )
        yield Static("", id="builds-message")
        table: DataTable[str | Text] = DataTable(id="builds-table", cursor_type="row")
        yield table
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        for name in columns(self.builder is not None):
            # The platforms arrive after the row (one `history inspect` per highlighted build):
            # a fixed width, so the table looks the same whichever came first.
            self.table.add_column(name, width=PLATFORMS_WIDTH if name == "platforms" else None)
        self.query_one("#builds-filter", Input).border_title = "Filter"
        if self.builder is not None:  # the list shows nodes only: the builder is named here
            self.sub_title = f"builds of {self.builder} (BuildKit history)"
        self.set_focus(self.table)
        known, self._known_builders = self._known_builders, None
        if known:
            self.post_message(self.BuildersKnown(known, ""))
            return
        self._say("Reading the builders (buildx ls)…")
        self._load_builders()

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#builds-table", DataTable)

    @property
    def command_log(self) -> CommandLog:
        return self.query_one(CommandLog)

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Builds: refresh", "One `history ls` per builder", self.action_refresh),
            ("Builds: logs", "history logs, replayed lane by lane", self.action_logs),
            ("Builds: timeline", "history trace as a waterfall", self.action_timeline),
            ("Builds: mark to compare", "then T on another build", self.action_mark),
            (
                "Builds: this directory only",
                "Toggle `history ls --local`",
                self.action_toggle_local,
            ),
        ]

    # -- builders, then one `history ls` each --------------------------------------------------
    @work(thread=True, group="builders", exit_on_error=False)
    def _load_builders(self) -> None:
        refresh = self.backend.list_builders()
        builders = refresh.ls.builders if refresh.ls is not None else ()
        problem = refresh.problem.title if refresh.problem is not None else ""
        self.post_message(self.BuildersKnown(builders, problem))

    @on(BuildersKnown)
    def _builders_known(self, message: BuildersKnown) -> None:
        self.builders = {b.name: b for b in message.builders}
        self.problem = message.problem
        self.action_refresh()

    def targets(self) -> list[str]:
        if self.builder is not None:
            return [self.builder]
        return list(self.builders)

    def action_refresh(self) -> None:
        self._generation += 1
        targets = self.targets()
        if not targets:
            self._say(self.problem or "No builders: `buildx ls` listed none.")
            return
        for name in targets:
            state = self.states.setdefault(name, BuilderState())
            known = self.builders.get(name)
            limit = None
            if known is not None:
                limit = unreachable_without_asking(known)
                if limit is None and needs_start(known) and name not in self.allowed_to_start:
                    limit = stopped_message(name)
            if limit is not None:
                state.limit, state.records, state.listed = limit, (), False
                continue
            if name in self._pending:
                continue  # its last ls is still running: one process per builder
            argv = LsSpec(name, local=self.local).argv()
            entry = self.command_log.start(self.backend.display(argv))
            self._pending.add(name)
            early = self._prefetched.pop(name, None) if not self.local else None
            self._list(name, argv, self._generation, entry, early)
        self._prefetched.clear()
        self._redraw()

    @work(thread=True, exit_on_error=False)
    def _list(
        self,
        builder: str,
        argv: tuple[str, ...],
        generation: int,
        entry: int,
        early: Future[CommandResult] | None = None,
    ) -> None:
        """One `history ls` (or the one started early: waited for), parsed here."""
        if early is not None:
            result = early.result(timeout=LS_TIMEOUT_S + 5)
        else:
            result = self.backend.run(argv, timeout=LS_TIMEOUT_S)
        parsed = parse_ls(result.stdout) if result.ok else None
        self.post_message(self.Listed(builder, generation, entry, result, parsed))

    @on(Listed)
    def _listed(self, message: Listed) -> None:
        result = message.result
        self._pending.discard(message.builder)
        state = self.states.setdefault(message.builder, BuilderState())
        if result.ok:
            parsed = message.parsed or parse_ls(result.stdout)
            state.records, state.limit, state.listed = parsed.records, None, True
            state.bad_lines = len(parsed.bad_lines)
            note = f"{len(parsed.records)} builds"
            self.command_log.finish(message.entry_id, EntryState.OK, result.duration_s, note=note)
        else:
            state.limit = classify_history_error(message.builder, result.stderr, result.returncode)
            state.records, state.listed = (), False
            self.command_log.finish(
                message.entry_id, EntryState.FAILED, result.duration_s, tail=result.error_text()
            )
        self._redraw()
        self._schedule()

    def _schedule(self) -> None:
        running = any(g.status is BuildStatus.RUNNING for g in self.fill.groups.values())
        if running and self._timer is None and not self._pending:
            self._timer = self.set_timer(RUNNING_REFRESH_S, self._refresh_running)

    def _refresh_running(self) -> None:
        self._timer = None
        if self.is_current:
            self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.builders:  # back from the details (a delete there): list again
            self.action_refresh()

    # -- drawing ---------------------------------------------------------------------------------
    @property
    def fill(self) -> TableFill:
        if self._fill is None:
            self._fill = TableFill(self.table, self._cells, self.set_timer)
        return self._fill

    def _redraw(self) -> None:
        now = self.services.clock()
        records = [r for s in self.states.values() for r in s.records]
        records.sort(key=lambda r: r.created_at.timestamp() if r.created_at else 0.0, reverse=True)
        groups = group_records(records)
        shown = [g for g in groups if self.filter.matches(g, now)]
        self.fill.show(shown, now, self._selected_key())
        self._say(self._message(len(groups), len(shown)))

    def _cells(self, group: BuildGroup, now: datetime) -> tuple[str | Text, ...]:
        platforms = self.platforms.get(group.key, "")
        return cells(group, now, platforms, one_builder=self.builder is not None)

    def _message(self, total: int, shown: int) -> str:
        return list_message(self.states, self._pending, self.local, total, shown)

    def _say(self, text: str) -> None:
        self.query_one("#builds-message", Static).update(text)

    def _selected_key(self) -> str | None:
        table = self.table
        if table.row_count == 0:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None
        return key

    def selected(self) -> BuildGroup | None:
        key = self._selected_key()
        return self.fill.groups.get(key) if key is not None else None

    # -- platforms of the highlighted build (inspect, once per build) --------------------------
    @on(DataTable.RowHighlighted, "#builds-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        group = self.selected()
        if group is None or group.key in self.platforms:
            return
        if group.status is BuildStatus.RUNNING:
            return
        # after the frame in hand is painted (the first rows': the process waits a frame)
        self.call_after_refresh(self._peek, group.builder, group.first.id, group.key)

    @work(thread=True, group="peek", exclusive=True, exit_on_error=False)
    def _peek(self, builder: str, ref: str, key: str) -> None:
        result = self.backend.run(InspectSpec(builder, ref).argv(), timeout=LS_TIMEOUT_S)
        if not result.ok:
            return
        try:
            details = parse_inspect(result.stdout)
        except DetailsError:
            return
        self.post_message(self.Peeked(key, ", ".join(details.platforms) or "-"))

    @on(Peeked)
    def _peeked(self, message: Peeked) -> None:
        self.platforms[message.key] = message.platforms
        group = self.fill.groups.get(message.key)
        if group is not None:  # that row only
            self.fill.update(group, self.services.clock())

    # -- actions ---------------------------------------------------------------------------------
    def action_open(self) -> None:
        group = self.selected()
        if group is None:
            self.notify("No build selected.", severity="warning")
            return
        self.post_message(OpenBuildDetails(group.builder, group.first.id, group.records))

    def action_logs(self) -> None:
        group = self.selected()
        if group is None:
            self.notify("No build selected.", severity="warning")
            return
        # buildx answers an id with the newest record of it: on a multi-node build, that node's
        # (the details offer each node's)
        newest = max(group.records, key=lambda r: r.created_at.timestamp() if r.created_at else 0)
        info = self.builders.get(group.builder)
        self.post_message(
            OpenBuildLogs(group.builder, group.first.id, group.name, newest.node, info)
        )

    def action_timeline(self) -> None:
        """The highlighted build's timeline; compared step by step with the marked one (m) when
        there is one on the same builder."""
        group = self.selected()
        if group is None:
            self.notify("No build selected.", severity="warning")
            return
        compare: str | None = None
        marked = self.marked
        if marked is not None and marked != (group.builder, group.first.id):
            if marked[0] != group.builder:
                self.notify(
                    f"The marked build is on {marked[0]}: a compare needs two builds of one "
                    "builder. Showing this build alone.",
                    severity="warning",
                )
            else:
                compare = marked[1]
        self.post_message(OpenBuildTimeline(group.builder, group.first.id, compare))

    def action_mark(self) -> None:
        group = self.selected()
        if group is None:
            self.notify("No build selected.", severity="warning")
            return
        key = (group.builder, group.first.id)
        if self.marked == key:
            self.marked = None
            self.notify("Mark removed.")
            return
        self.marked = key
        self.notify(
            f"Marked {group.first.name or group.first.id}: T on another build of "
            f"{group.builder} compares them step by step."
        )

    @on(DataTable.RowSelected, "#builds-table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#builds-filter", Input))

    @on(Input.Submitted, "#builds-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        try:
            self.filter = parse_filter(event.value)
        except FilterError as exc:
            self.notify(str(exc), title="Filter", severity="error")
            return
        self._redraw()
        self.set_focus(self.table)

    def action_toggle_local(self) -> None:
        self.local = not self.local
        self.notify(
            "This directory only (--local)" if self.local else "All directories", title="Builds"
        )
        self.action_refresh()

    def action_start_stopped(self) -> None:
        stopped = [n for n, s in self.states.items() if s.limit and s.limit.kind == "stopped"]
        if not stopped:
            self.notify("No stopped builder here.", title="Builds")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.allowed_to_start.update(stopped)
                self.action_refresh()

        self.app.push_screen(
            ConfirmDialog(
                f"Start {', '.join(stopped)}?",
                "`history ls` starts a stopped builder (its BuildKit container) to list builds.",
                yes="Start and list",
                no="Leave it stopped",
            ),
            answered,
        )

    def action_back(self) -> None:
        if self.focused is self.query_one("#builds-filter", Input):
            self.set_focus(self.table)
            return
        self.app.pop_screen()

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen([("Builds", self.BINDINGS)]))
