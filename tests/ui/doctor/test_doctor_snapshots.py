"""Snapshots of the doctor on the lab's recordings, at 80x24, 120x36 and 180x50: every check
done (the checks run one at a time here, so the command log's order is fixed), the details of
a failed line, and a fix's confirmation.

Review changes with `pytest tests/ui/doctor/test_doctor_snapshots.py --snapshot-report` before
updating.
"""

from __future__ import annotations

import pytest

from tests.helpers.doctor import doctor_app, open_doctor, settle

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


async def _done(pilot) -> None:
    await open_doctor(pilot)


async def _failed_line(pilot) -> None:
    screen = await open_doctor(pilot)
    screen.table.move_cursor(row=screen.table.get_row_index("node:lab-dead/lab-dead0"))
    await settle(pilot)


async def _fix_confirm(pilot) -> None:
    screen = await open_doctor(pilot)
    screen.table.move_cursor(row=screen.table.get_row_index("node:default/default"))
    await pilot.press("f")
    await settle(pilot)


SCENES = {"done": _done, "failed-line": _failed_line, "fix-confirm": _fix_confirm}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_doctor(snap_compare, scene, size):
    assert snap_compare(doctor_app(), terminal_size=SIZES[size], run_before=SCENES[scene])
