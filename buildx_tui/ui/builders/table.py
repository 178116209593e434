"""The builders table: one row per builder and, under it, one per node (like `buildx ls`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from buildx_tui.core.builders import Builder, LsResult, Node, NodeStatus
from buildx_tui.core.platforms import NodePlatform
from buildx_tui.ui.common.format import STATUS_ICON, STATUS_STYLE, append_platform

MAX_PLATFORMS_SHOWN = 4
MAX_ERROR_CHARS = 60
#: Narrower than this, the table drops the BUILDKIT column and shortens endpoints (both are in
#: the details panel), so PLATFORMS — what matters most here — stays on screen (80x24).
COMPACT_BELOW = 110
COMPACT_ENDPOINT = 20
COMPACT_PLATFORMS = 2


@dataclass(frozen=True)
class RowRef:
    builder: str
    node: str | None = None


def _status_text(status: NodeStatus, busy: str | None = None) -> Text:
    if busy:
        return Text(f"⟳ {busy}", style="bold cyan")
    return Text(f"{STATUS_ICON[status]} {status.value}", style=STATUS_STYLE[status])


def platforms_text(node: Node, limit: int = MAX_PLATFORMS_SHOWN) -> Text:
    """Platforms by CPU family (variants folded: ``amd64`` stands for amd64/v2..v4): native in
    green, emulated (QEMU) in yellow and marked ``~arm64``, unknown marked ``arm64?``, pinned
    with `*`; the full list is in the details panel."""
    families: dict[str, list[NodePlatform]] = {}
    for p in node.platform_info():
        family = (
            p.name.split("/")[1]
            if p.name.startswith("linux/") and p.name.count("/") >= 1
            else p.name
        )
        families.setdefault(family, []).append(p)
    text = Text()
    for i, (family, members) in enumerate(families.items()):
        if i == limit:
            text.append(f" +{len(families) - limit}", "dim")
            break
        if i:
            text.append(" ")
        append_platform(text, family, members[0].emulation, any(m.pinned for m in members))
    return text


def matches(builder: Builder, needle: str) -> bool:
    """Filter: a case-insensitive substring of the builder's or a node's name, driver, endpoint,
    status or platforms."""
    if not needle:
        return True
    needle = needle.lower()
    hay = [builder.name, builder.driver, builder.status.value]
    for n in builder.nodes:
        hay += [n.name, n.endpoint, n.effective_status.value, *n.platforms]
    return any(needle in h.lower() for h in hay)


class BuildersTable(DataTable[Text]):
    """Rows keyed ``b:<builder>`` / ``n:<builder>/<node>``; error rows are not selectable targets
    of their own (they select their builder)."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("g", "scroll_top", "Top", show=False, id="table.top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="table.bottom"),
        # A row cursor has no columns to go Home/End to: the first and last row, as in lists.
        Binding("home", "scroll_top", "First row", show=False, id="table.home"),
        Binding("end", "scroll_bottom", "Last row", show=False, id="table.end"),
    ]

    @dataclass
    class Selected(Message):
        """The cursor moved to another builder or node."""

        table: BuildersTable
        ref: RowRef | None

        @property
        def control(self) -> BuildersTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self._refs: dict[str, RowRef] = {}
        self._last_ref: RowRef | None = None
        self._restore_generation = 0
        self.compact: bool | None = None  # columns not made yet
        self._shown: tuple[LsResult | None, str, dict[str, str]] = (None, "", {})

    def _make_columns(self, compact: bool) -> None:
        self.clear(columns=True)
        self.compact = compact
        self.add_column("NAME/NODE", key="name")
        self.add_column("DRIVER/ENDPOINT", key="endpoint")
        self.add_column("STATUS", key="status")
        if not compact:
            self.add_column("BUILDKIT", key="version")
        self.add_column("PLATFORMS", key="platforms")

    def _wants_compact(self) -> bool:
        return self.app.size.width < COMPACT_BELOW

    def on_resize(self) -> None:
        if self.compact is not None and self._wants_compact() != self.compact:
            ls, needle, busy = self._shown
            self.show(ls, needle=needle, busy=busy)

    @property
    def selected(self) -> RowRef | None:
        if self.row_count == 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except Exception:
            return None
        return self._refs.get(key or "")

    def show(
        self,
        ls: LsResult | None,
        *,
        needle: str = "",
        busy: dict[str, str] | None = None,
        prefer: RowRef | None = None,
    ) -> None:
        """Replace the rows. The cursor goes to ``prefer`` if given, else stays on the same
        builder/node when it still exists."""
        busy = busy or {}
        self._shown = (ls, needle, dict(busy))
        keep = prefer or self.selected or self._last_ref
        compact = self._wants_compact()
        if compact != self.compact:
            self._make_columns(compact)
        else:
            self.clear()
        self._refs.clear()
        if ls is not None:
            for b in ls.builders:
                if matches(b, needle):
                    self._add_builder(b, busy.get(b.name))
        # Move the cursor only after the table has measured its new rows: moving it earlier
        # renders (and caches) lines with the old column widths. A select() in between wins.
        self._restore_generation += 1
        self.call_after_refresh(self._restore, keep, self._restore_generation)

    def _restore(self, keep: RowRef | None, generation: int) -> None:
        # Lines drawn before the new rows were measured were cached with the old widths.
        self._clear_caches()
        self.refresh()
        if keep is not None and generation == self._restore_generation:
            self.select(keep)
        self._emit_selected()

    def select(self, ref: RowRef) -> bool:
        """Put the cursor on ``ref`` (or its builder's row when the node is gone)."""
        self._restore_generation += 1
        for key in (self._key(ref), self._key(RowRef(ref.builder))):
            if key in self._refs:
                self.move_cursor(row=self.get_row_index(key))
                return True
        return False

    def _key(self, ref: RowRef) -> str:
        return f"n:{ref.builder}/{ref.node}" if ref.node is not None else f"b:{ref.builder}"

    def _add(self, key: str, ref: RowRef, cells: list[Text]) -> None:
        """``cells``: name, endpoint, status, version, platforms (version dropped when compact)."""
        self._refs[key] = ref
        if self.compact:
            endpoint = cells[1].copy()
            endpoint.truncate(COMPACT_ENDPOINT, overflow="ellipsis")
            cells = [cells[0], endpoint, cells[2], cells[4]]
        self.add_row(*cells, key=key)

    def _add_builder(self, b: Builder, busy: str | None) -> None:
        name = Text()
        name.append(b.name, "bold")
        if b.current:
            name.append(" *", "bold magenta")
        ref = RowRef(b.name)
        self._add(
            self._key(ref),
            ref,
            [
                name,
                Text(b.driver or "?", "bold"),
                _status_text(b.status, busy),
                Text(""),
                Text(""),
            ],
        )
        if b.error:
            self._add(
                f"e:{b.name}", ref, [Text("  ⚠ error", "red"), *_blank(3), _error_cell(b.error)]
            )
        for n in b.nodes:
            nref = RowRef(b.name, n.name)
            self._add(
                self._key(nref),
                nref,
                [
                    Text(f"  └ {n.name}"),
                    Text(n.endpoint, "dim" if not n.endpoint else ""),
                    _status_text(n.effective_status, busy),
                    Text(n.version, "dim"),
                    platforms_text(n, COMPACT_PLATFORMS if self.compact else MAX_PLATFORMS_SHOWN),
                ],
            )
            if n.error:
                self._add(
                    f"e:{b.name}/{n.name}",
                    nref,
                    [Text("    ⚠ error", "red"), *_blank(3), _error_cell(n.error)],
                )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._emit_selected()

    def _emit_selected(self) -> None:
        ref = self.selected
        if ref is not None:
            self._last_ref = ref
        self.post_message(self.Selected(self, ref))


def _error_cell(error: str) -> Text:
    first = error.strip().splitlines()[0] if error.strip() else ""
    if len(first) > MAX_ERROR_CHARS:
        first = first[: MAX_ERROR_CHARS - 1] + "…"
    return Text(first, "red")


def _blank(n: int) -> list[Text]:
    return [Text("") for _ in range(n)]
