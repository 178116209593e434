"""The builders list's entries in the command palette (ctrl+p): every action, with the command
it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from buildx_tui.ui.services import PaletteCommand

if TYPE_CHECKING:
    from buildx_tui.ui.builders.screen import BuildersScreen


def builders_palette(screen: BuildersScreen) -> list[PaletteCommand]:
    return [
        ("Refresh builders", "docker buildx ls --format json", screen.action_refresh),
        ("Use builder", "docker buildx use NAME", screen.action_use),
        ("Use builder with options", "--default / --global", screen.action_use_options),
        ("Bootstrap builder", "docker buildx inspect --bootstrap NAME", screen.action_bootstrap),
        ("Stop builder", "docker buildx stop NAME", screen.action_stop),
        ("Remove builder", "docker buildx rm NAME", screen.action_remove),
        ("New build", "docker buildx build … on the selected builder", screen.action_new_build),
        ("Create builder", "wizard: docker buildx create …", screen.action_create),
        ("Add a node to builder", "docker buildx create --append …", screen.action_append_node),
        ("Remove a node", "docker buildx create --leave …", screen.action_leave_node),
        (
            "Recreate builder with changes",
            "network=host, mirrors …: docker buildx rm + create, undone on failure",
            screen.action_recreate,
        ),
        ("Inspect an image", "docker buildx imagetools inspect REF", screen.action_inspect),
        (
            "Builds of this builder",
            "docker buildx history ls: every build it ran, from any client",
            screen.action_builds,
        ),
        (
            "Builds on all builders",
            "docker buildx history ls per builder",
            screen.action_all_builds,
        ),
        (
            "Doctor",
            "is this machine ready for multi-platform builds? every check with its fix",
            screen.action_doctor,
        ),
        ("Build cache", "docker buildx du / prune with a preview", screen.action_cache),
        ("Filter builders", "show only matching builders", screen.action_filter),
        ("Copy last command", "to the clipboard", screen.action_copy_command),
        ("Help", "every key binding", screen.action_help),
    ]
