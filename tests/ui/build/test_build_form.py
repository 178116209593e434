"""Pilot tests of the build form: every validation, the refusals asked about, the live command."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, RadioButton, Select, Static

from buildx_tui.core.build.checks import STORE_PROBE_ARGV
from buildx_tui.ui.build.confirm import BuildConfirmScreen
from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.platform_picker import PlatformPicker, checkbox_id
from tests.fakes import Reply
from tests.helpers.build_backend import (
    METADATA,
    form_backend,
    lab_builders,
    small_builder,
)
from tests.helpers.build_form import SIZE, builds_run, check_blocks, open_form, text, type_into
from tests.helpers.build_scenes import make_app
from tests.helpers.render import plain

pytestmark = pytest.mark.usefixtures("frozen_build_clock")


# -- platforms ------------------------------------------------------------------------------------


async def test_platforms_native_first_emulated_marked_unlisted_offered_with_what_is_known(
    history, context
):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, small_builder())
        picker = screen.query_one(PlatformPicker)
        assert picker.offered[:3] == ("linux/amd64", "linux/arm64", "linux/arm/v7")
        amd = screen.query_one("#" + checkbox_id("linux/amd64"), Checkbox)
        arm = screen.query_one("#" + checkbox_id("linux/arm64"), Checkbox)
        riscv = screen.query_one("#" + checkbox_id("linux/riscv64"), Checkbox)
        assert "native" in str(amd.label) and not amd.disabled
        assert "QEMU · slower" in str(arm.label) and not arm.disabled
        # Not listed is not refused: it may build (issue #11 item 7); the tooltip says what is
        # known and how to be sure.
        assert not riscv.disabled
        assert "? not listed: may build" in str(riscv.label)
        assert "binfmt" not in str(riscv.label) and "no emulator" not in str(riscv.label)
        assert "it builds if the builder's host has a QEMU emulator for riscv64" in str(
            riscv.tooltip
        )
        assert "tonistiigi/binfmt --install riscv64" in str(riscv.tooltip)
        await pilot.click("#" + checkbox_id("linux/riscv64"))
        await pilot.pause()
        assert picker.selected == ("linux/riscv64",)
        checks = text(app, "#checks")
        assert "• small does not list linux/riscv64: it builds if" in checks
        assert "refuse" not in checks and "will fail" not in checks


async def test_builder_from_ls_when_none_given_and_switching_builder(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app)
        select = screen.query_one("#builder", Select)
        assert select.value == "default"  # the current builder of the recorded ls
        assert screen.builder is not None and screen.builder.driver == "docker"
        select.value = "lab-container"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.builder is not None and screen.builder.name == "lab-container"
        labels = {c.name: c.pinned for c in screen.query_one(PlatformPicker).choices if c.pinned}
        assert labels == {"linux/amd64": True, "linux/arm64": True}
        assert "--builder lab-container" in text(app, "#command")
        log = [(e.command, e.state) for e in screen.query_one(CommandLog).entries]
        assert ("docker buildx ls --format json", EntryState.OK) in log
        assert ("docker info --format '{{json .DriverStatus}}'", EntryState.OK) in log


# -- the command follows the form -----------------------------------------------------------------


async def test_command_preview_follows_every_field_and_is_copyable(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        assert "$ docker buildx build --builder lab-container ." in text(app, "#command")
        await type_into(pilot, screen, "#tags", "127.0.0.1:5000/build-e2e/app:1, x:2")
        await type_into(pilot, screen, "#target", "base")
        await type_into(pilot, screen, "#build-args", "A=1 2\nB")
        await pilot.click("#" + checkbox_id("linux/amd64"))
        await pilot.click("#" + checkbox_id("linux/arm64"))
        screen.query_one("#out-push", RadioButton).value = True
        screen.query_one("#no-cache", Checkbox).value = True
        await pilot.pause()
        expected = (
            "docker buildx build --builder lab-container --platform linux/amd64,linux/arm64 "
            "-t 127.0.0.1:5000/build-e2e/app:1 -t x:2 --build-arg 'A=1 2' --build-arg B "
            "--target base --no-cache --push ."
        )
        assert "$ " + expected in text(app, "#command")
        assert "✔ ready to build" in text(app, "#checks")
        await pilot.press("ctrl+o")
        assert app.clipboard == expected


async def test_a_recheck_that_changes_nothing_redraws_nothing(history, context, monkeypatch):
    """Each redraw of the checks re-lays out the form and paints a frame: Build's own re-check
    painted one while the build's process was being started. Only a change redraws."""
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        drawn: list[str] = []
        for selector in ("#checks", "#command"):
            widget = screen.query_one(selector, Static)
            original = widget.update

            def update(content, *args, _original=original, _name=selector, **kwargs):
                drawn.append(_name)
                return _original(content, *args, **kwargs)

            monkeypatch.setattr(widget, "update", update)
        screen.revalidate()
        screen.revalidate()
        assert drawn == []
        await type_into(pilot, screen, "#target", "base")
        assert drawn == ["#checks", "#command"]
        assert "--target base" in text(app, "#command")
        await type_into(pilot, screen, "#target", "")
        assert drawn == ["#checks", "#command"] * 2
        assert "--target" not in text(app, "#command")


# -- every validation: a clear message, the field marked, nothing runs ----------------------------


async def test_each_bad_field_blocks_the_build_with_its_message(history, context):
    (context / "afile").write_text("x")
    (context / "adir").mkdir()
    backend = form_backend()
    app = make_app(backend)
    cases = [
        ("#context", "nope", "context", "context 'nope' does not exist"),
        ("#context", "afile", "context", "context 'afile' is not a directory"),
        ("#context", "adir", "dockerfile", "'adir/Dockerfile' does not exist"),
        (
            "#dockerfile",
            "Dockerfile.prod",
            "dockerfile",
            "Dockerfile 'Dockerfile.prod' does not exist",
        ),
        ("#target", "tests", "target", "no stage 'tests' in the Dockerfile (stages: base)"),
        ("#tags", "Demo:1", "tags", "'Demo:1': repository names must be lowercase"),
        ("#tags", "demo:", "tags", "'demo:': the tag after ':' is empty"),
        ("#build-args", "1X=2", "build_args", "line 1: '1X' is not a build-arg name"),
        ("#build-args", "A=1\nA=2", "build_args", "line 2: A given twice"),
        ("#extra-platforms", "linux/sparc", "platforms", "unknown architecture 'sparc'"),
    ]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        for selector, value, field, message in cases:
            await type_into(pilot, screen, selector, value)
            await check_blocks(pilot, app, backend, screen, field, message)
            assert screen.query_one(selector).has_class("-invalid") or field != selector[1:]
            # A field that cannot even be parsed leaves no command to show.
            unparsable = field in ("tags", "build_args", "platforms")
            assert ("fix the errors above" in text(app, "#command")) is unparsable
            await type_into(pilot, screen, selector, "")
            assert "✔ ready to build" in text(app, "#checks")


async def test_oci_and_tar_outputs_need_a_destination_file(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        assert not screen.query_one("#row-dest").display
        screen.query_one("#out-oci", RadioButton).value = True
        await pilot.pause()
        assert screen.query_one("#row-dest").display
        await check_blocks(pilot, app, backend, screen, "dest", "type=oci needs a destination file")
        await type_into(pilot, screen, "#dest", str(context))
        await check_blocks(pilot, app, backend, screen, "dest", "is a directory: name a file")
        await type_into(pilot, screen, "#dest", "out/image.tar")
        await check_blocks(pilot, app, backend, screen, "dest", "/out' does not exist")
        await type_into(pilot, screen, "#dest", "image.tar")
        assert "--output type=oci,dest=image.tar ." in text(app, "#command")


# -- refusals: asked before running ---------------------------------------------------------------


async def test_docker_driver_with_two_platforms_is_asked_about_and_can_be_dropped(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["default"])
        await pilot.click("#" + checkbox_id("linux/amd64"))
        await pilot.click("#" + checkbox_id("linux/arm64"))
        await pilot.pause()
        checks = text(app, "#checks")
        assert "⚠ buildx will refuse: the docker driver cannot build several platforms" in checks
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BuildConfirmScreen)
        assert "docker driver cannot build several platforms" in plain(
            app.screen.query_one(Static).content
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and builds_run(backend) == []


async def test_push_without_tag_then_build_anyway_runs_it(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        screen.query_one("#out-push", RadioButton).value = True
        await pilot.pause()
        assert "push needs at least one tag" in text(app, "#checks")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BuildConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, BuildProgressScreen)
        await app.workers.wait_for_complete()
        assert builds_run(backend) == [
            ("buildx", "build", "--builder", "lab-container", "--progress=rawjson",
             "--metadata-file", METADATA, "--push", ".")
        ]  # fmt: skip


async def test_load_of_two_platforms_depends_on_the_image_store(history, context):
    for store_json, refused in [
        (None, True),  # the lab's classic store (recorded)
        ('[["driver-type","io.containerd.snapshotter.v1"]]', False),
    ]:
        backend = form_backend()
        if store_json is not None:
            backend.replies[STORE_PROBE_ARGV] = Reply(0, store_json)
        app = make_app(backend)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_form(pilot, app, lab_builders()["lab-container"])
            await pilot.click("#" + checkbox_id("linux/amd64"))
            await pilot.click("#" + checkbox_id("linux/arm64"))
            screen.query_one("#out-load", RadioButton).value = True
            await pilot.pause()
            checks = text(app, "#checks")
            assert (
                "--load of several platforms needs the containerd image store" in checks
            ) is refused
            assert "linux/arm64 runs under QEMU emulation" in checks


async def test_good_form_starts_the_build_with_the_exact_argv(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        await type_into(pilot, screen, "#tags", "127.0.0.1:5000/build-e2e:1")
        await pilot.click("#" + checkbox_id("linux/arm64"))
        screen.query_one("#out-push", RadioButton).value = True
        await pilot.pause()
        await pilot.click("#do-build")
        await app.workers.wait_for_complete()  # the push pre-flight (each tag's registry)
        await pilot.pause()
        assert isinstance(app.screen, BuildProgressScreen)
        await app.workers.wait_for_complete()
        assert builds_run(backend) == [
            ("buildx", "build", "--builder", "lab-container", "--progress=rawjson",
             "--metadata-file", METADATA, "--platform", "linux/arm64",
             "-t", "127.0.0.1:5000/build-e2e:1", "--push", ".")
        ]  # fmt: skip


async def test_push_preflight_names_a_registry_that_wants_a_login(history, context, monkeypatch):
    """Build with --push: each tag's registry is asked first (here the recorded answers: the
    lab registry's 200, an htpasswd registry's 401); the one that wants a login docker holds no
    credentials for is a warning in the confirm dialog, with the login command."""
    from tests.helpers.doctor import recorded_registry

    monkeypatch.setattr("buildx_tui.ui.build.push_preflight.probe", recorded_registry)
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        await type_into(pilot, screen, "#tags", "127.0.0.1:5000/ok:1, 127.0.0.1:5917/private:1")
        screen.query_one("#out-push", RadioButton).value = True
        await pilot.pause()
        await pilot.press("ctrl+b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BuildConfirmScreen)
        said = plain(app.screen.query_one(Static).content)
        assert "push to 127.0.0.1:5917/private:1: 127.0.0.1:5917 wants a login (401" in said
        assert "(docker login 127.0.0.1:5917)" in said
        assert "push to 127.0.0.1:5000/ok:1" not in said  # 200: needs no login
        assert builds_run(backend) == []
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BuildProgressScreen)
