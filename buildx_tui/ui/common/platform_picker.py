"""Platform checkboxes for a builder: native first, emulated ones marked slower, the ones it does
not list marked "may build?" (what is known, and how to be sure, in their tooltip: a platform
the builder does not list may still build under QEMU)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from buildx_tui.core.build.platform_choices import PlatformChoice, Support
from buildx_tui.ui.common.toggles import Checkbox

SUPPORT_LABEL = {
    Support.NATIVE: ("native", "green"),
    Support.EMULATED: ("QEMU · slower", "yellow"),
    Support.UNKNOWN: ("", "dim"),
    Support.UNLISTED: ("? not listed: may build", "yellow"),
}


def checkbox_id(name: str) -> str:
    return "plat-" + "".join(c if c.isalnum() else "-" for c in name)


def choice_label(choice: PlatformChoice) -> Text:
    text, style = SUPPORT_LABEL[choice.support]
    listed = choice.support is not Support.UNLISTED
    label = Text(f"{choice.name:<14}", "bold" if listed else "")
    if text:
        label.append(f" {text}", style)
    if choice.pinned:
        label.append(" · pinned", "cyan")
    return label


class PlatformPicker(Vertical):
    """Emits `Changed` with the ticked platforms, in the order shown."""

    DEFAULT_CSS = """
    PlatformPicker { height: auto; }
    PlatformPicker Checkbox {
        height: 1; border: none; padding: 0; margin: 0; background: transparent;
    }
    PlatformPicker #platform-note { color: $text-muted; height: auto; }
    """

    @dataclass
    class Changed(Message):
        picker: PlatformPicker
        selected: tuple[str, ...]

        @property
        def control(self) -> PlatformPicker:
            return self.picker

    def __init__(
        self,
        choices: Sequence[PlatformChoice] = (),
        selected: Iterable[str] = (),
        *,
        note: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.choices = list(choices)
        self._selected = set(selected)
        self.note = note  # how to get the platforms the builder lacks

    def compose(self) -> ComposeResult:
        yield from self._boxes()

    def _boxes(self) -> list[Static | Checkbox]:
        widgets: list[Static | Checkbox] = []
        for choice in self.choices:
            box = Checkbox(
                choice_label(choice),
                value=choice.name in self._selected,
                id=checkbox_id(choice.name),
                compact=True,
            )
            tip = "\n".join(t for t in (choice.reason, choice.fix) if t)
            if tip:
                box.tooltip = tip
            widgets.append(box)
        unknown = next((c for c in self.choices if c.support is Support.UNKNOWN), None)
        if unknown is not None and unknown.reason:
            widgets.append(Static(unknown.reason, id="platform-note"))
        elif self.note and any(c.support is Support.UNLISTED for c in self.choices):
            widgets.append(Static(f"? {self.note}", id="platform-note"))
        return widgets

    async def set_choices(
        self, choices: Sequence[PlatformChoice], selected: Iterable[str], note: str = ""
    ) -> None:
        """Show another builder's platforms; keeps the ticks that still apply."""
        self.choices = list(choices)
        self._selected = set(selected)
        self.note = note
        await self.remove_children()
        await self.mount_all(self._boxes())

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.choices if c.name in self._selected)

    @property
    def offered(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.choices)

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        event.stop()
        name = next(
            (c.name for c in self.choices if checkbox_id(c.name) == event.checkbox.id), None
        )
        if name is None:
            return
        if event.value:
            self._selected.add(name)
        else:
            self._selected.discard(name)
        self.post_message(self.Changed(self, self.selected))
