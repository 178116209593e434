"""`?` on the manifest inspector: the app's help screen with the inspector's legend."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from buildx_tui.ui.common.help import HelpScreen

LEGEND = [
    ("linux/amd64", "bold cyan", "a platform of the image (expand it: manifest, config, layers)"),
    ("sha256:0123…", "dim", "a digest, shortened; y copies the full digest of the line"),
    ("attestation", "magenta", "provenance / SBOM attached to the platform above it"),
    ("total", "green", "config + compressed layers: what a pull of that platform downloads"),
    ("✖ / ⚠", "bold red", "your platform missing / another common platform missing"),
    ("≠ differs", "bold yellow", "compare: same platform, different manifest digest"),
]


class InspectorHelp(HelpScreen):
    """The app's help, with the inspector's legend."""

    LEGEND = LEGEND

    @classmethod
    def for_inspector(
        cls, screen_keys: list[BindingType], app_keys: list[BindingType]
    ) -> InspectorHelp:
        return cls([("Inspector", screen_keys), ("Tree", TREE_KEYS), ("Everywhere", app_keys)])


TREE_KEYS: list[BindingType] = [
    Binding("enter,space", "", "Expand / collapse (a platform loads its manifest and config)"),
    Binding("up,down", "", "Move"),
    Binding("shift+left", "", "Go to the parent"),
]
