"""A 10,000-character paste into every field of every form (issue #11 item 1): the app never
crashes (a 300-character builder name used to: `OSError: File name too long`), nothing runs,
and the value stays in the field for the user to fix."""

from __future__ import annotations

import pytest
from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.form import BuildFormScreen
from buildx_tui.ui.common.login import LoginScreen
from buildx_tui.ui.create.wizard import CreateWizardScreen
from buildx_tui.ui.inspect.screen import InspectorScreen
from tests.demo import FIXED_NOW
from tests.helpers.build_backend import form_backend, lab_builders
from tests.helpers.wizard import next_step

#: 10,000 characters with a slash and a non-ASCII one; a TextArea also gets newlines (an Input
#: keeps the first line of a multi-line paste, as Textual's Input does).
LINE = ("x" * 98 + "/é") * 100
LINES = ("x" * 97 + "/é\n") * 100
SIZE = (120, 40)


def app_for() -> BuildxApp:
    return BuildxApp(form_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def fields(screen: Widget) -> list[Input | TextArea]:
    return [w for w in screen.query("Input, TextArea") if isinstance(w, Input | TextArea)]


async def paste_everywhere(pilot, screen: Widget) -> int:
    """Paste into each visible, enabled field of ``screen``; returns how many."""
    count = 0
    for field in fields(screen):
        if not field.display or field.disabled or not field.is_on_screen:
            continue
        field.focus()
        await pilot.pause()
        field.post_message(events.Paste(LINES if isinstance(field, TextArea) else LINE))
        await settle(pilot)
        assert pilot.app.is_running, f"the app died on a paste into #{field.id}"
        value = field.text if isinstance(field, TextArea) else field.value
        assert len(value) >= 1000, f"#{field.id} lost the paste"
        count += 1
    return count


def ran_nothing_but_reads(app: BuildxApp) -> bool:
    reads = {("buildx", "ls"), ("context", "ls"), ("info", "--format"), ("version",)}
    return all(call[:2] in reads or call[:1] in reads for call in app.backend.calls)


async def test_the_build_form():
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = BuildFormScreen(lab_builders()["lab-container"])
        app.push_screen(form)
        await settle(pilot)
        from buildx_tui.ui.build.advanced_options import AdvancedOptions

        form.query_one(AdvancedOptions).collapsed = False
        await settle(pilot)
        assert await paste_everywhere(pilot, form) >= 8
        await pilot.press("ctrl+b")  # the form refuses: there are errors
        await settle(pilot)
        assert app.screen is form
        assert ran_nothing_but_reads(app)


@pytest.mark.parametrize(
    ("step", "driver"),
    [
        ("name", "docker-container"),
        ("endpoint", "remote"),
        ("endpoint", "docker-container"),
        ("node", "docker-container"),
        ("registry", "docker-container"),
    ],
)
async def test_each_wizard_step(step, driver, tmp_path):
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        wizard = CreateWizardScreen(None, config_dir=tmp_path)
        app.push_screen(wizard)
        await settle(pilot)
        wizard.query_one("#name", Input).value = "longpaste"
        from textual.widgets import RadioButton

        order = ["name", "driver", "endpoint", "node", "registry"]
        for _ in range(order.index(step)):
            if wizard.step.value == "driver":
                wizard.query_one(f"#driver-{driver}", RadioButton).value = True
            if wizard.step.value == "endpoint" and driver == "remote":
                wizard.query_one("#endpoint", Input).value = "tcp://127.0.0.1:1234"
            await next_step(pilot)
        assert wizard.step.value == step
        assert await paste_everywhere(pilot, wizard.panel()) >= 1
        await next_step(pilot)  # refused with a message, not a crash
        assert app.is_running and wizard.step.value == step
        assert ran_nothing_but_reads(app)


async def test_the_login_dialog_the_inspector_and_the_filter():
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert await paste_everywhere(pilot, app.screen) == 1  # the filter
        app.push_screen(LoginScreen("127.0.0.1:5000"))
        await settle(pilot)
        assert await paste_everywhere(pilot, app.screen) == 3
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        inspector = InspectorScreen()
        app.push_screen(inspector)
        await settle(pilot)
        assert await paste_everywhere(pilot, inspector) >= 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert not any(call[:2] == ("login", "--username") for call in app.backend.calls)
        assert not any(call[:2] == ("buildx", "imagetools") for call in app.backend.calls)


async def test_paste_into_the_doctor_platforms():
    """The doctor's fields (platforms, push targets): pasted, Enter refuses it in words;
    nothing but reads ran."""
    from textual.widgets import Static

    from tests.helpers.doctor import doctor_app, open_doctor

    app = doctor_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_doctor(pilot)
        assert await paste_everywhere(pilot, screen) == 2
        await pilot.press("enter")  # in the push targets, pasted last
        await settle(pilot)
        assert app.is_running
        message = screen.query_one("#doctor-message", Static)
        assert message.has_class("-shown")
        assert "not applied" in str(message.content)
        assert not [key for key in screen.table.rows if str(key.value).startswith("push:")]
        assert not any(call[:1] == ("run",) for call in app.backend.calls)  # no fix ran


async def test_the_cache_screen_filter_and_prune_fields():
    from tests.helpers.cache import cache_app, open_cache

    app = cache_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert await paste_everywhere(pilot, screen) == 6  # the filter and five prune fields
        assert screen.prune_error is not None  # refused with the field named, not a crash
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert not any(call[:2] == ("buildx", "prune") for call in app.backend.calls)


async def test_the_cache_screen_old_builds_fields():
    """The old-builds panel (history rm): pasted into, refused in words; ctrl+r runs nothing."""
    from tests.helpers.cache import history_app, open_cache

    app = history_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert await paste_everywhere(pilot, screen) == 3  # the filter, older than, keep newest
        panel = screen.query_one("#history-panel")
        assert panel.problem is not None and len(str(panel.problem)) < 200
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert not any(call[:3] == ("buildx", "history", "rm") for call in app.backend.calls)


async def test_the_replay_and_timeline_screens():
    """No field on either: a paste (and keys) on them run nothing and break nothing."""
    from buildx_tui.ui.builds.replay import BuildReplayScreen
    from buildx_tui.ui.builds.timeline import BuildTimelineScreen
    from tests.helpers.replay import BUILDER, REFS, replay_app

    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for screen in (
            BuildReplayScreen(BUILDER, REFS["two-platform"]),
            BuildTimelineScreen(BUILDER, REFS["two-platform"], REFS["cached"]),
        ):
            app.push_screen(screen)
            await settle(pilot)
            calls = len(app.backend.calls)
            assert fields(screen) == []
            screen.post_message(events.Paste(LINE))
            await settle(pilot)
            assert app.is_running and app.screen is screen
            assert len(app.backend.calls) == calls
            await pilot.press("escape")
            await settle(pilot)


async def test_the_builds_filter_and_export_path(tmp_path):
    from buildx_tui.core.builds.commands import ExportSpec
    from buildx_tui.ui.builds.details import BuildDetailsScreen
    from buildx_tui.ui.builds.export import ExportDialog
    from buildx_tui.ui.builds.screen import BuildsScreen
    from tests.helpers.builds import C, builds_app, builds_backend, refs

    backend = builds_backend()
    app = builds_app(backend, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = BuildsScreen(C)
        app.push_screen(screen)
        await settle(pilot)
        assert await paste_everywhere(pilot, screen) == 1
        await pilot.press("enter")  # a 10,000-character filter: refused in words
        await settle(pilot)
        assert app.screen is screen and app.is_running
        details = BuildDetailsScreen(C, refs()["failing"])
        app.push_screen(details)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        assert await paste_everywhere(pilot, dialog) == 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # too long a path: said, nothing run
        assert not any(call[:3] == ExportSpec(C, "", "").argv()[:3] for call in backend.calls)


async def test_the_bake_variables_and_set_fields():
    """A 10,000-character paste into each variable, the `--set` field and the workspace path:
    checked (too long, not a number, not target.key=value), nothing runs, no crash."""
    from textual.widgets import Input, Static

    from tests.helpers.bake import bake_app, open_bake

    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        assert await paste_everywhere(pilot, screen) == 5  # the path, three variables, --set
        _spec, problems = screen.spec()
        assert len(problems) == 4
        calls = len(app.backend.calls)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.is_running and app.screen is screen
        assert len(app.backend.calls) == calls  # refused before the check
        screen.query_one("#bake-path", Input).focus()
        await pilot.press("enter")  # open the pasted path: said, nothing opened
        await settle(pilot)
        assert app.screen is screen and len(app.backend.calls) == calls
        assert "too long" in str(screen.query_one("#bake-message", Static).render())


async def test_the_build_form_with_its_dockerfile_checked(tmp_path, monkeypatch):
    """A context whose Dockerfile the form checks (issue #13): a paste into any field never
    reaches a `build --call`, and the pickers' keys ask for nothing while a field is wrong."""
    from tests.helpers.build_form import calls_run
    from tests.helpers.form_insight import insight_backend, wait_checked, write_context

    monkeypatch.chdir(write_context(tmp_path / "ctx"))
    app = BuildxApp(insight_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = BuildFormScreen(lab_builders()["lab-container"])
        app.push_screen(form)
        await wait_checked(pilot, form)
        checked = calls_run(app.backend)
        assert len(checked) == 1  # the Dockerfile as the form opened
        from buildx_tui.ui.build.advanced_options import AdvancedOptions

        form.query_one(AdvancedOptions).collapsed = False
        await settle(pilot)
        assert await paste_everywhere(pilot, form) >= 8
        for key in ("ctrl+t", "ctrl+g"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is form
        assert calls_run(app.backend) == checked
        assert not any("--call=targets,format=json" in c for c in app.backend.calls)
