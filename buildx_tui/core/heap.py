"""The garbage collector's full collections, kept off what the app made at start.

A full (generation 2) collection walks every tracked object while every thread waits. The app
holds ~300k of them once started (Textual, Rich, the home screen), so a full collection took
70-240 ms, and one falls due whenever the long-lived objects grow by a quarter: adding the
1,000 rows of the Builds list set one off in most runs (bench/bench_builds_list.py: the UI did
not answer for 113-240 ms; with the baseline frozen, 32-61 ms). Python's answer is
`gc.freeze()` once the program has started: what exists then is never walked again.

Frozen objects are still freed by reference counting, but garbage in a reference cycle (a
closed screen's widgets) is not, until it is unfrozen. So only what lives as long as the app is
frozen: the baseline, when the app is ready (:func:`freeze_baseline`). The progress pump
(core/progress/pump.py) freezes more during a run, its build screen included; `gc.unfreeze()`
cannot undo only its part, so :func:`release` unfreezes all and the baseline is lost. The app
calls :func:`refreeze` when only its home screen is left (every other screen closed): one
collection, then what is alive is the baseline again.

When the app ends, :func:`forget` leaves nothing frozen (the tests run hundreds of apps in one
process: each one's frozen objects are given back)."""

from __future__ import annotations

import gc
from typing import Literal

#: none: nothing of ours frozen; frozen: the baseline is; lost: a run's release unfroze it.
State = Literal["none", "frozen", "lost"]
_state: State = "none"


def freeze_baseline() -> None:
    """Once the app has started: freeze what exists (modules, the first screen)."""
    global _state
    gc.freeze()
    _state = "frozen"


def release() -> None:
    """Undo a run's freeze (and with it the baseline's)."""
    global _state
    gc.unfreeze()  # (gc.get_freeze_count() walks the whole frozen list: not asked)
    if _state == "frozen":
        _state = "lost"


def refreeze() -> bool:
    """Only the app's long-lived objects are left: when the baseline was lost, collect once and
    freeze what is alive. True if it did."""
    global _state
    if _state != "lost":
        return False
    gc.collect()
    gc.freeze()
    _state = "frozen"
    return True


def forget() -> None:
    """When the app ends: nothing frozen stays."""
    global _state
    _state = "none"
    gc.unfreeze()


def state() -> State:
    return _state
