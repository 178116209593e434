"""The build form's Dockerfile insight on the real lab (issue #13): a Dockerfile with a lint
warning shows the rule and the line under the Dockerfile field; the targets picker sets the
target and the build then runs with `--target`; the outline fills a build arg the build uses;
the `default` builder (docker driver, dockerd 20.10) refusing the check is said plainly."""

from __future__ import annotations

import uuid

from textual.widgets import Input, OptionList, Select, SelectionList, TextArea

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.pickers import BuildArgsPicker, TargetPicker
from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.common.command_log import CommandLog
from tests.helpers.e2e_build import SIZE, context, open_form, wait_build
from tests.helpers.e2e_lab import client_for, wait_for
from tests.helpers.render import plain

from .conftest import Lab

DOCKERFILE = """\
# GREETING is what the test stage says
ARG GREETING=hello

# base is where every stage starts
FROM busybox as base
RUN echo base

# test runs the checks
FROM base AS test
ARG GREETING
RUN echo "test says $GREETING"

# release is the image we ship
FROM base AS release
RUN echo release
"""


def insight(form) -> str:
    return plain(form.query_one("#dockerfile-insight").content)


def shows(app: BuildxApp, picker: type, widget: type) -> bool:
    """``picker`` is on top, its list mounted."""
    return isinstance(app.screen, picker) and bool(app.screen.query(widget))


async def test_check_targets_and_outline_drive_a_real_build(lab: Lab, tmp_path):
    # a RUN of its own each run: BuildKit's cache would replay the step without its log
    nonce = uuid.uuid4().hex[:8]
    ctx = context(tmp_path, DOCKERFILE.replace('$GREETING"\n', f'$GREETING"  # {nonce}\n'))
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "lab-container")
        form.query_one("#context", Input).value = str(ctx)
        await wait_for(pilot, lambda: "FromAsCasing" in insight(form), 90, "the check")
        shown = insight(form)
        assert "⚠ FromAsCasing: 'as' and 'FROM' keywords' casing do not match" in shown
        assert "Dockerfile:5 │ FROM busybox as base" in " ".join(shown.split())
        logged = "\n".join(plain(e.render()) for e in form.query_one(CommandLog).entries)
        assert f"--call=check,format=json {ctx}" in logged

        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: shows(app, TargetPicker, OptionList), 90, "the targets")
        options = app.screen.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert names == ["base", "test", "release"]
        release = plain(options.get_option_at_index(2).prompt)
        assert "(default)" in release and "is the image we ship" in release
        options.highlighted = 1
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is form, 10, "the form again")
        assert form.query_one("#target", Input).value == "test"

        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: shows(app, BuildArgsPicker, SelectionList), 90, "outline")
        args = app.screen.query_one(SelectionList)
        greeting = plain(args.get_option_at_index(0).prompt)
        assert greeting.startswith("GREETING = hello") and "is what the test stage says" in greeting
        args.select_all()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is form, 10, "the form again")
        assert form.query_one("#build-args", TextArea).text == "GREETING=hello"
        await pilot.pause()
        assert form.spec is not None
        argv = form.spec.argv()
        assert argv[argv.index("--target") + 1] == "test"
        assert argv[argv.index("--build-arg") + 1] == "GREETING=hello"

        await pilot.press("ctrl+b")
        await wait_for(pilot, lambda: isinstance(app.screen, BuildProgressScreen), 30, "build")
        screen = app.screen
        assert isinstance(screen, BuildProgressScreen)
        await wait_build(pilot, screen)
        outcome = screen.outcome
        assert outcome is not None and outcome.result.returncode == 0, outcome.result.stderr[-2000:]
        assert "--target" in outcome.result.argv and "test" in outcome.result.argv
        steps = [s for lane in outcome.snapshot.lanes for s in lane.steps]
        assert any("test says hello" in line.text for s in steps for line in s.logs)
        assert not any(s.name.startswith("RUN echo release") for s in steps)


async def test_the_default_builder_refusing_the_check_is_said(lab: Lab, tmp_path):
    ctx = context(tmp_path, DOCKERFILE)
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, "lab-container")
        form.query_one("#context", Input).value = str(ctx)
        form.query_one("#builder", Select).value = "default"
        await wait_for(pilot, lambda: "✖" in insight(form), 120, "the refusal")
        assert " ".join(insight(form).split()) == (
            "✖ default cannot check the Dockerfile: its BuildKit does not support the call "
            "(unsupported request frontend.lint)"
        )
