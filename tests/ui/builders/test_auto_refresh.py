"""The builders list refreshes itself with real time (`--refresh SECONDS`), as the README says.

These tests wait on the wall clock on purpose: the defect they guard against (a method that
shadowed Textual's own `_auto_refresh`, so the interval scheduled nothing) was invisible to every
test that pressed `r` or drove time by hand.
"""

from __future__ import annotations

import time

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable
from buildx_tui.ui.common.help import HelpScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, fixture

LS = ("buildx", "ls", "--format", "json")
INTERVAL = 0.25


def ls_calls(backend: FakeBackend) -> int:
    return sum(1 for call in backend.calls if call == LS)


async def wait_real(pilot, seconds: float) -> None:
    """Let the app run for ``seconds`` of wall-clock time."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await pilot.pause(0.05)


async def wait_until(pilot, condition, limit: float = 15.0) -> bool:
    """Run the app until ``condition()`` holds (True) or ``limit`` seconds passed (False): a
    loaded CI machine may run the timer late, never not at all."""
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            return False
        await pilot.pause(0.05)
    return True


def app_for(backend: FakeBackend, interval: float) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=interval, clock=lambda: FIXED_NOW)


async def test_the_list_refreshes_itself_every_interval():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = app_for(backend, INTERVAL)
    started = time.monotonic()  # the timer starts when the screen mounts, after this
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        first = ls_calls(backend)
        assert first >= 1  # a loaded machine may start slower than the first tick
        assert await wait_until(pilot, lambda: ls_calls(backend) - first >= 3)
        # Three ticks of 0.25 s: not before 0.75 s (an interval, not a burst of refreshes).
        assert time.monotonic() - started >= INTERVAL * 3 * 0.9


async def test_a_builder_created_elsewhere_appears_without_a_key():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = app_for(backend, INTERVAL)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BuildersScreen)
        before = {b.name for b in screen.ls.builders} if screen.ls else set()
        # Another terminal changes the builders: the next `ls` says so.
        backend.ls_output = fixture("buildx/ls-daemon-down.json")
        assert await wait_until(pilot, lambda: screen.problem is not None), (
            "the engine going away was not noticed"
        )
        backend.ls_output = fixture("buildx/ls.json")
        assert await wait_until(pilot, lambda: screen.problem is None), (
            "the engine's recovery was not noticed"
        )
        assert screen.ls is not None
        assert {b.name for b in screen.ls.builders} == before
        assert screen.query_one(BuildersTable).row_count > 0


async def test_no_refresh_while_a_dialog_is_on_top():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = app_for(backend, INTERVAL)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        paused_at = ls_calls(backend)
        await wait_real(pilot, INTERVAL * 5)
        assert ls_calls(backend) == paused_at
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: ls_calls(backend) > paused_at), (
            "the refresh did not resume after the dialog"
        )


async def test_refresh_zero_turns_it_off():
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = app_for(backend, 0)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await wait_real(pilot, 1.0)
        assert ls_calls(backend) == 1


async def test_the_command_line_interval_reaches_the_screen():
    """`buildx-tui --refresh 0.3` -> make_app -> the screen's timer (no test-only path)."""
    from buildx_tui.__main__ import build_parser
    from buildx_tui.ui.app import make_app

    args = build_parser().parse_args(["--refresh", "0.3"])
    app = make_app(refresh_interval=args.refresh)
    assert app.services.refresh_interval == 0.3
    backend = FakeBackend(ls_output=fixture("buildx/ls.json"))
    app = app_for(backend, args.refresh)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert await wait_until(pilot, lambda: ls_calls(backend) >= 3)
