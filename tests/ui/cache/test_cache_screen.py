"""The Cache screen on du / prune output recorded on the lab (tests/helpers/cache.py)."""

from __future__ import annotations

from textual import events
from textual.widgets import Checkbox, Input, Static

from buildx_tui.core.cache.commands import du_json_argv, du_summary_argv
from buildx_tui.core.cache.records import parse_du_json
from buildx_tui.core.cache.tree import SortKey
from buildx_tui.ui.cache.help import CacheHelp
from buildx_tui.ui.cache.screen import CacheScreen
from buildx_tui.ui.common.confirm import ConfirmDialog
from tests.fakes import Reply
from tests.helpers.cache import (
    BUILDER,
    PRUNE_ARGV,
    cache_app,
    cache_backend,
    local,
    open_cache,
    settle,
)
from tests.helpers.render import plain

SIZE = (120, 36)


def text_of(screen: CacheScreen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).content)


async def test_records_and_buildx_totals_are_shown():
    backend = cache_backend()
    app = cache_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        records = parse_du_json(local("du-container.json")).records
        assert screen.table.row_count == len(records)
        summary = text_of(screen, "#cache-summary")
        assert "total 7.269MB" in summary and "buildx's totals" in summary
        assert "BuildKit cache-c0 v0.32.2" in summary
        assert backend.ran(*du_json_argv(BUILDER)) and backend.ran(*du_summary_argv(BUILDER))
        log = [e.command for e in screen.command_log.entries]
        assert "docker buildx du --builder cache-c --format json --timeout 20s" in log
        assert screen.focused is screen.table


async def test_without_buildx_summary_the_sums_say_they_are_rounded():
    app = cache_app(cache_backend("du-before-until-4s.json"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        summary = text_of(screen, "#cache-summary")
        assert "buildx's totals" not in summary
        assert screen.state.totals is not None
        for line in screen.state.totals.summary_lines():  # our sums, "≈" where rounding is open
            assert f"{line.name.lower()} {line.sum.text()}" in summary
        assert "≈" in summary


async def test_sort_and_filter():
    app = cache_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("s")
        assert screen.sort_key is SortKey.SIZE
        first = screen.table.get_row_at(0)
        assert plain(first[1]).strip() == "3.113MB"
        await pilot.press("slash")
        assert screen.focused is screen.query_one("#cache-filter", Input)
        await pilot.press(*"cachemount")
        await settle(pilot)
        assert screen.table.row_count == 1
        assert "1 of 22" in str(screen.table.border_title)
        await pilot.press("escape")  # clears the filter first
        await settle(pilot)
        assert screen.table.row_count == 22 and app.screen is screen


async def test_prune_preview_marks_rows_and_runs_after_confirm():
    backend = cache_backend("du-before-type-cachemount.json")
    app = cache_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert screen.panel_open
        screen.panel.query_one("#prune-type").value = "exec.cachemount"
        await settle(pilot)
        assert screen.preview is not None
        assert [r.type for r in screen.preview.goes] == ["exec.cachemount"]
        assert "1 record, 8.192kB would be removed." in text_of(screen, "#prune-preview")
        command = text_of(screen, "#prune-command")
        assert (
            "docker buildx prune --builder cache-c --force --filter type=exec.cachemount" in command
        )
        marks = [
            plain(screen.table.get_row_at(i)[0]).strip() for i in range(screen.table.row_count)
        ]
        assert marks.count("✖ goes") == 1 and marks.count("· stays") == len(marks) - 1
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert not backend.ran(*PRUNE_ARGV)
        await pilot.press("y")
        await settle(pilot)
        assert backend.ran(*PRUNE_ARGV)
        message = text_of(screen, "#cache-message")
        assert "Removed 1 records (8.192kB), as the preview said" in message
        after = parse_du_json(local("du-before-type-local-verbose.json")).records
        assert screen.table.row_count == len(after)  # the fresh du
        assert backend.calls.count(du_json_argv(BUILDER)) == 2


async def test_cancel_runs_nothing():
    backend = cache_backend("du-before-type-cachemount.json")
    app = cache_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("p")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert not any(c[:2] == ("buildx", "prune") for c in backend.calls)


async def test_bad_field_names_itself_and_blocks_the_run():
    backend = cache_backend()
    app = cache_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press(*"7d")
        await settle(pilot)
        assert "until:" in text_of(screen, "#prune-preview") and "168h" in text_of(
            screen, "#prune-preview"
        )
        assert screen.panel.input_for("until").has_class("-invalid")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen is screen
        assert not any(c[:2] == ("buildx", "prune") for c in backend.calls)


async def test_old_buildkit_disables_space_limits_and_says_why():
    app = cache_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot, "default")
        await pilot.press("p")
        await settle(pilot)
        assert screen.panel.input_for("max_used_space").disabled
        note = text_of(screen, "#prune-space-note")
        assert "v0.8+unknown" in note and "v0.17" in note
        screen.panel.query_one("#prune-all", Checkbox).value = True
        await settle(pilot)
        shared = [r for r in screen.state.records if r.shared]
        assert shared and screen.preview is not None
        assert {r.id for r in shared} <= {r.id for r in screen.preview.goes}


async def test_dead_node_is_a_clear_message_and_keeps_the_screen():
    app = cache_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot, "lab-dead")
        message = text_of(screen, "#cache-message")
        assert "does not answer" in message and "connection refused" in message
        assert screen.table.row_count == 0
        assert app.is_running and app.screen is screen


async def test_failed_reload_keeps_what_was_shown():
    backend = cache_backend()
    app = cache_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        rows = screen.table.row_count
        backend.replies[du_json_argv(BUILDER)] = Reply(1, "", local("du-dead.stderr"))
        await pilot.press("r")
        await settle(pilot)
        assert screen.table.row_count == rows
        assert "does not answer" in text_of(screen, "#cache-message")


async def test_help_and_back():
    app = cache_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, CacheHelp)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("p")
        await pilot.press("escape")  # closes the panel first
        await settle(pilot)
        assert app.screen is screen and not screen.panel_open
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen


async def test_fast_typing_lands_in_each_prune_field():
    app = cache_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("p")
        await settle(pilot)
        for char in "24h\t\tab12\t5GB":
            key = "tab" if char == "\t" else char
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert screen.panel.input_for("until").value == "24h"
        assert screen.panel.input_for("id").value == "ab12"
        assert screen.panel.input_for("max_used_space").value == "5GB"
        assert screen.preview is not None and screen.preview.spec.max_used_bytes == 5 * 1024**3
