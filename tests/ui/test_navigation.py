"""Navigation: each message of ui/navigation.py opens the right screen from every place that sends
it. Screens never open another feature's screen themselves; the app does (ARCHITECTURE.md)."""

from __future__ import annotations

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input

from buildx_tui.core.build.history import BuildOutputs, History, HistoryEntry
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.bake.screen import BakeScreen
from buildx_tui.ui.build.confirm import BuildConfirmScreen
from buildx_tui.ui.build.form import BuildFormScreen
from buildx_tui.ui.build.history import BuildHistoryScreen
from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.builds.details import BuildDetailsScreen
from buildx_tui.ui.builds.replay import BuildReplayScreen
from buildx_tui.ui.builds.screen import BuildsScreen
from buildx_tui.ui.builds.timeline import BuildTimelineScreen
from buildx_tui.ui.cache.screen import CacheScreen
from buildx_tui.ui.create.leave import LeaveNodeScreen
from buildx_tui.ui.create.wizard import CreateWizardScreen
from buildx_tui.ui.doctor.screen import DoctorScreen
from buildx_tui.ui.inspect.screen import InspectorScreen
from tests.demo import FIXED_NOW
from tests.helpers.build_backend import (
    META,
    MULTI,
    BuildBackend,
    BuildReply,
    build_key,
    form_backend,
    lab_builders,
)
from tests.helpers.build_scenes import freeze_build_clock, make_context, settle

SIZE = (120, 36)
PUSHED = "127.0.0.1:5000/demo@sha256:"
DIGEST = "sha256:" + "ab" * 32


@pytest.fixture(autouse=True)
def _stable(tmp_path, monkeypatch):
    freeze_build_clock(monkeypatch)
    make_context(tmp_path, monkeypatch)


def spec_for(ctx: str = ".", **kw: object) -> BuildSpec:
    base: dict = dict(
        builder="lab-container",
        context=ctx,
        platforms=("linux/amd64", "linux/arm64"),
        tags=("127.0.0.1:5000/demo:1",),
        output=Output.PUSH,
    )
    base.update(kw)
    return BuildSpec(**base)


def backend_with_build(spec: BuildSpec) -> BuildBackend:
    backend = form_backend()
    backend.builds[build_key(spec)] = BuildReply(MULTI, 0, META)
    return backend


def app_for(backend: BuildBackend) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)


def stack_types(app: BuildxApp) -> list[type[Screen[object]]]:
    return [type(s) for s in app.screen_stack[1:]]  # [0] is Textual's default screen


async def select(pilot, app: BuildxApp, builder: str, node: str | None = None) -> None:
    await settle(pilot)
    table = app.screen.query_one(BuildersTable)
    for row in range(table.row_count):
        table.move_cursor(row=row)
        if table.selected == RowRef(builder, node):
            break
    await pilot.pause()
    assert table.selected == RowRef(builder, node)


# -- from the builders list -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("key", "builder", "node", "expected"),
    [
        ("n", "lab-container", None, BuildFormScreen),
        ("c", "lab-container", None, CreateWizardScreen),
        ("a", "lab-container", None, CreateWizardScreen),
        ("L", "lab-container", "lab-container0", LeaveNodeScreen),
        ("i", "lab-container", None, InspectorScreen),
        ("h", "lab-container", None, BuildsScreen),
        ("B", "lab-remote", None, BakeScreen),
        ("D", "lab-container", None, DoctorScreen),
        ("C", "lab-remote", None, CacheScreen),
    ],
)
async def test_builders_keys_open_their_screens(key, builder, node, expected):
    app = app_for(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, builder, node)
        await pilot.press(key)
        await settle(pilot)
        screen = app.screen
        assert type(screen) is expected
        if isinstance(screen, BuildFormScreen):
            assert screen.builder is not None and screen.builder.name == builder
        if isinstance(screen, CreateWizardScreen):
            assert screen.draft.append is (key == "a")
            assert screen.draft.name == (builder if key == "a" else "")
        if isinstance(screen, LeaveNodeScreen):
            assert screen.builder.name == builder and screen.initial == node
        if isinstance(screen, CacheScreen | BakeScreen):
            assert screen.builder == builder


async def test_a_created_builder_is_refreshed_and_selected():
    app = app_for(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        await select(pilot, app, "default")
        builders = app.screen
        assert isinstance(builders, BuildersScreen)
        calls = len(app.backend.calls)
        await pilot.press("c")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, CreateWizardScreen)
        wizard.dismiss("lab-remote")  # as the wizard does after a successful create
        await settle(pilot)
        assert app.screen is builders
        assert ("buildx", "ls", "--format", "json") in app.backend.calls[calls:]
        assert builders.query_one(BuildersTable).selected == RowRef("lab-remote")


# -- from the build form --------------------------------------------------------------------------
async def open_form(pilot, app: BuildxApp) -> BuildFormScreen:
    await select(pilot, app, "lab-container")
    await pilot.press("n")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, BuildFormScreen)
    return form


async def test_form_build_starts_the_build_and_history_opens_the_history():
    spec = spec_for()
    app = app_for(backend_with_build(spec))
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        form.load_spec(spec)
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, BuildHistoryScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is form
        await pilot.press("ctrl+b")
        await settle(pilot)
        build = app.screen
        assert isinstance(build, BuildProgressScreen)
        assert build.spec == form.spec
        assert build.builder is form.builder
        assert build.outcome is not None and build.outcome.result.ok


async def test_form_build_that_buildx_will_refuse_asks_first():
    # --load of two platforms without the containerd image store: buildx refuses it.
    spec = spec_for(output=Output.LOAD, tags=("demo:1",))
    app = app_for(backend_with_build(spec))
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        form.load_spec(spec)
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, BuildConfirmScreen)
        await pilot.press("escape")  # no: nothing runs
        await settle(pilot)
        assert app.screen is form
        await pilot.press("ctrl+b")
        await settle(pilot)
        app.screen.dismiss(True)
        await settle(pilot)
        assert isinstance(app.screen, BuildProgressScreen)


# -- from a finished build ------------------------------------------------------------------------
async def finished_build(pilot, app: BuildxApp, spec: BuildSpec) -> BuildProgressScreen:
    form = await open_form(pilot, app)
    form.load_spec(spec)
    await settle(pilot)
    await pilot.press("ctrl+b")
    await settle(pilot)
    build = app.screen
    assert isinstance(build, BuildProgressScreen) and build.outcome is not None
    return build


async def test_finished_build_keys():
    spec = spec_for()
    app = app_for(backend_with_build(spec))
    async with app.run_test(size=SIZE) as pilot:
        build = await finished_build(pilot, app, spec)
        # i: the inspector on the pushed digest
        await pilot.press("i")
        await settle(pilot)
        inspector = app.screen
        assert isinstance(inspector, InspectorScreen)
        assert (inspector.initial or "").startswith(PUSHED)
        await pilot.press("escape")
        await settle(pilot)
        # H: the history, which lists this build
        await pilot.press("H")
        await settle(pilot)
        assert isinstance(app.screen, BuildHistoryScreen)
        assert app.screen.entries[0].spec == spec
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is build
        # r: the same build again, in place of this one
        depth = len(app.screen_stack)
        await pilot.press("r")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, BuildProgressScreen) and again is not build
        assert again.spec == spec and len(app.screen_stack) == depth
        # e: back to the form it came from, as it was
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, BuildFormScreen)
        assert app.screen.spec == spec
        assert stack_types(app) == [BuildersScreen, BuildFormScreen]


# -- from the history -----------------------------------------------------------------------------
def add(history: History, spec: BuildSpec, command: str = "docker buildx build …") -> None:
    history.append(
        HistoryEntry(
            spec=spec,
            command=command,
            started_at=FIXED_NOW,
            result="success",
            duration_s=2.0,
            outputs=BuildOutputs(digest=DIGEST, image_names=spec.tags),
        )
    )


async def test_history_edit_fills_the_form_it_was_opened_from():
    old = spec_for(tags=("127.0.0.1:5000/old:7",))
    app = app_for(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        add(app.services.history, old)
        form = await open_form(pilot, app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#tags", Input).value == "127.0.0.1:5000/old:7"


async def test_history_edit_from_a_build_opens_a_form_in_its_place():
    spec = spec_for()
    app = app_for(backend_with_build(spec))
    async with app.run_test(size=SIZE) as pilot:
        await finished_build(pilot, app, spec)
        await pilot.press("H")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert stack_types(app) == [
            BuildersScreen,
            BuildFormScreen,
            BuildProgressScreen,
            BuildFormScreen,
        ]
        assert app.screen.spec == spec


async def test_history_rerun_checks_then_runs_and_inspect_opens_the_inspector(tmp_path):
    spec = spec_for(ctx=str(tmp_path / "ctx"))
    gone = spec_for(ctx=str(tmp_path / "no-such-context"), tags=("127.0.0.1:5000/gone:1",))
    app = app_for(backend_with_build(spec))
    async with app.run_test(size=SIZE) as pilot:
        history = app.services.history
        add(history, spec)
        add(history, gone)  # newest: first row
        await settle(pilot)
        app.post_message(nav.OpenBuildHistory())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BuildHistoryScreen)
        # Its context is gone: the app refuses with the reason; nothing opens.
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is screen
        notes = [str(n.message) for n in app._notifications]
        assert any("no-such-context" in note for note in notes), notes
        screen.query_one(DataTable).move_cursor(row=1)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, InspectorScreen)
        assert app.screen.initial == f"127.0.0.1:5000/demo@{DIGEST}"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        build = app.screen
        assert isinstance(build, BuildProgressScreen) and build.spec == spec
        # The history names the builder only; the lanes still get their native / QEMU badges
        # (issue #11 item 16: a re-run from the history dropped them).
        assert build.builder is not None and build.builder.name == "lab-container"
        assert set(build.support) >= {"linux/amd64", "linux/arm64"}


# -- every message, posted from anywhere, reaches the app -----------------------------------------
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (lambda: nav.OpenBuildForm(lab_builders()["lab-container"]), BuildFormScreen),
        (lambda: nav.OpenBuildHistory(), BuildHistoryScreen),
        (lambda: nav.OpenInspector("127.0.0.1:5000/demo:1"), InspectorScreen),
        (lambda: nav.OpenCreateWizard(None), CreateWizardScreen),
        (lambda: nav.OpenLeaveNode(lab_builders()["lab-container"]), LeaveNodeScreen),
        (lambda: nav.EditBuild(spec_for()), BuildFormScreen),
        (lambda: nav.StartBuild(spec_for(), "docker buildx build …"), BuildProgressScreen),
        (lambda: nav.OpenDoctor(("lab-container",)), DoctorScreen),
        (lambda: nav.OpenCache("lab-container"), CacheScreen),
        (lambda: nav.OpenBake(None, "lab-container"), BakeScreen),
        (lambda: nav.OpenBuilds("lab-container"), BuildsScreen),
        (lambda: nav.OpenBuilds(None), BuildsScreen),
        (lambda: nav.OpenBuildDetails("lab-container", "abc"), BuildDetailsScreen),
        (lambda: nav.OpenBuildLogs("lab-container", "abc"), BuildReplayScreen),
        (lambda: nav.OpenBuildTimeline("lab-container", "abc", "def"), BuildTimelineScreen),
    ],
)
async def test_each_message_bubbles_from_a_screen_to_the_app(message, expected):
    app = app_for(backend_with_build(spec_for()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        builders = app.screen
        builders.post_message(message())  # posted on a screen, as screens do
        await settle(pilot)
        assert type(app.screen) is expected
