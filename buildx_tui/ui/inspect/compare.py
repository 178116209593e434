"""Two references side by side: which platforms they have and whether the digests are the same."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from buildx_tui.core.inspect.imagetools import single_platform_index
from buildx_tui.core.inspect.manifest.compare import DiffStatus, IndexComparison
from buildx_tui.core.inspect.manifest.model import ImageConfig, ImageIndex, ImageManifest
from buildx_tui.core.reference import InspectError
from buildx_tui.ui.inspect import labels as lb

_STATUS = {
    DiffStatus.SAME: ("= same", "green"),
    DiffStatus.DIFFERENT: ("≠ differs", "bold yellow"),
    DiffStatus.ONLY_LEFT: ("only in A", "bold red"),
    DiffStatus.ONLY_RIGHT: ("only in B", "bold red"),
}
COLUMNS = ("platform", "A", "B", "")


@dataclass(frozen=True)
class Side:
    """One reference of the comparison, with its index (a single-platform image stands as a
    one-entry index) or why it could not be read."""

    reference: str
    index: ImageIndex | None = None
    single: bool = False
    error: InspectError | None = None
    skipped: bool = False  # not inspected: the other reference is malformed


@dataclass
class CompareSide:
    """One reference of a comparison while it loads: its document, and for a single-platform
    image its config (which says the platform)."""

    reference: str
    document: ImageIndex | ImageManifest | None = None
    config: ImageConfig | None = None
    error: InspectError | None = None
    waiting: bool = True
    skipped: bool = False

    def side(self) -> Side:
        if self.error is not None:
            return Side(self.reference, error=self.error)
        if self.skipped:
            return Side(self.reference, skipped=True)
        if isinstance(self.document, ImageIndex):
            return Side(self.reference, self.document)
        if isinstance(self.document, ImageManifest) and not self.waiting:
            return Side(self.reference, single_platform_index(self.document, self.config), True)
        return Side(self.reference)


class ManifestCompare(Vertical):
    """A summary and one row per platform: A's digest, B's digest, same or not."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.left: Side | None = None
        self.right: Side | None = None
        self.comparison: IndexComparison | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="compare-summary")
        table: DataTable[Text] = DataTable(
            id="compare-table", cursor_type="cell", zebra_stripes=True
        )
        yield table

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#compare-table", DataTable)

    def show_loading(self, left: str, right: str) -> None:
        self.left = self.right = None
        self.comparison = None
        self.table.clear(columns=True)
        self.query_one("#compare-summary", Static).update(
            Text.assemble(
                ("⟳ comparing ", "dim italic"),
                ("A ", "bold"),
                left,
                ("  with  ", "dim italic"),
                ("B ", "bold"),
                right,
            )
        )

    def show(self, left: Side, right: Side, comparison: IndexComparison | None) -> None:
        self.left, self.right, self.comparison = left, right, comparison
        self.query_one("#compare-summary", Static).update(self._summary(left, right, comparison))
        table = self.table
        table.clear(columns=True)
        if comparison is None:
            return
        for name in COLUMNS:
            table.add_column(name, key=name or "status")
        for entry in comparison.entries:
            label, style = _STATUS[entry.status]
            table.add_row(
                Text(entry.platform, lb.PLATFORM_STYLE),
                _digest(entry.left_digest, entry.status),
                _digest(entry.right_digest, entry.status),
                Text(label, style),
                key=entry.platform,
            )

    def _summary(self, left: Side, right: Side, comparison: IndexComparison | None) -> Group:
        lines = [_side_line("A", left), _side_line("B", right)]
        if comparison is not None and left.index is not None and right.index is not None:
            lines.append(_verdict(left.index, right.index, comparison))
        return Group(*lines)

    def selected_digest(self) -> tuple[str, str] | None:
        """``(what, digest)`` of the cell under the cursor (A's on the platform column)."""
        if self.comparison is None or not self.comparison.entries:
            return None
        row, column = self.table.cursor_coordinate
        if not 0 <= row < len(self.comparison.entries):
            return None
        entry = self.comparison.entries[row]
        if column == 2 and entry.right_digest:
            return f"{entry.platform} manifest of B", entry.right_digest
        if entry.left_digest:
            return f"{entry.platform} manifest of A", entry.left_digest
        if entry.right_digest:
            return f"{entry.platform} manifest of B", entry.right_digest
        return None

    def selected_side(self) -> Side | None:
        """B when the cursor is on B's column, else A."""
        column = self.table.cursor_coordinate.column
        return self.right if column == 2 else self.left


def _digest(digest: str | None, status: DiffStatus) -> Text:
    if digest is None:
        return Text("—", "dim")
    return Text(lb.short_digest(digest), "yellow" if status is DiffStatus.DIFFERENT else "")


def _side_line(name: str, side: Side) -> Text:
    text = Text.assemble((f"{name}  ", "bold"), (side.reference, "bold"), "  ")
    if side.error is not None:
        text.append("✖ " + side.error.message, "red")
        if side.error.hint:
            text.append("  " + side.error.hint, "dim")
        return text
    if side.skipped:
        text.append("· not inspected: fix the other reference first", "dim")
        return text
    index = side.index
    if index is None:
        text.append("⟳ loading…", "dim italic")
        return text
    if side.single:
        text.append("single-platform image ", "yellow")
        text.append(lb.short_digest(index.digest), lb.DIGEST_STYLE)
    else:
        text.append(lb.media_name(index.media_type) + " ", "magenta")
        text.append(lb.short_digest(index.digest), lb.DIGEST_STYLE)
        text.append("  " + lb.plural(len(index.platforms), "platform"), "italic")
    return text


def _verdict(left: ImageIndex, right: ImageIndex, comparison: IndexComparison) -> Text:
    if left.digest is not None and left.digest == right.digest:
        return Text(
            "✔ identical: both resolve to the same digest, so every platform and attestation "
            "is the same",
            "bold green",
        )
    parts = []
    for names, verb in (
        (comparison.different, "differs" if len(comparison.different) == 1 else "differ"),
        (comparison.only_left, "only in A"),
        (comparison.only_right, "only in B"),
        (comparison.same, "the same"),
    ):
        if names:
            parts.append(f"{', '.join(names)}: {verb}")
    if comparison.identical:
        head = Text("✔ every platform has the same digest ", "bold green")
        tail = "(the indexes themselves differ: attestations or annotations)"
        return Text.assemble(head, (tail, "dim"))
    return Text("≠ " + "; ".join(parts), "bold yellow")
