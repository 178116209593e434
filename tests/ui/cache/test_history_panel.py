"""The Cache screen's old-builds panel (history rm) on recorded output: what would go is listed
before anything runs, with the exact argv; confirm runs it; `history ls` is read again and
compared; a builder without the history API says so. Snapshots at three sizes."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, Static

from buildx_tui.ui.cache.history_panel import HistoryPanel
from buildx_tui.ui.common.confirm import ConfirmDialog
from tests.helpers.cache import history_app, open_cache, settle
from tests.helpers.render import plain

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}
ERRORS = ("kojqonku934a2h84hw2esxb1z", "wqej9xjeco031y2ztoul7k5l1")


def preview(screen) -> str:
    return plain(screen.query_one("#hist-preview", Static).content)


async def open_panel(pilot, builder: str = "cache-c") -> HistoryPanel:
    screen = await open_cache(pilot, builder)
    await pilot.press("h")
    await settle(pilot)
    return screen.query_one(HistoryPanel)


async def test_preview_then_remove_exactly_those(tmp_path) -> None:
    app = history_app()
    async with app.run_test(size=(120, 36)) as pilot:
        panel = await open_panel(pilot)
        assert "choose an age, a status" in preview(panel)
        assert panel.query_one("#hist-run").disabled
        panel.query_one("#hist-status", Select).value = "error"
        await settle(pilot)
        said = preview(panel)
        assert "2 records would be removed (failed or cancelled (Error)); 4 stay." in said
        assert "kojqonku934a  slow  error  2d 0h old" in said
        assert "wqej9xjeco03  failing  error" in said
        command = plain(panel.query_one("#hist-command", Static).content).strip()
        assert command == f"$ docker buildx history rm --builder cache-c {' '.join(ERRORS)}"
        assert not app.backend.ran("buildx", "history", "rm", "--builder", "cache-c", *ERRORS)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.backend.ran("buildx", "history", "rm", "--builder", "cache-c", *ERRORS)
        assert panel.records is not None and len(panel.records) == 4
        assert "✔ history ls: 2 records gone, as the preview said" in preview(panel)
        assert "No record matches" in preview(panel)


async def test_cancel_runs_nothing_and_bad_input_is_said() -> None:
    app = history_app()
    async with app.run_test(size=(120, 36)) as pilot:
        panel = await open_panel(pilot)
        panel.query_one("#hist-keep", Input).value = "4"
        await settle(pilot)
        assert "2 records would be removed (all but the newest 4)" in preview(panel)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert not [c for c in app.backend.calls if c[:3] == ("buildx", "history", "rm")]
        panel.query_one("#hist-older", Input).value = "seven days"
        await settle(pilot)
        assert "'seven days' is not an age" in preview(panel)
        assert panel.query_one("#hist-older", Input).has_class("-invalid")
        assert panel.query_one("#hist-run").disabled


async def test_a_builder_without_the_history_api_says_so() -> None:
    app = history_app()
    async with app.run_test(size=(120, 36)) as pilot:
        panel = await open_panel(pilot, "default")
        assert "keeps no build history (no history API" in preview(panel)
        assert panel.query_one("#hist-run").disabled


async def test_escape_closes_the_panel() -> None:
    app = history_app()
    async with app.run_test(size=(120, 36)) as pilot:
        panel = await open_panel(pilot)
        assert panel.display
        await pilot.press("escape")
        await settle(pilot)
        assert not panel.display


async def _previewed(pilot) -> None:
    panel = await open_panel(pilot)
    panel.query_one("#hist-older", Input).value = "1d"
    panel.query_one("#hist-keep", Input).value = "2"
    await settle(pilot)


async def _confirm(pilot) -> None:
    panel = await open_panel(pilot)
    panel.query_one("#hist-status", Select).value = "error"
    await settle(pilot)
    await pilot.press("ctrl+r")
    await settle(pilot)


SCENES = {"preview": _previewed, "confirm": _confirm}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_history_panel(snap_compare, scene, size):
    assert snap_compare(history_app(), terminal_size=SIZES[size], run_before=SCENES[scene])
