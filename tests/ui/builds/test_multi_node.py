"""A multi-node build's details, logs and list row on a two-node builder's history recorded on
the lab (scripts/record_multinode_history_fixtures.py)."""

from __future__ import annotations

from buildx_tui.core.builds.commands import InspectSpec, LsSpec
from buildx_tui.core.builds.logs import logs_argv
from buildx_tui.ui.builds.details import BuildDetailsScreen
from buildx_tui.ui.builds.replay import BuildReplayScreen
from buildx_tui.ui.builds.screen import BuildsScreen
from buildx_tui.ui.common.lanes.lane import LaneView
from tests.helpers.builds import B2, b2_backend, b2_records, builds_app
from tests.ui.builds.test_builds import SIZE, settle, text_of


async def open_details(pilot) -> BuildDetailsScreen:
    await settle(pilot)
    records = b2_records()
    screen = BuildDetailsScreen(B2, records[0].id, records)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def test_each_platform_is_read_from_its_node_and_named_with_it(tmp_path):
    backend = b2_backend()
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot)
        fid = b2_records()[0].id
        # an unfiltered list, then each node's record: the id (newest: arm64) and ^1 (amd64)
        assert LsSpec(B2).argv() in backend.calls
        assert InspectSpec(B2, fid).argv() in backend.calls
        assert InspectSpec(B2, "^1").argv() in backend.calls
        body = text_of(screen, "#details-body")
        arm = next(ln for ln in body.splitlines() if "linux/arm64 " in ln and "b2-rec-arm" in ln)
        amd = next(ln for ln in body.splitlines() if "linux/amd64 " in ln and "b2-rec-amd" in ln)
        assert "✖ failed" in arm and "✔ completed" in amd
        assert "Why it failed on linux/arm64 (node b2-rec-arm)" in body
        assert "failing on arm64" in body
        assert "Why it failed on linux/amd64" not in body


async def test_n_picks_the_node_whose_logs_l_opens(tmp_path):
    backend = b2_backend()
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot)
        assert "▶ linux/arm64" in text_of(screen, "#details-body")
        await pilot.press("n")
        await pilot.pause()
        assert "▶ linux/amd64" in text_of(screen, "#details-body")
        await pilot.press("l")
        await settle(pilot)
        replay = pilot.app.screen
        assert isinstance(replay, BuildReplayScreen)
        assert (replay.ref, replay.node) == ("^1", "b2-rec-amd")
        assert tuple(logs_argv(B2, "^1")) in backend.calls
        lanes = {v.lane_key: v for v in replay.query(LaneView)}
        assert "native" in str(lanes["linux/amd64"].border_title)
        assert "on b2-rec-amd" in str(lanes["linux/amd64"].border_title)


async def test_a_node_record_replaced_meanwhile_is_said_not_shown(tmp_path):
    backend = b2_backend()
    # ^1 now answers the arm64 record (a build started between the list and the inspect)
    backend.replies[InspectSpec(B2, "^1").argv()] = backend.replies[InspectSpec(B2, "^0").argv()]
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        screen = await open_details(pilot)
        body = text_of(screen, "#details-body")
        row = next(ln for ln in body.splitlines() if "b2-rec-amd" in ln)
        assert "another record answered" in row
        assert "linux/amd64" not in body  # nothing of the amd64 record is guessed
        assert row.split()[0] == "?"  # its platform is not known; its status is the list's


async def test_the_list_opens_a_grouped_build_with_all_its_records(tmp_path):
    backend = b2_backend()
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.app.push_screen(BuildsScreen(B2))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        details = pilot.app.screen
        assert isinstance(details, BuildDetailsScreen)
        assert {r.node for r in details.records} == {"b2-rec-amd", "b2-rec-arm"}
        assert "b2-rec-amd" in text_of(details, "#details-body")


async def test_the_help_says_each_nodes_record_opens_apart(tmp_path):
    from buildx_tui.ui.common.help import HelpScreen
    from tests.helpers.render import plain

    async with builds_app(b2_backend(), tmp_path).run_test(size=SIZE) as pilot:
        await open_details(pilot)
        await pilot.press("f1")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        text = "\n".join(plain(cell) for cell in help_screen._table().columns[1].cells)
        assert "lanes are not merged" in text
