"""The garbage collector's full collections, kept off what the app made at start.

A full (generation 2) collection walks every tracked object while every thread waits. The app
holds ~300k of them once started (Textual, Rich, the home screen), so a full collection took
70-240 ms, and one falls due whenever the long-lived objects grow by a quarter: adding the
1,000 rows of the Builds list set one off in most runs (bench/bench_builds_list.py: the UI did
not answer for 113-240 ms; with the baseline frozen, 37-68 ms). Python's answer is
`gc.freeze()` once the program has started: what exists then is never walked again.

The progress pump (core/progress/pump.py) freezes more during a run and undoes it afterwards;
`gc.unfreeze()` cannot undo only its own part, so :func:`release` unfreezes all, collects once,
then freezes the baseline again (what is alive then). The collection is paid there, once, when
the screen has drawn the run's end, rather than at a moment nobody chose.

What is frozen is still freed by reference counting; only garbage in reference cycles waits
for the next :func:`release`, or for :func:`forget` when the app ends (the tests run hundreds
of apps in one process: each one's frozen objects are given back)."""

from __future__ import annotations

import gc

_baseline = False


def freeze_baseline() -> None:
    """Once the app has started: freeze what exists (modules, the first screen)."""
    global _baseline
    gc.freeze()
    _baseline = True


def release() -> None:
    """Undo a run's freeze: unfreeze, collect, and freeze the baseline again if there is one."""
    if not gc.get_freeze_count():
        return
    gc.unfreeze()
    if _baseline:
        gc.collect()
        gc.freeze()


def forget() -> None:
    """When the app ends: nothing frozen stays."""
    global _baseline
    _baseline = False
    gc.unfreeze()


def has_baseline() -> bool:
    return _baseline
