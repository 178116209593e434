"""settings.toml read: the template is every default; each kind of bad value gives a message
naming the file, the line and the key, and its default is used."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildx_tui.core.settings.load import load_settings, parse_settings
from buildx_tui.core.settings.model import TEMPLATE, ColorMode, Settings

PATH = Path("/home/u/.config/buildx-tui/settings.toml")


def test_the_template_is_every_default_and_has_no_problem():
    loaded = parse_settings(TEMPLATE, PATH)
    assert loaded.problems == ()
    assert loaded.settings == Settings()
    assert "builders.refresh" in loaded.from_file


def test_good_values_are_used():
    text = """
[builders]
refresh = 2.5
[build]
platforms = "linux/amd64, linux/arm64/v8"
[doctor]
platforms = ["linux/arm/v7"]
[create]
driver = "remote"
driver_opts = ["network=host"]
[confirm]
quit_with_input = false
[ui]
theme = "nord"
color = "16"
[keys]
"builders.build" = "ctrl+n, f9"
"""
    loaded = parse_settings(text, PATH)
    assert loaded.problems == ()
    s = loaded.settings
    assert s.refresh == 2.5
    assert s.build_platforms == ("linux/amd64", "linux/arm64")  # normalised as buildx does
    assert s.doctor_platforms == ("linux/arm/v7",)
    assert s.create.driver == "remote" and s.create.driver_opts == ("network=host",)
    assert s.confirm.quit_with_input is False and s.confirm.prune is True
    assert s.theme == "nord" and s.color is ColorMode.C16
    assert s.keys == {"builders.build": "ctrl+n,f9"}


BAD = {
    # kind: (toml, expected line, key label, words in the message, what is used)
    "negative refresh": ("[builders]\nrefresh = -1\n", 2, "[builders] refresh", "0 or more", "10"),
    "refresh as text": ('[builders]\n\nrefresh = "10"\n', 3, "[builders] refresh", "number", "10"),
    "bad platform": (
        '[build]\nplatforms = ["linux/amd64", "linux"]\n',
        2,
        "[build] platforms",
        "os/arch",
        "[]",
    ),
    "duplicate platform": (
        '[doctor]\nplatforms = ["linux/arm64", "linux/arm64/v8"]\n',
        2,
        "[doctor] platforms",
        "twice",
        '["linux/amd64", "linux/arm64"]',
    ),
    "unknown driver": (
        '[create]\ndriver = "docker"\n',
        2,
        "[create] driver",
        "not one of",
        '"docker-container"',
    ),
    "driver opt not k=v": (
        '[create]\ndriver_opts = ["host"]\n',
        2,
        "[create] driver_opts",
        "key=value",
        "[]",
    ),
    "bool as text": ('[confirm]\nprune = "yes"\n', 2, "[confirm] prune", "true or false", "true"),
    "colour": ('[ui]\ntheme = "nord"\ncolor = "1000"\n', 3, "[ui] color", "not one of", '"auto"'),
    "theme not text": ("[ui]\ntheme = 3\n", 2, "[ui] theme", "string", '"textual-dark"'),
    "key with a space": (
        '[keys]\n"builders.build" = "ctrl n"\n',
        2,
        "[keys] builders.build",
        "key name",
        "own key",
    ),
    "key not text": ('[keys]\n"app.quit" = 1\n', 2, "[keys] app.quit", "string", "own key"),
    "unknown setting": (
        "[builders]\nrefersh = 5\n",
        2,
        "[builders] refersh",
        "unknown setting",
        "ignored",
    ),
    "unknown table": ("[bulid]\nplatforms = []\n", 1, "[bulid]", "unknown table", "ignored"),
    "setting outside a table": ("refresh = 5\n", 1, "refresh", "outside any table", "ignored"),
}


@pytest.mark.parametrize("kind", BAD)
def test_each_bad_value_is_named_with_file_line_and_key(kind):
    text, line, key, words, used = BAD[kind]
    loaded = parse_settings(text, PATH)
    assert len(loaded.problems) == 1, loaded.problems
    problem = loaded.problems[0]
    assert (problem.line, problem.key) == (line, key)
    message = str(problem)
    assert message.startswith(f"{PATH}:{line}: {key}: ")
    assert words in message and used in message


def test_a_bad_value_leaves_the_others_in_effect():
    loaded = parse_settings('[builders]\nrefresh = -3\n[ui]\ntheme = "nord"\n', PATH)
    assert loaded.settings.refresh == Settings().refresh
    assert loaded.settings.theme == "nord"


def test_a_file_that_is_not_toml_gives_every_default(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[ui]\ntheme = "nord"\n[builders\nrefresh = 3\n')
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    (problem,) = loaded.problems
    assert problem.line == 3 and "not valid TOML" in str(problem)
    assert str(problem).startswith(f"{path}:3:")
    assert "every setting has its default" in str(problem)


def test_not_utf8_and_unreadable_files_give_every_default(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_bytes(b'[ui]\ntheme = "\xff"\n')
    (problem,) = load_settings(path).problems
    assert problem.line == 2 and "UTF-8" in str(problem)
    folder = tmp_path / "dir.toml"
    folder.mkdir()
    (problem,) = load_settings(folder).problems
    assert "cannot be read" in str(problem)


def test_a_missing_file_is_the_defaults_without_a_problem(tmp_path):
    loaded = load_settings(tmp_path / "nope.toml")
    assert loaded.settings == Settings() and loaded.problems == () and not loaded.exists


def test_a_10000_character_value_is_shortened_in_the_message():
    loaded = parse_settings(f'[ui]\ncolor = "{"x" * 10000}"\n', PATH)
    (problem,) = loaded.problems
    assert len(str(problem)) < 300
