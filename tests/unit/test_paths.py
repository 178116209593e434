"""core/paths.py: a path looked at without raising, its error in words, a long path shortened."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from buildx_tui.core import paths
from buildx_tui.core.paths import MAX_SHOWN, can_access, existing_parent, expand_user, look, shown


def test_shown_keeps_short_paths_and_shortens_long_ones() -> None:
    assert shown("/a/b.toml") == "/a/b.toml"
    assert shown("/a/b.toml", quote=True) == "'/a/b.toml'"
    real = "/home/someone/" + "d" * 150 + "/buildkitd/b.toml"  # a real path stays whole
    assert len(real) <= MAX_SHOWN and shown(real) == real
    long = "/" + "x" * 9_998 + "/end"
    text = shown(long)
    assert text.startswith("/xxx") and "…" in text and text.endswith("x/end (10003 characters)")
    assert len(text) < MAX_SHOWN
    assert shown(long, quote=True).startswith("'/xxx")


def test_look_tells_missing_from_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    (tmp_path / "loop").symlink_to("loop")
    assert look(tmp_path).is_dir and look(tmp_path / "f").is_file
    missing = look(tmp_path / "nope")
    assert missing.missing and not missing.exists and missing.error is None
    for path, code in (
        (tmp_path / ("n" * 300), errno.ENAMETOOLONG),
        ("/" + "x" * 10_000, errno.ENAMETOOLONG),
        (tmp_path / "loop", errno.ELOOP),
        (tmp_path / "f" / "x", errno.ENOTDIR),
    ):
        found = look(path)
        assert isinstance(found.error, OSError) and found.error.errno == code
        assert not found.missing and not found.exists and not found.is_dir
        assert found.problem("file").startswith("cannot use file ")
    nul = look("/tmp/a\0b")
    assert isinstance(nul.error, ValueError)
    assert nul.problem() == "cannot use /tmp/a\0b: the path contains a NUL character"


def test_permission_denied_is_said(monkeypatch: pytest.MonkeyPatch) -> None:
    # tests may run as root, where EACCES never happens: the OS's answer is simulated
    def denied(path: object) -> os.stat_result:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(paths.os, "stat", denied)
    assert look("/secret/x").problem("key") == "cannot use key /secret/x: permission denied"


def test_existing_parent(tmp_path: Path) -> None:
    assert existing_parent(tmp_path / "a" / "b" / "c.toml").path == str(tmp_path)
    assert existing_parent(tmp_path / "c.toml").is_dir
    deep = existing_parent(tmp_path / ("x" * 300) / "c.toml")
    assert deep.error is not None and deep.error.errno == errno.ENAMETOOLONG  # type: ignore[union-attr]
    assert existing_parent("/").path == "/"


def test_can_access_and_expand_user_never_raise() -> None:
    assert can_access("/tmp/a\0b", os.R_OK) is False
    assert can_access("/" + "x" * 10_000, os.R_OK) is False
    assert expand_user("~x\0y") == "~x\0y"
    assert expand_user("~/a") == os.path.expanduser("~/a")
