"""Frames as a terminal would get them, for the benches that time "until it is on screen".

`App._display` is wrapped: each frame written for a screen that ``of`` accepts is made into the
escape sequences a terminal's driver would write (`render_segments`: a headless app skips that
step, so its cost would be missing from the time), then ``seen`` is called with the moment it
was done. bench_builds_list (the Builds list's first frame) and bench_build_ui (a build's
result on screen) use it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import RenderableType
from textual._compositor import CompositorUpdate
from textual.app import App
from textual.screen import Screen


class FrameTap:
    def __init__(
        self,
        app: App[Any],
        of: Callable[[Screen[object]], bool],
        seen: Callable[[float], None],
    ) -> None:
        self.app = app
        self._of, self._seen = of, seen
        self._display = app._display
        app._display = self._wrapped  # type: ignore[method-assign]

    def _wrapped(self, screen: Screen[object], renderable: RenderableType | None) -> None:
        self._display(screen, renderable)
        if self._of(screen) and isinstance(renderable, CompositorUpdate):
            renderable.render_segments(self.app.console)
            self._seen(time.perf_counter())

    def stop(self) -> None:
        self.app._display = self._display  # type: ignore[method-assign]
