"""Snapshots of the build form's Dockerfile insight (issue #13) on recorded output
(form-call-*): the check's warnings under the Dockerfile field, the targets picker and the
build-args picker, each at 80x24, 120x36 and 180x50."""

from __future__ import annotations

import pytest

from buildx_tui.ui.build.form import BuildFormScreen
from tests.helpers.build_backend import lab_builders
from tests.helpers.build_scenes import DEMO_DIR, make_app, settle, stable_environment
from tests.helpers.form_insight import insight_backend, write_context

SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


def steps(keys: tuple[str, ...]):
    async def run(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(BuildFormScreen(lab_builders()["lab-container"]))
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


SCENES = {
    "check-warnings": (),
    "targets-picker": ("ctrl+t",),
    "args-picker": ("ctrl+g", "down"),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scene", list(SCENES))
def test_insight_scene(snap_compare, monkeypatch, scene, size):
    history = stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    monkeypatch.chdir(write_context(DEMO_DIR / "insight-ctx"))
    app = make_app(insight_backend(), history)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps(SCENES[scene]))
