"""The Builds list's first frame (bench/bench_builds_list.py): the `history ls` starts before the
screen is mounted, the rows in view are painted first and the rest in batches after that frame, a
name is shown as written (never read as markup)."""

from __future__ import annotations

import itertools
import json
import threading

from textual.widgets import DataTable

from buildx_tui.core.builds.commands import LsSpec
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builds.filling import FIRST_ROWS, REST_CHUNK
from buildx_tui.ui.builds.screen import BuildsScreen
from tests.fakes import Reply
from tests.helpers.builds import C, builds_app, builds_backend, many_records
from tests.ui.builds.test_builds import SIZE, settle


async def test_history_ls_starts_before_the_screen_is_mounted(tmp_path):
    backend = builds_backend()
    gate = threading.Event()
    reply = backend.replies[LsSpec(C).argv()]
    backend.replies[LsSpec(C).argv()] = Reply(reply.returncode, reply.stdout, gate=gate)
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = pilot.app.screen
        assert isinstance(home, BuildersScreen) and home.ls is not None
        backend.calls.clear()
        screen = BuildsScreen(C, builders=home.ls.builders)  # as h makes it
        for _ in range(100):  # its thread has started the process: nothing is mounted yet
            if LsSpec(C).argv() in backend.calls:
                break
            threading.Event().wait(0.01)
        assert LsSpec(C).argv() in backend.calls
        assert not screen.is_mounted
        await pilot.app.push_screen(screen)
        gate.set()
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == len(reply.stdout.splitlines())
        assert backend.calls.count(LsSpec(C).argv()) == 1  # one process, not two


async def test_the_rows_in_view_are_painted_first_the_rest_in_batches(tmp_path):
    backend = builds_backend()
    backend.replies[LsSpec(C).argv()] = Reply(0, many_records(1000))
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        app = pilot.app
        screen = BuildsScreen(C)
        painted: list[int] = []  # the rows in the table at each frame of this screen
        display = app._display

        def noting(on: object, renderable: object) -> None:
            display(on, renderable)  # type: ignore[arg-type]
            if on is screen and screen.is_mounted:
                painted.append(screen.query_one(DataTable).row_count)

        app._display = noting  # type: ignore[method-assign]
        await app.push_screen(screen)
        table = screen.query_one(DataTable)
        for _ in range(400):
            await pilot.pause(0.01)
            if table.row_count == 1000:
                break
        await settle(pilot)
        assert table.row_count == 1000
        shown = [n for n in painted if n]
        in_view = max(FIRST_ROWS, table.size.height)
        assert shown[0] <= in_view, painted  # a frame with the rows in view, before the rest
        growth = [b - a for a, b in itertools.pairwise(shown) if b > a]
        assert growth and max(growth) <= REST_CHUNK, painted  # then a batch at a time
        # the rest keep the list's order: newest first
        starts = [str(table.get_row_at(i)[4]) for i in (0, 999)]
        assert starts[0] != starts[1]


async def test_a_name_is_shown_as_written_not_as_markup(tmp_path):
    backend = builds_backend()
    line = json.loads(backend.replies[LsSpec(C).argv()].stdout.splitlines()[0])
    line["name"] = "[bold]app[/bold] [x"
    backend.replies[LsSpec(C).argv()] = Reply(0, json.dumps(line) + "\n")
    async with builds_app(backend, tmp_path).run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = BuildsScreen(C)
        await pilot.app.push_screen(screen)
        await settle(pilot)
        assert str(screen.query_one(DataTable).get_row_at(0)[1]) == "[bold]app[/bold] [x"
