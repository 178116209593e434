"""BuildxApp(backend) and make_app(): the backend is injected; tests pass a fake."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.client import BuildxClient, Prefetch
from buildx_tui.core.docker.types import ClientOptions


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BuildxApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "buildx-tui"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # Textual's footer shows its own ctrl+p item; this entry is for the help screen.
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        refresh_interval: float = 10.0,
        clock: Callable[[], datetime] = _utc_now,
        subtitle: str = "",
    ) -> None:
        super().__init__()
        self.backend = backend
        self.refresh_interval = refresh_interval
        self.clock = clock
        self.sub_title = subtitle

    def on_mount(self) -> None:
        from buildx_tui.ui.builders.screen import BuildersScreen

        self.push_screen(BuildersScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers the actions of the screen it was opened on (each screen lists
        them in `palette_commands()`), then Textual's own."""
        palette_commands = getattr(screen, "palette_commands", None)
        if callable(palette_commands):
            for title, help_text, callback in palette_commands():
                yield SystemCommand(title, help_text, callback)
        yield from super().get_system_commands(screen)


def describe_target(options: ClientOptions) -> str:
    if options.host:
        return f"host {options.host}"
    if options.context:
        return f"context {options.context}"
    return ""


def make_app(
    options: ClientOptions | None = None,
    *,
    prefetch: Prefetch | None = None,
    refresh_interval: float = 10.0,
) -> BuildxApp:
    options = options or ClientOptions()
    client = BuildxClient(options, prefetch=prefetch)
    return BuildxApp(client, refresh_interval=refresh_interval, subtitle=describe_target(options))
