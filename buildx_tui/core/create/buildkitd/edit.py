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

Where things are and how lines move is :mod:`.layout`'s (it uses tomlkit's private
``Container._insert_at``: the caller verifies the result by parsing it again); arrays and
``keypair`` entries are edited by :mod:`.sequences`.
"""

from __future__ import annotations

from typing import Any, cast

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Array, InlineTable, Item, Key, KeyType, Null, SingleKey, Table
from tomlkit.toml_document import TOMLDocument

from buildx_tui.core.create.buildkitd.layout import (
    Slot,
    add_line,
    delete_key,
    detach_trailing_block,
    detect_indent,
    ensure_blank_line_at_end,
    find_key,
    host_slots,
    index_of,
    insert_item,
    last_container,
    last_content,
    place_with_trailer,
    primary_slot,
    put_back,
    registry_roots,
)
from buildx_tui.core.create.buildkitd.model import (
    BuildkitdConfig,
    ConfigError,
    ConfigProblem,
    RegistryConfig,
)
from buildx_tui.core.create.buildkitd.sequences import (
    ArrayOps,
    edit_keypairs,
    edit_sequence,
    new_aot,
)


def edit_document(text: str, old: BuildkitdConfig, new: BuildkitdConfig) -> str:
    """Return ``text`` with the modelled part changed from ``old`` (what ``text`` holds) to
    ``new``. Raises :class:`ConfigError` if tomlkit cannot reproduce ``text`` exactly, and
    tomlkit's own exceptions if it cannot edit the layout (the caller turns them into a
    ``ConfigError`` and checks the result)."""
    doc = tomlkit.parse(text)
    _check_round_trip(text, doc.as_string())
    indent = detect_indent(doc)

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
    for slot in host_slots(doc, host):
        kept: list[Item] = []
        if isinstance(slot.item, Table) and not slot.key.is_dotted():
            kept = detach_trailing_block(last_container(slot.item))
        plan.append((slot.container, index_of(slot.container, slot.item), slot.key, kept))
    done: list[Container] = []
    for container, _, key, _ in plan:
        if not any(c is container for c in done):
            container.remove(key)
            done.append(container)
    for container, index, _, kept in plan:
        put_back(doc, container, index, kept)


# --- editing a registry ------------------------------------------------------------------


def _edit_host(
    doc: TOMLDocument, host: str, old: RegistryConfig, new: RegistryConfig, indent: str
) -> None:
    slots = host_slots(doc, host)
    if not slots:  # the model came from this text, so this cannot happen; be loud if it does
        raise LookupError(f"registry {host!r} not found in the document")
    for name in ("mirrors", "http", "insecure", "ca"):
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        where = find_key(slots, name)
        if after is None or after == []:
            if where is not None:
                delete_key(doc, where.item, name)
        elif where is None:
            _add_key(primary_slot(slots), name, after, indent)
        elif isinstance(after, list):
            value = where.item.value.item(name)
            if isinstance(value, Array):
                edit_sequence(ArrayOps(value), list(before), list(after))
            else:
                where.item[name] = after
        else:
            where.item[name] = after
    if old.keypairs != new.keypairs:
        edit_keypairs(doc, slots, old.keypairs, new.keypairs, indent)
    if new.is_empty() and not any(_shows(slot) for slot in host_slots(doc, host)):
        # e.g. the last [[registry."h".keypair]] of a host that had no [registry."h"] header:
        # the model still lists the host, so the file must too
        _remove_host(doc, host)
        _add_host(doc, host, new, indent)


def _shows(slot: Slot) -> bool:
    """Whether this slot still makes its host appear when the document is parsed."""
    if isinstance(slot.item, InlineTable) or slot.plain_table:
        return True
    return any(k is not None and not isinstance(it, Null) for k, it in slot.item.value.body)


def _add_key(slot: Slot, name: str, value: Any, indent: str) -> None:
    if slot.plain_table:
        add_line(cast(Table, slot.item), name, value, indent)
    else:
        slot.item[name] = value


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
        aot = new_aot(reg.keypairs, indent, indent * 2)
        table.add(SingleKey("keypair"), aot)
        # tomlkit puts a blank line before the first [[...keypair]]; BuildKit's docs don't
        aot.body[0].trivia.indent = indent
    return table


def _add_host(doc: TOMLDocument, host: str, reg: RegistryConfig, indent: str) -> None:
    roots = registry_roots(doc)
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
        kept = detach_trailing_block(last_container(previous))
        ensure_blank_line_at_end(last_container(previous))
        at = index_of(container, previous) + 1
        place_with_trailer(table, kept)
        insert_item(container, at, _host_key(host), table)
        return

    # no registry table yet: a new [registry."HOST"] at the end of the document
    last = last_content(doc)
    tail_owner: Container = doc
    if last is not None and isinstance(doc.body[last][1], Table | AoT):
        tail_owner = last_container(cast(Table | AoT, doc.body[last][1]))
    kept = detach_trailing_block(tail_owner) if tail_owner is not doc else []
    ensure_blank_line_at_end(tail_owner)
    super_table = tomlkit.table(is_super_table=True)
    super_table.append(_host_key(host), table)
    place_with_trailer(table, kept)
    doc.append(SingleKey("registry"), super_table)


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
