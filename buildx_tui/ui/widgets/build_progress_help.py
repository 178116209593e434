"""`?` on the live build: the app's help screen with the lanes' legend."""

from __future__ import annotations

from buildx_tui.ui.screens.help import HelpScreen

LEGEND = [
    ("linux/arm64 · QEMU", "yellow", "a lane per platform: its badge says native or emulated"),
    ("shared steps", "bold", "context transfer, export and push: steps of no one platform"),
    ("⟳ 2/3  2.1s…", "bold cyan", "the running step (position in its stage) and its clock"),
    ("✔", "green", "a step done, with its duration"),
    ("✔ cached", "dim green", "a step BuildKit took from its cache"),
    ("✖", "bold red", "the failing step: its error and log tail stay in its lane"),
    ("·", "dim", "a step not started yet"),
    ("⊘", "yellow", "cancelled, or stopped because another lane failed"),
    ("12s ×3.1", "yellow", "under a lane: its wall time and how much slower than native"),  # noqa: RUF001
]


class BuildProgressHelp(HelpScreen):
    """The app's help, with the build lanes' legend."""

    LEGEND = LEGEND
