"""The one progress loop (core/progress/pump.py): the parser made from the first line, posts
coalesced to one per min_interval and only for a change, a tick that posts while nothing
changes only when asked for, the ticker flushing the end of a burst, the gc frozen during the
run and given back."""

from __future__ import annotations

import gc
import threading

from buildx_tui.core.progress.pump import MIN_INTERVAL_S, ProgressPump


class Counter:
    """A parser stand-in: each line it is fed changes it, except the line "same"."""

    def __init__(self, first: str) -> None:
        self.first = first
        self.fed: list[str] = []
        self.dirty = False

    def feed_line(self, line: str) -> None:
        self.fed.append(line)
        self.dirty = self.dirty or line != "same"

    def snapshot(self) -> int:
        self.dirty = False
        return len(self.fed)


class Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def test_buildx_display_rate():
    assert MIN_INTERVAL_S == 0.1  # BuildKit progressui: displayTimeout := 100 * time.Millisecond


def test_the_parser_is_made_from_the_first_line_and_posts_are_coalesced():
    clock, posted = Clock(), []
    made: list[Counter] = []

    def start(first: str) -> Counter:
        made.append(Counter(first))
        return made[-1]

    pump = ProgressPump(start=start, post=posted.append, clock=clock)
    for n in range(10):  # 10 lines, 30 ms apart: 300 ms
        pump.on_line(f"line {n}")
        clock.now += 0.03
    assert [c.first for c in made] == ["line 0"]  # made once, from the first line
    assert posted == [1, 5, 9]  # at 0, 120 and 240 ms: never two within 100 ms
    assert pump.lines == 10 and pump.posts == 3


def test_a_line_that_changed_nothing_posts_nothing_and_tick_posts_only_when_asked():
    clock, posted = Clock(), []
    pump = ProgressPump(start=Counter, post=posted.append, clock=clock)
    pump.on_line("first")
    clock.now += 5
    pump.on_line("same")
    assert posted == [1]
    pump._maybe_post(tick=True)
    assert posted == [1]  # no tick asked for: a silent stream is not re-drawn
    ticking = ProgressPump(start=Counter, post=posted.append, clock=clock, tick=1.0)
    ticking.on_line("first")
    clock.now += 1.5
    ticking._maybe_post(tick=True)
    assert posted == [1, 1, 1]  # the running clocks advance once per tick


def test_the_ticker_flushes_the_end_of_a_burst_and_the_gc_comes_back():
    posted: list[int] = []
    flushed = threading.Event()

    def post(n: int) -> None:
        posted.append(n)
        if n == 3:
            flushed.set()

    pump = ProgressPump(start=Counter, post=post, min_interval=0.01, freeze_gc=True)
    with pump.running():
        assert gc.get_freeze_count() > 0  # frozen while the run goes on
        for line in ("a", "b", "c"):  # one burst: only "a" is posted at once
            pump.on_line(line)
        assert flushed.wait(2)  # the ticker posted the burst's last state
    assert posted[0] == 1 and posted[-1] == 3
    assert gc.get_freeze_count() == 0


def test_keep_frozen_leaves_the_release_to_the_caller():
    pump = ProgressPump(start=Counter, post=lambda n: None, freeze_gc=True, keep_frozen=True)
    with pump.running():
        pump.on_line("a")
    assert gc.get_freeze_count() > 0
    pump.release_gc()
    assert gc.get_freeze_count() == 0
