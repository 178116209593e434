"""Snapshots of the app's history with a bake run beside builds (the bake run selected: its
targets in the details), at 80x24, 120x36 and 180x50."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from buildx_tui.core.build.history import BakeEntry, History, HistoryEntry, LaneSummary
from buildx_tui.core.build.history_bake import BakeRequest, BakeTargetRun
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.app import BuildxApp
from tests.demo import FIXED_NOW
from tests.helpers.bake import bake_backend, settle

FOLDER = Path("/tmp/buildx-tui-bake-history-snapshots")
SIZES = {"80x24": (80, 24), "120x36": (120, 36), "180x50": (180, 50)}


def seeded(folder) -> History:
    history = History(folder)
    spec = BuildSpec(
        "lab-container",
        tags=("127.0.0.1:5000/bh-web:1",),
        output=Output.PUSH,
        platforms=("linux/amd64",),
    )
    history.append(
        HistoryEntry(
            spec=spec,
            command="docker buildx build --builder lab-container …",
            started_at=FIXED_NOW.replace(hour=20),
            result="success",
            duration_s=2.7,
            exit_code=0,
            lanes=(LaneSummary("linux/amd64", "success", 2.2, 4, 0),),
            id="build",
        )
    )
    request = BakeRequest(
        "/home/dev/shop",
        targets=("default",),
        builder="bake-c",
        push=True,
        argv=("buildx", "bake", "--builder", "bake-c", "--push", "default"),
    )
    history.append(
        BakeEntry(
            request=request,
            command="(in /home/dev/shop) docker buildx bake --builder bake-c --push --progress "
            "rawjson default",
            started_at=FIXED_NOW.replace(hour=21),
            result="failed",
            duration_s=9.4,
            exit_code=1,
            targets=(
                BakeTargetRun(
                    "app",
                    "success",
                    ("linux/amd64", "linux/arm64"),
                    8.1,
                    5,
                    2,
                    digest="sha256:" + "1" * 64,
                    image_names=("127.0.0.1:5000/bh-app:v1",),
                    build_ref="bake-c/bake-c0/x1",
                ),
                BakeTargetRun("tool", "failed", ("linux/amd64",), 3.0, 3, 1, "2/3 RUN false"),
            ),
            error="ERROR: target tool: process did not complete successfully: exit code: 1",
            id="bake",
        )
    )
    return history


@pytest.mark.parametrize("size", list(SIZES))
def test_history_with_a_bake_run(snap_compare, size):
    shutil.rmtree(FOLDER, ignore_errors=True)  # the path is in the screen's title: a fixed one
    app = BuildxApp(
        bake_backend(), refresh_interval=0, clock=lambda: FIXED_NOW, history=seeded(FOLDER)
    )

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.post_message(nav.OpenBuildHistory())
        for _ in range(3):
            await settle(pilot)

    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_before)
