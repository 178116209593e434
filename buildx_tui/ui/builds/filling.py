"""The Builds table's rows (ui/builds/screen.py): a redraw that changes which builds are listed
adds the rows in view first and the rest in batches after that frame is painted (Textual's
DataTable makes and measures every cell of a new row: 1,000 rows at once held the first frame
back ~250 ms, bench/bench_builds_list.py); a redraw of the same builds redraws only the cells
that changed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from buildx_tui.core.builds.grouping import BuildGroup

#: Rows added before the first frame at least (the table's height when it is taller).
FIRST_ROWS = 30
#: The rest are added this many at a time (made, added and measured: ~30 ms), each batch
#: REST_AFTER_S after the one before, so that the rows in view are painted first and keys are
#: answered meanwhile.
REST_CHUNK = 100
REST_AFTER_S = 1 / 30

Cells = tuple[str | Text, ...]


class TableFill:
    """Which builds the table lists and the cells it shows of each."""

    def __init__(
        self,
        table: DataTable[str | Text],
        cells: Callable[[BuildGroup, datetime], Cells],
        set_timer: Callable[[float, Callable[[], None]], Any],
    ) -> None:
        self.table = table
        self._cells_of = cells
        self._set_timer = set_timer
        self.keys: list[str] = []
        self.cells: dict[str, Cells] = {}  # the rows added so far
        self.groups: dict[str, BuildGroup] = {}  # listed, by key (the rows not added yet too)
        self._rest: list[str] = []
        self._token = 0

    def show(self, shown: list[BuildGroup], now: datetime, cursor: str | None) -> None:
        """List ``shown`` (in that order), the cursor kept on the ``cursor`` build."""
        keys = [g.key for g in shown]
        self.groups = {g.key: g for g in shown}
        if keys == self.keys:
            for group in shown:
                if group.key in self.cells:  # the rows not added yet come later
                    self.update(group, now)
            return
        table = self.table
        table.clear()
        first = max(FIRST_ROWS, table.size.height)
        if cursor in self.groups:
            first = max(first, keys.index(cursor) + 1)
        self.cells = {g.key: self._cells_of(g, now) for g in shown[:first]}
        for key in keys[:first]:
            table.add_row(*self.cells[key], key=key)
        self.keys = keys
        self._rest = keys[first:]
        self._token += 1
        if self._rest:
            self._set_timer(REST_AFTER_S, partial(self._add_rest, self._token, now))
        if cursor in self.groups:
            table.move_cursor(row=keys.index(cursor))

    def update(self, group: BuildGroup, now: datetime) -> None:
        """Redraw the cells of ``group``'s row that changed (a row not added yet: nothing)."""
        old = self.cells.get(group.key)
        if old is None:
            return
        table = self.table
        after_cells = self._cells_of(group, now)
        for col, (before, after) in enumerate(zip(old, after_cells, strict=False)):
            if str(before) != str(after):  # only what changed is redrawn
                table.update_cell(
                    group.key, table.ordered_columns[col].key, after, update_width=True
                )
        self.cells[group.key] = after_cells

    def _add_rest(self, token: int, now: datetime) -> None:
        """The next REST_CHUNK rows not added yet; the ones after them a frame later."""
        if token != self._token:  # shown again meanwhile: that added its own rows
            return
        chunk, self._rest = self._rest[:REST_CHUNK], self._rest[REST_CHUNK:]
        for key in chunk:
            row = self._cells_of(self.groups[key], now)
            self.cells[key] = row
            self.table.add_row(*row, key=key)
        if self._rest:
            self._set_timer(REST_AFTER_S, partial(self._add_rest, token, now))
