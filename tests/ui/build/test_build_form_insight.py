"""The build form's Dockerfile insight (issue #13) on recorded output (form-call-*): the check's
warnings under the Dockerfile field with the rule and the line, "no problems", a syntax error
with its line, a builder that refuses the call; only the last check asked for runs and shows;
the targets and build-args pickers fill the form; every call is in the command log."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input, OptionList, SelectionList, TextArea

from buildx_tui.core.build.calls import Call
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.form import BuildFormScreen
from buildx_tui.ui.build.pickers import BuildArgsPicker, TargetPicker
from buildx_tui.ui.common.command_log import CommandLog
from tests.demo import FIXED_NOW
from tests.helpers.build_backend import lab_builders
from tests.helpers.build_form import builds_run, calls_run, open_form, text
from tests.helpers.form_insight import argv, insight_backend, reply, wait_checked, write_context
from tests.helpers.render import plain

SIZE = (120, 40)


@pytest.fixture
def app_dir(tmp_path, monkeypatch):
    ctx = write_context(tmp_path / "ctx")
    monkeypatch.chdir(ctx)
    return ctx


def make_app(backend) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)


def log_text(form) -> str:
    return "\n".join(plain(e.render()) for e in form.query_one(CommandLog).entries)


async def settle(pilot, app) -> None:
    await app.workers.wait_for_complete()
    for _ in range(3):
        await pilot.pause()


@pytest.mark.usefixtures("app_dir")
async def test_warnings_show_the_rule_the_message_and_the_line():
    backend = insight_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        await wait_checked(pilot, form)
        shown = text(app, "#dockerfile-insight")
        assert "⚠ FromAsCasing: 'as' and 'FROM' keywords' casing do not match" in shown
        assert "Dockerfile:11 │ FROM deps as test" in shown
        assert "⚠ JSONArgsRecommended" in shown
        assert "Dockerfile:26 │ ENTRYPOINT echo $GREETING" in shown
        # the exact argv, in the command log like every other call
        assert calls_run(backend) == [argv(Call.CHECK)]
        command = "docker buildx build --builder lab-container --call=check,format=json ."
        assert command in log_text(form)
        assert builds_run(backend) == []  # a check builds nothing


@pytest.mark.parametrize(
    ("stem", "code", "builder", "expected"),
    [
        ("form-call-check-clean", 0, "lab-container", ["✔ no problems found by the build checks"]),
        (
            "form-call-check-syntax",
            1,
            "lab-container",
            [
                "✖ does not parse: dockerfile parse error on line 3: unknown instruction: RUNN",
                "line 3 │ RUNN echo typo",
            ],
        ),
        (
            "form-call-check-missing",
            1,
            "lab-container",
            ["✖ check the Dockerfile failed: failed to read dockerfile: open Dockerfile: no such"],
        ),
        (
            "form-call-check-default-builder",
            1,
            "default",
            [
                "✖ default cannot check the Dockerfile: its BuildKit does not support the call "
                "(unsupported request frontend.lint)"
            ],
        ),
    ],
)
async def test_what_the_check_said(app_dir, stem, code, builder, expected):
    backend = insight_backend(stem, code, builder=builder)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()[builder])
        await wait_checked(pilot, form)
        shown = " ".join(text(app, "#dockerfile-insight").split())
        for words in expected:
            assert " ".join(words.split()) in shown, shown


@pytest.mark.usefixtures("app_dir")
async def test_typing_fast_runs_and_shows_only_the_last_check():
    backend = insight_backend()
    last = argv(Call.CHECK, build_args=(("VERSION", "123"),))
    backend.replies[last] = reply("form-call-check-clean", 0)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        await wait_checked(pilot, form)
        before = len(calls_run(backend))
        area = form.query_one("#build-args", TextArea)
        for typed in ("V", "VE", "VERSION", "VERSION=", "VERSION=1", "VERSION=12", "VERSION=123"):
            area.text = typed
            await pilot.pause()
        await settle(pilot, app)
        assert calls_run(backend)[before:] == [last]  # each keystroke cancelled the one before
        assert "✔ no problems" in text(app, "#dockerfile-insight")


@pytest.mark.usefixtures("app_dir")
async def test_an_older_check_that_ends_late_is_not_shown():
    """A check already running when the form changes: the newer one's result shows, the older
    one's (ending after it) is only logged as not shown."""
    backend = insight_backend()
    gate = threading.Event()
    slow = argv(Call.CHECK, target="test")
    backend.replies[slow] = reply("form-call-check-syntax", 1, gate=gate)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        await wait_checked(pilot, form)
        form.query_one("#target", Input).value = "test"
        for _ in range(40):  # until the slow check runs (after the debounce)
            await pilot.pause(0.05)
            if slow in backend.calls:
                break
        assert slow in backend.calls
        form.query_one("#target", Input).value = "release"
        newer = argv(Call.CHECK, target="release")
        for _ in range(60):  # the newer check runs and shows while the older one still runs
            await pilot.pause(0.05)
            if "✔ no problems" in text(app, "#dockerfile-insight"):
                break
        assert newer in backend.calls and not gate.is_set()
        gate.set()  # the older one ends now
        await settle(pilot, app)
        shown = text(app, "#dockerfile-insight")
        assert "does not parse" not in shown
        assert "✔ no problems" in shown  # --target release: the clean fallback
        assert "not shown: the form changed since" in log_text(form)


@pytest.mark.usefixtures("app_dir")
async def test_no_check_while_the_dockerfile_field_is_wrong():
    backend = insight_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        await wait_checked(pilot, form)
        ran = len(calls_run(backend))
        form.query_one("#dockerfile", Input).value = "nosuch/Dockerfile"
        await settle(pilot, app)
        assert len(calls_run(backend)) == ran
        assert not form.query_one("#dockerfile-insight").display


async def test_a_builder_not_running_is_not_started_by_a_check(app_dir):
    backend = insight_backend(builder="lab-dead")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, app, lab_builders()["lab-dead"])
        await settle(pilot, app)
        assert calls_run(backend) == []
        assert "build checks wait for lab-dead to be running" in text(app, "#dockerfile-insight")


@pytest.mark.usefixtures("app_dir")
async def test_targets_picker_sets_the_target_the_build_uses():
    backend = insight_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        await wait_checked(pilot, form)
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        assert isinstance(app.screen, TargetPicker)
        options = app.screen.query_one(OptionList)
        labels = [plain(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert labels[3].startswith("  release  (default)  is the image we ship")
        assert "deps  fetches the tool the others use" in labels[0]
        await pilot.press("down", "enter")
        await settle(pilot, app)
        assert app.screen is form
        assert form.query_one("#target", Input).value == "test"
        assert form.spec is not None and "--target" in form.spec.argv()
        assert argv(Call.TARGETS) in backend.calls
        assert "--call=targets,format=json ." in log_text(form)


@pytest.mark.usefixtures("app_dir")
async def test_build_args_picker_adds_the_picked_and_keeps_what_was_typed():
    backend = insight_backend()
    typed = (("VERSION", "9"),)
    backend.replies[argv(Call.OUTLINE, build_args=typed)] = reply("form-call-outline", 0)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        await wait_checked(pilot, form)
        form.query_one("#build-args", TextArea).text = "VERSION=9"
        await settle(pilot, app)
        await pilot.press("ctrl+g")
        await settle(pilot, app)
        assert isinstance(app.screen, BuildArgsPicker)
        picker = app.screen.query_one(SelectionList)
        version = picker.get_option_at_index(1)
        assert version.disabled and "in the form: 9, kept" in plain(version.prompt)
        assert "is the image every stage starts from" in plain(picker.get_option_at_index(0).prompt)
        await pilot.press("space", "down")  # BASE ticked; down skips VERSION to GREETING
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is form
        assert form.query_one("#build-args", TextArea).text == (
            "VERSION=9\nBASE=127.0.0.1:5000/busybox:latest\nGREETING=hello"
        )


@pytest.mark.usefixtures("app_dir")
async def test_a_refused_list_says_so_plainly():
    backend = insight_backend(builder="default")
    backend.replies[argv(Call.TARGETS, builder="default")] = reply(
        "form-call-targets-default-builder", 1
    )
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["default"])
        await wait_checked(pilot, form)
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        assert app.screen is form
        said = [n.message for n in app._notifications]
        assert any(
            "default cannot list the targets: its BuildKit does not support the call "
            "(unsupported request frontend.targets)" in m
            for m in said
        ), said


async def test_a_long_paste_into_the_dockerfile_runs_no_call(app_dir):
    backend = insight_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        await wait_checked(pilot, form)
        ran = len(calls_run(backend))
        for field in ("#dockerfile", "#target"):
            form.query_one(field, Input).value = ("x" * 98 + "/é") * 100
            await settle(pilot, app)
        assert len(calls_run(backend)) == ran
        await pilot.press("ctrl+t")  # the form says what to fix; nothing runs
        await settle(pilot, app)
        assert app.screen is form and argv(Call.TARGETS) not in backend.calls
        assert isinstance(form, BuildFormScreen)
