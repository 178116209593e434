"""Snapshots of the build launcher, the live build, the history and the login form, on recorded
real buildx output (see tests/helpers/build_scenes.py, SCENES): every scene at 120x36, the main
ones at 80x24 and 180x50 too (issue #11 item 14).

Review changes with `pytest tests/ui/build/test_build_snapshots.py --snapshot-report` before
updating.
"""

from __future__ import annotations

import pytest

from tests.helpers.build_scenes import SCENES, stable_environment

SIZE = (120, 36)
#: The other sizes every screen is seen at (ARCHITECTURE.md), and the scenes shown at them.
SIZES = {"80x24": (80, 24), "180x50": (180, 50)}
SIZED_SCENES = [
    "form",
    "form-advanced",
    "form-leave",
    "build-running",
    "build-failed",
    "build-done",
    "build-step-log",
    "history",
    "login",
]


@pytest.mark.parametrize("name", sorted(SCENES))
def test_build_scene(snap_compare, monkeypatch, name):
    history = stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    monkeypatch.delenv("GIT_SHA", raising=False)  # the form scene's bare --build-arg GIT_SHA
    scene = SCENES[name]
    assert snap_compare(scene.app(history), terminal_size=SIZE, run_before=scene.steps(history))


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", SIZED_SCENES)
def test_build_scene_sized(snap_compare, monkeypatch, name, size):
    history = stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    monkeypatch.delenv("GIT_SHA", raising=False)
    scene = SCENES[name]
    app = scene.app(history)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=scene.steps(history))
