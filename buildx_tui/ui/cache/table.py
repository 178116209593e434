"""The records of a builder's cache as a table: a tree by Parents or sorted, each row with its
size, type, marks in words (in use / shared), last use, usage count, ID and description, and,
while a prune is being prepared, what the prune would do to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable

from buildx_tui.core.cache.ages import short_words
from buildx_tui.core.cache.prune import Fate
from buildx_tui.core.cache.records import CacheRecord
from buildx_tui.core.cache.tree import Row

COLUMNS = ("prune", "size", "type", "marks", "last used", "uses", "ID", "description")
ID_SHOWN = 12
DESCRIPTION_MAX = 200

FATE_MARK = {
    Fate.GOES: Text("✖ goes", "bold red"),
    Fate.MAY_GO: Text("? may go", "bold yellow"),
    Fate.STAYS: Text("· stays", "dim"),
}


def marks(record: CacheRecord) -> Text:
    """The record's state in words (never by colour alone)."""
    text = Text()
    if record.in_use:
        text.append("in use", "bold yellow")
    else:
        text.append("reclaim", "green")
    if record.shared:
        text.append(" shared", "cyan")
    return text


def description(record: CacheRecord, depth: int) -> Text:
    text = Text()
    if depth:
        text.append("  " * (depth - 1) + "└ ", "dim")
    text.append(record.description[:DESCRIPTION_MAX] or "—")
    return text


class RecordsTable(DataTable[Text | str]):
    """Rows keyed by record ID."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for name in COLUMNS:
            self.add_column(name, key=name)

    def show(self, rows: Sequence[Row], fates: Mapping[str, Fate] | None) -> None:
        """Replace the rows; keep the cursor on the same record when it is still shown."""
        keep = self.selected_id()
        self.clear()
        for row in rows:
            r = row.record
            fate = FATE_MARK[fates[r.id]] if fates is not None and r.id in fates else Text("")
            self.add_row(
                fate,
                Text(r.size_text, justify="right"),
                r.type,
                marks(r),
                short_words(r.last_used) if r.last_used else "never",
                Text(str(r.usage_count), justify="right"),
                Text(r.id[:ID_SHOWN], "dim"),
                description(r, row.depth),
                key=r.id,
            )
        if keep is not None and keep in {row.record.id for row in rows}:
            self.move_cursor(row=self.get_row_index(keep))

    def selected_id(self) -> str | None:
        if self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:  # no cursor yet
            return None
        return str(key.value) if key.value is not None else None
