"""Issue #11 item 11 in the builders details: two nodes of one builder on the same BuildKit
daemon (the same worker ID in `ls` JSON), recorded on the lab (local/msg-ls-twin.json), are
warned about before a build fails with "job ID … exists"."""

from __future__ import annotations

from textual.widgets import Static

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, fixture
from tests.helpers.render import plain

SIZE = (120, 36)


def details(app: BuildxApp) -> str:
    return plain(app.screen.query_one("#details-left", Static).content, 200)


async def test_nodes_on_one_daemon_are_warned_in_the_details():
    app = BuildxApp(
        FakeBackend(ls_output=fixture("local/msg-ls-twin.json")),
        refresh_interval=0,
        clock=lambda: FIXED_NOW,
    )
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(BuildersTable)
        table.select(RowRef("msg-twin"))
        await pilot.pause(0.1)
        text = details(app)
        assert "⚠ Nodes on one BuildKit daemon" in text
        assert "msg-twin0 and msg-twin1 report the same worker ID" in " ".join(text.split())
        assert "docker buildx create --leave --name msg-twin --node msg-twin1" in " ".join(
            text.split()
        )
        # Another builder on that same daemon is not a problem: it is one node.
        table.select(RowRef("lab-remote"))
        await pilot.pause(0.1)
        assert "one BuildKit daemon" not in details(app)
