"""Scenes of the build launcher on recorded real buildx output (`SCENES`: the app in a given
state), shared by the build UI tests, tests/ui/build/test_build_snapshots.py and
scripts/screenshots_build.py; plus what puts the app and its surroundings in a known state.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from buildx_tui.core.build.history import History
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.progress import BuildProgressScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, fixture
from tests.helpers.build_backend import (
    META,
    MULTI,
    TWO,
    BuildBackend,
    BuildReply,
    build_key,
    form_backend,
    lab_builders,
    push_spec,
    seedtest,
    small_builder,
)

#: Lines the running scene's build gives before it waits (its lanes mid-build).
PAUSE_AFTER = 44


def make_app(backend: FakeBackend, history: History | None = None) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW, history=history)


def freeze_build_clock(monkeypatch) -> None:
    """Build times from the recorded stream only: reproducible lanes and snapshots."""
    monkeypatch.setattr(BuildProgressScreen, "progress_clock", None)


def make_context(tmp_path: Path, monkeypatch) -> Path:
    """A build context with a Dockerfile, as the current directory (the form's default '.')."""
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text("FROM busybox AS base\nRUN echo hi\n")
    monkeypatch.chdir(ctx)
    return ctx


# -- scenes: the app in a given state, for snapshots and screenshots --------------------------

DEMO_DIR = Path("/tmp/buildx-tui-demo")
Setter = Callable[[object, str, object], None]


def stable_environment(put: Setter = setattr, chdir: Callable[[Path], None] = os.chdir) -> History:
    """Reproducible screens: a fixed build context (made the current directory), history folder
    and metadata folder, and build times from the stream only. ``put`` is monkeypatch.setattr in
    tests (undone after them), plain setattr in scripts."""
    import buildx_tui.core.build.runner as runner

    ctx = DEMO_DIR / "ctx"
    ctx.mkdir(parents=True, exist_ok=True)
    (ctx / "Dockerfile").write_text(
        'FROM busybox AS base\nARG TARGETARCH\nRUN echo "arch=$TARGETARCH" && sleep 2\n'
    )
    chdir(ctx)
    meta = DEMO_DIR / "build-metadata"

    def fixed_mkdtemp(*args: object, **kwargs: object) -> str:
        meta.mkdir(parents=True, exist_ok=True)
        return str(meta)

    put(runner.tempfile, "mkdtemp", fixed_mkdtemp)
    put(BuildProgressScreen, "progress_clock", None)
    data = DEMO_DIR / "data"
    shutil.rmtree(data, ignore_errors=True)
    return History(data)


async def settle(pilot) -> None:
    """Until no worker runs and a build on screen (if any) has ended or is frozen at its gate."""
    from tests.helpers.form_insight import form_busy

    app = pilot.app
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if form_busy(app):
            await pilot.pause(0.05)
            continue
        screen = app.screen
        if not isinstance(screen, BuildProgressScreen) or screen.outcome is not None:
            break
        if screen.snapshot is not None and _frozen(app.backend):
            break
    from textual.widgets import Input, TextArea

    for widget in app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False  # a blinking cursor makes screenshots differ
    await pilot.pause(0.1)


def _frozen(backend: object) -> bool:
    builds = getattr(backend, "builds", {})
    return any(r.pause_after is not None and not r.gate.is_set() for r in builds.values())


Step = Callable[..., Awaitable[None]]


@dataclass
class Scene:
    """A backend and what to do on the app (after it started) to reach the state to show."""

    backend: Callable[[], BuildBackend]
    steps: Callable[[History], Step]

    def app(self, history: History) -> BuildxApp:
        return make_app(self.backend(), history)


def scene_backend(spec: BuildSpec | None = None, reply: BuildReply | None = None) -> BuildBackend:
    backend = form_backend()
    if spec is not None and reply is not None:
        backend.builds[build_key(spec)] = reply
    return backend


def open_form(builder_name: str | None, fill: Step | None = None) -> Callable[[History], Step]:
    def steps(history: History) -> Step:
        async def run(pilot) -> None:
            from buildx_tui.ui.build.form import BuildFormScreen

            await pilot.pause()
            builder = (
                small_builder()
                if builder_name == "small"
                else lab_builders().get(builder_name or "")
            )
            form = BuildFormScreen(builder)
            pilot.app.push_screen(form)
            await settle(pilot)
            if fill is not None:
                await fill(pilot, form)
                await settle(pilot)

        return run

    return steps


def fill_form(tags: str = "", platforms=TWO, output: Output = Output.PUSH, **inputs: str) -> Step:
    async def fill(pilot, form) -> None:
        from textual.widgets import Checkbox, Input, RadioButton, TextArea

        from buildx_tui.ui.common.platform_picker import checkbox_id

        form.query_one("#tags", Input).value = tags
        for name in platforms:
            form.query_one("#" + checkbox_id(name), Checkbox).value = True
        form.query_one(f"#out-{output.value}", RadioButton).value = True
        for widget_id, value in inputs.items():
            widget = form.query_one("#" + widget_id.replace("_", "-"))
            if isinstance(widget, TextArea):
                widget.text = value
            else:
                widget.value = value
        await pilot.pause()

    return fill


def open_build(spec: BuildSpec, after: Step | None = None) -> Callable[[History], Step]:
    def steps(history: History) -> Step:
        async def run(pilot) -> None:
            await pilot.pause()
            screen = BuildProgressScreen(spec, builder=seedtest())
            pilot.app.push_screen(screen)
            await settle(pilot)
            if after is not None:
                await after(pilot, screen)
                await settle(pilot)

        return run

    return steps


def _spec_fail() -> BuildSpec:
    return push_spec(tags=("127.0.0.1:5000/demo:fail",), no_cache=True)


def _spec_cancel() -> BuildSpec:
    return push_spec(tags=("127.0.0.1:5000/demo:cancel",), no_cache=True)


async def _press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()


def _keys(*keys: str) -> Step:
    async def after(pilot, screen=None) -> None:
        await _press(pilot, *keys)

    return after


async def _until(pilot, done: Callable[[], bool], tries: int) -> None:
    """Pause 20 ms at a time until ``done()`` (at most ``tries`` times)."""
    for _ in range(tries):
        if done():
            return
        await pilot.pause(0.02)


async def _paused(pilot, screen) -> None:
    """Until the build has drawn every line before its pause (the reader posts a snapshot at
    most every 100 ms: a shot right after opening showed the first one, "no steps yet")."""
    await _until(
        pilot, lambda: screen.snapshot is not None and screen.snapshot.lines == PAUSE_AFTER, 250
    )


async def _cancel(pilot, screen) -> None:
    await pilot.press("c")
    await _until(pilot, lambda: screen.outcome is not None, 100)


async def _open_arm64_log(pilot, screen) -> None:
    from buildx_tui.ui.build.progress import lane_id

    screen.query_one("#" + lane_id("linux/arm64")).focus()
    await _press(pilot, "enter")


def _history_scene(history: History) -> Step:
    async def run(pilot) -> None:
        from buildx_tui.core.build.history import (
            BuildOutputs,
            HistoryEntry,
            LaneSummary,
            parse_metadata,
        )
        from buildx_tui.ui.build.history import BuildHistoryScreen

        when = FIXED_NOW
        ok = push_spec()
        history.append(
            HistoryEntry(
                spec=ok,
                command=pilot.app.backend.display(ok.argv()),
                started_at=when.replace(hour=21, minute=5),
                result="success",
                duration_s=2.7,
                exit_code=0,
                outputs=parse_metadata(fixture(META)),
                lanes=(
                    LaneSummary("linux/amd64", "success", 2.2, 4, 0),
                    LaneSummary("linux/arm64", "success", 2.2, 4, 0),
                ),
                id="a",
            )
        )
        bad = _spec_fail()
        history.append(
            HistoryEntry(
                spec=bad,
                command=pilot.app.backend.display(bad.argv()),
                started_at=when.replace(hour=21, minute=6),
                result="failed",
                duration_s=2.5,
                exit_code=1,
                outputs=BuildOutputs(),
                lanes=(
                    LaneSummary("linux/amd64", "success", 2.2, 5, 1),
                    LaneSummary("linux/arm64", "failed", 2.3, 5, 1, '3/4 RUN test "arm64" = amd64'),
                ),
                error="failed to solve: process did not complete successfully: exit code: 3",
                id="b",
            )
        )
        await pilot.pause()
        pilot.app.push_screen(BuildHistoryScreen())
        await settle(pilot)

    return run


def _login_scene(history: History) -> Step:
    async def run(pilot) -> None:
        from textual.widgets import Input

        from buildx_tui.ui.common.login import LoginScreen

        await settle(pilot)  # the builders screen shows behind the dialog
        pilot.app.push_screen(LoginScreen("127.0.0.1:5000"))
        await pilot.pause()
        pilot.app.screen.query_one("#login-username", Input).value = "alice"
        pilot.app.screen.query_one("#login-password", Input).value = "not-shown"
        await settle(pilot)

    return run


async def open_advanced(pilot, form) -> None:
    """The Advanced section open and filled: a secret from a file and one from a variable that is
    not set (a note), a local cache export, a label, and a key file that does not exist (an
    error under its field)."""
    from textual.widgets import TextArea

    from buildx_tui.ui.build.advanced_options import AdvancedOptions

    os.environ.pop("BUILDX_TUI_DEMO_UNSET", None)
    (DEMO_DIR / "npmrc").write_text("//registry.example.test/:_authToken=not-shown\n")
    await fill_form(tags="127.0.0.1:5000/build-e2e/app:1")(pilot, form)
    form.query_one(AdvancedOptions).collapsed = False
    options = {
        "#secrets": f"id=npmrc,src={DEMO_DIR}/npmrc\nid=token,env=BUILDX_TUI_DEMO_UNSET",
        "#ssh": f"github={DEMO_DIR}/no-such-key",
        "#cache-to": f"type=local,dest={DEMO_DIR}/cache,mode=max",
        "#labels": "org.opencontainers.image.source=https://example.test/app",
    }
    for selector, value in options.items():
        form.query_one(selector, TextArea).text = value
    await settle(pilot)
    form.query_one("#ssh", TextArea).focus()  # scrolls the section into view


SCENES: dict[str, Scene] = {
    "form": Scene(
        scene_backend,
        open_form(
            "lab-container",
            fill_form(tags="127.0.0.1:5000/build-e2e/app:1", build_args="VERSION=1.2\nGIT_SHA"),
        ),
    ),
    "form-errors": Scene(
        scene_backend,
        open_form(
            "lab-container",
            fill_form(
                tags="Demo:1 demo:",
                output=Output.OCI,
                context="src",
                build_args="1X=2",
                extra_platforms="linux/sparc",
            ),
        ),
    ),
    "form-advanced": Scene(scene_backend, open_form("lab-container", open_advanced)),
    "form-missing-platforms": Scene(
        scene_backend, open_form("small", fill_form(tags="127.0.0.1:5000/app:1", platforms=TWO))
    ),
    "form-refused": Scene(
        scene_backend,
        open_form(
            "default",
            lambda pilot, form: _fill_then(pilot, form, fill_form(output=Output.LOAD), "ctrl+b"),
        ),
    ),
    "build-running": Scene(
        lambda: scene_backend(push_spec(), BuildReply(MULTI, 0, META, pause_after=PAUSE_AFTER)),
        open_build(push_spec(), _paused),
    ),
    "build-failed": Scene(
        lambda: scene_backend(_spec_fail(), BuildReply("buildx/build-onefails-rawjson.stderr", 1)),
        open_build(_spec_fail()),
    ),
    "build-done": Scene(
        lambda: scene_backend(push_spec(), BuildReply(MULTI, 0, META)),
        open_build(push_spec()),
    ),
    "build-cancelled": Scene(
        lambda: scene_backend(
            _spec_cancel(),
            BuildReply("buildx/build-cancelled-rawjson.stderr", 130, pause_after=20),
        ),
        open_build(_spec_cancel(), _cancel),
    ),
    "build-step-log": Scene(
        lambda: scene_backend(_spec_fail(), BuildReply("buildx/build-onefails-rawjson.stderr", 1)),
        open_build(_spec_fail(), _open_arm64_log),
    ),
    "form-leave": Scene(
        scene_backend,
        open_form(
            "lab-container",
            lambda pilot, form: _fill_then(
                pilot, form, fill_form(tags="127.0.0.1:5000/build-e2e/app:1"), "escape"
            ),
        ),
    ),
    "history": Scene(scene_backend, _history_scene),
    "login": Scene(scene_backend, _login_scene),
}


async def _fill_then(pilot, form, fill: Step, *keys: str) -> None:
    await fill(pilot, form)
    await _press(pilot, *keys)
