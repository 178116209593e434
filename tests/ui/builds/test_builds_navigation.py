"""From the builders list to the Builds list, and from a build to its logs, its timeline and
a step-by-step compare with another build (issue #12): the app opens each screen (the screens
post navigation messages, tests/ui/test_navigation.py)."""

from __future__ import annotations

from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builds.replay import BuildReplayScreen
from buildx_tui.ui.builds.screen import BuildsScreen
from buildx_tui.ui.builds.timeline import BuildTimelineScreen
from tests.helpers.builds import C, builds_app, builds_backend, refs

SIZE = (120, 36)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_builds(pilot) -> BuildsScreen:
    app = pilot.app
    await settle(pilot)
    table = app.screen.query_one("BuildersTable")
    for row in range(table.row_count):  # select the recorder's builder
        table.move_cursor(row=row)
        if table.selected is not None and table.selected.builder == C:
            break
    await pilot.press("h")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, BuildsScreen)
    assert screen.builder == C  # the selected builder's builds, not every builder's
    # One builder: named in the title; the list gives each build's node only (80 columns keep
    # the duration and platforms in view).
    assert screen.sub_title == f"builds of {C} (BuildKit history)"
    table = screen.table
    assert [str(c.label) for c in table.ordered_columns][2] == "node"
    assert str(table.get_row_at(0)[2]) == f"{C}0"
    return screen


async def highlight(pilot, screen: BuildsScreen, record_id: str) -> None:
    table = screen.table
    for row in range(table.row_count):
        table.move_cursor(row=row)
        await pilot.pause()
        group = screen.selected()
        if group is not None and group.first.id == record_id:
            return
    raise AssertionError(f"{record_id} not listed")


async def test_h_opens_the_selected_builders_builds_and_l_t_open_logs_and_timeline(tmp_path):
    app = builds_app(builds_backend(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_builds(pilot)
        failing = refs()["failing"]
        await highlight(pilot, screen, failing)
        await pilot.press("L")
        await settle(pilot)
        replay = app.screen
        assert isinstance(replay, BuildReplayScreen)
        assert (replay.builder, replay.ref) == (C, failing)
        app.pop_screen()
        await settle(pilot)
        await pilot.press("T")
        await settle(pilot)
        timeline = app.screen
        assert isinstance(timeline, BuildTimelineScreen)
        assert (timeline.builder, timeline.ref, timeline.compare) == (C, failing, None)


async def test_m_marks_a_build_and_t_on_another_compares_them(tmp_path):
    app = builds_app(builds_backend(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_builds(pilot)
        ids = refs()
        await highlight(pilot, screen, ids["failing"])
        await pilot.press("m")
        await highlight(pilot, screen, ids["args (release)"])
        await pilot.press("T")
        await settle(pilot)
        timeline = app.screen
        assert isinstance(timeline, BuildTimelineScreen)
        assert timeline.ref == ids["args (release)"] and timeline.compare == ids["failing"]
        app.pop_screen()
        await settle(pilot)
        await pilot.press("m")  # m on another build moves the mark there
        assert screen.marked == (C, ids["args (release)"])
        await pilot.press("m")  # m again on the marked one: the mark goes
        assert screen.marked is None


async def test_builds_on_all_builders_from_the_palette_action(tmp_path):
    app = builds_app(builds_backend(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, BuildersScreen)
        home.action_all_builds()
        await settle(pilot)
        assert isinstance(app.screen, BuildsScreen) and app.screen.builder is None
