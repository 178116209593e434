"""Snapshots of each step of the create wizard, its review page, a run that works, a run that
fails (and is undone), its help, and the leave-node dialog — on recorded real buildx output; at
120x40, and at 80x24 and 180x50 (issue #11 item 14).

The scenes are in tests/helpers/create_scenes.py, shared with scripts/screenshots_create.py.
Review changes with `pytest tests/ui/create/test_create_snapshots.py --snapshot-report` before
updating.
"""

from __future__ import annotations

import shutil

import pytest

from tests.helpers.create_scenes import SIZE, SNAP_DIR, WIZARD_SCENES, leave_scene, wizard_scene

#: The other sizes every screen is seen at (ARCHITECTURE.md).
SIZES = {"80x24": (80, 24), "180x50": (180, 50)}


@pytest.mark.parametrize("scene", list(WIZARD_SCENES))
def test_wizard(snap_compare, scene: str) -> None:
    app, run_before = wizard_scene(scene)
    try:
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
    finally:
        shutil.rmtree(SNAP_DIR, ignore_errors=True)


def test_leave_dialog(snap_compare) -> None:
    app, run_before = leave_scene()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(WIZARD_SCENES))
def test_wizard_sized(snap_compare, scene: str, size: str) -> None:
    app, run_before = wizard_scene(scene)
    try:
        assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
    finally:
        shutil.rmtree(SNAP_DIR, ignore_errors=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_leave_dialog_sized(snap_compare, size: str) -> None:
    app, run_before = leave_scene()
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
