"""settings.toml written back: one value changed, every comment and the rest kept, atomically,
0600 in a 0700 folder; a file that is not TOML is never overwritten; --settings' text."""

from __future__ import annotations

import os
import stat

import pytest

from buildx_tui.core.settings.load import load_settings, parse_settings
from buildx_tui.core.settings.model import TEMPLATE
from buildx_tui.core.settings.store import (
    ENV_PATH,
    SettingsWriteError,
    describe,
    remember,
    settings_path,
)

MINE = """\
# my settings, keep this comment
[ui]
# the theme I like
theme = "nord"  # trailing comment
color = "auto"

[keys]
"builders.build" = "ctrl+n"  # my key
"""


def test_round_trip_keeps_every_comment_and_changes_one_value(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(MINE)
    remember(path, "ui", "theme", "gruvbox")
    after = path.read_text()
    assert after == MINE.replace('theme = "nord"', 'theme = "gruvbox"')
    assert load_settings(path).settings.theme == "gruvbox"


def test_a_missing_table_is_added_and_the_rest_kept(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('# only keys\n[keys]\n"app.quit" = "ctrl+q"\n')
    remember(path, "ui", "theme", "nord")
    loaded = load_settings(path)
    assert loaded.problems == ()
    assert loaded.settings.theme == "nord" and loaded.settings.keys == {"app.quit": "ctrl+q"}
    assert path.read_text().startswith("# only keys\n")


def test_a_new_file_is_the_commented_template_private(tmp_path):
    path = tmp_path / "new" / "buildx-tui" / "settings.toml"
    remember(path, "ui", "theme", "nord")
    text = path.read_text()
    assert text == TEMPLATE.replace('theme = "textual-dark"', 'theme = "nord"')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert parse_settings(text, path).problems == ()


def test_a_file_that_is_not_toml_is_never_overwritten(tmp_path):
    path = tmp_path / "settings.toml"
    broken = "[ui\ntheme = 'nord'\n"
    path.write_text(broken)
    with pytest.raises(SettingsWriteError, match="not valid TOML"):
        remember(path, "ui", "theme", "gruvbox")
    assert path.read_text() == broken


def test_a_link_stays_a_link(tmp_path):
    real = tmp_path / "dotfiles" / "settings.toml"
    real.parent.mkdir()
    real.write_text(MINE)
    link = tmp_path / "settings.toml"
    link.symlink_to(real)
    remember(link, "ui", "theme", "gruvbox")
    assert link.is_symlink()
    assert 'theme = "gruvbox"' in real.read_text()


def test_a_failed_write_is_an_error_and_the_file_unchanged(tmp_path, monkeypatch):
    path = tmp_path / "settings.toml"
    path.write_text(MINE)

    def refuse(*args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SettingsWriteError, match=r"cannot be written \(permission denied\)"):
        remember(path, "ui", "theme", "gruvbox")
    monkeypatch.undo()
    assert path.read_text() == MINE
    assert [p.name for p in tmp_path.iterdir()] == ["settings.toml"]  # no temporary left


def test_the_path_is_the_env_or_the_config_dir(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_PATH, str(tmp_path / "x.toml"))
    assert settings_path() == tmp_path / "x.toml"
    monkeypatch.delenv(ENV_PATH)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert settings_path() == tmp_path / "cfg" / "buildx-tui" / "settings.toml"


def test_describe_marks_defaults_and_file_values_and_lists_problems(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[builders]\nrefresh = 3\n[ui]\ncolor = "rainbow"\n')
    text = describe(load_settings(path))
    assert text.splitlines()[0] == f"# settings file: {path}"
    assert "refresh = 3.0  # from the file" in text
    assert 'theme = "textual-dark"  # default' in text
    assert 'color = "auto"  # default' in text
    assert f"{path}:4: [ui] color:" in text
    missing = describe(load_settings(tmp_path / "none.toml"))
    assert "does not exist: every value is the default" in missing
