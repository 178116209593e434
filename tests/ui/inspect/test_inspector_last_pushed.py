"""The inspector opened from the builders list offers the image the app last pushed (issue #11
item 25): Enter inspects it, typing replaces it; nothing is offered when nothing was pushed."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.widgets import Input

from buildx_tui.core.build.history import BuildOutputs, History, HistoryEntry
from buildx_tui.core.build.spec import BuildSpec
from buildx_tui.ui.inspect.screen import InspectorScreen
from tests.helpers.inspector import INDEX1, NAME, inspector_app, settle

SIZE = (120, 36)
PUSHED = f"{NAME}@{INDEX1}"


def add(history: History, outputs: BuildOutputs, minute: int) -> None:
    history.append(
        HistoryEntry(
            spec=BuildSpec(builder="b", tags=(f"{NAME}:1",)),
            command="docker buildx build …",
            started_at=datetime(2026, 11, 22, 21, minute, tzinfo=UTC),
            result="success",
            duration_s=1.0,
            outputs=outputs,
        )
    )


async def open_from_list(pilot) -> InspectorScreen:
    await settle(pilot)
    await pilot.press("i")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InspectorScreen)
    return screen


async def test_the_last_pushed_image_is_offered():
    app = inspector_app()
    history = app.services.history
    add(history, BuildOutputs(digest=INDEX1, image_names=(f"{NAME}:1",)), 1)
    add(history, BuildOutputs(), 2)  # a newer build that pushed nothing
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_list(pilot)
        box = screen.query_one("#reference", Input)
        assert box.value == PUSHED
        await pilot.press("enter")
        await settle(pilot)
        assert screen.reference == PUSHED


async def test_nothing_is_offered_without_a_pushed_image():
    app = inspector_app()
    add(app.services.history, BuildOutputs(), 1)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_from_list(pilot)
        assert screen.query_one("#reference", Input).value == ""
