"""F1 (or `?` outside a text field) on the create wizard: the app's help screen with the wizard's
keys, what each step is for, and the marks it shows."""

from __future__ import annotations

from collections.abc import Iterable

from rich.markup import escape
from textual.binding import Binding, BindingType

from buildx_tui.ui.common.help import HelpScreen


def _row(what: str, meaning: str) -> Binding:
    """A row of the help table shown like a key binding (descriptions are read as Rich markup:
    ``[registry."HOST"]`` must not vanish)."""
    return Binding(what, "", escape(meaning))


WIZARD_KEYS = [
    Binding("tab,shift+tab", "", "Next / previous field"),
    Binding("enter", "", "In a text field or on the driver list: Next"),
    Binding("space", "", "Tick a checkbox or a platform, choose a driver"),
    Binding("up,down", "", "Move in a list (drivers, platforms, registries)"),
]

STEPS = [
    _row(
        "1 Name",
        "the builder's name (--name); or tick append to add a node to an existing builder "
        "(--append)",
    ),
    _row(
        "2 Driver",
        "where BuildKit runs (--driver): docker (the engine's own, no multi-platform), "
        "docker-container (a BuildKit container), kubernetes (pods), remote (a buildkitd you "
        "run); the table says what each can do",
    ),
    _row(
        "3 Endpoint",
        "which engine or buildkitd: a Docker context or host, or tcp:// / unix:// for remote, "
        "with its TLS files; Test connection tries it; Timeout (--timeout): how long buildx "
        "waits for the node's status",
    ),
    _row(
        "4 Node",
        "the node's name, the platforms to pin to it (--platform: routing, not emulation), "
        "driver options (--driver-opt: image, network=host, memory …) and --buildkitd-flags",
    ),
    _row(
        "5 Registries",
        'the builder\'s buildkitd.toml (--buildkitd-config): mirrors, and per [registry."HOST"] '
        "http / insecure; an existing file is edited with its comments kept",
    ),
    _row(
        "6 Review",
        "every command that will run, exactly; bootstrap now, use it; Create runs them",
    ),
    _row(
        "Run",
        "create, bootstrap and use, live; a failed attempt is undone (Back returns to the "
        "settings). Esc or Stop cancels a run",
    ),
]

WIZARD_LEGEND = [
    (" 3 Endpoint ", "bold reverse", "the step you are on (done steps green, later ones dim)"),
    ("✖", "bold red", "an error: Next stays on the step until it is fixed"),
    ("⚠", "bold yellow", "a warning: worth reading, Next goes on"),
    ("✔ / ✖", "green", "Driver: what the driver can / cannot do; Test connection: reached or not"),
    ("amd64 ~arm64", "green", "a node's platforms: native / ~ emulated (QEMU); * pinned"),
    ("⟳", "bold cyan", "Run: the command running now"),
    ("✔", "bold green", "Run: a command that worked"),
    ("✖", "bold red", "Run: the command that failed; its error and how to fix it follow"),
    ("·", "dim", "Run: a command not started yet"),
    ("↩", "yellow", "Run: what was undone after the failure"),
]


class CreateWizardHelp(HelpScreen):
    """The app's help with the wizard's keys, steps and marks."""

    LEGEND = WIZARD_LEGEND

    @classmethod
    def for_wizard(
        cls, screen_bindings: Iterable[BindingType], app_bindings: Iterable[BindingType]
    ) -> CreateWizardHelp:
        return cls(
            [
                ("Create wizard", [*screen_bindings, *WIZARD_KEYS]),
                ("Steps", STEPS),
                ("Everywhere", app_bindings),
            ]
        )
