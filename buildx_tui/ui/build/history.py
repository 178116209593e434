"""Past builds and bake runs: command, result, duration; run one again with the same settings,
or edit it.

Run again, edit and inspect are asked of the app (ui/navigation.py): editing a build fills the
build form this history was opened from, or opens one; a bake run (marked ``◆ bake``) opens the
bake screen on its workspace with its values, and runs it again for a re-run.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Header, Static

from buildx_tui.core.build.history import BakeEntry, Run
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.lanes.marks import RESULT_MARK, fmt_secs
from buildx_tui.ui.services import AppScreen


class BuildHistoryScreen(AppScreen[None]):
    CSS_PATH = "build.tcss"
    BINDINGS = [
        Binding("enter,r", "rerun", "Run again", id="build_history.rerun"),
        Binding("e", "edit", "Edit in form", id="build_history.edit"),
        Binding("i", "inspect", "Inspect manifest", id="build_history.inspect"),
        Binding("y", "copy_command", "Copy cmd", id="build_history.copy"),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="build_history.help"),
        Binding("escape", "close", "Back", id="build_history.back"),
    ]

    @dataclass
    class Loaded(Message):
        entries: list[Run]
        error: str
        skipped: int

    def __init__(self) -> None:
        super().__init__()
        self.history = self.services.history
        self.entries: list[Run] = []  # newest first

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-details")
        yield AppFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.border_title = f"Build history · {self.history.path}"
        # The image before the builder and platforms: on a narrow screen the columns on the
        # right are scrolled off, and the details below name the builder and platforms too.
        columns = ("when (UTC)", "kind", "result", "time", "image / output", "builder", "platforms")
        for label in columns:
            table.add_column(label, key=label)
        self.query_one("#history-details", Static).update(Text("loading…", "dim"))
        self._load()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _load(self) -> None:
        try:
            entries = self.history.load_runs()
            error = ""
        except OSError as e:
            entries, error = [], f"could not read {self.history.path}: {e}"
        self.post_message(self.Loaded(entries, error, self.history.skipped))

    def on_build_history_screen_loaded(self, message: Loaded) -> None:
        self.entries = list(reversed(message.entries))
        table = self.query_one(DataTable)
        table.clear()
        for row, entry in enumerate(self.entries):
            mark, style = RESULT_MARK.get(entry.result, ("?", ""))
            table.add_row(
                entry.started_at.strftime("%Y-%m-%d %H:%M:%S"),
                Text("◆ bake", "bold") if isinstance(entry, BakeEntry) else "build",
                Text(f"{mark} {entry.result}", style),
                fmt_secs(entry.duration_s),
                *run_cells(entry),
                key=str(row),  # ids could repeat in a hand-edited file: never crash on it
            )
        if message.error:
            self.notify(message.error, severity="error")
        if message.skipped:
            self.notify(f"{message.skipped} damaged history lines were skipped", severity="warning")
        self._show_details()
        table.focus()

    def selected(self) -> Run | None:
        table = self.query_one(DataTable)
        if not self.entries or table.cursor_row < 0 or table.cursor_row >= len(self.entries):
            return None
        return self.entries[table.cursor_row]

    @on(DataTable.RowHighlighted)
    def _show_details(self) -> None:
        entry = self.selected()
        details = self.query_one("#history-details", Static)
        if entry is None:
            details.update(
                Text("No builds yet: builds you start from the build form appear here.", "dim")
            )
            return
        if isinstance(entry, BakeEntry):
            details.update(Group(*bake_lines(entry)))
            return
        lines = [Text("$ " + entry.command, "bold")]
        if entry.outputs.digest:
            lines.append(Text(f"digest {entry.outputs.digest}  {entry.outputs.reference}", "dim"))
        for lane in entry.lanes:
            mark, style = RESULT_MARK.get(lane.result, ("?", ""))
            line = Text(f"{mark} {lane.platform:<16}", style)
            line.append(f" {fmt_secs(lane.wall_time):>7}  {lane.steps} steps, {lane.cached} cached")
            if lane.failed_step:
                line.append(f"  failed at {lane.failed_step}", "red")
            lines.append(line)
        if entry.error:
            lines.append(Text("error: " + entry.error, "red"))
        details.update(Group(*lines))

    def action_rerun(self) -> None:
        entry = self.selected()
        if isinstance(entry, BakeEntry):
            self.post_message(nav.OpenBake(recorded=entry.request, run=True))
        elif entry is not None:
            self.post_message(nav.StartBuild(entry.spec, entry.command))

    def action_edit(self) -> None:
        entry = self.selected()
        if isinstance(entry, BakeEntry):
            self.post_message(nav.OpenBake(recorded=entry.request))
        elif entry is not None:
            self.post_message(nav.EditBuild(entry.spec))

    def action_inspect(self) -> None:
        entry = self.selected()
        reference = "" if entry is None else (
            entry.reference if isinstance(entry, BakeEntry) else entry.outputs.reference
        )  # fmt: skip
        if not reference:
            self.notify("That build pushed nothing to inspect.", severity="warning")
            return
        self.post_message(nav.OpenInspector(reference))

    def action_copy_command(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.app.copy_to_clipboard(entry.command)
            self.notify(f"Copied: {entry.command}", timeout=3)

    def action_help(self) -> None:
        from buildx_tui.ui.build.help import BuildHistoryHelp

        self.app.push_screen(BuildHistoryHelp.for_history(self.BINDINGS, self.app.BINDINGS))

    def action_close(self) -> None:
        self.dismiss(None)


def run_cells(entry: Run) -> tuple[str, str, str]:
    """The image / output, builder and platforms cells of a row."""
    if isinstance(entry, BakeEntry):
        request = entry.request
        pushed = [n for t in entry.targets for n in t.image_names]
        image = ", ".join(pushed) or "targets " + (", ".join(request.targets) or "default")
        platforms = ", ".join(p.removeprefix("linux/") for p in request.platforms)
        return image, request.builder or "(current)", platforms or "(the file's)"
    spec = entry.spec
    return (
        ", ".join(spec.tags) or spec.output.value,
        spec.builder,
        ", ".join(p.removeprefix("linux/") for p in spec.platforms) or "(builder's)",
    )


def bake_lines(entry: BakeEntry) -> list[Text]:
    """A bake run's details: its command, where it ran, then per target its result."""
    lines = [Text("$ " + entry.command, "bold")]
    lines.append(Text(f"◆ bake in {entry.request.workspace}", "dim"))
    for t in entry.targets:
        mark, style = RESULT_MARK.get(t.result, ("?", ""))
        line = Text(f"{mark} {t.target:<16}", style)
        plats = ", ".join(p.removeprefix("linux/") for p in t.platforms)
        line.append(f" {fmt_secs(t.wall_time):>7}  {t.steps} steps, {t.cached} cached  {plats}")
        if t.reference:
            line.append(f"  → {t.reference}", "dim")
        if t.failed_step:
            line.append(f"  failed at {t.failed_step}", "red")
        lines.append(line)
    if entry.error:
        lines.append(Text("error: " + entry.error, "red"))
    return lines
