"""Key overrides that take another binding's key (Textual reports none for bindings with ids)."""

from __future__ import annotations

from buildx_tui.core.settings.keys import Clash, clashes, key_names

SCREEN = [
    ("builders.build", "n", "new_build"),
    ("builders.inspect", "i", "inspect"),
    ("builders.help", "f1,question_mark", "help"),
    (None, "up,down", ""),
]


def test_a_key_another_binding_has_is_a_clash():
    assert clashes(SCREEN, {"builders.build": "i"}) == [
        Clash("builders.build", "i", "builders.inspect")
    ]
    assert clashes(SCREEN, {"builders.build": "?"}) == [
        Clash("builders.build", "question_mark", "builders.help")
    ]


def test_a_free_key_a_swap_and_an_unknown_id_are_no_clash():
    assert clashes(SCREEN, {"builders.build": "ctrl+n"}) == []
    assert clashes(SCREEN, {"builders.build": "i", "builders.inspect": "n"}) == []
    assert clashes(SCREEN, {"inspector.edit": "n"}) == []


def test_key_names_as_textual_writes_them():
    assert key_names("?, ctrl+n,/") == ["question_mark", "ctrl+n", "slash"]
