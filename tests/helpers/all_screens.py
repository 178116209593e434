"""Every screen of the app, each opened the way the app opens it, over one fake backend that
answers all of them (recorded real output): for tests that look at a screen after others were
visited (tests/ui/test_screen_styles.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, TextArea

from buildx_tui.core.build.checks import STORE_PROBE_ARGV
from buildx_tui.core.build.history import History, HistoryEntry, LaneSummary, parse_metadata
from buildx_tui.core.commands import RemoveSpec
from buildx_tui.ui.app import BuildxApp
from tests.demo import FIXED_NOW
from tests.fakes import Reply, fixture
from tests.helpers.bake import ABS_WORKSPACE as BAKE_WORKSPACE
from tests.helpers.bake import BUILDER as BAKE_BUILDER
from tests.helpers.bake import bake_backend
from tests.helpers.build_backend import (
    META,
    MULTI,
    BuildBackend,
    BuildReply,
    build_key,
    lab_builders,
    push_spec,
    seedtest,
)
from tests.helpers.builds import C as BUILDS_BUILDER
from tests.helpers.builds import builds_backend
from tests.helpers.builds import refs as builds_refs
from tests.helpers.cache import BUILDER as CACHE_BUILDER
from tests.helpers.cache import cache_backend
from tests.helpers.inspector import REF1, inspector_backend
from tests.helpers.replay import BUILDER as REPLAY_BUILDER
from tests.helpers.replay import REFS as REPLAY_REFS
from tests.helpers.replay import replay_backend
from tests.helpers.wizard import CONTEXT_LS

Opener = Callable[[Pilot[None]], Awaitable[None]]


class ReadOnlyHistory(History):
    """The history as seeded: a build run while visiting does not change what it shows later."""

    def append(self, entry: HistoryEntry) -> None:
        return None


def seeded_history(folder: Path) -> ReadOnlyHistory:
    spec = push_spec()
    History(folder).append(
        HistoryEntry(
            spec=spec,
            command="docker buildx build …",
            started_at=FIXED_NOW.replace(hour=21, minute=5),
            result="success",
            duration_s=2.7,
            exit_code=0,
            outputs=parse_metadata(fixture(META)),
            lanes=(LaneSummary("linux/amd64", "success", 2.2, 4, 0),),
            id="a",
        )
    )
    return ReadOnlyHistory(folder)


def all_screens_backend() -> BuildBackend:
    backend = BuildBackend(
        ls_output=fixture("local/ls-lab-running.json"),
        pinned={"lab-container": {"lab-container0": ["linux/amd64", "linux/arm64"]}},
        replies={
            STORE_PROBE_ARGV: Reply(0, fixture("local/info-driver-status-lab.json")),
            CONTEXT_LS: Reply(0, fixture("local/context-ls.json")),
            **inspector_backend().replies,
            **cache_backend().replies,
            **replay_backend().replies,
            **builds_backend().replies,
            **bake_backend(workspace=BAKE_WORKSPACE).replies,
        },
    )
    backend.builds[build_key(push_spec())] = BuildReply(MULTI, 0, META)
    return backend


def all_screens_app(history: History) -> BuildxApp:
    return BuildxApp(
        all_screens_backend(), refresh_interval=0, clock=lambda: FIXED_NOW, history=history
    )


async def settle(pilot: Pilot[None]) -> None:
    from tests.helpers.form_insight import form_busy

    app = pilot.app
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()
    for _ in range(100):  # the build form's Dockerfile check, once it has its builder
        if not form_busy(app):
            break
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
    for widget in app.screen.query("Input, TextArea"):
        assert isinstance(widget, Input | TextArea)
        widget.cursor_blink = False
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def _push(make: Callable[[], Screen[object]]) -> Opener:
    async def run(pilot: Pilot[None]) -> None:
        await pilot.app.push_screen(make())
        await settle(pilot)

    return run


def _form() -> Screen[object]:
    from buildx_tui.ui.build.form import BuildFormScreen

    return BuildFormScreen(lab_builders()["lab-container"])


def _form_help() -> Screen[object]:
    from buildx_tui.ui.build.form import BuildFormScreen
    from buildx_tui.ui.build.help import BuildFormHelp

    return BuildFormHelp.for_form(BuildFormScreen.BINDINGS, BuildxApp.BINDINGS)


def _history() -> Screen[object]:
    from buildx_tui.ui.build.history import BuildHistoryScreen

    return BuildHistoryScreen()


def _build() -> Screen[object]:
    from buildx_tui.ui.build.progress import BuildProgressScreen

    return BuildProgressScreen(push_spec(), builder=seedtest())


def _confirm() -> Screen[object]:
    from buildx_tui.ui.build.confirm import BuildConfirmScreen

    return BuildConfirmScreen(["--load of a multi-platform build"], "docker buildx build --load .")


def _login() -> Screen[object]:
    from buildx_tui.ui.common.login import LoginScreen

    return LoginScreen("127.0.0.1:5000")


def _action_dialog() -> Screen[object]:
    from buildx_tui.ui.common.action_dialog import ActionDialog, Option

    return ActionDialog(
        "Remove builder lab-container?",
        "Removes the builder and, unless kept, its BuildKit state (build cache).",
        lambda _v: RemoveSpec("lab-container"),
        all_screens_backend().display,
        [Option("keep_state", "--keep-state: keep BuildKit state (cache volume)")],
        danger=True,
        confirm_label="Remove",
    )


def _help() -> Screen[object]:
    from buildx_tui.ui.common.help import HelpScreen

    return HelpScreen([("Everywhere", BuildxApp.BINDINGS)])


def _discard() -> Screen[object]:
    from buildx_tui.ui.common.discard import DiscardDialog

    return DiscardDialog("Leave the build form?", "What you changed is lost unless you keep it.")


def _wizard() -> Screen[object]:
    from buildx_tui.ui.create.wizard import CreateWizardScreen

    return CreateWizardScreen(None, config_dir=Path("/nonexistent/buildx-tui-test"))


def _leave() -> Screen[object]:
    from buildx_tui.ui.create.leave import LeaveNodeScreen

    return LeaveNodeScreen(lab_builders()["lab-container"])


def _inspector() -> Screen[object]:
    from buildx_tui.ui.inspect.screen import InspectorScreen

    return InspectorScreen(REF1, host_platform="linux/amd64")


def _doctor() -> Screen[object]:
    from buildx_tui.ui.doctor.screen import DoctorScreen
    from tests.helpers.doctor import lab_configure

    return DoctorScreen(configure=lab_configure(), one_at_a_time=True)


def _cache() -> Screen[object]:
    from buildx_tui.ui.cache.screen import CacheScreen

    return CacheScreen(CACHE_BUILDER)


def _replay() -> Screen[object]:
    from buildx_tui.ui.builds.replay import BuildReplayScreen

    return BuildReplayScreen(REPLAY_BUILDER, REPLAY_REFS["failed-arm64"])


def _timeline() -> Screen[object]:
    from buildx_tui.ui.builds.timeline import BuildTimelineScreen

    return BuildTimelineScreen(REPLAY_BUILDER, REPLAY_REFS["two-platform"])


def _builds() -> Screen[object]:
    from buildx_tui.ui.builds.screen import BuildsScreen

    return BuildsScreen(BUILDS_BUILDER)


def _build_details() -> Screen[object]:
    from buildx_tui.ui.builds.details import BuildDetailsScreen

    return BuildDetailsScreen(BUILDS_BUILDER, builds_refs()["failing"])


def _bake() -> Screen[object]:
    from buildx_tui.ui.bake.screen import BakeScreen

    return BakeScreen(BAKE_WORKSPACE, builder=BAKE_BUILDER)


async def _builders(pilot: Pilot[None]) -> None:
    """The home screen: always under the others; "opening" it is coming back to it."""
    await settle(pilot)


#: name -> how to open it over the builders list.
SCREENS: dict[str, Opener] = {
    "builders": _builders,
    "form": _push(_form),
    "form-help": _push(_form_help),
    "history": _push(_history),
    "build": _push(_build),
    "confirm": _push(_confirm),
    "login": _push(_login),
    "action-dialog": _push(_action_dialog),
    "help": _push(_help),
    "discard": _push(_discard),
    "wizard": _push(_wizard),
    "leave": _push(_leave),
    "inspector": _push(_inspector),
    "doctor": _push(_doctor),
    "cache": _push(_cache),
    "replay": _push(_replay),
    "timeline": _push(_timeline),
    "builds": _push(_builds),
    "build-details": _push(_build_details),
    "bake": _push(_bake),
}


async def back_home(pilot: Pilot[None]) -> None:
    """Close every screen over the builders list (as Esc would, without asking anything)."""
    app = pilot.app
    while len(app.screen_stack) > 2:
        app.pop_screen()
        await pilot.pause()
    await settle(pilot)
