"""Plain text of what a widget shows (a Rich renderable or Textual content), for assertions."""

from __future__ import annotations

import io

from rich.console import Console


def plain(renderable: object, width: int = 2000) -> str:
    """``renderable`` as plain text, ``width`` columns wide: by default so wide that no line of a
    message, a command or a path wraps (pass a widget's own width to see its wrapping)."""
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]
