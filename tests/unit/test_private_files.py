"""Issue #11: files the app writes for the user are 0600 and the folders it makes 0700, whatever
the umask; an existing user file that is edited keeps its mode. Every test runs under the
common umask 0o022, which used to give 0644 files in 0755 folders."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from buildx_tui.core.build.history import History, HistoryEntry
from buildx_tui.core.build.runner import BuildRunner
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.create.buildkitd.config import backup_path, write_atomic
from buildx_tui.core.paths import make_private_dirs, remove_empty_dirs
from tests.fakes import FakeBackend


@pytest.fixture(autouse=True)
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def entry(n: int) -> HistoryEntry:
    spec = BuildSpec(builder="lab", tags=(f"r:5000/app:{n}",), output=Output.PUSH,
                     build_args=(("TOKEN_FILE", "/home/me/.secrets/token"),),
                     secrets=("id=npm,src=/home/me/.npmrc",))  # fmt: skip
    return HistoryEntry(spec=spec, command="docker buildx build …", result="success",
                        started_at=datetime(2026, 11, 23, tzinfo=UTC), duration_s=1.0)  # fmt: skip


# --- the build history -------------------------------------------------------------------


def test_a_new_history_is_private(tmp_path: Path) -> None:
    # issue #11: it was 0644 in a 0755 folder, though it holds commands, build args and the
    # paths of secret files
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    data = home / "share" / "buildx-tui"
    History(data).append(entry(0))
    assert mode(data / "build-history.jsonl") == 0o600
    assert mode(data) == 0o700 and mode(data.parent) == 0o700
    assert mode(home) == 0o755  # a folder that existed is left as it was


def test_a_loose_history_file_is_tightened_on_the_next_write(tmp_path: Path) -> None:
    history = History(tmp_path)
    history.append(entry(0))
    history.path.chmod(0o644)  # as an older buildx-tui left it
    history.append(entry(1))
    assert mode(history.path) == 0o600
    assert [e.spec.tags for e in history.load()] == [("r:5000/app:0",), ("r:5000/app:1",)]


def test_the_rewritten_history_is_private(tmp_path: Path) -> None:
    history = History(tmp_path, max_entries=2)
    for n in range(4):  # the third line past the limit rewrites the file
        history.append(entry(n))
    assert len(history.path.read_text().splitlines()) == 2
    assert mode(history.path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["build-history.jsonl"]


# --- the build's metadata folder ---------------------------------------------------------


def test_the_build_metadata_folder_is_private() -> None:
    runner = BuildRunner(FakeBackend(), BuildSpec(builder="lab"), post=lambda s: None)
    argv = runner.prepare()
    metadata = Path(argv[argv.index("--metadata-file") + 1])
    try:
        assert mode(metadata.parent) == 0o700
    finally:
        metadata.parent.rmdir()


# --- buildkitd.toml ----------------------------------------------------------------------


def test_a_new_buildkitd_toml_and_its_backup_are_private(tmp_path: Path) -> None:
    path = tmp_path / "buildx-tui" / "buildkitd" / "b.toml"
    write_atomic(path, "debug = true\n")
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700 and mode(path.parent.parent) == 0o700
    write_atomic(path, "debug = false\n")
    assert mode(path) == 0o600 and mode(backup_path(path)) == 0o600


def test_an_edited_user_file_keeps_its_mode_and_so_does_its_backup(tmp_path: Path) -> None:
    path = tmp_path / "shared.toml"
    path.write_text("debug = false\n")
    path.chmod(0o644)
    write_atomic(path, "debug = true\n")
    assert mode(path) == 0o644 and mode(backup_path(path)) == 0o644


# --- the helper --------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o000])
def test_private_dirs_are_0700_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    os.umask(umask)
    made = make_private_dirs(tmp_path / "a" / "b")
    assert made == (tmp_path / "a", tmp_path / "a" / "b")
    assert [mode(d) for d in made] == [0o700, 0o700]
    assert make_private_dirs(tmp_path / "a" / "b") == ()
    assert remove_empty_dirs(made) == made and list(tmp_path.iterdir()) == []
