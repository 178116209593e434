"""Bake on the real lab from a workspace that is NOT the current directory, and its run in the
app's own history:

- the workspace (a temporary folder, the tests' current directory left as it is) is opened by
  path; its targets are listed; every bake command runs in it (its context is relative to it);
- the run (--push ticked) pushes to the lab registry under our own bh- names; the digest is what
  the registry holds;
- the run is in the app's history as a bake run, with its build ref, which BuildKit's own
  history knows (`history inspect`); re-run from the history screen runs the same argv, in the
  same folder.

Runs on the lab's lab-container builder (used, never changed).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from textual.widgets import Checkbox, DataTable

from buildx_tui.core.build.history import BakeEntry, History
from buildx_tui.core.builds.records import split_ref
from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.bake.screen import BakeScreen
from buildx_tui.ui.build.history import BuildHistoryScreen
from tests.helpers.e2e_lab import client_for, wait_for

from .conftest import Lab
from .test_bake import registry_digest

SIZE = (140, 44)
BUILDER = "lab-container"
RUN_TIMEOUT = 600

HCL = """\
group "default" {{ targets = ["app"] }}
target "app" {{
  context = "app"
  platforms = ["linux/amd64"]
  tags = ["{registry}/{prefix}-app:v1"]
}}
"""
DOCKERFILE = "FROM {registry}/busybox:latest\nRUN echo {prefix} > /made.txt\n"


@dataclass
class Recording(BuildxClient):
    """The real gateway, noting each command's argv and the folder it ran in."""

    ran: list[tuple[tuple[str, ...], str | None]] = field(default_factory=list)

    def run(
        self,
        argv: Sequence[str],
        *,
        on_line: Callable[[str], None] | None = None,
        stdin: bytes | None = None,
        timeout: float | None = None,
        token: object | None = None,
        keep_tail: int | None = None,
        on_start: Callable[[], None] | None = None,
        cwd: str | None = None,
    ) -> CommandResult:
        self.ran.append((tuple(argv), cwd))
        return super().run(argv, on_line=on_line, stdin=stdin, timeout=timeout, token=token,
                           keep_tail=keep_tail, on_start=on_start, cwd=cwd)  # fmt: skip

    def bakes(self, flag: str) -> list[tuple[tuple[str, ...], str | None]]:
        return [(a, c) for a, c in self.ran if a[:2] == ("buildx", "bake") and flag in a]


def without_metadata(argv: tuple[str, ...]) -> tuple[str, ...]:
    i = argv.index("--metadata-file")
    return argv[:i] + argv[i + 2 :]


async def test_a_workspace_elsewhere_bakes_pushes_and_reruns_from_the_history(
    lab: Lab, tmp_path: Path
) -> None:
    prefix = f"bh-{uuid.uuid4().hex[:6]}"
    ws = tmp_path / "ws"
    (ws / "app").mkdir(parents=True)
    (ws / "docker-bake.hcl").write_text(HCL.format(registry=lab.registry, prefix=prefix))
    (ws / "app" / "Dockerfile").write_text(DOCKERFILE.format(registry=lab.registry, prefix=prefix))
    assert Path.cwd().resolve() != ws.resolve() and not (Path.cwd() / "app" / "Dockerfile").exists()
    base = client_for(lab)
    client = Recording(base.options)
    history = History(tmp_path / "data")
    app = BuildxApp(client, refresh_interval=0, history=history)
    async with app.run_test(size=SIZE) as pilot:
        app.post_message(nav.OpenBake(str(ws), BUILDER))
        await wait_for(pilot, lambda: isinstance(app.screen, BakeScreen), 30, "the bake screen")
        screen = app.screen
        assert isinstance(screen, BakeScreen)
        await wait_for(pilot, lambda: screen.definition is not None or screen.error, 120, "load")
        assert screen.error is None, screen.error
        assert {t.name for t in screen.listed} == {"default", "app"}
        assert screen.definition is not None and screen.definition.groups["default"] == ("app",)
        assert all(cwd == str(ws) for _, cwd in client.bakes("--print"))
        screen.query_one("#bake-push", Checkbox).value = True
        await pilot.pause()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.runs_done == 1, RUN_TIMEOUT, "the bake")
        outcome = screen.outcome
        assert outcome is not None and outcome.result.ok, outcome and outcome.result.stderr[-2000:]
        assert outcome.result.command.startswith(f"(in {ws}) ")
        ref = f"{lab.registry}/{prefix}-app:v1"
        out = outcome.outputs["app"]
        assert out.pushed == (ref,) and out.digest == registry_digest(lab, ref)
        ((first, first_cwd),) = client.bakes("rawjson")
        assert first_cwd == str(ws) and "--push" in first

        # in the app's history, as a bake run, linked to BuildKit's record
        await wait_for(pilot, lambda: history.load_runs(), 30, "the history entry")
        (entry,) = history.load_runs()
        assert isinstance(entry, BakeEntry) and entry.result == "success"
        assert entry.request.workspace == str(ws) and entry.request.push
        assert entry.request.argv == without_metadata(first)
        (target,) = entry.targets
        assert (target.target, target.digest, target.build_ref) == ("app", out.digest, out.ref)
        assert target.image_names == (ref,)
        record_id = split_ref(target.build_ref)[2]
        inspect = ["buildx", "history", "inspect", "--builder", BUILDER, record_id]
        record = base.run([*inspect, "--format", "json"], timeout=120)
        assert record.ok, record.stderr

        # re-run from the history screen: the same argv, in the same folder
        await pilot.press("escape")
        await pilot.pause()
        app.post_message(nav.OpenBuildHistory())
        await wait_for(pilot, lambda: isinstance(app.screen, BuildHistoryScreen), 30, "history")
        listed = app.screen
        await wait_for(pilot, lambda: listed.query_one(DataTable).row_count == 1, 30, "rows")
        assert str(listed.query_one(DataTable).get_row_at(0)[1]) == "◆ bake"
        await pilot.press("r")
        await wait_for(pilot, lambda: len(client.bakes("rawjson")) == 2, 120, "the re-run start")
        rerun = app.screen
        assert isinstance(rerun, BakeScreen) and rerun is not screen
        await wait_for(pilot, lambda: rerun.runs_done == 1, RUN_TIMEOUT, "the re-run")
        assert rerun.outcome is not None and rerun.outcome.result.ok
        (_, _), (second, second_cwd) = client.bakes("rawjson")
        assert without_metadata(second) == without_metadata(first) == entry.request.argv
        assert second_cwd == str(ws)
        await wait_for(pilot, lambda: len(history.load_runs()) == 2, 30, "the second entry")
    assert os.getcwd() != str(ws)
