"""`buildx-tui --settings`: the path and the effective values, without importing Textual."""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = """
import sys
from buildx_tui.__main__ import main
code = main(["--settings"])
assert "textual" not in sys.modules, "Textual was imported"
raise SystemExit(code)
"""


def test_settings_prints_path_values_and_problems_without_textual(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[builders]\nrefresh = 3\n[ui]\ncolor = "rainbow"\n')
    env = {**os.environ, "BUILDX_TUI_SETTINGS": str(path)}
    done = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith(f"# settings file: {path}\n")
    assert "refresh = 3.0  # from the file" in out
    assert 'color = "auto"  # default' in out
    assert f"{path}:4: [ui] color:" in out


def test_refresh_on_the_command_line_is_checked(capsys):
    from buildx_tui.__main__ import main

    assert main(["--refresh", "-1"]) == 2
    assert "--refresh must be 0 or more" in capsys.readouterr().err
