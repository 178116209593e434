"""Snapshots of the bake workspace on output recorded on the lab, at 80x24, 120x36 and 180x50.
Review changes with `pytest tests/ui/bake/test_bake_snapshots.py --snapshot-report` before
updating."""

from __future__ import annotations

import pytest
from textual.widgets import Tree

from tests.helpers.bake import bake_app, bake_backend, open_bake, settle, stable_metadata_folder

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


async def _select(pilot, name: str):
    screen = await open_bake(pilot)
    tree = screen.query_one("#bake-tree", Tree)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data == name:
            tree.cursor_line = line
    await settle(pilot)
    return screen


async def _workspace(pilot) -> None:
    screen = await _select(pilot, "default")
    await pilot.press("ctrl+k")  # the checks of the default group, with the Dockerfile line
    await settle(pilot)
    tree = screen.query_one("#bake-tree", Tree)
    tree.cursor_line = 1  # app
    await settle(pilot)


async def _run(pilot) -> None:
    await _select(pilot, "default")
    await pilot.press("ctrl+r")
    await settle(pilot)
    await settle(pilot)


async def _failed(pilot) -> None:
    await _select(pilot, "fails")
    await pilot.press("ctrl+r")
    await settle(pilot)
    await settle(pilot)


async def _entitlement(pilot) -> None:
    await _select(pilot, "outside")
    await pilot.press("ctrl+r")
    await settle(pilot)


async def _bad_file(pilot) -> None:
    await open_bake(pilot)


async def _bad_path(pilot) -> None:
    await open_bake(pilot, "/nonexistent/bake-workspace")


async def _from_history(pilot) -> None:
    """Edit from the app's history: the workspace read, the form filled with what it ran."""
    from buildx_tui.core.build.history_bake import BakeRequest
    from buildx_tui.ui import navigation as nav
    from tests.helpers.bake import WORKSPACE

    await settle(pilot)
    recorded = BakeRequest(WORKSPACE, targets=("app",), builder="bake-c",
                           variables=(("REPLICAS", "5"),), sets=("app.args.GREETING=hey",),
                           platforms=("linux/amd64",), push=True)  # fmt: skip
    pilot.app.post_message(nav.OpenBake(recorded=recorded))
    for _ in range(4):
        await settle(pilot)


SCENES = {
    "workspace": _workspace,
    "run": _run,
    "failed": _failed,
    "entitlement": _entitlement,
    "bad-file": _bad_file,
    "bad-path": _bad_path,
    "from-history": _from_history,
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_bake(snap_compare, monkeypatch, scene, size):
    stable_metadata_folder(monkeypatch.setattr)
    backend = bake_backend(broken="bake-bad-syntax" if scene == "bad-file" else "")
    assert snap_compare(bake_app(backend), terminal_size=SIZES[size], run_before=SCENES[scene])
