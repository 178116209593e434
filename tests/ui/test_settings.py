"""Settings in the running app: bad values are told on start and the app still starts; a key
override takes effect (the new key works, the old one no longer does); the theme of the file is
used and a theme chosen in the palette is written back with the file's comments kept; the
colour settings; the build form's default platforms; quitting without the confirmation."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from buildx_tui.__main__ import apply_color, settings_notices
from buildx_tui.core.settings.load import load_settings, parse_settings
from buildx_tui.core.settings.model import ColorMode, Confirmations, Settings
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, fixture
from tests.helpers.all_screens import settle
from tests.helpers.build_backend import LAB_PINNED

MINE = """\
# my settings: this comment stays
[ui]
# the theme I like
theme = "nord"  # after the value
"""


def app_with(settings: Settings, path: Path | None = None, notices=()) -> BuildxApp:
    backend = FakeBackend(ls_output=fixture("local/ls-lab-running.json"), pinned=LAB_PINNED)
    return BuildxApp(
        backend,
        refresh_interval=0,
        clock=lambda: FIXED_NOW,
        settings=settings,
        settings_path=path,
        notices=notices,
    )


async def test_bad_values_are_told_on_start_and_the_app_starts(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[builders]\nrefresh = "often"\n[keys]\n"builders.build" = "ctrl n"\n')
    loaded = load_settings(path)
    app = app_with(loaded.settings, path, settings_notices(loaded))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert type(app.screen).__name__ == "BuildersScreen"
        (note,) = [n for n in app._notifications if n.title == "Settings: defaults used"]
        assert f"{path}:2: [builders] refresh: expected a number" in note.message
        assert f"{path}:4: [keys] builders.build:" in note.message
        assert note.severity == "warning"


async def test_an_unknown_theme_is_told_and_the_default_used():
    app = app_with(Settings(theme="no-such-theme"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert any("no-such-theme" in n.message for n in app._notifications)


async def test_a_key_override_takes_effect():
    settings = parse_settings('[keys]\n"builders.inspect" = "f9"\n', Path("s.toml")).settings
    app = app_with(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("i")  # the screen's own key no longer opens the inspector
        await settle(pilot)
        assert type(app.screen).__name__ == "BuildersScreen"
        await pilot.press("f9")
        await settle(pilot)
        assert type(app.screen).__name__ == "InspectorScreen"


async def test_a_key_taken_from_another_binding_is_told_once():
    settings = parse_settings('[keys]\n"builders.build" = "i"\n', Path("s.toml")).settings
    app = app_with(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        clashes = [n for n in app._notifications if n.title == "Key clash"]
        assert len(clashes) == 1
        assert "i of builders.build is also builders.inspect's" in clashes[0].message
        await pilot.press("i")  # the override wins
        await settle(pilot)
        assert type(app.screen).__name__ == "BuildFormScreen"


async def test_the_settings_theme_is_used_and_a_chosen_one_remembered(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(MINE)
    app = app_with(load_settings(path).settings, path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
        app.theme = "gruvbox"  # what the palette's "Change theme" does
        await settle(pilot)
    assert path.read_text() == MINE.replace('"nord"', '"gruvbox"')


async def test_without_a_settings_path_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("BUILDX_TUI_SETTINGS", str(tmp_path / "settings.toml"))
    app = app_with(Settings())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.theme = "gruvbox"
        await settle(pilot)
    assert not (tmp_path / "settings.toml").exists()


async def test_a_file_that_cannot_be_written_is_told(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text("[ui\n")  # not TOML: never overwritten
    app = app_with(Settings(), path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.theme = "gruvbox"
        await settle(pilot)
        assert any(n.title == "Settings not saved" for n in app._notifications)
    assert path.read_text() == "[ui\n"


async def test_the_build_form_starts_with_the_settings_platforms():
    app = app_with(Settings(build_platforms=("linux/arm64", "linux/riscv64")))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(BuildersTable).select(RowRef("lab-container", None))
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert type(form).__name__ == "BuildFormScreen"
        assert form.initial.platforms + tuple(
            p for p in form.initial.extra_platforms.split(",") if p
        ) == ("linux/arm64", "linux/riscv64")


@pytest.mark.parametrize("ask", [True, False])
async def test_quitting_with_input_asks_only_when_the_settings_say_so(ask):
    app = app_with(Settings(confirm=Confirmations(quit_with_input=ask)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.unsaved_input = lambda: ["the build form's changes"]  # type: ignore[method-assign]
        await pilot.press("q")
        await pilot.pause()
        asked = type(app.screen).__name__ == "ConfirmDialog"
        assert asked is ask
        assert app.is_running is ask  # not asked: it quit


def test_colour_settings_become_textuals_environment(monkeypatch):
    # setenv first: monkeypatch then restores the environment as it was (apply_color writes
    # os.environ itself; a leaked NO_COLOR would colour every later test's snapshots)
    for name in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM"):
        monkeypatch.setenv(name, "x")
        monkeypatch.delenv(name)
    loaded = parse_settings('[ui]\ncolor = "16"\n', Path("s.toml"))
    applied = apply_color(loaded)
    assert os.environ["TEXTUAL_COLOR_SYSTEM"] == "standard"
    assert applied.settings.theme == "textual-ansi"  # the terminal's own 16 colours
    kept = apply_color(parse_settings('[ui]\ncolor = "16"\ntheme = "nord"\n', Path("s.toml")))
    assert kept.settings.theme == "nord"
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM")
    apply_color(parse_settings('[ui]\ncolor = "none"\n', Path("s.toml")))
    assert os.environ["NO_COLOR"] == "1"
    assert ColorMode.AUTO.textual_color_system is None


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TEXTUAL_COLOR_SYSTEM": "standard"}])
async def test_no_colour_and_16_colours_keep_every_meaning_in_marks_and_words(monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    app = app_with(
        Settings(theme="textual-ansi" if "TEXTUAL_COLOR_SYSTEM" in env else "textual-dark")
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        if "NO_COLOR" in env:
            assert app.no_color
        svg = app.export_screenshot()
    text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    # status by mark and word, not by colour alone
    for mark in ("●", "○", "running", "inactive"):
        assert mark in text
