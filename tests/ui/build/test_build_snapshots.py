"""Snapshots of the build launcher, the live build, the history and the login form, on recorded
real buildx output (see tests/helpers/build_scenes.py, SCENES).

Review changes with `pytest tests/ui/build/test_build_snapshots.py --snapshot-report` before
updating.
"""

from __future__ import annotations

import pytest

from tests.helpers.build_scenes import SCENES, stable_environment

SIZE = (120, 36)


@pytest.mark.parametrize("name", sorted(SCENES))
def test_build_scene(snap_compare, monkeypatch, name):
    history = stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    monkeypatch.delenv("GIT_SHA", raising=False)  # the form scene's bare --build-arg GIT_SHA
    scene = SCENES[name]
    assert snap_compare(scene.app(history), terminal_size=SIZE, run_before=scene.steps(history))
