"""The bake workspace opened by path (the field, `--bake`, a bad path), its commands run in the
workspace's folder, and its runs in the app's history: listed as bake runs beside builds (an old
history file included), re-run and edit from there open the screen filled; replayed on output
recorded on the lab (tests/helpers/bake.py)."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

from rich.console import Console
from textual.widgets import Checkbox, DataTable, Input, Static

from buildx_tui.core.build.history import BakeEntry, History
from buildx_tui.core.build.history_bake import BakeRequest
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.bake.screen import BakeScreen
from buildx_tui.ui.build.history import BuildHistoryScreen
from tests.demo import FIXED_NOW
from tests.helpers.bake import (
    ABS_WORKSPACE,
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
OLD = Path(__file__).resolve().parents[2] / "fixtures/app-history/build-history-4f018f7.jsonl"


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def rich_text(renderable: object) -> str:
    console = Console(width=300, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def runs(app) -> list[tuple[str, ...]]:
    return [c for c in app.backend.calls if "rawjson" in c]


async def wait_for(pilot, what, tries: int = 40) -> None:
    for _ in range(tries):
        await settle(pilot)
        if what():
            return
    raise AssertionError("never happened")


async def test_every_bake_command_runs_in_the_workspace_folder_and_says_so():
    backend = bake_backend()
    app = bake_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        base = spec()
        assert backend.cwd_of(*base.print_argv()) == WORKSPACE
        assert backend.cwd_of(*base.list_argv("variables")) == WORKSPACE
        assert text_of(screen, "#bake-command").startswith(f"$ (in {WORKSPACE}) docker buildx")
        assert screen.query_one("#bake-path", Input).value == WORKSPACE
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.runs_done == 1)
        (run,) = [(k, cwd) for k, cwd in backend.runs_in if "rawjson" in k]
        assert run[1] == WORKSPACE
        check = spec(targets=("default",)).check_argv()
        assert backend.cwd_of(*check) == WORKSPACE
        assert screen.outcome is not None
        assert screen.outcome.result.command.startswith(f"(in {WORKSPACE}) docker buildx bake")


async def test_push_is_a_flag_of_the_command():
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        screen.query_one("#bake-push", Checkbox).value = True
        await settle(pilot)
        built, _ = screen.spec()
        assert built.push and "--push" in built.argv()
        assert "--push" in text_of(screen, "#bake-command")


async def test_the_workspace_field_opens_another_path_and_says_what_is_wrong(tmp_path):
    backend = bake_backend()
    app = bake_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        box = screen.query_one("#bake-path", Input)
        box.value = str(tmp_path / "nowhere")
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "no such folder or file" in text_of(screen, "#bake-message")
        box.value = f"{WORKSPACE}/docker-bake.hcl"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is not screen)
        other = app.screen
        assert isinstance(other, BakeScreen)
        assert (other.folder, other.files) == (WORKSPACE, ("docker-bake.hcl",))
        printed = (*spec().print_argv()[:4], "--file", "docker-bake.hcl", "--print")
        assert backend.cwd_of(*printed) == WORKSPACE


async def test_a_workspace_that_cannot_be_opened_runs_nothing(tmp_path):
    backend = bake_backend()
    app = bake_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(nav.OpenBake(str(tmp_path)))  # a folder without a bake file
        await wait_for(pilot, lambda: isinstance(app.screen, BakeScreen))
        screen = app.screen
        await settle(pilot)
        assert "no bake file in" in text_of(screen, "#bake-message")
        assert not [c for c in backend.calls if "bake" in c]
        assert screen.query_one("#bake-path", Input).has_focus


async def test_bake_on_the_command_line_opens_over_the_builders_list():
    app = BuildxApp(bake_backend(), refresh_interval=0, clock=lambda: FIXED_NOW, bake=WORKSPACE)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, BakeScreen))
        assert app.screen.folder == WORKSPACE
        assert len(app.screen_stack) == 3  # _default, the builders list, bake


async def test_a_run_is_recorded_listed_as_bake_and_run_again_with_the_same_argv():
    backend = bake_backend()
    app = bake_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_bake(pilot)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.runs_done == 1)
        (entry,) = app.services.history.load_runs()
        assert isinstance(entry, BakeEntry) and entry.result == "success"
        ran = spec(targets=("default",))
        assert entry.request == BakeRequest(
            workspace=ABS_WORKSPACE, targets=("default",), builder="bake-c", argv=tuple(ran.argv())
        )
        assert entry.command == f"(in {WORKSPACE}) " + " ".join(["docker", *ran.argv()])
        meta = json.loads(local("bake-run-default.metadata.json"))
        by_name = {t.target: t for t in entry.targets}
        assert set(by_name) == {"app", "tool"}
        for name, t in by_name.items():
            assert t.result == "success"
            assert t.digest == meta[name]["containerimage.digest"]
            assert t.build_ref == meta[name]["buildx.build.ref"]
        assert by_name["app"].platforms == ("linux/amd64", "linux/arm64")
        assert app.services.history.load() == []  # builds only: the build form sees none

        app.post_message(nav.OpenBuildHistory())
        await wait_for(pilot, lambda: isinstance(app.screen, BuildHistoryScreen))
        history = app.screen
        await settle(pilot)
        table = history.query_one(DataTable)
        assert str(table.get_row_at(0)[1]) == "◆ bake"
        details = rich_text(history.query_one("#history-details", Static).content)
        assert "◆ bake in " + ABS_WORKSPACE in details and "app" in details
        await pilot.press("r")  # run it again
        await wait_for(pilot, lambda: len(runs(app)) == 2)
        rerun = app.screen
        assert isinstance(rerun, BakeScreen) and rerun is not screen
        assert rerun.folder == ABS_WORKSPACE
        first, second = runs(app)
        assert first == second == normalise(ran.argv(metadata_file="x"))
        assert backend.runs_in[-1][1] == ABS_WORKSPACE
        await wait_for(pilot, lambda: len(app.services.history.load_runs()) == 2)


async def test_edit_fills_the_form_with_what_it_ran_and_runs_nothing():
    recorded = BakeRequest(
        workspace=ABS_WORKSPACE,
        targets=("app",),
        builder="bake-c",
        variables=(("REPLICAS", "5"),),
        sets=("app.args.GREETING=hey",),
        platforms=("linux/amd64",),
        push=True,
    )
    app = bake_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(nav.OpenBake(recorded=recorded))
        await wait_for(pilot, lambda: isinstance(app.screen, BakeScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.definition is not None)
        assert screen.selected == ("app",)
        assert screen.query_one("#bake-var-REPLICAS", Input).value == "5"
        assert screen.query_one("#bake-set", Input).value == "app.args.GREETING=hey"
        assert screen.query_one("#bake-push", Checkbox).value
        built, problems = screen.spec()
        assert not problems
        assert built.variables == (("REPLICAS", "5"),) and built.push
        assert built.sets == ("app.args.GREETING=hey", "*.platform=linux/amd64")
        assert built.targets == ("app",) and built.cwd == ABS_WORKSPACE
        assert not runs(app)


async def test_an_old_history_file_lists_its_builds_beside_bake_runs(tmp_path):
    shutil.copy(OLD, tmp_path / "build-history.jsonl")
    history = History(tmp_path)
    history.append(
        BakeEntry(
            request=BakeRequest(workspace="/ws", targets=("default",)),
            command="(in /ws) docker buildx bake default",
            started_at=FIXED_NOW,
            result="failed",
            duration_s=1.0,
        )
    )
    app = BuildxApp(bake_backend(), refresh_interval=0, clock=lambda: FIXED_NOW, history=history)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(nav.OpenBuildHistory())
        await wait_for(pilot, lambda: isinstance(app.screen, BuildHistoryScreen))
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        kinds = [str(table.get_row_at(r)[1]) for r in range(table.row_count)]
        assert kinds == ["◆ bake", "build", "build", "build"]
        assert os.stat(tmp_path / "build-history.jsonl").st_size > OLD.stat().st_size


def test_each_target_of_a_bake_run_links_to_its_buildkit_record_by_build_ref():
    from buildx_tui.core.build.history_bake import BakeTargetRun
    from buildx_tui.core.builds.link import link_record
    from buildx_tui.core.builds.records import BuildRecord
    from buildx_tui.ui.builds.ours import our_runs

    meta = json.loads(local("bake-run-default.metadata.json"))
    entry = BakeEntry(
        request=BakeRequest(workspace="/ws", builder="bake-c"),
        command="x",
        started_at=FIXED_NOW,
        result="success",
        duration_s=1.0,
        targets=(
            BakeTargetRun("app", "success", build_ref=meta["app"]["buildx.build.ref"]),
            BakeTargetRun("tool", "success", build_ref=meta["tool"]["buildx.build.ref"]),
            BakeTargetRun("broken", "failed"),  # no metadata: not linked
        ),
        id="b1",
    )
    runs = our_runs(entry)
    assert [r.build_ref for r in runs] == [meta["app"]["buildx.build.ref"],
                                           meta["tool"]["buildx.build.ref"]]  # fmt: skip
    for name in ("app", "tool"):
        ref = meta[name]["buildx.build.ref"]
        record = BuildRecord(ref, "bake", "completed", FIXED_NOW, FIXED_NOW, 3, 3, 0)
        link = link_record(record, runs)
        assert link is not None and link.exact and link.run.key == "b1"
        assert link.run.build_ref == ref


async def test_a_run_of_a_file_bake_does_not_pick_itself_reopens_with_that_file(tmp_path):
    """A workspace whose file has a name bake does not look for (``-f ci.hcl``): re-opened from
    the history in its folder with that file named, not refused as "no bake file"."""
    (tmp_path / "ci.hcl").write_text('target "x" {}\n')
    backend = bake_backend()
    app = bake_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        recorded = BakeRequest(workspace=str(tmp_path), files=("ci.hcl",), targets=("x",))
        app.post_message(nav.OpenBake(recorded=recorded))
        await wait_for(pilot, lambda: isinstance(app.screen, BakeScreen))
        screen = app.screen
        await settle(pilot)
        assert (screen.folder, screen.files, screen.path_error) == (str(tmp_path), ("ci.hcl",), "")
        printed = ("buildx", "bake", "--file", "ci.hcl", "--print")
        assert backend.cwd_of(*printed) == str(tmp_path)
        (tmp_path / "ci.hcl").unlink()
        app.post_message(nav.OpenBake(recorded=recorded))  # the file is gone: said
        await wait_for(pilot, lambda: app.screen is not screen)
        await settle(pilot)
        assert "no such folder or file" in app.screen.path_error
