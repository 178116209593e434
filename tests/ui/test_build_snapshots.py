"""Snapshots of the build launcher, the live build, the history and the login form, on recorded
real buildx output (see test_build_scenes.SCENES).

Review changes with `pytest tests/ui/test_build_snapshots.py --snapshot-report` before updating.
"""

from __future__ import annotations

import pytest

from tests.ui.test_build_scenes import (
    DEMO_DIR,
    SCENES,
    fill_form,
    make_app,
    open_form,
    scene_backend,
    settle,
    stable_environment,
)

SIZE = (120, 36)


@pytest.mark.parametrize("name", sorted(SCENES))
def test_build_scene(snap_compare, monkeypatch, name):
    history = stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    scene = SCENES[name]
    assert snap_compare(scene.app(), terminal_size=SIZE, run_before=scene.steps(history))


async def _open_advanced(pilot, form) -> None:
    """The Advanced section open and filled: a secret from a file and one from a variable that is
    not set (a note), a local cache export, a label, and a key file that does not exist (an
    error under its field)."""
    from textual.widgets import TextArea

    from buildx_tui.ui.widgets.advanced_options import AdvancedOptions

    (DEMO_DIR / "npmrc").write_text("//registry.example.test/:_authToken=not-shown\n")
    await fill_form(tags="127.0.0.1:5000/build-e2e/app:1")(pilot, form)
    form.query_one(AdvancedOptions).collapsed = False
    options = {
        "#secrets": f"id=npmrc,src={DEMO_DIR}/npmrc\nid=token,env=BUILDX_TUI_DEMO_UNSET",
        "#ssh": f"github={DEMO_DIR}/no-such-key",
        "#cache-to": f"type=local,dest={DEMO_DIR}/cache,mode=max",
        "#labels": "org.opencontainers.image.source=https://example.test/app",
    }
    for selector, value in options.items():
        form.query_one(selector, TextArea).text = value
    await settle(pilot)
    form.query_one("#ssh", TextArea).focus()  # scrolls the section into view


def test_build_form_advanced_open(snap_compare, monkeypatch):
    history = stable_environment(monkeypatch.setattr, monkeypatch.chdir)
    monkeypatch.delenv("BUILDX_TUI_DEMO_UNSET", raising=False)
    app = make_app(scene_backend())
    steps = open_form("lab-container", _open_advanced)(history)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps)
