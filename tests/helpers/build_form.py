"""Driving the build form in pilot tests: open it, type into it, read it, check that a bad field
blocks the build (tests/ui/build/test_build_form*.py)."""

from __future__ import annotations

from textual.widgets import Static, TextArea

from buildx_tui.ui.build.form import BuildFormScreen
from tests.helpers.build_backend import normalise
from tests.helpers.render import plain

SIZE = (120, 36)


def text(app, selector: str) -> str:
    return plain(app.screen.query_one(selector, Static).content)


async def open_form(pilot, app, builder=None, **kw) -> BuildFormScreen:
    await pilot.pause()
    screen = BuildFormScreen(builder, **kw)
    app.push_screen(screen)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def type_into(pilot, screen, selector: str, value: str) -> None:
    widget = screen.query_one(selector)
    if isinstance(widget, TextArea):
        widget.text = value
    else:
        widget.value = value
    await pilot.pause()


def builds_run(backend) -> list[tuple[str, ...]]:
    """The builds run (a `build --call=…` of the Dockerfile insight builds nothing)."""
    return [
        normalise(c)
        for c in backend.calls
        if c[:2] == ("buildx", "build") and not any(a.startswith("--call") for a in c)
    ]


def calls_run(backend, call: str = "check") -> list[tuple[str, ...]]:
    """The `build --call=<call>` the form ran, in order."""
    return [c for c in backend.calls if f"--call={call},format=json" in c]


async def check_blocks(pilot, app, backend, screen, field: str, message: str) -> None:
    await pilot.pause()
    err = text(app, f"#err-{field}")
    assert message in err, err
    assert message in text(app, "#checks")
    await pilot.press("ctrl+b")
    await pilot.pause()
    assert app.screen is screen  # no build screen, no confirm dialog
    assert builds_run(backend) == []
