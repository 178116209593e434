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


async def _ssh_and_push(pilot) -> None:
    """doctor-ssh-rec on the lab's ssh endpoint, whose key the server refused (recorded), and
    three push targets: the lab registry (200), one that wants a login (401), one elsewhere."""
    from tests.helpers.doctor import PUSH, ssh_push_configure

    screen = await open_doctor(pilot, configure=ssh_push_configure(), push=PUSH)
    screen.table.move_cursor(row=screen.table.get_row_index("ssh:ssh://root@127.0.0.1:2222"))
    await settle(pilot)


async def _push_line(pilot) -> None:
    from tests.helpers.doctor import PUSH, ssh_push_configure

    screen = await open_doctor(pilot, configure=ssh_push_configure(), push=PUSH)
    screen.table.move_cursor(row=screen.table.get_row_index("push:127.0.0.1:5917/private:1"))
    await settle(pilot)


SSH_SCENES = {"ssh-refused": _ssh_and_push, "push-login": _push_line}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SSH_SCENES))
def test_doctor_ssh_and_push(snap_compare, scene, size):
    from tests.helpers.doctor import ssh_push_backend

    app = doctor_app(ssh_push_backend())
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SSH_SCENES[scene])
