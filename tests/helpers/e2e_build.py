"""The build launcher driven on the real e2e lab: a build context, the form on a lab builder with
its platforms loaded, waiting for a build to end. Shared by tests/e2e/test_build.py and
test_build_options.py."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Select

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.form import BuildFormScreen
from buildx_tui.ui.build.progress import BuildProgressScreen
from tests.helpers.e2e_lab import wait_for

SIZE = (120, 36)


def context(tmp_path: Path, dockerfile: str) -> Path:
    """A build context folder under ``tmp_path`` holding only ``dockerfile``."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(dockerfile)
    return ctx


async def open_form(pilot, app: BuildxApp, builder: str) -> BuildFormScreen:
    """The build form, on ``builder`` picked from the real `ls`, its platforms loaded."""
    await pilot.pause()
    form = BuildFormScreen()
    app.push_screen(form)
    await wait_for(pilot, lambda: form.ls is not None, 60, "builders")
    form.query_one("#builder", Select).value = builder
    await wait_for(
        pilot,
        lambda: form.builder is not None and form.builder.name == builder,
        30,
        f"{builder}'s platforms",
    )
    await app.workers.wait_for_complete()
    await pilot.pause()
    return form


async def wait_build(pilot, screen: BuildProgressScreen, timeout: float = 180) -> None:
    """Until the build on ``screen`` has ended and its workers are done."""
    await wait_for(pilot, lambda: screen.outcome is not None, timeout, "the build to end")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
