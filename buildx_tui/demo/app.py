"""The demo app: BuildxApp over the demo backend, a history of its own in a temporary folder
(the user's is never touched), a clock set to when the recordings were made, DEMO in the title."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from buildx_tui.core.build.form import FormValues
from buildx_tui.core.build.history import History
from buildx_tui.core.build.spec import Output
from buildx_tui.demo.backend import INSPECT_REFERENCE, context_dir, demo_backend

if TYPE_CHECKING:
    from buildx_tui.core.settings.model import Settings
    from buildx_tui.ui.app import BuildxApp
    from buildx_tui.ui.settings_app import Notice

#: The recordings were made on 2026-11-22 from 21:02Z; the demo's clock starts after them.
RECORDED_AT = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
TITLE = "buildx-tui DEMO"
#: The builder the demo's build form is filled for (the recorded build's driver and platforms).
DEMO_BUILDER = "lab-container"
SUBTITLE = "recorded output: nothing is run"
WELCOME = (
    "Everything here is real buildx output recorded on a test lab; no command is run. Try: n "
    "builds two platforms on lab-container (ctrl+b; add the build arg FAIL_ARCH=aarch64 to see "
    f"one fail), c creates a builder, i inspects {INSPECT_REFERENCE}, s stops and b "
    "bootstraps a builder. ? lists the keys."
)


def demo_clock(start: datetime | None = None) -> Callable[[], datetime]:
    """A clock that starts at :data:`RECORDED_AT` and then runs as time passes."""
    began = start or datetime.now(UTC)

    def now() -> datetime:
        return RECORDED_AT + (datetime.now(UTC) - began)

    return now


def demo_history() -> History:
    """A history in a new temporary folder, removed when the program ends."""
    folder = tempfile.mkdtemp(prefix="buildx-tui-demo-")
    atexit.register(shutil.rmtree, folder, True)
    return History(folder)


def demo_form() -> FormValues:
    """The build form on lab-container as the demo opens it: the recorded build's values (a
    build arg FAIL_ARCH=aarch64 replays the build that fails on arm64)."""
    return FormValues(
        builder=DEMO_BUILDER,
        context=str(context_dir()),
        build_args="SEED=1796148565",
        platforms=("linux/amd64", "linux/arm64"),
        output=Output.CACHE,
    )


def make_demo_app(
    *,
    refresh_interval: float = 10.0,
    history: History | None = None,
    notices: list[Notice] | None = None,
    settings: Settings | None = None,
) -> BuildxApp:
    """The demo app; ``settings`` are used (theme, keys) but nothing is ever written back."""
    from buildx_tui.ui.app import BuildxApp
    from buildx_tui.ui.settings_app import Notice

    app = BuildxApp(
        demo_backend(),
        refresh_interval=refresh_interval,
        clock=demo_clock(),
        history=history or demo_history(),
        title=TITLE,
        subtitle=SUBTITLE,
        notices=[Notice("Demo", WELCOME, "information", timeout=20), *(notices or [])],
        demo=True,
        settings=settings,
    )
    app.services.drafts.keep_form(demo_form())
    return app
