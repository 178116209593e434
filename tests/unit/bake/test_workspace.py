"""A bake workspace opened by path: a folder, a bake file in one, or what is wrong with it."""

from __future__ import annotations

import os

import pytest

from buildx_tui.core.bake.workspace import Workspace, WorkspaceError, open_workspace
from tests.helpers.bake import ABS_WORKSPACE, WORKSPACE


def test_none_is_the_current_directory_and_bake_picks_the_files():
    assert open_workspace(None) == Workspace(os.getcwd())
    assert open_workspace("  ") == Workspace(os.getcwd())


def test_a_folder_runs_bake_there_and_a_file_names_it_in_its_folder():
    assert open_workspace(WORKSPACE) == Workspace(WORKSPACE)
    assert open_workspace(f"{ABS_WORKSPACE}/docker-bake.hcl") == Workspace(
        ABS_WORKSPACE, ("docker-bake.hcl",)
    )


def test_home_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "compose.yaml").write_text("services: {}\n")
    assert open_workspace("~/ws") == Workspace(str(tmp_path / "ws"))


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("missing", "no such folder or file"),
        ("empty", "no bake file in"),
        ("fifo", "neither a folder nor a bake file"),
        ("x" * 300, "too long"),
        ("a\nb", "one path"),
    ],
)
def test_bad_paths_say_why(tmp_path, name, said):
    (tmp_path / "empty").mkdir()
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(WorkspaceError, match=said):
        open_workspace(str(tmp_path / name))


def test_the_command_line_refuses_a_bad_workspace_before_anything_starts(tmp_path, capsys):
    from buildx_tui.__main__ import main

    assert main(["--bake", str(tmp_path / "missing")]) == 2
    assert "buildx-tui: --bake: no such folder or file" in capsys.readouterr().err
    assert main(["--bake", str(tmp_path)]) == 2
    assert "no bake file in" in capsys.readouterr().err
