"""Columns and labelled blocks as plain `Text` lines, for panels drawn at a moment that counts.

A Rich `Table` measures every cell, then renders it twice in a `Static` (once for the height,
once to paint): the build's summary, drawn in the frame that shows the result, spent ~7 ms of
its ~23 there (a recorded build replayed). These make the same rows with string widths alone;
a `Text` of lines is what a `Static` measures and paints cheapest."""

from __future__ import annotations

from collections.abc import Sequence

from rich import get_console
from rich.text import Text

Cell = Text | str


def _text(cell: Cell) -> Text:
    return cell if isinstance(cell, Text) else Text(cell)


def wrap(text: Text, width: int) -> list[Text]:
    """``text`` folded to ``width`` cells a line (words kept whole where they fit)."""
    if width <= 0 or text.cell_len <= width:
        return [text]
    return list(text.wrap(get_console(), width, overflow="fold"))


def columns(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    width: int | None = None,
    gap: int = 2,
    header_style: str = "dim",
) -> list[Text]:
    """A header and rows, each column as wide as its widest cell, ``gap`` spaces between. With
    ``width``, a last column that does not fit folds under itself (the columns before it are
    never cut: their lines are left to the panel to wrap)."""
    table = [[Text(name, header_style) for name in header], *[[_text(c) for c in r] for r in rows]]
    count = len(header)
    widths = [max(row[i].cell_len for row in table) for i in range(count)]
    offset = sum(widths[:-1]) + gap * (count - 1)
    room = (width - offset) if width is not None else 0
    lines: list[Text] = []
    for row in table:
        line = Text()
        for i, cell in enumerate(row[:-1]):
            line.append_text(cell)
            line.append(" " * (widths[i] - cell.cell_len + gap))
        last = wrap(row[-1], room) if room >= 10 else [row[-1]]
        line.append_text(last[0])
        lines.append(line)
        lines += [Text(" " * offset).append_text(more) for more in last[1:]]
    for line in lines:
        line.rstrip()
    return lines


def labelled(
    label: Text, body: Sequence[Text], *, indent: int, width: int | None = None
) -> list[Text]:
    """``label`` in a column of ``indent`` cells, the body's lines beside it (each folded to the
    room left when ``width`` is given), as a two-column grid draws them."""
    room = (width - indent) if width is not None else 0
    lines: list[Text] = []
    for line in body:
        for part in wrap(line, room) if room >= 10 else [line]:
            head = label if not lines else Text()
            lines.append(head.copy().append(" " * (indent - head.cell_len)).append_text(part))
    return lines or [label.copy()]
