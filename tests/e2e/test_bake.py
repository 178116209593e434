"""The bake workspace against the real lab, on a builder this module creates and removes
(bake-e2e-*) and a workspace written into a temporary folder made the current directory (bake
reads its files from where it runs; the screen opens the current directory by default):

- bake through the screen pushes to the lab registry, with a typed variable overridden; each
  target's digest (metadata file) is the digest of what the registry holds
  (`docker buildx imagetools inspect --raw`), matrix targets included; the base stage the two
  targets share is shown once, as shared;
- a failing target is reported as that target, with its step and log, while the other completes;
- an entitlement prompt appears for the target that reads outside its context (nothing runs
  until it is granted);
- a build-check warning shows the Dockerfile line;
- cancel leaves no bake process.
"""

from __future__ import annotations

import hashlib
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Static, Tree

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.bake.screen import BakeScreen
from buildx_tui.ui.common.confirm import ConfirmDialog
from tests.helpers.e2e_lab import client_for, wait_for

from .conftest import Lab

SIZE = (140, 44)
RUN_TIMEOUT = 600

HCL = """\
variable "REGISTRY" {{ default = "{registry}" }}
variable "PREFIX" {{ default = "{prefix}" }}
variable "REPLICAS" {{
  type = number
  default = 2
}}
group "default" {{ targets = ["app", "tool"] }}
group "fails" {{ targets = ["tool", "broken"] }}
target "app" {{
  context = "app"
  target = "app"
  platforms = ["linux/amd64", "linux/arm64"]
  args = {{ REPLICAS = "${{REPLICAS}}" }}
  tags = ["${{REGISTRY}}/${{PREFIX}}-app:v1"]
  output = ["type=image,push=true"]
}}
target "tool" {{
  context = "app"
  target = "tool"
  platforms = ["linux/amd64"]
  tags = ["${{REGISTRY}}/${{PREFIX}}-tool:v1"]
  output = ["type=image,push=true"]
}}
target "variant" {{
  name = "variant-${{flavor}}"
  matrix = {{ flavor = ["small", "big"] }}
  context = "variant"
  args = {{ FLAVOR = flavor }}
  platforms = ["linux/amd64"]
  tags = ["${{REGISTRY}}/${{PREFIX}}-variant:${{flavor}}"]
  output = ["type=image,push=true"]
}}
target "outside" {{
  context = "../outside"
  platforms = ["linux/amd64"]
  output = ["type=cacheonly"]
}}
target "broken" {{
  context = "broken"
  platforms = ["linux/amd64"]
  output = ["type=cacheonly"]
}}
target "slow" {{
  context = "slow"
  platforms = ["linux/amd64"]
  output = ["type=cacheonly"]
}}
"""

FILES = {
    "ws/app/Dockerfile": (
        "FROM {registry}/busybox:latest as base\nRUN echo {prefix} > /base.txt\n\n"
        'FROM base AS app\nARG REPLICAS=1\nRUN echo "x$REPLICAS" > /app.txt\n\n'
        "FROM base AS tool\nRUN echo tool > /tool.txt\n"
    ),
    "ws/variant/Dockerfile": (
        'FROM {registry}/busybox:latest\nARG FLAVOR\nRUN echo "{prefix} $FLAVOR" > /f.txt\n'
    ),
    "ws/broken/Dockerfile": (
        "FROM {registry}/busybox:latest\nRUN echo fine\n"
        "RUN echo {prefix} about to fail && sleep 1 && exit 3\n"
    ),
    "ws/slow/Dockerfile": "FROM {registry}/busybox:latest\nRUN echo {prefix} && sleep 60\n",
    "outside/Dockerfile": "FROM {registry}/busybox:latest\nCOPY hello.txt /hello.txt\n",
    "outside/hello.txt": "hello {prefix}\n",
}


@pytest.fixture(scope="module")
def bake_builder(lab: Lab) -> Iterator[str]:
    name = f"bake-e2e-{uuid.uuid4().hex[:6]}"
    proc = lab.docker(
        "buildx", "create", "--name", name, "--driver", "docker-container",
        "--driver-opt", "network=host", "--platform", "linux/amd64,linux/arm64",
        "--buildkitd-config", f"{lab.lab_dir}/buildkitd.toml", "--bootstrap", timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    try:
        yield name
    finally:
        lab.docker("buildx", "rm", name, timeout=120)


@pytest.fixture
def workspace(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh workspace (its own image names: ``prefix``), made the current directory."""
    prefix = f"bake-e2e-{uuid.uuid4().hex[:6]}"
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "docker-bake.hcl").write_text(
        HCL.format(registry=lab.registry, prefix=prefix)
    )
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.format(registry=lab.registry, prefix=prefix))
    monkeypatch.chdir(tmp_path / "ws")
    return prefix


def registry_digest(lab: Lab, ref: str) -> str:
    proc = subprocess.run(
        [lab.docker_cli, "buildx", "imagetools", "inspect", "--raw", ref],
        env=lab.env(), capture_output=True, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return "sha256:" + hashlib.sha256(proc.stdout).hexdigest()


async def open_workspace(pilot, builder: str) -> BakeScreen:
    screen = BakeScreen(builder=builder)  # the current directory
    await pilot.app.push_screen(screen)
    await wait_for(pilot, lambda: screen.definition is not None or screen.error, 120, "the load")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert screen.error is None, screen.error
    return screen


async def select(pilot, screen: BakeScreen, name: str) -> None:
    tree = screen.query_one("#bake-tree", Tree)
    for line in range(tree.last_line + 1):
        node = tree.get_node_at_line(line)
        if node is not None and node.data == name:
            tree.cursor_line = line
            break
    await pilot.pause()
    assert screen.selected == (name,)


async def run(pilot, screen: BakeScreen) -> None:
    done = screen.runs_done
    await pilot.press("ctrl+r")
    await wait_for(pilot, lambda: screen.runs_done > done, RUN_TIMEOUT, "the bake")
    await pilot.pause()


def text_of(screen: BakeScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_bake_pushes_and_each_digest_is_what_the_registry_holds(
    lab: Lab, bake_builder: str, workspace: str
) -> None:
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workspace(pilot, bake_builder)
        assert screen.definition is not None
        assert screen.definition.groups["variant"] == ("variant-small", "variant-big")
        screen.query_one("#bake-var-REPLICAS", Input).value = "3"  # a typed override
        await pilot.pause()
        await run(pilot, screen)
        outcome = screen.outcome
        assert outcome is not None and outcome.result.ok, outcome and outcome.result.stderr[-2000:]
        assert "--var REPLICAS=3" in outcome.result.command
        # the build-check warning, with the Dockerfile line
        checks = text_of(screen, "#bake-checks")
        assert "app: FromAsCasing" in checks
        assert f"app/Dockerfile:1: FROM {lab.registry}/busybox:latest as base" in checks
        for target in ("app", "tool"):
            out = outcome.outputs[target]
            assert out.pushed == (f"{lab.registry}/{workspace}-{target}:v1",)
            assert out.digest == registry_digest(lab, out.pushed[0])
        shared = {s.step.name: set(s.targets) for s in outcome.snapshot.shared}
        assert shared[f"RUN echo {workspace} > /base.txt"] == {"app", "tool"}
        app_target = outcome.snapshot.target("app")
        assert app_target is not None
        lanes = {lane.key for lane in app_target.own_lanes()}
        assert {"linux/amd64", "linux/arm64"} <= lanes
        # the matrix: the targets it becomes, each pushed
        await pilot.press("escape")
        await select(pilot, screen, "variant")
        await run(pilot, screen)
        outcome = screen.outcome
        assert outcome is not None and outcome.result.ok
        for flavor in ("small", "big"):
            out = outcome.outputs[f"variant-{flavor}"]
            assert out.pushed == (f"{lab.registry}/{workspace}-variant:{flavor}",)
            assert out.digest == registry_digest(lab, out.pushed[0])


async def test_a_failing_target_is_reported_with_its_step_and_log(
    lab: Lab, bake_builder: str, workspace: str
) -> None:
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workspace(pilot, bake_builder)
        await select(pilot, screen, "fails")
        await run(pilot, screen)
        outcome = screen.outcome
        assert outcome is not None and not outcome.result.ok
        snap = outcome.snapshot
        assert snap.failed_target == "broken"
        broken = snap.target("broken")
        assert broken is not None and broken.failed_step is not None
        step = broken.failed_step
        assert step.name == f"RUN echo {workspace} about to fail && sleep 1 && exit 3"
        assert any("about to fail" in line.text for line in step.logs)
        result = text_of(screen, "#bake-result")
        assert "target broken failed" in result and "about to fail" in result
        tool = snap.target("tool")
        assert tool is not None and tool.failed_step is None
        assert tool.snapshot.result in ("success", "cancelled")  # completed, or stopped by bake


async def test_the_entitlement_is_asked_for_before_anything_runs(
    lab: Lab, bake_builder: str, workspace: str
) -> None:
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workspace(pilot, bake_builder)
        await select(pilot, screen, "outside")
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), 120, "the prompt")
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "--allow fs.read=../outside" in dialog._text
        assert "Read access to path ../outside" in dialog._text
        await pilot.press("escape")
        await pilot.pause()
        assert screen.runs_done == 0 and screen.allow == ()
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), 120, "the prompt")
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.runs_done == 1, RUN_TIMEOUT, "the bake")
        outcome = screen.outcome
        assert outcome is not None and outcome.result.ok
        assert "--allow fs.read=../outside" in outcome.result.command


def bake_processes(builder: str) -> list[str]:
    ps = subprocess.run(
        ["ps", "-eww", "-o", "pid,args"], capture_output=True, text=True, timeout=30
    )
    return [ln for ln in ps.stdout.splitlines() if "bake" in ln and builder in ln]


async def test_cancel_leaves_no_bake_process(lab: Lab, bake_builder: str, workspace: str) -> None:
    app = BuildxApp(client_for(lab), refresh_interval=0)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_workspace(pilot, bake_builder)
        await select(pilot, screen, "slow")
        await pilot.press("ctrl+r")

        def sleeping() -> bool:
            view = screen.query_one("#bake-run")
            snap = getattr(view, "snapshot", None)
            return snap is not None and any(
                s.state == "running" and "sleep 60" in s.name
                for t in snap.targets
                for s in t.own_steps()
            )

        await wait_for(pilot, sleeping, 180, "the slow step to run")
        assert bake_processes(bake_builder)
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: screen.runs_done == 1, 60, "the cancel")
        assert screen.outcome is not None and screen.outcome.cancelled
        assert "bake stopped" in text_of(screen, "#bake-result")
        await wait_for(pilot, lambda: not bake_processes(bake_builder), 20, "no bake process")
