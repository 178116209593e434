"""The bake workspace screen (Pilot) on output recorded on the lab: the workspace read, typed
variables and `--set` checked before anything runs, checks with the Dockerfile line,
entitlements asked (never granted silently), a run drawn per target with shared steps once, the
summary from the metadata file, a failing target named, cancel, bad files."""

from __future__ import annotations

import json

from textual.widgets import Input, Static, Tree

from buildx_tui.core.bake.runner import TargetOutput
from buildx_tui.ui.bake.run_view import RunView
from buildx_tui.ui.bake.screen import BakeScreen
from buildx_tui.ui.common.confirm import ConfirmDialog
from tests.helpers.bake import (
    WORKSPACE,
    bake_app,
    bake_backend,
    local,
    normalise,
    open_bake,
    settle,
    spec,
)

SIZE = (120, 36)


def text_of(screen: BakeScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def runs(app) -> list[tuple[str, ...]]:
    return [c for c in app.backend.calls if "rawjson" in c]


async def select(pilot, screen: BakeScreen, name: str) -> None:
    tree = screen.query_one("#bake-tree", Tree)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data == name:
            tree.cursor_line = line
            break
    await settle(pilot)
    assert screen.selected == (name,)


async def test_the_workspace_shows_groups_targets_and_a_targets_details():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        tree = screen.query_one("#bake-tree", Tree)
        groups = {str(n.data): [str(c.data) for c in n.children] for n in tree.root.children}
        assert groups["default"] == ["app", "tool"]
        assert groups["variant"] == ["variant-small", "variant-big"]  # the matrix expanded
        assert screen.selected == ("default",)
        assert "builds app, tool" in text_of(screen, "#bake-details")
        await select(pilot, screen, "app")
        details = text_of(screen, "#bake-details")
        assert "linux/amd64, linux/arm64" in details
        assert "127.0.0.1:5000/bake-app:v1" in details and "REPLICAS" in details
        command = text_of(screen, "#bake-command")
        assert command.startswith(f"$ (in {WORKSPACE}) docker buildx bake --builder bake-c --prog")
        assert command.endswith("app")
        assert "docker-bake.hcl" in text_of(screen, "#bake-summary")


async def test_a_wrong_variable_type_and_a_bad_set_run_nothing():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        box = screen.query_one("#bake-var-REPLICAS", Input)
        box.value = "many"
        await settle(pilot)
        assert box.has_class("-invalid")
        assert "REPLICAS is a number" in text_of(screen, "#bake-command")
        before = list(app.backend.calls)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.backend.calls == before  # nothing ran, not even the check
        box.value = "5"
        sets = screen.query_one("#bake-set", Input)
        sets.value = "tool.platforms=linux/arm64"
        await settle(pilot)
        assert sets.has_class("-invalid") and not box.has_class("-invalid")
        assert "platforms is `platform`" in text_of(screen, "#bake-command")
        sets.value = "tool.platform=linux/arm64"
        await settle(pilot)
        command = text_of(screen, "#bake-command")
        assert "--var REPLICAS=5 --set tool.platform=linux/arm64" in command


async def test_checks_show_rule_message_and_the_dockerfile_line():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        checks = text_of(screen, "#bake-checks")
        assert "app: FromAsCasing" in checks and "tool: FromAsCasing" in checks
        assert "app/Dockerfile:1: FROM 127.0.0.1:5000/busybox:latest as base" in checks
        assert not runs(app)  # a check builds nothing


async def test_a_run_draws_each_target_and_the_shared_steps_once():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await settle(pilot)
        assert runs(app) == [normalise(spec(targets=("default",)).argv(metadata_file="x"))]
        view = screen.query_one(RunView)
        assert view.has_class("-shown") and screen.runs_done == 1
        shared = text_of(screen, "#bake-shared")
        assert "shared by several targets" in shared
        assert shared.count("RUN echo base > /base.txt") == 1
        meta = json.loads(local("bake-run-default.metadata.json"))
        for target in ("app", "tool"):
            title = str(view.query_one("#" + view._widget_id("bt", target), Static).render())
            assert "✔ done" in title
            assert meta[target]["containerimage.digest"][:19] in title
            assert meta[target]["image.name"] in title
        assert "bake finished: 2 target(s)" in text_of(screen, "#bake-result")
        assert view.outputs is not None
        assert view.outputs["app"] == TargetOutput(
            meta["app"]["containerimage.digest"], "127.0.0.1:5000/bake-app:v1",
            meta["app"]["buildx.build.ref"],
        )  # fmt: skip
        await pilot.press("i")
        await settle(pilot)
        ref = f"127.0.0.1:5000/bake-app@{meta['app']['containerimage.digest']}"
        assert type(app.screen).__name__ == "InspectorScreen"
        assert getattr(app.screen, "initial", None) == ref


async def test_a_failing_target_is_named_with_its_step_and_log():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        await select(pilot, screen, "fails")
        await pilot.press("ctrl+r")
        await settle(pilot)
        await settle(pilot)
        result = text_of(screen, "#bake-result")
        assert "target broken failed at 3/3 RUN echo about to fail" in result
        assert "about to fail" in result.split("\n", 1)[1]  # its log
        view = screen.query_one(RunView)
        tool = str(view.query_one("#" + view._widget_id("bt", "tool"), Static).render())
        assert "✔ done" in tool  # the other target completed
        await pilot.press("escape")  # back to the workspace, as it was
        await settle(pilot)
        assert not view.has_class("-shown") and app.screen is screen


async def test_entitlements_are_asked_for_and_never_granted_silently():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        await select(pilot, screen, "outside")
        await pilot.press("ctrl+r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "--allow fs.read=../outside" in dialog._text
        assert "Read access to path ../outside" in dialog._text
        await pilot.press("escape")  # not granted
        await settle(pilot)
        assert app.screen is screen and not runs(app) and screen.allow == ()
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert screen.allow == ("fs.read=../outside",)
        assert runs(app) == [
            normalise(
                spec(targets=("outside",), allow=("fs.read=../outside",)).argv(metadata_file="x")
            )
        ]


async def test_cancel_leaves_no_run_going():
    backend = bake_backend()
    reply = backend.runs[normalise(spec(targets=("default",)).argv(metadata_file="x"))]
    reply.pause_after = 60
    app = bake_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        await pilot.press("ctrl+r")
        for _ in range(20):
            await pilot.pause(0.05)
            if screen.runner is not None:
                break
        assert screen.runner is not None
        await pilot.press("escape")  # refused while it runs
        assert app.screen is screen
        await pilot.press("ctrl+x")
        await settle(pilot)
        await settle(pilot)
        assert screen.runner is None and screen.outcome is not None
        assert screen.outcome.cancelled
        assert "bake stopped" in text_of(screen, "#bake-result")


async def test_a_bad_file_says_where_and_runs_nothing():
    app = bake_app(bake_backend(broken="bake-bad-syntax"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        message = text_of(screen, "#bake-message")
        assert "docker-bake.hcl:4: Missing item separator" in message
        assert ">>> }" in message
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not runs(app) and screen.definition is None


async def test_help_and_back():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert type(app.screen).__name__ == "BakeHelp"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen


async def test_a_check_that_just_passed_is_not_run_again_by_run():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        checks = [c for c in app.backend.calls if "--call" in c]
        assert len(checks) == 1
        await pilot.press("ctrl+r")
        await settle(pilot)
        await settle(pilot)
        assert [c for c in app.backend.calls if "--call" in c] == checks
        assert len(runs(app)) == 1
        await pilot.press("escape")
        await settle(pilot)
        screen.query_one("#bake-var-TAG", Input).value = "v2"  # a different bake: checked again
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert len([c for c in app.backend.calls if "--call" in c]) == 2


async def test_the_platform_override_uses_the_builders_platforms():
    from buildx_tui.ui.common.platform_picker import PlatformPicker, checkbox_id

    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        picker = screen.query_one(PlatformPicker)
        offered = dict((c.name, c.support.value) for c in picker.choices)
        assert offered["linux/amd64"] == "native" and offered["linux/arm64"] == "emulated"
        assert all(kind in ("native", "emulated") for kind in offered.values())
        assert "--set" not in text_of(screen, "#bake-command")
        await select(pilot, screen, "tool")
        picker.query_one("#" + checkbox_id("linux/arm64")).value = True
        picker.query_one("#" + checkbox_id("linux/amd64")).value = True
        await settle(pilot)
        command = text_of(screen, "#bake-command")
        # in the order shown, one --set each (bake adds them up: bake-print-platforms.stdout)
        assert "--set '*.platform=linux/amd64' --set '*.platform=linux/arm64' --progress" in command
        details = text_of(screen, "#bake-details")
        assert "← --set" in details and "ctrl+l prints it again" in details


async def test_what_buildx_will_refuse_is_said_and_asked_before_running():
    from buildx_tui.core.builders import parse_ls_json

    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        assert not screen.query_one("#bake-preflight", Static).display  # bake-c: nothing
        # the same workspace on the docker driver (the lab's `default`, as `buildx ls` said)
        screen.builder_info = parse_ls_json(local("bake-ls.stdout")).get("default")
        screen._show_command()
        await settle(pilot)
        said = text_of(screen, "#bake-preflight")
        assert "✖ refused app: the docker driver cannot build several platforms" in said
        await pilot.press("ctrl+r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and "Run it anyway?" in dialog._text
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and not runs(app)
        assert not [c for c in app.backend.calls if "--call" in c]  # not even checked
