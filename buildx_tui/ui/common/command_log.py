"""The command log: every docker command the UI runs, as the exact command line, with its outcome.

It teaches the CLI: whatever a key press does, the user sees (and can copy) what to type.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import count

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widgets import Static

MAX_ENTRIES = 100
MAX_TAIL_LINES = 4


class EntryState(StrEnum):
    RUNNING = "running"
    OK = "ok"
    FAILED = "failed"
    CANCELLED = "cancelled"


_STATE_MARK = {
    EntryState.RUNNING: ("⟳", "bold cyan"),
    EntryState.OK: ("✔", "bold green"),
    EntryState.FAILED: ("✖", "bold red"),
    EntryState.CANCELLED: ("⊘", "yellow"),
}


@dataclass
class Entry:
    id: int
    command: str
    state: EntryState = EntryState.RUNNING
    duration_s: float | None = None
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_TAIL_LINES))
    note: str = ""

    def render(self) -> Text:
        mark, style = _STATE_MARK[self.state]
        text = Text()
        text.append(f"{mark} ", style)
        text.append("$ ", "dim")
        text.append(self.command, "bold" if self.state is EntryState.RUNNING else "")
        if self.duration_s is not None:
            text.append(f"  {self.duration_s:.1f}s", "dim")
        if self.note:
            text.append(f"  {self.note}", style)
        if self.state is not EntryState.OK:
            for line in self.tail:
                text.append("\n    " + line, "red" if self.state is EntryState.FAILED else "dim")
        return text


class CommandLog(VerticalScroll):
    """Newest entry at the bottom; keeps the last MAX_ENTRIES."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: deque[Entry] = deque(maxlen=MAX_ENTRIES)
        self._ids = count(1)
        self._body = Static("", id="command-log-body")
        self.border_title = "Commands (what each key runs)"

    def compose(self) -> ComposeResult:
        yield self._body

    def watch_virtual_size(self, old: Size, new: Size) -> None:
        """The body grew (an entry or its output came): show its end, once the layout knows
        the new size. A scroll_end asked for with the update ran after the next refresh,
        which came before or after that layout depending on timing: the log showed one part
        or another from one run to the next."""
        if new.height > old.height:
            self.call_later(self.scroll_end, animate=False, immediate=True)

    def start(self, command: str) -> int:
        entry = Entry(next(self._ids), command)
        self.entries.append(entry)
        self._refresh_body()
        return entry.id

    def record(self, command: str, state: EntryState, duration_s: float, tail: str = "") -> int:
        """A command that already ran (in a dialog): its entry, finished."""
        entry_id = self.start(command)
        self.finish(entry_id, state, duration_s, tail=tail)
        return entry_id

    def line(self, entry_id: int, line: str) -> None:
        entry = self._find(entry_id)
        if entry is not None and line.strip():
            entry.tail.append(line.rstrip())
            self._refresh_body()

    def finish(
        self, entry_id: int, state: EntryState, duration_s: float, tail: str = "", note: str = ""
    ) -> None:
        entry = self._find(entry_id)
        if entry is None:
            return
        entry.state = state
        entry.duration_s = duration_s
        entry.note = note
        if tail:
            entry.tail.clear()
            for ln in tail.splitlines()[-MAX_TAIL_LINES:]:
                entry.tail.append(ln)
        self._refresh_body()

    def last_command(self) -> str | None:
        return self.entries[-1].command if self.entries else None

    def _find(self, entry_id: int) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def _refresh_body(self) -> None:
        self._body.update(Group(*(e.render() for e in self.entries)))
        self.scroll_end(animate=False)  # and again once its new size is laid out (above)
