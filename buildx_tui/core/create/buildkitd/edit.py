"""Apply a :class:`BuildkitdConfig` onto the text of a buildkitd.toml with tomlkit, touching only
what changed.

How edits land (the rest of the document is left exactly as parsed):

* a changed scalar (``debug``, ``http``, ``insecure``) is replaced in place: indentation and the
  comment at the end of its line stay; a value set back to ``None`` removes its line;
* a changed array (``mirrors``, ``ca``) is edited element by element (difflib opcodes), so a
  multi-line array keeps its layout and the comments of the elements that stay; an array that
  becomes empty removes its line;
* ``keypair`` entries are edited the same way, key by key, keeping unknown keys of the entries;
* a new key goes after the last key of its table (before sub-tables and before a trailing comment
  block), indented like its neighbours;
* a new registry table goes after the last registry table; a comment block that was separated by
  a blank line from the end of that table (it introduces what follows) stays in front of what
  follows;
* a removed registry takes its header, its keys and the comments attached to them; a comment block
  at its end that is separated by a blank line stays where it was.

tomlkit's ``Container`` has no public "insert at position" for a key-less item, so this module uses
its ``_insert_at`` and the ``body`` list; the caller verifies the result by parsing it again.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import tomlkit
from tomlkit.container import Container
from tomlkit.items import (
    AoT,
    Array,
    Comment,
    InlineTable,
    Item,
    Key,
    KeyType,
    Null,
    SingleKey,
    Table,
    Whitespace,
)
from tomlkit.toml_document import TOMLDocument

from buildx_tui.core.create.buildkitd.model import (
    BuildkitdConfig,
    ConfigError,
    ConfigProblem,
    KeyPair,
    RegistryConfig,
)

DEFAULT_INDENT = "  "  # the style of BuildKit's docs/buildkitd.toml.md

HostItem = Table | InlineTable
T = TypeVar("T")


@dataclass
class _Slot:
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


def edit_document(text: str, old: BuildkitdConfig, new: BuildkitdConfig) -> str:
    """Return ``text`` with the modelled part changed from ``old`` (what ``text`` holds) to
    ``new``. Raises :class:`ConfigError` if tomlkit cannot reproduce ``text`` exactly, and
    tomlkit's own exceptions if it cannot edit the layout (the caller turns them into a
    ``ConfigError`` and checks the result)."""
    doc = tomlkit.parse(text)
    _check_round_trip(text, doc.as_string())
    indent = _detect_indent(doc)

    if old.debug != new.debug:
        _set_top_level(doc, "debug", new.debug)

    for host in old.registries:
        if host not in new.registries:
            _remove_host(doc, host)

    for host, reg in new.registries.items():
        before = old.registries.get(host)
        if before is None:
            _add_host(doc, host, reg, indent)
        elif before != reg:
            _edit_host(doc, host, before, reg, indent)

    out = doc.as_string()
    if text:
        # same number of newlines at the end of the file as before (tables added or removed
        # at the end move the blank lines around)
        out = out.rstrip("\n") + "\n" * (len(text) - len(text.rstrip("\n")))
    return out


def _check_round_trip(text: str, rendered: str) -> None:
    """tomlkit must reproduce the file exactly before we edit it. It does not when an explicit
    ``[a]`` has an ``[[a.b]]`` child and either header has spaces inside its brackets: the child
    is re-rendered with the parent's spelling (python-poetry/tomlkit#291)."""
    if rendered == text:
        return
    ours, theirs = text.splitlines(), rendered.splitlines()
    line = next(
        (i for i, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b),
        min(len(ours), len(theirs)),
    )
    shown = ours[line] if line < len(ours) else ""
    raise ConfigError(
        ConfigProblem(
            "",
            f"buildx-tui cannot edit this file without rewriting this line ({shown.strip()!r}); "
            "write the table headers without spaces inside the brackets (like "
            '[registry."h"] and [[registry."h".keypair]]) or edit the file by hand',
            "error",
            line + 1,
        )
    )


# --- finding things ----------------------------------------------------------------------


def _registry_roots(doc: TOMLDocument) -> list[tuple[Key, HostItem]]:
    roots: list[tuple[Key, HostItem]] = []
    for key, item in doc.body:
        if key is not None and key.key == "registry" and isinstance(item, Table | InlineTable):
            roots.append((key, item))
    return roots


def _host_slots(doc: TOMLDocument, host: str) -> list[_Slot]:
    slots: list[_Slot] = []
    for _, root in _registry_roots(doc):
        container = root.value
        for key, item in container.body:
            if key is not None and key.key == host and isinstance(item, Table | InlineTable):
                slots.append(_Slot(container, key, item))
    return slots


def _find_key(slots: Sequence[_Slot], name: str) -> _Slot | None:
    for slot in slots:
        if name in slot.item.value:
            return slot
    return None


def _primary(slots: Sequence[_Slot]) -> _Slot:
    for slot in slots:
        if slot.plain_table:
            return slot
    for slot in slots:
        if isinstance(slot.item, InlineTable):
            return slot
    return slots[0]


def _index_of(container: Container, item: Item) -> int:
    for i, (_, it) in enumerate(container.body):
        if it is item:
            return i
    raise LookupError("item not in container")


def _is_content(key: Key | None, item: Item) -> bool:
    return not (key is None and isinstance(item, Comment | Whitespace | Null))


def _kv_indices(container: Container) -> list[int]:
    return [
        i
        for i, (k, it) in enumerate(container.body)
        if k is not None and not isinstance(it, Table | AoT | Null)
    ]


def _detect_indent(doc: TOMLDocument) -> str:
    """Indentation of keys inside tables: that of the registry tables if any has keys, else
    that of any other table, else BuildKit's docs style."""
    for _, root in _registry_roots(doc):
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
    for i in _kv_indices(table.value):
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


def _last_container(item: Table | AoT | TOMLDocument) -> Container:
    """The container whose end is the end of ``item``'s text (descends into the last
    sub-table / array-of-tables entry)."""
    container: Container = item if isinstance(item, TOMLDocument) else _as_container(item)
    while True:
        last = _last_content(container)
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


def _last_content(container: Container) -> int | None:
    for i in range(len(container.body) - 1, -1, -1):
        key, it = container.body[i]
        if _is_content(key, it):
            return i
    return None


def _detach_trailing_block(container: Container) -> list[Item]:
    """Take the comment block at the end of ``container`` that is separated from its content
    by a blank line (it introduces what follows); the slots become Null."""
    last = _last_content(container)
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


def _ensure_newline_at_end(container: Container) -> None:
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


def _ensure_blank_line_at_end(container: Container) -> None:
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


# --- top level ---------------------------------------------------------------------------


def _set_top_level(doc: TOMLDocument, name: str, value: bool | None) -> None:
    if value is None:
        if name in doc:
            doc.remove(name)
    else:
        doc[name] = value


# --- removing a registry -----------------------------------------------------------------


def _remove_host(doc: TOMLDocument, host: str) -> None:
    # One host can sit twice in the same container ([registry."h"] and, after other tables,
    # [[registry."h".keypair]]); Container.remove() drops every entry of a key at once, so plan
    # first, then remove once per container.
    plan: list[tuple[Container, int, Key, list[Item]]] = []
    for slot in _host_slots(doc, host):
        kept: list[Item] = []
        if isinstance(slot.item, Table) and not slot.key.is_dotted():
            kept = _detach_trailing_block(_last_container(slot.item))
        plan.append((slot.container, _index_of(slot.container, slot.item), slot.key, kept))
    done: list[Container] = []
    for container, _, key, _ in plan:
        if not any(c is container for c in done):
            container.remove(key)
            done.append(container)
    for container, index, _, kept in plan:
        _put_back(doc, container, index, kept)


def _put_back(doc: TOMLDocument, container: Container, index: int, kept: list[Item]) -> None:
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


# --- editing a registry ------------------------------------------------------------------


def _edit_host(
    doc: TOMLDocument, host: str, old: RegistryConfig, new: RegistryConfig, indent: str
) -> None:
    slots = _host_slots(doc, host)
    if not slots:  # the model came from this text, so this cannot happen; be loud if it does
        raise LookupError(f"registry {host!r} not found in the document")
    for name in ("mirrors", "http", "insecure", "ca"):
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        where = _find_key(slots, name)
        if after is None or after == []:
            if where is not None:
                _delete_key(doc, where.item, name)
        elif where is None:
            _add_key(_primary(slots), name, after, indent)
        elif isinstance(after, list):
            value = where.item.value.item(name)
            if isinstance(value, Array):
                _edit_sequence(_ArrayOps(value), list(before), list(after))
            else:
                where.item[name] = after
        else:
            where.item[name] = after
    if old.keypairs != new.keypairs:
        _edit_keypairs(doc, slots, old.keypairs, new.keypairs, indent)
    if new.is_empty() and not any(_shows(slot) for slot in _host_slots(doc, host)):
        # e.g. the last [[registry."h".keypair]] of a host that had no [registry."h"] header:
        # the model still lists the host, so the file must too
        _remove_host(doc, host)
        _add_host(doc, host, new, indent)


def _shows(slot: _Slot) -> bool:
    """Whether this slot still makes its host appear when the document is parsed."""
    if isinstance(slot.item, InlineTable) or slot.plain_table:
        return True
    return any(k is not None and not isinstance(it, Null) for k, it in slot.item.value.body)


def _delete_key(doc: TOMLDocument, item: HostItem, name: str) -> None:
    value = item.value.item(name)
    if isinstance(item, InlineTable) or not isinstance(value, Table | AoT):
        del item[name]
        return
    kept = _detach_trailing_block(_last_container(value))
    index = _index_of(item.value, value)
    del item[name]
    _put_back(doc, item.value, index, kept)


def _add_key(slot: _Slot, name: str, value: Any, indent: str) -> None:
    if slot.plain_table:
        _add_line(cast(Table, slot.item), name, value, indent)
    else:
        slot.item[name] = value


def _add_line(table: Table, name: str, value: Any, indent: str) -> None:
    """Insert ``name = value`` after the last key of ``table``, indented like it."""
    container = table.value
    kvs = _kv_indices(container)
    new_item = tomlkit.item(value)
    if kvs:
        at = kvs[-1] + 1
        new_item.trivia.indent = container.body[kvs[-1]][1].trivia.indent.rsplit("\n", 1)[-1]
    else:
        at = 0
        new_item.trivia.indent = indent
    _insert(container, at, SingleKey(name), new_item)


def _insert(container: Container, at: int, key: Key, item: Item) -> None:
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


# --- sequences (arrays and arrays of tables) ---------------------------------------------


class _SeqOps:
    def set(self, index: int, old: Any, new: Any) -> None:
        raise NotImplementedError

    def insert(self, index: int, new: Any) -> None:
        raise NotImplementedError

    def delete(self, index: int) -> None:
        raise NotImplementedError


class _ArrayOps(_SeqOps):
    def __init__(self, array: Array) -> None:
        self.array = array

    def set(self, index: int, old: Any, new: Any) -> None:
        self.array[index] = new

    def insert(self, index: int, new: Any) -> None:
        self.array.insert(index, new)

    def delete(self, index: int) -> None:
        del self.array[index]


def _edit_sequence(ops: _SeqOps, old: list[T], new: list[T]) -> None:
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
            kept = _detach_trailing_block(_last_container(self.aot.body[-1]))
            _ensure_newline_at_end(_last_container(self.aot.body[-1]))
        self.aot.insert(index, table)
        _place_with_trailer(table, kept)

    def delete(self, index: int) -> None:
        # the comment block that introduced what follows this entry stays in front of it
        kept = _detach_trailing_block(_last_container(self.aot.body[index]))
        del self.aot[index]
        if not kept:
            return
        if index > 0:
            target = _last_container(self.aot.body[index - 1])
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
            _add_line(entry, name, value, indent)
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


def _edit_keypairs(
    doc: TOMLDocument, slots: list[_Slot], old: list[KeyPair], new: list[KeyPair], indent: str
) -> None:
    where = _find_key(slots, "keypair")
    if not new:
        if where is not None:
            _delete_key(doc, where.item, "keypair")
        return
    if where is None:
        _add_keypairs(_primary(slots), new, indent)
        return
    value = where.item.value.item("keypair")
    if isinstance(value, AoT):
        header_indent, key_indent = _aot_style(value, indent)
        _edit_sequence(_AoTOps(value, header_indent, key_indent), old, new)
    elif isinstance(value, Array):
        _edit_sequence(_InlinePairOps(value), old, new)
    else:
        where.item["keypair"] = [{"key": p.key, "cert": p.cert} for p in new]


def _aot_style(aot: AoT, indent: str) -> tuple[str, str]:
    for table in aot.body:
        header = table.trivia.indent.rsplit("\n", 1)[-1]
        for i in _kv_indices(table.value):
            return header, table.value.body[i][1].trivia.indent.rsplit("\n", 1)[-1]
        return header, header + indent
    return indent, indent * 2


def _add_keypairs(slot: _Slot, pairs: list[KeyPair], indent: str) -> None:
    if isinstance(slot.item, InlineTable) or slot.key.is_dotted():
        slot.item["keypair"] = [{"key": p.key, "cert": p.cert} for p in pairs]
        return
    table = slot.item
    container = table.value
    kvs = _kv_indices(container)
    key_indent = indent
    if kvs:
        key_indent = container.body[kvs[-1]][1].trivia.indent.rsplit("\n", 1)[-1]
    aot = _new_aot(pairs, key_indent, key_indent + indent if key_indent else "")
    # before the comment block that introduces whatever follows this table
    tail = _last_container(table)
    kept = _detach_trailing_block(tail)
    _ensure_newline_at_end(tail)
    container.append(SingleKey("keypair"), aot)
    for it in kept:
        aot.body[-1].value.append(None, it)


def _new_aot(pairs: list[KeyPair], header_indent: str, key_indent: str) -> AoT:
    aot = tomlkit.aot()
    for pair in pairs:
        aot.append(_new_pair_table(pair, header_indent, key_indent))
    return aot


# --- adding a registry -------------------------------------------------------------------


def _host_key(host: str) -> SingleKey:
    return SingleKey(host, t=KeyType.Basic)


def _new_host_table(reg: RegistryConfig, indent: str) -> Table:
    table = tomlkit.table()
    values: list[tuple[str, Any]] = [
        ("mirrors", reg.mirrors or None),
        ("http", reg.http),
        ("insecure", reg.insecure),
        ("ca", reg.ca or None),
    ]
    for name, value in values:
        if value is None:
            continue
        item = tomlkit.item(value)
        item.trivia.indent = indent
        table.add(name, item)
    if reg.keypairs:
        aot = _new_aot(reg.keypairs, indent, indent * 2)
        table.add(SingleKey("keypair"), aot)
        # tomlkit puts a blank line before the first [[...keypair]]; BuildKit's docs don't
        aot.body[0].trivia.indent = indent
    return table


def _add_host(doc: TOMLDocument, host: str, reg: RegistryConfig, indent: str) -> None:
    roots = _registry_roots(doc)
    inline_roots = [root for _, root in roots if isinstance(root, InlineTable)]
    if inline_roots:
        inline_roots[-1][host] = _plain_registry_dict(reg)
        return

    anchor: tuple[Container, Table] | None = None
    for root_key, root in roots:
        if root_key.is_dotted():
            continue
        for key, item in root.value.body:
            if key is not None and isinstance(item, Table) and not key.is_dotted():
                anchor = (root.value, item)

    table = _new_host_table(reg, indent)
    if anchor is not None:
        container, previous = anchor
        kept = _detach_trailing_block(_last_container(previous))
        _ensure_blank_line_at_end(_last_container(previous))
        at = _index_of(container, previous) + 1
        _place_with_trailer(table, kept)
        _insert(container, at, _host_key(host), table)
        return

    # no registry table yet: a new [registry."HOST"] at the end of the document
    last = _last_content(doc)
    tail_owner: Container = doc
    if last is not None and isinstance(doc.body[last][1], Table | AoT):
        tail_owner = _last_container(cast(Table | AoT, doc.body[last][1]))
    kept = _detach_trailing_block(tail_owner) if tail_owner is not doc else []
    _ensure_blank_line_at_end(tail_owner)
    super_table = tomlkit.table(is_super_table=True)
    super_table.append(_host_key(host), table)
    _place_with_trailer(table, kept)
    doc.append(SingleKey("registry"), super_table)


def _place_with_trailer(table: Table, trailer: list[Item]) -> None:
    """Put a detached comment block at the end of a new table, so it still sits in front of
    whatever followed the table it came from."""
    if not trailer:
        return
    target = _last_container(table)
    for it in trailer:
        target.append(None, it)


def _plain_registry_dict(reg: RegistryConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if reg.mirrors:
        out["mirrors"] = list(reg.mirrors)
    if reg.http is not None:
        out["http"] = reg.http
    if reg.insecure is not None:
        out["insecure"] = reg.insecure
    if reg.ca:
        out["ca"] = list(reg.ca)
    if reg.keypairs:
        out["keypair"] = [{"key": p.key, "cert": p.cert} for p in reg.keypairs]
    return out
