"""The Builds list and a build's details on `history` output recorded on the lab."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from buildx_tui.core.builds.commands import ExportSpec, InspectSpec, LsSpec, RmSpec
from buildx_tui.ui.builds.details import BuildDetailsScreen
from buildx_tui.ui.builds.export import ExportDialog
from buildx_tui.ui.builds.screen import BuildsScreen
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.navigation import OpenBuildDetails, OpenBuildLogs, OpenBuildTimeline
from tests.fakes import fixture
from tests.helpers.builds import C, builds_app, builds_backend, push_ref, refs
from tests.helpers.render import plain

SIZE = (140, 40)


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def text_of(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).content)


async def open_list(pilot, builder: str | None = C) -> BuildsScreen:
    await settle(pilot)
    screen = BuildsScreen(builder)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_one_builder_lists_every_record_newest_first(tmp_path):
    backend = builds_backend()
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        table = screen.query_one(DataTable)
        lines = fixture("local/history-ls-c.json").splitlines()
        assert table.row_count == len(lines)
        first = table.get_row_at(0)
        assert str(first[1]) == "slow" and "error" in str(first[0]) and "✖" in str(first[0])
        assert backend.calls.count(LsSpec(C).argv()) == 1  # one history ls per builder
        assert "builds (builds-rec-c: " in text_of(screen, "#builds-message")


async def test_all_builders_explain_each_limit(tmp_path):
    backend = builds_backend()
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_list(pilot, None)
        message = text_of(screen, "#builds-message")
        assert "default: its BuildKit keeps no build history" in message
        assert "lab-dead: its node cannot be reached" in message
        assert not backend.ran(*LsSpec("lab-dead").argv())  # no 20 s wait on a dead node
        assert screen.query_one(DataTable).row_count == len(
            fixture("local/history-ls-c.json").splitlines()
        )


async def test_a_stopped_builder_is_asked_before_ls_starts_it(tmp_path):
    backend = builds_backend(stopped=True)
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        assert not backend.ran(*LsSpec(C).argv())
        assert "is stopped" in text_of(screen, "#builds-message")
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.click("#yes") if pilot.app.screen.query("#yes") else await pilot.press("y")
        await settle(pilot)
        assert backend.ran(*LsSpec(C).argv())
        assert screen.query_one(DataTable).row_count > 0


async def test_filter_and_bad_filter(tmp_path):
    async with builds_app(builds_backend(), tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        await pilot.press("slash")
        for ch in "status:error":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(pilot)
        names = {str(screen.query_one(DataTable).get_row_at(i)[1]) for i in range(2)}
        assert screen.query_one(DataTable).row_count == 2 and names == {"failing", "slow"}
        assert "2 of" in text_of(screen, "#builds-message")
        box = screen.query_one("#builds-filter", Input)
        box.value = "status:nonsense"
        screen.set_focus(box)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 2  # the last good filter stays


async def test_local_outside_a_checkout_is_said(tmp_path):
    async with builds_app(builds_backend(), tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        await pilot.press("l")
        await settle(pilot)
        assert "needs a git checkout" in text_of(screen, "#builds-message")


async def test_running_refreshes_without_redrawing_unchanged_rows(tmp_path):
    backend = builds_backend(running=True)
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        table = screen.query_one(DataTable)
        assert "running" in str(table.get_row_at(0)[0])
        updated: list[object] = []
        original = table.update_cell
        table.update_cell = lambda row, col, value, **kw: (
            updated.append((row, col)),
            original(row, col, value, **kw),
        )  # type: ignore[method-assign]
        screen.action_refresh()
        await settle(pilot)
        assert backend.calls.count(LsSpec(C).argv()) == 2
        rows = {row for row, _ in updated}
        assert len(rows) <= 1  # only the running build's duration can change


async def test_enter_opens_the_details(tmp_path):
    async with builds_app(builds_backend(), tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_list(pilot)
        seen: list[OpenBuildDetails] = []
        original = screen.post_message
        screen.post_message = lambda m: seen.append(m) or True  # type: ignore[method-assign]
        screen.action_open()
        screen.post_message = original  # type: ignore[method-assign]
        assert seen and seen[0].builder == C and seen[0].ref == refs()["slow"]


async def open_details(pilot, ref: str) -> BuildDetailsScreen:
    await settle(pilot)
    screen = BuildDetailsScreen(C, ref)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_failed_build_says_why_in_one_screen(tmp_path):
    async with builds_app(builds_backend(), tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, refs()["failing"])
        body = text_of(screen, "#details-body")
        assert "linux/arm64" in body and "On platform" in body
        assert '>>> RUN echo "checking $TARGETARCH"' in body
        assert "checking arm64" in body  # the step's log
        assert "did not complete successfully" in body


async def test_secret_ids_from_provenance(tmp_path):
    backend = builds_backend()
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, refs()["secrets"])
        body = text_of(screen, "#details-body")
        assert "token" in body and "default" in body


async def test_a_opens_the_attachments_one_after_another(tmp_path):
    """Issue #12: attachments (provenance, SBOM) open from the details; `a` again: the next."""
    from textual.widgets import TextArea

    from buildx_tui.ui.builds.attachment import AttachmentScreen

    backend = builds_backend()
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, push_ref())
        await pilot.press("a")  # linux/amd64's provenance first (not recorded: an empty answer)
        await settle(pilot)
        assert isinstance(pilot.app.screen, AttachmentScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        viewer = pilot.app.screen
        assert isinstance(viewer, AttachmentScreen)
        assert viewer.title_text == "provenance · linux/arm64"
        text = viewer.query_one(TextArea).text
        assert '"buildType": "https://github.com/moby/buildkit' in text
        assert "--type provenance --platform linux/arm64" in viewer.command
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen


async def test_a_on_a_build_without_attachments_says_so(tmp_path):
    async with builds_app(builds_backend(), tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, refs()["failing"])
        await pilot.press("a")
        await settle(pilot)
        assert pilot.app.screen is screen


async def test_missing_record_is_said(tmp_path):
    async with builds_app(builds_backend(), tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, "gone")
        assert "that build record is gone" in text_of(screen, "#details-body")


async def test_export_asks_the_path_and_runs_it(tmp_path):
    backend = builds_backend()
    ref = refs()["failing"]
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, ref)
        await pilot.press("e")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        box = dialog.query_one(Input)
        box.value = str(tmp_path / "x.dockerbuild")
        await pilot.press("enter")
        await settle(pilot)
        assert backend.ran(*ExportSpec(C, ref, str(tmp_path / "x.dockerbuild")).argv())
        assert pilot.app.screen is screen
        assert "history export" in (screen.command_log.last_command() or "")


async def test_delete_confirms_then_runs(tmp_path):
    backend = builds_backend()
    ref = refs()["failing"]
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, ref)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        assert not backend.ran(*RmSpec(C, (ref,)).argv())
        pilot.app.screen.dismiss(True)
        await settle(pilot)
        assert backend.ran(*RmSpec(C, (ref,)).argv())
        assert "was deleted" in text_of(screen, "#details-body")


async def test_rerun_without_our_history_says_why_and_logs_timeline_post(tmp_path):
    async with builds_app(builds_backend(), tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot, push_ref())
        seen: list[object] = []
        original = screen.post_message
        screen.post_message = lambda m: seen.append(m) or True  # type: ignore[method-assign]
        screen.action_rerun()
        screen.action_logs()
        screen.action_timeline()
        screen.post_message = original  # type: ignore[method-assign]
        assert [type(m) for m in seen] == [OpenBuildLogs, OpenBuildTimeline]
        assert backend_ran_inspect(pilot, push_ref())


def backend_ran_inspect(pilot, ref: str) -> bool:
    return pilot.app.backend.ran(*InspectSpec(C, ref).argv())
