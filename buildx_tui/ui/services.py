"""The services every screen may use, typed, built once when the app is made.

A screen reaches them through ``self.services`` (:class:`AppScreen`), never through ``getattr`` on
the app, ``assert isinstance`` in each screen or a ``# type: ignore``. Tests build the app with a
fake backend, a fixed clock and a history in a temporary folder; the real app gets the docker
gateway (see ``make_app``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from textual.app import App
from textual.screen import ModalScreen, Screen

from buildx_tui.core.build.history import History
from buildx_tui.core.docker.backend import Backend


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Services:
    """What the screens share: the docker gateway, the build history, the clock, the settings."""

    backend: Backend
    history: History
    clock: Callable[[], datetime] = utc_now
    #: Seconds between automatic refreshes of the builders list; 0 turns them off.
    refresh_interval: float = 10.0


class ServicesApp(App[None]):
    """An app that holds :class:`Services` (``BuildxApp``; feature screens never import it)."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services


#: The palette entries a screen offers: title, help text, what to call.
PaletteCommand = tuple[str, str, Callable[[], Any]]

ResultT = TypeVar("ResultT")


def services_of(app: App[Any]) -> Services:
    if not isinstance(app, ServicesApp):  # only when a screen is run outside BuildxApp
        raise TypeError(f"this screen needs a ServicesApp, not {type(app).__name__}")
    return app.services


class AppScreen(Screen[ResultT]):
    """A screen of this app: typed access to the services, and its command-palette entries."""

    @property
    def services(self) -> Services:
        return services_of(self.app)

    @property
    def backend(self) -> Backend:
        return self.services.backend

    def palette_commands(self) -> list[PaletteCommand]:
        """Actions offered in the command palette (ctrl+p) while this screen is on top."""
        return []


class AppModalScreen(ModalScreen[ResultT]):
    """A dialog of this app that runs commands itself (log in, remove a node)."""

    @property
    def services(self) -> Services:
        return services_of(self.app)

    @property
    def backend(self) -> Backend:
        return self.services.backend
