"""`?`: every key binding of the screen below, with what it does, and the colour legend."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from buildx_tui.ui.navigation import OpenAbout

LEGEND = [
    ("● running", "bold green", "the node's BuildKit is up"),
    ("○ inactive", "dim", "not started yet (bootstrap starts it) or unreachable remote"),
    ("■ stopped", "yellow", "the BuildKit container exists but is stopped"),
    ("✖ error", "bold red", "buildx could not reach the node: the error is shown under it"),
    ("amd64", "green", "a platform the node runs natively"),
    ("~arm64", "yellow", "a platform the node runs under QEMU emulation (slower); ~ marks it"),
    ("mips64?", "dim", "not known whether native or emulated (a remote node's host)"),
    (
        "*",
        "bold magenta",
        "after a builder: the current builder; after a platform: pinned "
        "with `create --platform` (not the same as native!)",
    ),
]


_KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "escape": "Esc",
    "delete": "Del",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "↑",
    "down": "↓",
    "home": "Home",
    "end": "End",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
}


def key_label(key: str) -> str:
    """How a key is written for people: ``question_mark`` -> ``?``, ``f1`` -> ``F1``."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key[:1] == "f" and key[1:].isdigit():
        return key.upper()
    return key


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
        Binding("v", "about", "Versions", id="help.about"),
    ]

    #: (sample, style, meaning) rows of the colour legend; screens with their own pass theirs.
    LEGEND: list[tuple[str, str, str]] = LEGEND

    def __init__(self, groups: Iterable[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        self._groups = [(title, list(bindings)) for title, bindings in groups]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Label("buildx-tui — keys", id="help-title")
            yield Static(
                Text.assemble(
                    ("v", "bold cyan"),
                    "  versions of docker, the engine, buildx and each node's BuildKit "
                    "(also: ctrl+p → About: versions)\n",
                ),
                id="help-about",
            )
            yield Static(self._table(), id="help-keys")
            yield Static(self._legend(), id="help-legend")
            yield Label("Esc, q or ? closes this help.", id="help-footer")

    def _table(self) -> Table:
        table = Table(box=None, padding=(0, 2), show_header=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for title, bindings in self._groups:
            table.add_row(Text(title, "bold underline"), "")
            seen: set[str] = set()
            for b in bindings:
                if not isinstance(b, Binding) or not b.description:
                    continue
                keys = ", ".join(key_label(k.strip()) for k in b.key.split(","))
                if keys in seen:
                    continue
                seen.add(keys)
                table.add_row(keys, b.description)
            table.add_row("", "")
        return table

    def _legend(self) -> Table:
        table = Table(
            box=None,
            padding=(0, 2),
            show_header=False,
            title="Legend",
            title_justify="left",
            title_style="bold underline",
        )
        table.add_column(no_wrap=True)
        table.add_column()
        for sample, style, meaning in self.LEGEND:
            table.add_row(Text(sample, style), meaning)
        return table

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)

    def action_about(self) -> None:
        self.post_message(OpenAbout())  # the app opens it, over this help
