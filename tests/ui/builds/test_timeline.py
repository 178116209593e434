"""Pilot tests of the timeline: `history trace` (and `history logs` to compare) recorded on the
lab (helpers/replay.py)."""

from __future__ import annotations

import re

from buildx_tui.core.builds.logs import logs_argv
from buildx_tui.core.builds.timeline import StepRow, fmt_seconds
from buildx_tui.core.builds.trace import SHARED, parse_trace, trace_argv
from buildx_tui.ui.builds.timeline import BuildTimelineScreen
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.help import HelpScreen
from tests.fakes import fixture
from tests.helpers.render import plain
from tests.helpers.replay import BUILDER, MISSING, REFS, replay_app, settle

SIZE = (120, 36)


async def open_timeline(pilot, ref: str, compare: str | None = None, builder: str = BUILDER):  # type: ignore[no-untyped-def]
    await settle(pilot)
    screen = BuildTimelineScreen(builder, ref, compare)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def text_of(screen: BuildTimelineScreen, widget: str) -> str:
    return plain(screen.query_one(f"#{widget}").content)


def chart_lines(screen: BuildTimelineScreen) -> list[str]:
    return text_of(screen, "timeline-chart").splitlines()


async def test_waterfall_rows_marks_and_totals() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot, REFS["two-platform"])
        assert app.backend.ran(*trace_argv(BUILDER, REFS["two-platform"]))
        trace = parse_trace(fixture("local/history-trace-two-platform.json"))
        lines = chart_lines(screen)
        # axis, then per platform a heading and its steps
        assert screen.timeline is not None
        ticks = screen.timeline.ticks
        assert lines[0].split() == ["┊" + t.label for t in ticks]
        assert ticks[0].label == "0s" and ticks[-1].seconds <= trace.duration
        assert len(lines) == 1 + len(trace.platforms) + len(trace.steps)
        for total in trace.totals():
            heading = f"{total.platform} · {fmt_seconds(total.wall_time)}"
            assert any(line.startswith(heading) for line in lines)
        # the head says each platform's wall time and which one was slowest
        head = text_of(screen, "timeline-head")
        for total in trace.totals():
            if total.platform != SHARED:
                assert f"{total.platform} {fmt_seconds(total.wall_time)}" in head
        assert "slowest linux/arm64" in head
        # the critical path is marked with *, on as many rows as the trace's path has steps
        starred = [line for line in lines if line.startswith("*")]
        assert len(starred) == len(trace.critical_path)
        assert screen.timeline is not None
        rows = [r for r in screen.timeline.rows if isinstance(r, StepRow)]
        assert {r.step.span_id for r in rows if r.critical} == set(trace.critical_path)
        # a bar's length follows the step's duration
        longest = max(rows, key=lambda r: r.step.duration)
        assert longest.bar.width == max(r.bar.width for r in rows)
        entry = screen.query_one(CommandLog).entries[-1]
        assert entry.state is EntryState.OK and "history trace" in entry.command


async def test_cached_and_failed_steps_have_marks() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot, REFS["cached"])
        cached = [line for line in chart_lines(screen) if re.match(r"^[ *]c ", line)]
        assert len(cached) == 2 and all("░" in line for line in cached)
        await pilot.press("escape")
        screen = await open_timeline(pilot, REFS["failed-arm64"])
        failed = [line for line in chart_lines(screen) if re.match(r"^[ *]✖ ", line)]
        assert any("work 1/2" in line and "aarch64" in line for line in failed)
        assert all("▓" in line for line in failed)
        arm = next(line for line in chart_lines(screen) if line.startswith("linux/arm64 ·"))
        assert "1 failed" in arm
        amd = next(line for line in chart_lines(screen) if line.startswith("linux/amd64 ·"))
        assert "failed" not in amd
        stopped = [line for line in chart_lines(screen) if re.match(r"^[ *]⊘ ", line)]
        assert len(stopped) == 1 and "work 2/2" in stopped[0] and "▒" in stopped[0]


async def test_running_or_missing_record_is_explained() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot, REFS["running"])
        message = text_of(screen, "timeline-message")
        assert "has no completed record" in message and "still running" in message
        assert screen.query_one(CommandLog).entries[-1].state is EntryState.FAILED
        assert text_of(screen, "timeline-chart").strip() == ""
        await pilot.press("escape")
        screen = await open_timeline(pilot, MISSING, builder="default")
        assert "no build history" in text_of(screen, "timeline-message")


async def test_compare_shows_cache_hits_and_the_failure() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_timeline(pilot, REFS["failed-arm64"], compare=REFS["two-platform"])
        for ref in (REFS["failed-arm64"], REFS["two-platform"]):
            assert app.backend.ran(*logs_argv(BUILDER, ref))
        text = text_of(screen, "timeline-compare")
        assert text.startswith(f"Compared with {REFS['two-platform']}")
        arm = text[text.index("linux/arm64:") :]
        assert re.search(r"✖ failed\s+work 1/2", arm)
        assert "✔ now cached" in text
        assert len(screen.query_one(CommandLog).entries) == 3


async def test_reload_and_help() -> None:
    app = replay_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_timeline(pilot, REFS["two-platform"])
        argv = tuple(trace_argv(BUILDER, REFS["two-platform"]))
        await pilot.press("r")
        await settle(pilot)
        assert app.backend.calls.count(argv) == 2
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        legend = [row[2] for row in app.screen.LEGEND]
        assert any("critical path" in meaning for meaning in legend)


async def test_narrow_terminal_keeps_bars_inside() -> None:
    app = replay_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_timeline(pilot, REFS["two-platform"])
        steps = [line for line in chart_lines(screen) if re.match(r"^[ *][✔c✖] ", line)]
        assert len(steps) > 10
        assert all(len(line) <= 80 - 2 for line in steps)  # padding: every step row is whole
        assert screen.timeline is not None and screen.timeline.width >= 10


def test_the_critical_path_has_a_colour_of_its_own_in_every_colour_system():
    """Not failed's red (magenta was: the ANSI themes draw magenta and red alike), not cached's
    dim, not ran's green, not stopped's yellow; in 16 colours too."""
    from rich.color import ColorSystem
    from rich.style import Style

    from buildx_tui.ui.builds.timeline import CRITICAL_STYLE

    critical = Style.parse(CRITICAL_STYLE).color
    assert critical is not None
    for system in (ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT, ColorSystem.STANDARD):
        mine = critical.downgrade(system)
        for other in ("red", "bright_red", "magenta", "green", "yellow"):
            theirs = Style.parse(other).color
            assert theirs is not None and mine != theirs.downgrade(system), (system, other)
