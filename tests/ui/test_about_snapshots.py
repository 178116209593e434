"""Snapshots of the About screen (issue #11 item 23) at 80x24, 120x36 and 180x50, on the versions
recorded on the lab; and with the engine unreachable.

Review changes with `pytest tests/ui/test_about_snapshots.py --snapshot-report` before updating.
"""

from __future__ import annotations

import pytest

from buildx_tui.ui import navigation as nav
from tests.helpers.about import about_app, engine_down_backend, lab_backend, settle


async def _open_about(pilot) -> None:
    await settle(pilot)
    pilot.app.screen.post_message(nav.OpenAbout())
    await settle(pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (180, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_about(snap_compare, size):
    assert snap_compare(about_app(lab_backend()), terminal_size=size, run_before=_open_about)


def test_about_engine_unreachable(snap_compare):
    app = about_app(engine_down_backend())
    assert snap_compare(app, terminal_size=(120, 36), run_before=_open_about)
