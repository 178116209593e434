"""Where things are in a buildkitd.toml parsed by tomlkit, and how lines are added, moved and
removed there without disturbing the rest: the helpers of :mod:`.edit` and :mod:`.sequences`.

* finding: the ``[registry."host"]`` tables of a host (:class:`Slot`: a host can sit in several
  places), a key among them, the indentation the file uses;
* comment blocks: a comment block at the end of a table that is separated by a blank line from
  its content introduces what follows; :func:`detach_trailing_block` takes it so it can be put
  back in front of what follows (:func:`put_back`, :func:`place_with_trailer`);
* lines: :func:`add_line` after the last key of a table, indented like it; :func:`insert_item`
  at a position (tomlkit's ``Container`` has no public "insert at position" for a key-less item,
  so this uses its ``_insert_at`` and the ``body`` list; the caller verifies the result by
  parsing it again); :func:`delete_key` with the comment block that stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Comment, InlineTable, Item, Key, Null, SingleKey, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

DEFAULT_INDENT = "  "  # the style of BuildKit's docs/buildkitd.toml.md


HostItem = Table | InlineTable


@dataclass
class Slot:
    """One place a registry's table lives: ``item`` under ``key`` in ``container`` (a host can
    have several: ``[registry."h"]`` and, further down, ``[[registry."h".keypair]]``)."""

    container: Container
    key: Key
    item: HostItem

    @property
    def plain_table(self) -> bool:
        """A ``[registry."h"]`` table we can insert lines into ourselves."""
        return (
            isinstance(self.item, Table)
            and not self.key.is_dotted()
            and not self.item.is_super_table()
        )


# --- finding things ----------------------------------------------------------------------


def registry_roots(doc: TOMLDocument) -> list[tuple[Key, HostItem]]:
    roots: list[tuple[Key, HostItem]] = []
    for key, item in doc.body:
        if key is not None and key.key == "registry" and isinstance(item, Table | InlineTable):
            roots.append((key, item))
    return roots


def host_slots(doc: TOMLDocument, host: str) -> list[Slot]:
    slots: list[Slot] = []
    for _, root in registry_roots(doc):
        container = root.value
        for key, item in container.body:
            if key is not None and key.key == host and isinstance(item, Table | InlineTable):
                slots.append(Slot(container, key, item))
    return slots


def find_key(slots: Sequence[Slot], name: str) -> Slot | None:
    for slot in slots:
        if name in slot.item.value:
            return slot
    return None


def primary_slot(slots: Sequence[Slot]) -> Slot:
    for slot in slots:
        if slot.plain_table:
            return slot
    for slot in slots:
        if isinstance(slot.item, InlineTable):
            return slot
    return slots[0]


def index_of(container: Container, item: Item) -> int:
    for i, (_, it) in enumerate(container.body):
        if it is item:
            return i
    raise LookupError("item not in container")


def _is_content(key: Key | None, item: Item) -> bool:
    return not (key is None and isinstance(item, Comment | Whitespace | Null))


def kv_indices(container: Container) -> list[int]:
    return [
        i
        for i, (k, it) in enumerate(container.body)
        if k is not None and not isinstance(it, Table | AoT | Null)
    ]


def detect_indent(doc: TOMLDocument) -> str:
    """Indentation of keys inside tables: that of the registry tables if any has keys, else
    that of any other table, else BuildKit's docs style."""
    for _, root in registry_roots(doc):
        for key, item in root.value.body:
            if key is not None and isinstance(item, Table) and not key.is_dotted():
                found = _first_kv_indent(item)
                if found is not None:
                    return found
    for key, item in doc.body:
        if key is not None and not key.is_dotted() and isinstance(item, Table | AoT):
            for table in _tables_in(item):
                found = _first_kv_indent(table)
                if found is not None:
                    return found
    return DEFAULT_INDENT


def _first_kv_indent(table: Table) -> str | None:
    for i in kv_indices(table.value):
        return table.value.body[i][1].trivia.indent.rsplit("\n", 1)[-1]
    return None


def _tables_in(item: Table | AoT) -> list[Table]:
    """``item`` and every table below it, in document order."""
    tables = list(item.body) if isinstance(item, AoT) else [item]
    out: list[Table] = []
    for table in tables:
        out.append(table)
        for key, sub in table.value.body:
            if key is not None and not key.is_dotted() and isinstance(sub, Table | AoT):
                out.extend(_tables_in(sub))
    return out


# --- trailing comment blocks -------------------------------------------------------------


def last_container(item: Table | AoT | TOMLDocument) -> Container:
    """The container whose end is the end of ``item``'s text (descends into the last
    sub-table / array-of-tables entry)."""
    container: Container = item if isinstance(item, TOMLDocument) else _as_container(item)
    while True:
        last = last_content(container)
        if last is None:
            return container
        key, it = container.body[last]
        if isinstance(it, Table) and key is not None and not key.is_dotted():
            container = it.value
        elif isinstance(it, AoT) and it.body:
            container = it.body[-1].value
        else:
            return container


def _as_container(item: Table | AoT) -> Container:
    if isinstance(item, AoT):
        return item.body[-1].value
    return item.value


def last_content(container: Container) -> int | None:
    for i in range(len(container.body) - 1, -1, -1):
        key, it = container.body[i]
        if _is_content(key, it):
            return i
    return None


def detach_trailing_block(container: Container) -> list[Item]:
    """Take the comment block at the end of ``container`` that is separated from its content
    by a blank line (it introduces what follows); the slots become Null."""
    last = last_content(container)
    start = 0 if last is None else last + 1
    body = container.body
    blank = None
    for i in range(start, len(body)):
        it = body[i][1]
        if isinstance(it, _Kept) or (isinstance(it, Whitespace) and "\n" in it.s):
            blank = i
            break
    if blank is None:
        return []
    taken: list[Item] = []
    for i in range(blank, len(body)):
        it = body[i][1]
        if not isinstance(it, Null):
            taken.append(it)
        body[i] = (None, Null())
    return taken


def ensure_newline_at_end(container: Container) -> None:
    """The last line of ``container`` must end before a table header can follow it (the file
    may have had no newline at its end)."""
    for i in range(len(container.body) - 1, -1, -1):
        it = container.body[i][1]
        if isinstance(it, Null):
            continue
        if isinstance(it, Whitespace):
            if not it.s.endswith("\n"):
                container.body[i] = (container.body[i][0], Whitespace(it.s + "\n"))
        elif not isinstance(it, Table | AoT) and "\n" not in it.trivia.trail:
            it.trivia.trail += "\n"
        return


def ensure_blank_line_at_end(container: Container) -> None:
    last = None
    for i in range(len(container.body) - 1, -1, -1):
        if not isinstance(container.body[i][1], Null):
            last = container.body[i][1]
            break
    if last is None or isinstance(last, Whitespace):
        return
    if isinstance(last, Table | AoT):
        return
    if "\n" not in last.trivia.trail:
        last.trivia.trail += "\n"
    container.append(None, Whitespace("\n"))


def put_back(doc: TOMLDocument, container: Container, index: int, kept: list[Item]) -> None:
    """Put a detached comment block where a removed item was (``container.body[index]``, now
    Null). The block starts with the blank line that separated it from the removed item; that
    line is dropped if the text before already ends with a blank line."""
    if not kept:
        return
    container.body[index] = (None, Whitespace(_MARKER))
    rendered = doc.as_string()
    before = rendered[: rendered.index(_MARKER)]
    text = "".join(it.as_string() for it in kept)
    if before == "" or before.endswith("\n\n"):
        text = _drop_leading_blank_lines(text)
    container.body[index] = (None, _Kept(text) if text else Null())


def _drop_leading_blank_lines(text: str) -> str:
    while True:
        end = text.find("\n")
        if end == -1 or text[:end].strip(" \t"):
            return text
        text = text[end + 1 :]


class _Kept(Whitespace):
    """A comment block put back where a removed item was. It stays "detached" (it introduces
    what follows) for later edits even if its leading blank line was dropped."""


_MARKER = "\x00buildx-tui-removed-table\x00"


# --- adding and deleting lines -----------------------------------------------------------


def delete_key(doc: TOMLDocument, item: HostItem, name: str) -> None:
    value = item.value.item(name)
    if isinstance(item, InlineTable) or not isinstance(value, Table | AoT):
        del item[name]
        return
    kept = detach_trailing_block(last_container(value))
    index = index_of(item.value, value)
    del item[name]
    put_back(doc, item.value, index, kept)


def add_line(table: Table, name: str, value: Any, indent: str) -> None:
    """Insert ``name = value`` after the last key of ``table``, indented like it."""
    container = table.value
    kvs = kv_indices(container)
    new_item = tomlkit.item(value)
    if kvs:
        at = kvs[-1] + 1
        new_item.trivia.indent = container.body[kvs[-1]][1].trivia.indent.rsplit("\n", 1)[-1]
    else:
        at = 0
        new_item.trivia.indent = indent
    insert_item(container, at, SingleKey(name), new_item)


def insert_item(container: Container, at: int, key: Key, item: Item) -> None:
    body = container.body
    if at > 0:
        previous = body[at - 1][1]
        if isinstance(previous, Null):
            # Null leftovers of removed keys: attach to the last real line instead
            j = at - 1
            while j > 0 and isinstance(body[j][1], Null):
                j -= 1
            previous = body[j][1]
        if (
            not isinstance(previous, Whitespace | Null)
            and "\n" not in previous.trivia.trail
            and not isinstance(item, Table | AoT)
        ):
            previous.trivia.trail += "\n"
    if at >= len(body):
        container.append(key, item)
    else:
        container._insert_at(at, key, item)


def place_with_trailer(table: Table, trailer: list[Item]) -> None:
    """Put a detached comment block at the end of a new table, so it still sits in front of
    whatever followed the table it came from."""
    if not trailer:
        return
    target = last_container(table)
    for it in trailer:
        target.append(None, it)
