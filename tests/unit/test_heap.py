"""core/heap.py: the app's baseline is frozen once it is ready; a run's release unfreezes it and
the app freezes it again (after one collection) when only its home screen is left; nothing stays
frozen once the app has ended."""

from __future__ import annotations

import gc

import pytest

from buildx_tui.core import heap
from buildx_tui.core.progress.pump import ProgressPump


@pytest.fixture(autouse=True)
def _thawed():
    heap.forget()
    yield
    heap.forget()


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_without_a_baseline_a_release_unfreezes_all():
    gc.freeze()
    heap.release()
    assert gc.get_freeze_count() == 0 and heap.state() == "none"
    assert not heap.refreeze()  # nothing to give back


def test_a_run_loses_the_baseline_and_refreeze_collects_then_freezes():
    heap.freeze_baseline()
    assert gc.get_freeze_count() > 0 and heap.state() == "frozen"
    cycle = Cycle()
    gc.freeze()  # a run froze it
    del cycle  # its screen closed: garbage, but frozen it could not be collected
    heap.release()
    assert gc.get_freeze_count() == 0 and heap.state() == "lost"
    assert heap.refreeze()
    assert heap.state() == "frozen" and gc.get_freeze_count() > 0
    assert not any(isinstance(o, Cycle) for o in gc.get_objects())
    assert not heap.refreeze()  # once


def test_the_pump_releases_through_heap():
    heap.freeze_baseline()
    pump = ProgressPump(start=lambda: None, post=lambda n: None, freeze_gc=True, keep_frozen=True)
    with pump.running():
        assert gc.get_freeze_count() > 0
    pump.release_gc()
    assert heap.state() == "lost" and gc.get_freeze_count() == 0


def test_forget_leaves_nothing_frozen():
    heap.freeze_baseline()
    heap.forget()
    assert gc.get_freeze_count() == 0 and heap.state() == "none"


async def test_the_app_freezes_once_ready_and_forgets_when_it_ends(tmp_path):
    from buildx_tui.core.build.history import History
    from buildx_tui.ui.app import BuildxApp
    from tests.fakes import FakeBackend, fixture

    app = BuildxApp(
        FakeBackend(ls_output=fixture("local/ls-lab-running.json")),
        refresh_interval=0,
        history=History(str(tmp_path)),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert heap.state() == "frozen" and gc.get_freeze_count() > 0
    assert heap.state() == "none" and gc.get_freeze_count() == 0
