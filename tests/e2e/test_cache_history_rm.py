"""The Cache screen's old-builds panel against the real lab, on a builder this module creates
and removes (doctor2-e2e-hist-*): four builds (one failing), then, through the app, a history rm
of the failed one (status) and of all but the newest (keep newest 1). Each time the records the
preview listed are exactly the ones `docker buildx history ls`, run apart from the app, no
longer lists; and the default builder (docker driver, BuildKit v0.8) says it has no history."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator

import pytest
from textual.widgets import Input, Select

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.cache.history_panel import HistoryPanel
from buildx_tui.ui.cache.screen import CacheScreen
from buildx_tui.ui.common.confirm import ConfirmDialog
from tests.helpers.e2e_lab import client_for, wait_for
from tests.helpers.render import plain

from .conftest import Lab

SIZE = (120, 36)


def history_refs(lab: Lab, builder: str) -> dict[str, str]:
    """ref -> status, as buildx lists them."""
    proc = lab.docker(
        "buildx", "history", "ls", "--builder", builder, "--format", "json", timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return {r["ref"]: r["status"] for r in rows}


@pytest.fixture(scope="module")
def hist_builder(lab: Lab) -> Iterator[str]:
    name = f"doctor2-e2e-hist-{uuid.uuid4().hex[:6]}"
    proc = lab.docker(
        "buildx", "create", "--name", name, "--driver", "docker-container",
        "--driver-opt", "network=host", "--platform", "linux/amd64", "--bootstrap", timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    try:
        for step in ("echo one", "echo two", "false", "echo three"):
            dockerfile = f"FROM {lab.registry}/busybox:latest\nRUN {step}\n"
            built = subprocess.run(
                [lab.docker_cli, "buildx", "build", "--builder", name, "--progress=plain",
                 "--no-cache", "-"],
                input=dockerfile, env=lab.env(), capture_output=True, text=True, timeout=600,
            )  # fmt: skip
            assert (built.returncode == 0) == (step != "false"), built.stderr[-2000:]
        yield name
    finally:
        lab.docker("buildx", "rm", name, timeout=120)


async def _panel(pilot, builder: str) -> HistoryPanel:
    screen = CacheScreen(builder)
    await pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: screen.loads_done == 1, 60, "the du")
    await pilot.press("h")
    panel = screen.query_one(HistoryPanel)
    await wait_for(pilot, lambda: panel.records is not None or bool(panel.limit), 60, "history")
    return panel


async def _remove(pilot, panel: HistoryPanel) -> tuple[str, ...]:
    """Confirm the previewed removal; returns the refs the preview listed."""
    assert panel.plan is not None and panel.plan.goes
    previewed = tuple(g.record.ref for g in panel.plan.goes)
    await pilot.press("ctrl+r")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmDialog)
    await pilot.press("y")
    await wait_for(pilot, lambda: "history ls:" in panel.verdict, 60, "the history rm")
    return previewed


async def test_history_rm_removes_what_the_preview_listed(lab: Lab, hist_builder: str) -> None:
    before = history_refs(lab, hist_builder)
    assert sorted(before.values()) == ["Completed", "Completed", "Completed", "Error"]
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        panel = await _panel(pilot, hist_builder)
        assert panel.records is not None
        assert {r.ref for r in panel.records} == set(before)

        panel.query_one("#hist-status", Select).value = "error"
        await pilot.pause()
        failed = await _remove(pilot, panel)
        assert [before[ref] for ref in failed] == ["Error"]
        after = history_refs(lab, hist_builder)
        assert set(before) - set(after) == set(failed) and set(after) < set(before)
        assert panel.verdict.startswith("✔ history ls: 1 record gone, as the preview said")

        panel.query_one("#hist-status", Select).value = "any"
        panel.query_one("#hist-keep", Input).value = "1"
        await pilot.pause()
        command = plain(panel.query_one("#hist-command").content)
        assert f"history rm --builder {hist_builder} " in command
        older = await _remove(pilot, panel)
        assert len(older) == 2
        last = history_refs(lab, hist_builder)
        assert set(after) - set(last) == set(older) and len(last) == 1


async def test_the_default_builder_has_no_history(lab: Lab) -> None:
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        panel = await _panel(pilot, "default")
        assert "keeps no build history (no history API" in panel.limit
        assert panel.query_one("#hist-run").disabled
