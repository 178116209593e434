"""The key footer of every screen: Textual's Footer, made again only when what it shows changed.

Textual's Footer removes and mounts all its keys (~20 widgets, each styled) on every change of the
screen's bindings: each focus change, each push and each pop, and for a screen underneath a new
one too. Opening the Builds screen made its footer four times and the builders list's once more
while the first `history ls` was being shown (~70 ms of the first frame,
bench/bench_builds_list.py). This one compares what it would show with what it shows and is made
again only when they differ; a footer under another screen waits until its screen is on top again
(Textual says the bindings changed then too).

Each of Textual's keys is also born compact (``FooterKey.compact = reactive(True)``) and told
the footer's own value once mounted: two class changes, each restyling the key (~1 ms a key,
~13 ms a footer of 13 keys, at every screen's opening and at every remake). The keys bound to
the footer's value are made with it, so they are styled once (the palette key, not bound, stays
as Textual makes it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # the keys it composes (not exported)

#: What a footer shows: its keys (binding, enabled, tooltip) and the palette key.
Shown = tuple[tuple[tuple[Binding, bool, str], ...], bool, tuple[Binding, bool, str] | None]


class AppFooter(Footer):
    """Textual's Footer, recomposed only when its keys changed (and only on the screen on top)."""

    def __init__(self, *, compact: bool = False, show_command_palette: bool = True) -> None:
        super().__init__(compact=compact, show_command_palette=show_command_palette)
        self._made: Shown | None = None
        self._check_pending = False

    def compose(self) -> ComposeResult:
        self._made = self.shows() if self._bindings_ready else None
        for widget in super().compose():
            if isinstance(widget, FooterKey) and "compact" in (widget._reactive_connect or {}):
                # A key bound to the footer's value is born with it and its class: the binding
                # and the first watch then change nothing (the palette key is not bound).
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def shows(self) -> Shown:
        """What a compose now would show."""
        active = self.screen.active_bindings
        keys = tuple(
            (binding, enabled, tooltip)
            for (_, binding, enabled, tooltip) in active.values()
            if binding.show
        )
        palette = None
        with_palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        if with_palette and self.app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            palette = (binding, enabled, tooltip)
        return keys, with_palette, palette

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._check_pending:
            self._check_pending = True  # several changes in one refresh: one look
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._check_pending = False
        if not self.is_attached or not self.screen.is_active:
            return  # its screen's resume says the bindings changed again
        if self.shows() != self._made:
            await self.recompose()

    def _watch_show_command_palette(self) -> None:
        if self.is_attached:
            self.bindings_changed(self.screen)
