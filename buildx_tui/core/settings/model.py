"""What the user can set once instead of repeating a flag, with its default.

:class:`Settings` holds the effective values (the defaults where the file says nothing or says
something wrong). :data:`TEMPLATE` is the file written the first time a value is remembered
(a theme chosen in the palette): every setting, commented, at its default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ColorMode(StrEnum):
    """How many colours the terminal shows: ``auto`` lets Textual ask the terminal."""

    AUTO = "auto"
    NONE = "none"  # as NO_COLOR: no colour at all (every meaning also has a mark and a word)
    C16 = "16"
    C256 = "256"
    TRUECOLOR = "truecolor"

    @property
    def textual_color_system(self) -> str | None:
        """The value of TEXTUAL_COLOR_SYSTEM for this mode (None: leave it alone)."""
        return {
            ColorMode.C16: "standard",
            ColorMode.C256: "256",
            ColorMode.TRUECOLOR: "truecolor",
        }.get(self)


#: Drivers a new builder can start with in the create wizard (`docker buildx create --driver`).
CREATE_DRIVERS = ("docker-container", "kubernetes", "remote")
DEFAULT_THEME = "textual-dark"
#: The theme that uses the terminal's own 16 ANSI colours (Textual's).
ANSI_THEME = "textual-ansi"
DEFAULT_DOCTOR_PLATFORMS = ("linux/amd64", "linux/arm64")


@dataclass(frozen=True)
class CreateDefaults:
    """What a new builder starts with in the create wizard."""

    driver: str = "docker-container"
    driver_opts: tuple[str, ...] = ()
    bootstrap: bool = True  # --bootstrap: start it at once
    use: bool = True  # --use: make it the current builder


@dataclass(frozen=True)
class Confirmations:
    """Which questions are asked before an action that loses something."""

    #: Quitting while a form or the wizard holds typed input.
    quit_with_input: bool = True
    #: Quitting while builds run (they are cancelled).
    quit_while_building: bool = True
    #: Removing a builder.
    remove_builder: bool = True
    #: Pruning build cache.
    prune: bool = True


@dataclass(frozen=True)
class Settings:
    #: Seconds between automatic refreshes of the builders list; 0 turns them off.
    refresh: float = 10.0
    #: Platforms ticked in a new build form; empty: the form's own choice.
    build_platforms: tuple[str, ...] = ()
    #: Platforms the doctor checks (emulation, probes).
    doctor_platforms: tuple[str, ...] = DEFAULT_DOCTOR_PLATFORMS
    create: CreateDefaults = field(default_factory=CreateDefaults)
    confirm: Confirmations = field(default_factory=Confirmations)
    #: A Textual theme name (the palette's "Change theme" remembers the one chosen).
    theme: str = DEFAULT_THEME
    color: ColorMode = ColorMode.AUTO
    #: Key overrides: binding id -> keys (comma-separated), e.g. ``"builders.build" = "ctrl+n"``.
    keys: dict[str, str] = field(default_factory=dict)


TEMPLATE = """\
# buildx-tui settings. Every setting is shown at its default; change a value, or delete its line
# to get the default back. `buildx-tui --settings` prints the file's path and the values in use.
# A value buildx-tui cannot use is reported when the app starts (file, line, key) and its
# default is used instead.

[builders]
# Seconds between automatic refreshes of the builders list; 0 turns them off (--refresh).
refresh = 10

[build]
# Platforms ticked in a new build form, e.g. ["linux/amd64", "linux/arm64"]; [] leaves the
# form's own choice (the builder's native platform).
platforms = []

[doctor]
# The platforms you build for: what the doctor checks emulation and probe builds for.
platforms = ["linux/amd64", "linux/arm64"]

[create]
# What a new builder starts with in the create wizard.
driver = "docker-container"  # docker-container, kubernetes or remote
driver_opts = []  # e.g. ["network=host", "memory=4g"]
bootstrap = true  # --bootstrap: start the new builder at once
use = true  # --use: make it the current builder

[confirm]
# Ask before an action that loses something (true) or go ahead (false).
quit_with_input = true  # quitting while a form or the wizard holds what you typed
quit_while_building = true  # quitting while builds run (they are cancelled)
remove_builder = true
prune = true

[ui]
# A Textual theme, e.g. textual-dark, textual-light, nord, gruvbox, textual-ansi (the
# terminal's own 16 colours). Choosing one in the command palette (ctrl+p) writes it here.
theme = "textual-dark"
# auto (ask the terminal), none (no colour, as NO_COLOR), 16, 256 or truecolor.
color = "auto"

[keys]
# Key overrides by binding id (README lists the ids: screen.action, e.g. builders.build,
# build_form.build, inspector.edit, app.quit), several keys comma-separated, e.g.
# "builders.build" = "ctrl+n"
# "app.quit" = "q,ctrl+q"
"""
