"""core/heap.py: the app's baseline stays frozen across a run's freeze and release; nothing
stays frozen once the app has ended."""

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
    assert gc.get_freeze_count() == 0 and not heap.has_baseline()


def test_a_release_freezes_the_baseline_again_after_collecting():
    heap.freeze_baseline()
    baseline = gc.get_freeze_count()
    assert baseline > 0
    cycle = Cycle()
    gc.freeze()  # a run froze it
    del cycle  # then it became garbage: frozen, it cannot be collected
    frozen = gc.get_freeze_count()
    heap.release()
    assert heap.has_baseline()
    assert 0 < gc.get_freeze_count() < frozen  # the garbage was collected, the rest frozen
    assert not any(isinstance(o, Cycle) for o in gc.get_objects())


def test_the_pump_releases_through_heap():
    heap.freeze_baseline()
    pump = ProgressPump(start=lambda: None, post=lambda n: None, freeze_gc=True, keep_frozen=True)
    with pump.running():
        pass
    pump.release_gc()
    assert heap.has_baseline() and gc.get_freeze_count() > 0


def test_forget_leaves_nothing_frozen():
    heap.freeze_baseline()
    heap.forget()
    assert gc.get_freeze_count() == 0 and not heap.has_baseline()


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
        assert heap.has_baseline() and gc.get_freeze_count() > 0
    assert not heap.has_baseline() and gc.get_freeze_count() == 0
