"""buildx-tui: a terminal UI for docker buildx multi-platform builds."""

__version__ = "0.1.0"
