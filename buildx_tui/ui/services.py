"""The services every screen may use, typed, built once when the app is made.

A screen reaches them through ``self.services`` (:class:`AppScreen`), never through ``getattr`` on
the app, ``assert isinstance`` in each screen or a ``# type: ignore``. Tests build the app with a
fake backend, a fixed clock and a history in a temporary folder; the real app gets the docker
gateway (see ``make_app``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from weakref import WeakKeyDictionary

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer

from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.settings.model import Settings

if TYPE_CHECKING:  # annotations only: the first frame loads neither the form nor the wizard
    from buildx_tui.core.build.form import FormValues
    from buildx_tui.core.build.history import History
    from buildx_tui.core.create.draft import CreateDraft


_HISTORY_LOCK = threading.Lock()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class KeptWizard:
    """A create wizard closed with "keep": its inputs and the step it was on."""

    draft: CreateDraft
    step: int


class Drafts:
    """What the user typed in the build form and the create wizard, kept for the session (in
    memory) so that leaving a form never silently throws it away (issue #11 item 12).

    The build form's values are kept per builder: the last ones built or kept for later. The
    wizard's draft is kept per target (a new builder, or the builder a node is appended to: the
    wizard names the key) until it is created or discarded. The screens copy what they keep (a kept
    draft is never the live object a wizard edits)."""

    def __init__(self) -> None:
        self._forms: dict[str, FormValues] = {}
        self._wizards: dict[str, KeptWizard] = {}

    def form(self, builder: str) -> FormValues | None:
        return self._forms.get(builder)

    def keep_form(self, values: FormValues) -> None:
        self._forms[values.builder] = values

    def wizard(self, target: str) -> KeptWizard | None:
        return self._wizards.get(target)

    def keep_wizard(self, target: str, kept: KeptWizard) -> None:
        self._wizards[target] = kept

    def drop_wizard(self, target: str) -> None:
        self._wizards.pop(target, None)


@dataclass(frozen=True)
class Services:
    """What the screens share: the docker gateway, the build history, the clock, the settings,
    the forms' unfinished input."""

    backend: Backend
    #: The build history; None: the user's (made when first used, off the first frame's path).
    given_history: History | None = None
    clock: Callable[[], datetime] = utc_now
    #: Seconds between automatic refreshes of the builders list; 0 turns them off.
    refresh_interval: float = 10.0
    #: The build form's and the wizard's unfinished input.
    drafts: Drafts = field(default_factory=Drafts)
    #: Why nothing listens on a unix socket of this machine (None: it does); the wizard checks
    #: a unix:// endpoint with it. Tests replaying another machine's recordings give their own.
    socket_check: Callable[[str], str | None] | None = None
    #: The user's settings (settings.toml), as in effect (defaults for bad values).
    settings: Settings = field(default_factory=Settings)
    #: Where a value the user chose is remembered (a theme); None: nothing is written (tests,
    #: the demo).
    settings_path: Path | None = None

    @property
    def history(self) -> History:
        with _HISTORY_LOCK:  # workers may ask first: one History, made once
            if self.given_history is None:
                from buildx_tui.core.build.history import History

                object.__setattr__(self, "given_history", History())  # frozen: set here only
        assert self.given_history is not None
        return self.given_history


class ServicesApp(App[None]):
    """An app that holds :class:`Services` (``BuildxApp``; feature screens never import it)."""

    def __init__(self, services: Services) -> None:
        super().__init__()
        self.services = services


#: Under this many columns the footers of the app's screens are compact.
NARROW_FOOTER = 110
#: Each footer as its screen made it: compact, showing the palette key (AppScreen._footer_fits).
_AS_MADE: WeakKeyDictionary[Footer, tuple[bool, bool]] = WeakKeyDictionary()

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

    def unsaved_input(self) -> str:
        """What quitting now would lose ("the build form's changes"), or "" (most screens)."""
        return ""

    @on(events.Mount)
    def _key_overrides_fit(self) -> None:
        """Say once per screen when a key override of settings.toml takes a key another binding
        of this screen has (Textual lets it win silently)."""
        keymap = self.services.settings.keys
        if not keymap:
            return
        from buildx_tui.core.settings.keys import clashes

        bindings = [
            (b.id, b.key, b.action)
            for b in [*self.app.BINDINGS, *type(self).BINDINGS]
            if isinstance(b, Binding)
        ]
        found = clashes(bindings, keymap)
        if found:
            self.app.notify(
                f"{'; '.join(str(c) for c in found)}: the override wins, so the other binding "
                "loses that key here. Change [keys] in settings.toml.",
                title="Key clash",
                severity="warning",
                timeout=10,
            )

    @on(events.Resize)
    def _footer_fits(self, event: events.Resize) -> None:
        """Under 110 columns the footer drops the spaces around its keys and its ^p item (ctrl+p
        still opens the palette; the help lists it): its last keys were cut mid-word. Wider, it
        is as the screen made it."""
        narrow = event.size.width < NARROW_FOOTER
        for footer in self.query(Footer):
            compact, palette = _AS_MADE.setdefault(
                footer, (footer.compact, footer.show_command_palette)
            )
            footer.compact = compact or narrow
            footer.show_command_palette = palette and not narrow


class AppModalScreen(ModalScreen[ResultT]):
    """A dialog of this app that runs commands itself (log in, remove a node)."""

    @property
    def services(self) -> Services:
        return services_of(self.app)

    @property
    def backend(self) -> Backend:
        return self.services.backend
