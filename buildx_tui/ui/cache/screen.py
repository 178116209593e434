"""The Cache screen of one builder: where its disk went, and a prune that shows what it would
remove before anything runs.

Loading is three commands in one thread worker: `buildx ls --format json` (the nodes' BuildKit
versions: the prune space flags need v0.17), `buildx du --format json` (the records) and plain
`buildx du` (buildx's own totals, printed exactly). The prune panel computes a preview from the
last du on every keystroke (core/cache/prune.py); the prune runs after a confirm, then du again.
``h`` opens the old-builds panel instead (ui/cache/history_panel.py): `history rm` of records
chosen by age, status or "keep the newest N", previewed, confirmed, then listed again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static

from buildx_tui.core.builders import Node
from buildx_tui.core.cache.commands import (
    PRUNE_TIMEOUT_S,
    RUN_TIMEOUT_S,
    SpaceFlags,
    du_json_argv,
    du_problem,
    du_summary_argv,
    pruned_ids,
    space_flags,
)
from buildx_tui.core.cache.prune import Preview, PruneError, PruneSpec, check_choice, preview
from buildx_tui.core.cache.records import CacheRecord, parse_du_json
from buildx_tui.core.cache.sizes import human_size
from buildx_tui.core.cache.totals import Totals, parse_du_summary, totals
from buildx_tui.core.cache.tree import SortKey, filter_records, sorted_rows
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.cache.help import CacheHelp
from buildx_tui.ui.cache.history_panel import HistoryPanel
from buildx_tui.ui.cache.prune_panel import PrunePanel
from buildx_tui.ui.cache.table import RecordsTable
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.services import AppScreen, PaletteCommand


@dataclass
class Loaded(Message):
    """One load's outcome (from the worker)."""

    generation: int
    nodes: tuple[Node, ...] | None  # None: the builder is not in `ls`
    du: CommandResult
    summary: CommandResult | None
    entries: tuple[int, int]


@dataclass
class Pruned(Message):
    result: CommandResult
    spec: PruneSpec
    expected: Preview
    entry: int


@dataclass
class CacheState:
    records: tuple[CacheRecord, ...] = ()
    totals: Totals | None = None
    buildx_totals: dict[str, str] = field(default_factory=dict)
    space: SpaceFlags = field(default_factory=lambda: SpaceFlags(False, "not loaded yet"))
    nodes: tuple[Node, ...] = ()
    loaded: bool = False


class CacheScreen(AppScreen[None]):
    CSS_PATH = "cache.tcss"
    SUB_TITLE = "build cache"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("r", "reload", "Reload", id="cache.reload"),
        Binding("s", "sort", "Sort", id="cache.sort"),
        Binding("slash", "filter", "Filter", key_display="/", priority=True, id="cache.filter"),
        Binding("p", "prune_panel", "Prune…", id="cache.prune"),
        # runs the open panel's command (prune, or history rm), after its confirm
        Binding("ctrl+r", "run_prune", "Run…", id="cache.run_prune"),
        # priority: the keys typed right after `h` go to the panel's first field
        Binding("h", "history_panel", "Old builds…", priority=True, id="cache.history"),
        Binding("escape", "back", "Back", id="cache.back"),
        Binding("f1,question_mark", "help", "Help", key_display="F1", id="cache.help"),
    ]

    def __init__(self, builder: str) -> None:
        super().__init__()
        self.builder = builder
        self.state = CacheState()
        self.sort_key = SortKey.TREE
        self.preview: Preview | None = None
        self.prune_error: PruneError | None = None
        self.pruning = False
        self._generation = 0
        #: Loads answered (ok or not): tests wait on it.
        self.loads_done = 0

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="cache-summary")
        yield Static("", id="cache-message")
        with Horizontal(id="cache-body"):
            with Vertical(id="cache-records"):
                yield Input(
                    placeholder="filter: words in the ID, type, description, marks (/)",
                    id="cache-filter",
                    compact=True,
                )
                yield RecordsTable(id="cache-table")
            yield PrunePanel(id="prune-panel")
            yield HistoryPanel(self.builder, id="history-panel")
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        self.title = f"cache of {self.builder}"
        self.query_one(PrunePanel).display = False
        self.query_one(HistoryPanel).display = False
        self._show_summary()
        self.set_focus(self.table)
        self.load()

    @property
    def table(self) -> RecordsTable:
        return self.query_one(RecordsTable)

    @property
    def panel(self) -> PrunePanel:
        return self.query_one(PrunePanel)

    @property
    def command_log(self) -> CommandLog:
        return self.query_one(CommandLog)

    @property
    def panel_open(self) -> bool:
        return bool(self.panel.display)

    # -- loading ---------------------------------------------------------------------------------
    def load(self) -> None:
        self._generation += 1
        du, summary = du_json_argv(self.builder), du_summary_argv(self.builder)
        entries = (
            self.command_log.start(self.backend.display(du)),
            self.command_log.start(self.backend.display(summary)),
        )
        self.table.loading = True
        self._load_worker(self._generation, entries)

    @work(thread=True, group="cache-load", exit_on_error=False)
    def _load_worker(self, generation: int, entries: tuple[int, int]) -> None:
        refresh = self.backend.list_builders()
        found = refresh.ls.get(self.builder) if refresh.ls is not None else None
        nodes = found.nodes if found is not None else None
        du = self.backend.run(du_json_argv(self.builder), timeout=RUN_TIMEOUT_S)
        summary = None
        if du.ok:
            summary = self.backend.run(du_summary_argv(self.builder), timeout=RUN_TIMEOUT_S)
        self.post_message(Loaded(generation, nodes, du, summary, entries))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        du_entry, summary_entry = message.entries
        du = message.du
        self.command_log.finish(
            du_entry,
            EntryState.OK if du.ok else EntryState.FAILED,
            du.duration_s,
            tail="" if du.ok else du.error_text(),
        )
        if message.summary is None:
            self.command_log.finish(summary_entry, EntryState.CANCELLED, 0.0, note="not run")
        else:
            s = message.summary
            state = EntryState.OK if s.ok else EntryState.FAILED
            self.command_log.finish(
                summary_entry, state, s.duration_s, tail="" if s.ok else s.error_text()
            )
        if message.generation != self._generation:
            return
        self.loads_done += 1
        self.table.loading = False
        if message.nodes is not None:
            self.state.nodes = message.nodes
        self.state.space = space_flags(self.state.nodes)
        self.panel.allow_space_flags(self.state.space.allowed, self.state.space.reason)
        if not du.ok:  # what was shown before stays: a failed reload changes nothing
            title, fix = du_problem(du.returncode, du.stderr)
            if message.nodes is None:
                title, fix = f"No builder named {self.builder} in `buildx ls`", fix
            self._show_message("-error", Group(
                Text("✖ " + title, "bold"), Text(fix, "italic"),
                Text("buildx said: " + du.error_text(), "dim"),
            ))  # fmt: skip
            self._show_summary()
            return
        parsed = parse_du_json(du.stdout)
        self.state.records = parsed.records
        self.state.totals = totals(parsed.records)
        self.state.loaded = True
        self.state.buildx_totals = (
            parse_du_summary(message.summary.stdout)
            if message.summary is not None and message.summary.ok
            else {}
        )
        if parsed.problems:
            self._show_message("-warning", Text(
                f"⚠ {len(parsed.problems)} line(s) of du could not be read: {parsed.problems[0]}",
                "bold"))  # fmt: skip
        elif not parsed.records:
            self._show_message("-info", Text("The cache of this builder is empty.", "bold"))
        else:
            self._hide_message()
        self._show_summary()
        self._update_preview()

    # -- drawing ---------------------------------------------------------------------------------
    def _show_summary(self) -> None:
        line = Text()
        versions = ", ".join(f"{n.name} {n.version or '?'}" for n in self.state.nodes)
        line.append(self.builder, "bold")
        if versions:
            line.append(f" · BuildKit {versions}", "dim")
        t = self.state.totals
        if t is None:
            line.append("\n⟳ reading the cache…" if not self.state.loaded else "", "dim italic")
            self.query_one("#cache-summary", Static).update(line)
            return
        line.append(f"\n{t.count} records  ")
        said = self.state.buildx_totals
        for item in t.summary_lines():
            shown = said.get(item.name) or item.sum.text()
            line.append(f"{item.name.lower()} ", "dim")
            line.append(f"{shown}  ", "bold")
        if said:
            line.append("(buildx's totals)", "dim")
        types = Text()
        for tt in t.by_type:
            types.append(f"{tt.type} ", "cyan")
            types.append(f"{tt.count}: {human_size(tt.size)}  ")
        self.query_one("#cache-summary", Static).update(Group(line, types))
        self._show_rows()

    def _show_rows(self) -> None:
        text = self.query_one("#cache-filter", Input).value
        shown = filter_records(self.state.records, text)
        fates = self.preview.fates if self.panel_open and self.preview is not None else None
        self.table.show(sorted_rows(shown, self.sort_key), fates)
        self._explain_row()
        count = f"{len(shown)} of {len(self.state.records)}" if text.strip() else str(len(shown))
        self.table.border_title = f"Records: {count} · sorted by {self.sort_key.value} (s)"

    @on(DataTable.RowHighlighted, "#cache-table")
    def _explain_row(self) -> None:
        """Under the table: why the highlighted record goes or stays (prune panel open)."""
        rid = self.table.selected_id()
        p = self.preview
        if not self.panel_open or p is None or rid is None or rid not in p.fates:
            self.table.border_subtitle = ""
            return
        why = p.why.get(rid, "")
        self.table.border_subtitle = f"{rid[:12]} {p.fates[rid].value}" + (
            f": {why}" if why else ""
        )

    def _show_message(self, level: str, content: Group | Text) -> None:
        panel = self.query_one("#cache-message", Static)
        for name in ("-error", "-warning", "-info"):
            panel.set_class(name == level, name)
        panel.update(content)
        panel.add_class("-shown")

    def _hide_message(self) -> None:
        self.query_one("#cache-message", Static).remove_class("-shown")

    # -- the prune preview -----------------------------------------------------------------------
    @on(PrunePanel.Changed)
    def _update_preview(self) -> None:
        if not self.panel_open:
            return
        try:
            spec = check_choice(
                self.builder, self.panel.choice(), space_allowed=self.state.space.allowed
            )
        except PruneError as error:
            self.preview, self.prune_error = None, error
            self.panel.show_problem(error.field, str(error))
            self._show_rows()
            return
        self.prune_error = None
        self.preview = preview(self.state.records, spec)
        self.panel.show_preview(self.preview, self.backend.display(spec.argv()))
        self._show_rows()

    @on(PrunePanel.RunRequested)
    def action_run_prune(self) -> None:
        if self.query_one(HistoryPanel).display:
            self.query_one(HistoryPanel).ask()
            return
        if not self.panel_open:
            self.action_prune_panel()
            return
        if self.pruning:
            self.notify("A prune is already running.")
            return
        if not self.state.loaded:
            self.notify("The cache has not been read yet: nothing to preview against.")
            return
        if self.prune_error is not None or self.preview is None:
            self.notify(str(self.prune_error or "Nothing to run yet."), severity="warning")
            return
        expected = self.preview
        if not self.services.settings.confirm.prune:
            # settings.toml's [confirm] prune = false: the preview on the panel was the question
            self.notify("Pruning without asking ([confirm] prune = false in the settings).")
            self._start_prune(expected)
            return
        command = self.backend.display(expected.spec.argv())
        text = Text.assemble(
            (f"Prune the cache of {self.builder}?\n\n", "bold"),
            (expected.headline() + "\n", "bold"),
            *((f"• {n}\n", "italic") for n in expected.notes),
            ("\n$ ", "dim"), (command, "bold"),
        )  # fmt: skip

        def answered(yes: bool | None) -> None:
            if yes:
                self._start_prune(expected)

        self.app.push_screen(
            ConfirmDialog("Prune build cache", str(text), yes="Prune", no="Cancel"), answered
        )

    def _start_prune(self, expected: Preview) -> None:
        self.pruning = True
        entry = self.command_log.start(self.backend.display(expected.spec.argv()))
        self._prune_worker(expected, entry)

    @work(thread=True, group="cache-prune", exit_on_error=False)
    def _prune_worker(self, expected: Preview, entry: int) -> None:
        result = self.backend.run(expected.spec.argv(), timeout=PRUNE_TIMEOUT_S)
        self.post_message(Pruned(result, expected.spec, expected, entry))

    @on(Pruned)
    def _pruned(self, message: Pruned) -> None:
        self.pruning = False
        result = message.result
        total = next(
            (
                ln.split()[-1]
                for ln in reversed(result.stdout.splitlines())
                if ln.startswith("Total:")
            ),
            "",
        )
        removed = set(pruned_ids(result.stdout))
        self.command_log.finish(
            message.entry,
            EntryState.OK if result.ok else EntryState.FAILED,
            result.duration_s,
            tail="" if result.ok else result.error_text(),
            note=f"removed {len(removed)} ({total})" if result.ok else "",
        )
        if not result.ok:
            self._show_message("-error", Group(
                Text("✖ The prune failed; nothing was read back", "bold"),
                Text("buildx said: " + result.error_text(), "dim"),
            ))  # fmt: skip
            return
        goes = {r.id for r in message.expected.goes}
        may = {r.id for r in message.expected.may_go}
        if removed == goes and not may:
            verdict = Text("as the preview said", "green")
        elif goes <= removed <= goes | may:
            verdict = Text("within the preview's candidates", "green")
        else:
            verdict = Text(
                f"not as previewed: {len(removed - goes - may)} unexpected, "
                f"{len(goes - removed)} previewed kept (the cache changed since the du?)",
                "bold yellow",
            )
        self._show_message("-info", Text.assemble(
            ("✔ ", "bold green"), f"Removed {len(removed)} records ({total or '0B'}), ", verdict,
            ("; reading the new totals…", "dim"),
        ))  # fmt: skip
        self.load()

    # -- actions ---------------------------------------------------------------------------------
    @on(Input.Changed, "#cache-filter")
    def _filter_changed(self) -> None:
        self._show_rows()

    def action_filter(self) -> None:
        self.set_focus(self.query_one("#cache-filter", Input))

    def action_sort(self) -> None:
        self.sort_key = self.sort_key.next()
        self._show_rows()

    def action_reload(self) -> None:
        self.load()

    def action_history_panel(self) -> None:
        """The old-builds panel (history rm), instead of the prune panel."""
        if isinstance(self.focused, Input):  # an `h` typed in a field (12h) is text
            self.focused.insert_text_at_cursor("h")
            return
        self._toggle_history()

    def _toggle_history(self) -> None:
        panel = self.query_one(HistoryPanel)
        if panel.display:
            panel.display = False
            self.set_focus(self.table)
            return
        if self.panel_open:
            self.action_prune_panel()
        panel.display = True
        panel.open(self.services.backend, self.services.clock, self.command_log)
        self.set_focus(panel.query_one("#hist-older", Input))

    def action_prune_panel(self) -> None:
        panel = self.panel
        if not panel.display and self.query_one(HistoryPanel).display:
            self._toggle_history()
        panel.display = not panel.display
        if panel.display:
            self._update_preview()
            self.set_focus(panel.input_for("until"))
        else:
            self._show_rows()
            self.set_focus(self.table)

    def action_back(self) -> None:
        if self.query_one(HistoryPanel).display:
            self._toggle_history()
            return
        if self.panel_open:
            self.action_prune_panel()
            return
        box = self.query_one("#cache-filter", Input)
        if box.has_focus and box.value:
            box.value = ""
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_help(self) -> None:
        self.app.push_screen(CacheHelp.for_cache(self.BINDINGS, self.app.BINDINGS))

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Reload the cache", "docker buildx du", self.action_reload),
            ("Prune…", "choose filters, see what would go", self.action_prune_panel),
            ("Old builds…", "remove build records (history rm)", self.action_history_panel),
            ("Sort records", "tree, size, last used, usage, type", self.action_sort),
            ("Help", "every key binding", self.action_help),
        ]
