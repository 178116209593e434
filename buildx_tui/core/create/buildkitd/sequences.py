"""Arrays and arrays of tables of a buildkitd.toml edited element by element (difflib opcodes),
so a multi-line array keeps its layout and the comments of the elements that stay.

``mirrors`` and ``ca`` are plain arrays (:class:`ArrayOps`); ``keypair`` entries are
``[[registry."h".keypair]]`` tables or an array of inline tables, edited key by key and keeping
unknown keys of the entries (:func:`edit_keypairs`). Used by :mod:`.edit`.
"""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

import tomlkit
from tomlkit.items import AoT, Array, InlineTable, Item, SingleKey, Table
from tomlkit.toml_document import TOMLDocument

from buildx_tui.core.create.buildkitd.layout import (
    Slot,
    add_line,
    delete_key,
    detach_trailing_block,
    ensure_newline_at_end,
    find_key,
    kv_indices,
    last_container,
    place_with_trailer,
    primary_slot,
)
from buildx_tui.core.create.buildkitd.model import KeyPair

T = TypeVar("T")


# --- sequences (arrays and arrays of tables) ---------------------------------------------


class _SeqOps:
    def set(self, index: int, old: Any, new: Any) -> None:
        raise NotImplementedError

    def insert(self, index: int, new: Any) -> None:
        raise NotImplementedError

    def delete(self, index: int) -> None:
        raise NotImplementedError


class ArrayOps(_SeqOps):
    def __init__(self, array: Array) -> None:
        self.array = array

    def set(self, index: int, old: Any, new: Any) -> None:
        self.array[index] = new

    def insert(self, index: int, new: Any) -> None:
        self.array.insert(index, new)

    def delete(self, index: int) -> None:
        del self.array[index]


def edit_sequence(ops: _SeqOps, old: list[T], new: list[T]) -> None:
    """Turn ``old`` into ``new`` with the fewest element operations, from the end backwards so
    earlier indices stay valid."""
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        common = min(i2 - i1, j2 - j1)
        for k in range(i2 - i1 - 1, common - 1, -1):
            ops.delete(i1 + k)
        for k in range(common, j2 - j1):
            ops.insert(i1 + k, new[j1 + k])
        for k in range(common):
            ops.set(i1 + k, old[i1 + k], new[j1 + k])


class _AoTOps(_SeqOps):
    """keypair written as ``[[registry."h".keypair]]`` tables."""

    def __init__(self, aot: AoT, header_indent: str, key_indent: str) -> None:
        self.aot = aot
        self.header_indent = header_indent
        self.key_indent = key_indent

    def set(self, index: int, old: Any, new: Any) -> None:
        _update_pair(self.aot.body[index], new, self.key_indent)

    def insert(self, index: int, new: Any) -> None:
        table = _new_pair_table(new, self.header_indent, self.key_indent)
        kept: list[Item] = []
        if index >= len(self.aot.body) and self.aot.body:
            # a new last entry takes over the block that introduced what follows the array
            kept = detach_trailing_block(last_container(self.aot.body[-1]))
            ensure_newline_at_end(last_container(self.aot.body[-1]))
        self.aot.insert(index, table)
        place_with_trailer(table, kept)

    def delete(self, index: int) -> None:
        # the comment block that introduced what follows this entry stays in front of it
        kept = detach_trailing_block(last_container(self.aot.body[index]))
        del self.aot[index]
        if not kept:
            return
        if index > 0:
            target = last_container(self.aot.body[index - 1])
            for it in kept:
                target.append(None, it)
        elif self.aot.body:
            # printed before the header of the entry that is now first
            first = self.aot.body[0]
            text = "".join(it.as_string() for it in kept)
            first.trivia.indent = text + first.trivia.indent.lstrip("\n")


class _InlinePairOps(_SeqOps):
    """keypair written as an array of inline tables: ``keypair = [{key = "..", cert = ".."}]``."""

    def __init__(self, array: Array) -> None:
        self.array = array

    def set(self, index: int, old: Any, new: Any) -> None:
        entry = self.array[index]
        if isinstance(entry, InlineTable):
            _update_pair(entry, new, "")
        else:
            self.array[index] = _inline_pair(new)

    def insert(self, index: int, new: Any) -> None:
        self.array.insert(index, _inline_pair(new))

    def delete(self, index: int) -> None:
        del self.array[index]


def _inline_pair(pair: KeyPair) -> InlineTable:
    table = tomlkit.inline_table()
    table.update({"key": pair.key, "cert": pair.cert})
    return table


def _update_pair(entry: Table | InlineTable, pair: KeyPair, indent: str) -> None:
    for name, value in (("key", pair.key), ("cert", pair.cert)):
        if name in entry.value:
            if entry[name] != value:
                entry[name] = value
        elif isinstance(entry, Table):
            add_line(entry, name, value, indent)
        else:
            entry[name] = value


def _new_pair_table(pair: KeyPair, header_indent: str, key_indent: str) -> Table:
    table = tomlkit.table()
    for name, value in (("key", pair.key), ("cert", pair.cert)):
        item = tomlkit.item(value)
        item.trivia.indent = key_indent
        table.add(name, item)
    table.trivia.indent = header_indent
    return table


def edit_keypairs(
    doc: TOMLDocument, slots: list[Slot], old: list[KeyPair], new: list[KeyPair], indent: str
) -> None:
    where = find_key(slots, "keypair")
    if not new:
        if where is not None:
            delete_key(doc, where.item, "keypair")
        return
    if where is None:
        _add_keypairs(primary_slot(slots), new, indent)
        return
    value = where.item.value.item("keypair")
    if isinstance(value, AoT):
        header_indent, key_indent = _aot_style(value, indent)
        edit_sequence(_AoTOps(value, header_indent, key_indent), old, new)
    elif isinstance(value, Array):
        edit_sequence(_InlinePairOps(value), old, new)
    else:
        where.item["keypair"] = [{"key": p.key, "cert": p.cert} for p in new]


def _aot_style(aot: AoT, indent: str) -> tuple[str, str]:
    for table in aot.body:
        header = table.trivia.indent.rsplit("\n", 1)[-1]
        for i in kv_indices(table.value):
            return header, table.value.body[i][1].trivia.indent.rsplit("\n", 1)[-1]
        return header, header + indent
    return indent, indent * 2


def _add_keypairs(slot: Slot, pairs: list[KeyPair], indent: str) -> None:
    if isinstance(slot.item, InlineTable) or slot.key.is_dotted():
        slot.item["keypair"] = [{"key": p.key, "cert": p.cert} for p in pairs]
        return
    table = slot.item
    container = table.value
    kvs = kv_indices(container)
    key_indent = indent
    if kvs:
        key_indent = container.body[kvs[-1]][1].trivia.indent.rsplit("\n", 1)[-1]
    aot = new_aot(pairs, key_indent, key_indent + indent if key_indent else "")
    # before the comment block that introduces whatever follows this table
    tail = last_container(table)
    kept = detach_trailing_block(tail)
    ensure_newline_at_end(tail)
    container.append(SingleKey("keypair"), aot)
    for it in kept:
        aot.body[-1].value.append(None, it)


def new_aot(pairs: list[KeyPair], header_indent: str, key_indent: str) -> AoT:
    aot = tomlkit.aot()
    for pair in pairs:
        aot.append(_new_pair_table(pair, header_indent, key_indent))
    return aot
