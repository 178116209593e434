"""The Builds screens against the real lab: builds made with the plain CLI on a builder this
module creates (`builds-e2e-<id>`, removed at the end) appear with the ref, status, step counts
and duration `history ls` / `history inspect` give; a build failing on arm64 shows that
platform, the failing Dockerfile line and the step's log; export writes a valid archive; delete
removes the record; the default builder's limit is explained."""

from __future__ import annotations

import json
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from buildx_tui.core.builds.records import parse_time
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builds.details import BuildDetailsScreen
from buildx_tui.ui.builds.export import ExportDialog
from buildx_tui.ui.builds.screen import BuildsScreen
from buildx_tui.ui.common.confirm import ConfirmDialog
from tests.helpers.e2e_lab import client_for
from tests.helpers.render import plain

from .conftest import Lab

pytestmark = pytest.mark.e2e
SIZE = (160, 45)

OK = """\
FROM {registry}/busybox:latest
ARG TARGETARCH
RUN echo "built for $TARGETARCH" > /arch.txt
"""
FAILING = """\
FROM {registry}/busybox:latest
ARG TARGETARCH
RUN echo "one on $TARGETARCH"
RUN echo "checking $TARGETARCH" && test "$TARGETARCH" = amd64
"""


def _records(lab: Lab, builder: str) -> list[dict[str, object]]:
    proc = lab.docker("buildx", "history", "ls", "--builder", builder, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def builds(
    lab: Lab, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    name = f"builds-e2e-{uuid.uuid4().hex[:6]}"
    toml = str(Path(lab.lab_dir) / "buildkitd.toml")
    made = lab.docker(
        "buildx", "create", "--name", name, "--driver", "docker-container", "--driver-opt",
        "network=host", "--platform", "linux/amd64,linux/arm64", "--buildkitd-config", toml,
        "--bootstrap", timeout=300,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    try:
        refs: dict[str, str] = {}
        for kind, text, code in (("okbuild", OK, 0), ("failbuild", FAILING, 1)):
            ctx = tmp_path_factory.mktemp(kind, numbered=False)
            (ctx / "Dockerfile").write_text(text.format(registry=lab.registry))
            proc = lab.docker(
                "buildx", "build", "--builder", name, "--platform", "linux/amd64,linux/arm64",
                str(ctx), timeout=600,
            )  # fmt: skip
            assert proc.returncode == code, proc.stderr[-2000:]
        for rec in _records(lab, name):
            refs[str(rec["name"])] = str(rec["ref"]).rsplit("/", 1)[-1]
        yield name, refs
    finally:
        lab.docker("buildx", "rm", "--force", name, timeout=120)


async def _settle(pilot, rounds: int = 6) -> None:
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _app(lab: Lab) -> BuildxApp:
    return BuildxApp(client_for(lab), refresh_interval=0)


async def test_cli_builds_appear_as_history_says(lab: Lab, builds) -> None:
    name, _refs = builds
    truth = {str(r["ref"]): r for r in _records(lab, name)}
    async with _app(lab).run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = BuildsScreen(name)
        await pilot.app.push_screen(screen)
        await _settle(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == len(truth) >= 2
        for key, rec in truth.items():
            row = table.get_row(key)
            assert str(row[1]) == rec["name"]
            status = "completed" if rec["status"] == "Completed" else "error"
            assert status in str(row[0])
            assert str(row[6]) == f"{rec['completed_steps']}/{rec['total_steps']}"
            assert str(row[7]) == str(rec["cached_steps"])
            start = parse_time(rec["created_at"])
            end = parse_time(rec["completed_at"])
            assert start is not None and end is not None
            took = (end - start).total_seconds()
            shown = str(row[5])
            assert (
                shown.endswith("s") and abs(float(shown[:-1]) - took) < 1.0 if took < 10 else True
            )
        message = plain(screen.query_one("#builds-message", Static).content)
        assert f"{name}: {len(truth)}" in message


async def test_failing_on_arm64_shows_platform_line_and_log(lab: Lab, builds) -> None:
    name, refs = builds
    inspect = lab.docker(
        "buildx", "history", "inspect", "--builder", name, refs["failbuild"], "--format", "json"
    )
    raw = json.loads(inspect.stdout)
    async with _app(lab).run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = BuildDetailsScreen(name, refs["failbuild"])
        await pilot.app.push_screen(screen)
        await _settle(pilot)
        body = plain(screen.query_one("#details-body", Static).content)
        assert "On platform   linux/arm64" in body
        assert '>>> RUN echo "checking $TARGETARCH" && test "$TARGETARCH" = amd64' in body
        for line in raw["Error"]["Logs"]:
            assert line in body
        assert "checking arm64" in body


async def test_export_then_delete(lab: Lab, builds, tmp_path: Path) -> None:
    name, refs = builds
    ref = refs["okbuild"]
    target = tmp_path / "ok.dockerbuild"
    async with _app(lab).run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = BuildDetailsScreen(name, ref)
        await pilot.app.push_screen(screen)
        await _settle(pilot)
        await pilot.press("e")
        await _settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        dialog.query_one(Input).value = str(target)
        await pilot.press("enter")
        await _settle(pilot, 12)
        assert target.exists()
        with tarfile.open(target) as tar:
            names = tar.getnames()
        assert "index.json" in names and any(n.startswith("blobs/sha256/") for n in names)
        await pilot.press("d")
        await _settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        pilot.app.screen.dismiss(True)
        await _settle(pilot, 12)
        assert "was deleted" in plain(screen.query_one("#details-body", Static).content)
    assert all(not str(r["ref"]).endswith(ref) for r in _records(lab, name))


async def test_default_builder_limit_is_explained(lab: Lab) -> None:
    async with _app(lab).run_test(size=SIZE) as pilot:
        await _settle(pilot)
        screen = BuildsScreen("default")
        await pilot.app.push_screen(screen)
        await _settle(pilot, 12)
        message = plain(screen.query_one("#builds-message", Static).content)
        assert "default: its BuildKit keeps no build history" in message
        assert screen.query_one(DataTable).row_count == 0
        assert "No builds recorded" not in message
