"""Snapshots of the recreate wizard (issue #11 item 24) on the lab run recorded by
scripts/record_recreate_fixtures.py: the review (both commands and buildkitd.toml files, what
is lost, --keep-state) at 80x24, 120x36 and 180x50, and a run whose new builder cannot start,
undone. The scenes are in tests/helpers/recreate.py."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers.recreate import SNAP_DIR, recreate_scene

SIZES = [(80, 24), (120, 36), (180, 50)]


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_review(snap_compare, size: tuple[int, int]) -> None:
    app, run_before = recreate_scene("review")
    try:
        assert snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        shutil.rmtree(SNAP_DIR, ignore_errors=True)


def test_run_undone(snap_compare) -> None:
    app, run_before = recreate_scene("run-undone")
    try:
        assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)
    finally:
        shutil.rmtree(SNAP_DIR, ignore_errors=True)
