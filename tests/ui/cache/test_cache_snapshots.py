"""Snapshots of the Cache screen on du / prune output recorded on the lab, at 80x24, 120x36 and
180x50. Review changes with `pytest tests/ui/cache/test_cache_snapshots.py --snapshot-report`
before updating."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.helpers.cache import cache_app, cache_backend, open_cache, settle

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


async def _records(pilot) -> None:
    await open_cache(pilot)


async def _prune(pilot) -> None:
    screen = await open_cache(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen.panel.query_one("#prune-type").value = "regular"
    await settle(pilot)
    for box in screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def _old_buildkit(pilot) -> None:
    await open_cache(pilot, "default")
    await pilot.press("p")
    await settle(pilot)


async def _dead(pilot) -> None:
    await open_cache(pilot, "lab-dead")


SCENES = {"records": _records, "prune": _prune, "old-buildkit": _old_buildkit, "dead": _dead}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_cache(snap_compare, scene, size):
    app = cache_app(cache_backend())
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SCENES[scene])
