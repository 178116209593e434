"""Builds one after another do not make the app grow (issue #11 item 20: RSS grew from 102 to
169 MiB over 13 builds and stayed). What kept memory: Textual keeps a closed widget's watchers
until the watched value changes, so each closed build screen's Header (watching the app's title)
and each old footer key (bound to the Footer's `compact`) stayed alive."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest
from textual.dom import DOMNode

from buildx_tui.core import heap
from buildx_tui.ui.app import RELEASE_AFTER_S
from buildx_tui.ui.build.progress import BuildProgressScreen
from tests.helpers.build_backend import META, MULTI, BuildBackend, BuildReply, build_key, push_spec
from tests.helpers.build_scenes import make_app

pytestmark = pytest.mark.usefixtures("frozen_build_clock")


def detached_nodes() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, DOMNode) and not o.is_attached)


async def test_closed_build_screens_leave_nothing_behind():
    spec = push_spec()
    app = make_app(BuildBackend(builds={build_key(spec): BuildReply(MULTI, 0, META)}))
    screens: list[weakref.ref[BuildProgressScreen]] = []
    detached: list[int] = []
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for _ in range(4):
            screen = BuildProgressScreen(spec)
            screens.append(weakref.ref(screen))
            app.push_screen(screen)
            while screen.outcome is None:
                await asyncio.sleep(0.01)
            await app.workers.wait_for_complete()
            await pilot.pause(1.2)  # the summary, and the gc given back (GC_RELEASE_S)
            app.pop_screen()
            del screen
            await pilot.pause(RELEASE_AFTER_S + 0.3)
            detached.append(detached_nodes())
        # Home again: the gc's baseline, unfrozen by each build's release, is frozen again.
        assert heap.state() == "frozen"
        gc.collect()
        assert [ref() for ref in screens] == [None] * 4
        # Nothing accumulates from one build to the next (it did: +23 widgets a build).
        assert detached[-1] <= detached[1], detached
