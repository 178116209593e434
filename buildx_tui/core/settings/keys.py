"""Key overrides that take a key another binding of the same screen already has.

Textual applies a keymap by binding id, but it only reports a clash with a binding that has no
id: every binding of this app has one, so a key given to ``builders.build`` that
``builders.inspect`` also has would silently take it (the inspector's key stops working). The
screens check their own bindings with :func:`clashes` and say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: How Textual names the printable keys a BINDINGS entry may spell either way.
_NAMES = {"?": "question_mark", "/": "slash", "+": "plus", "-": "minus", ",": "comma"}


def key_names(keys: str) -> list[str]:
    return [_NAMES.get(k.strip(), k.strip()) for k in keys.split(",") if k.strip()]


@dataclass(frozen=True)
class Clash:
    override: str  # the binding id given the key in settings.toml
    key: str
    other: str  # the id (or action) of the binding that already had it

    def __str__(self) -> str:
        return f"{self.key} of {self.override} is also {self.other}'s"


def clashes(
    bindings: Iterable[tuple[str | None, str, str]], keymap: Mapping[str, str]
) -> list[Clash]:
    """``bindings``: (id, keys, action) of one screen (its own and the app's). A key the keymap
    gives to a binding that a binding not itself remapped already has."""
    listed = list(bindings)
    ids = {binding_id for binding_id, _, _ in listed if binding_id}
    out: list[Clash] = []
    for override, keys in keymap.items():
        if override not in ids:
            continue
        for key in key_names(keys):
            for other_id, other_keys, action in listed:
                if other_id == override or (other_id and other_id in keymap):
                    continue
                if key in key_names(other_keys):
                    out.append(Clash(override, key, other_id or action))
    return out
