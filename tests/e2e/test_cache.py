"""The Cache screen against the real lab, on a builder this module creates and removes
(cache-e2e-*): the screen's totals are what `docker buildx du` prints, and a prune with a filter
removes exactly the records the preview listed (du before and after, run apart from the app)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Checkbox

from buildx_tui.core.cache.totals import parse_du_summary
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.cache.screen import CacheScreen
from buildx_tui.ui.common.confirm import ConfirmDialog
from tests.helpers.e2e_lab import client_for, wait_for

from .conftest import Lab

SIZE = (120, 36)
DOCKERFILE = """\
FROM {registry}/busybox:latest
COPY hello.txt /hello.txt
RUN --mount=type=cache,target=/cache echo {tag} >> /cache/seen && cp /cache/seen /seen
RUN echo {tag} > /done
"""


def du_ids(lab: Lab, builder: str) -> dict[str, dict[str, object]]:
    proc = lab.docker("buildx", "du", "--builder", builder, "--format", "json", timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {d["ID"]: d for d in map(json.loads, proc.stdout.splitlines()) if d}


@pytest.fixture(scope="module")
def cache_builder(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = f"cache-e2e-{uuid.uuid4().hex[:6]}"
    proc = lab.docker(
        "buildx", "create", "--name", name, "--driver", "docker-container",
        "--driver-opt", "network=host", "--platform", "linux/amd64",
        "--buildkitd-config", f"{lab.lab_dir}/buildkitd.toml", "--bootstrap", timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    try:
        for tag in ("one", "two"):
            ctx: Path = tmp_path_factory.mktemp(f"cache-{tag}")
            (ctx / "Dockerfile").write_text(DOCKERFILE.format(registry=lab.registry, tag=tag))
            (ctx / "hello.txt").write_text(f"hello {tag}\n")
            built = lab.docker(
                "buildx", "build", "--builder", name, "--progress=plain", str(ctx), timeout=600
            )  # fmt: skip
            assert built.returncode == 0, built.stderr[-3000:]
        yield name
    finally:
        lab.docker("buildx", "rm", name, timeout=120)


async def _open(pilot, name: str) -> CacheScreen:
    screen = CacheScreen(name)
    await pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: screen.loads_done == 1, 60, "the du")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_totals_are_what_buildx_du_prints(lab: Lab, cache_builder: str) -> None:
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, cache_builder)
        plain_du = lab.docker("buildx", "du", "--builder", cache_builder, timeout=120)
        assert plain_du.returncode == 0, plain_du.stderr
        said = parse_du_summary(plain_du.stdout)
        assert "Total" in said
        assert screen.state.buildx_totals == said  # what the summary line shows
        assert screen.state.totals is not None
        ours = {line.name: line.sum for line in screen.state.totals.summary_lines()}
        assert set(ours) == set(said)
        for key, text in said.items():  # and our own sums of the records agree with buildx
            assert ours[key].text() == text or ours[key].agrees_with(text), (key, text)
        direct = du_ids(lab, cache_builder)
        assert {r.id for r in screen.state.records} == set(direct)
        assert screen.table.row_count == len(direct)
        types = {r.type for r in screen.state.records}
        assert {"regular", "source.local", "exec.cachemount"} <= types
        # the node's BuildKit (v0.32.2) takes the space flags
        assert screen.state.space.allowed


@pytest.mark.parametrize("kind", ["exec.cachemount", "source.local"])
async def test_prune_removes_exactly_the_previewed_records(
    lab: Lab, cache_builder: str, kind: str
) -> None:
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, cache_builder)
        before = du_ids(lab, cache_builder)
        await pilot.press("p")
        await pilot.pause()
        screen.panel.query_one("#prune-type").value = kind
        await pilot.pause()
        assert not screen.panel.query_one("#prune-all", Checkbox).value
        preview = screen.preview
        assert preview is not None and preview.exact
        listed = {r.id for r in preview.goes}
        assert listed, f"the builder has no {kind} record to prune"
        assert all(before[i]["Type"] == kind for i in listed)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), 10, "the confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.loads_done == 2, 120, "the prune and a fresh du")
        await app.workers.wait_for_complete()
        await pilot.pause()
        after = du_ids(lab, cache_builder)
        assert set(before) - set(after) == listed
        assert set(after) <= set(before)
        assert {r.id for r in screen.state.records} == set(after)  # the fresh du shown
        log = [e.command for e in screen.command_log.entries]
        assert any(
            c.endswith(f"buildx prune --builder {cache_builder} --force --filter type={kind}")
            for c in log
        )
