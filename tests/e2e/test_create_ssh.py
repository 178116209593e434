"""The create wizard on ssh:// endpoints, against the real lab (its sshd reaches the lab engine).

Seed 002's set-up: a docker-container builder on one ssh host with a node name and a pinned
platform (`docker buildx create --name remotebuilder --node hk-amd64 --platform=amd64`, there with
DOCKER_HOST=ssh://root@HOST), then `--append` a node on a second ssh host pinned to arm64. The
lab's sshd listens on 127.0.0.1 and 127.0.0.2 (buildx refuses two nodes with one endpoint), so
both nodes run on the lab engine, reached over ssh. Then an ssh endpoint nobody listens on.

The app's docker commands inherit the process environment: PATH gets the lab's `ssh` wrapper
(lab key, known_hosts) first, as `scripts/lab env` does. Builders are named wiz-e2e-s*, removed
in teardown with their containers and state volumes.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Checkbox, RadioButton, SelectionList, Static

from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable
from buildx_tui.ui.common.format import EMULATED_MARK, PINNED_MARK
from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.helpers.e2e_create import SIZE, fill, make_app, next_step, open_wizard, problems, settle
from tests.helpers.e2e_lab import ls_json
from tests.helpers.render import plain

from .conftest import Lab


@pytest.fixture
def lab_path(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> Lab:
    """The app's docker (and its ssh helper) find the lab's `ssh` wrapper first on PATH."""
    monkeypatch.setenv("PATH", lab.path_with_ssh(os.environ.get("PATH", os.defpath)))
    return lab


@pytest.fixture
def builders_to_remove(lab: Lab) -> Iterator[dict[str, list[str]]]:
    """builder name -> its node names: removed afterwards, with any container or volume left."""
    made: dict[str, list[str]] = {}
    yield made
    env_problems = []
    for name, nodes in made.items():
        lab.docker("buildx", "rm", name, timeout=120)
        for node in nodes:
            container = f"buildx_buildkit_{node}"
            lab.docker("rm", "-f", "-v", container, timeout=60)
            lab.docker("volume", "rm", "-f", f"{container}_state", timeout=60)
            left = lab.docker("ps", "-a", "-q", "--filter", f"name=^/{container}$").stdout
            if left.strip():
                env_problems.append(container)
    assert not env_problems, f"containers left behind: {env_problems}"


def free_loopback_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def result_text(wizard: CreateWizardScreen) -> str:
    return plain(wizard.query_one("#run-result", Static).content)


def test_lab_ssh_endpoints_reach_the_lab_engine(lab: Lab) -> None:
    """`docker -H ssh://root@127.0.0.1:PORT` (and .2) with the lab env is the lab's own engine."""
    local = lab.docker("info", "--format", "{{.ID}} {{.DockerRootDir}}", timeout=60)
    assert local.returncode == 0, local.stderr
    assert local.stdout.split()[1].startswith(lab.lab_dir)
    for endpoint in lab.ssh_endpoints:
        over = lab.docker("-H", endpoint, "info", "--format", "{{.ID}} {{.DockerRootDir}}")
        assert over.returncode == 0, over.stderr
        assert over.stdout == local.stdout


async def create_on_ssh(
    pilot,
    app,
    tmp_path: Path,
    *,
    name: str,
    endpoint: str,
    node: str,
    platform: str,
    append: bool,
    timeout: str = "",
) -> CreateWizardScreen:
    """Walk the wizard: docker-container on `endpoint` (with --timeout `timeout`), node `node`
    pinned to `platform`, network=host, no buildkitd.toml, bootstrap, not made current. Returns
    the wizard after the run."""
    wizard, _ = await open_wizard(pilot, app, tmp_path, append_to=name if append else None)
    if not append:
        await fill(pilot, wizard, name=name)
    await next_step(pilot, app)
    assert wizard.step.value == "driver", problems(wizard)
    assert wizard.query_one("#driver-docker-container", RadioButton).value
    await next_step(pilot, app)
    await fill(pilot, wizard, endpoint=endpoint, timeout=timeout)
    await next_step(pilot, app)
    assert wizard.step.value == "node", problems(wizard)
    await fill(pilot, wizard, node=node)
    wizard.query_one("#platforms", SelectionList).select(platform)
    wizard.query_one("#network-host", Checkbox).value = True
    await next_step(pilot, app)
    await next_step(pilot, app)  # registries: none (no buildkitd.toml)
    assert wizard.step.value == "review", problems(wizard)
    commands = plain(wizard.query_one("#review-commands", Static).content)
    flags = f"--node {node} --driver docker-container --platform {platform}"
    assert flags in commands, commands
    tail = f"--driver-opt network=host {f'--timeout {timeout} ' if timeout else ''}{endpoint}"
    assert tail in commands, commands
    assert ("--append" in commands) == append
    wizard.query_one("#do-use", Checkbox).value = False  # the lab is shared: leave `default`
    await pilot.pause()
    await next_step(pilot, app, timeout=300)  # create, inspect --bootstrap, ls
    return wizard


async def test_ssh_builder_with_two_pinned_nodes_runs_and_builds(
    lab_path: Lab, tmp_path: Path, builders_to_remove: dict[str, list[str]]
) -> None:
    lab = lab_path
    name = f"wiz-e2e-s{uuid.uuid4().hex[:6]}"
    amd64, arm64 = f"{name}-amd64", f"{name}-arm64"
    first, second = lab.ssh_endpoints[:2]
    builders_to_remove[name] = [amd64, arm64]
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        wizard = await create_on_ssh(
            pilot, app, tmp_path, name=name, endpoint=first, node=amd64,
            platform="linux/amd64", append=False,
        )  # fmt: skip
        assert wizard.outcome is not None and wizard.outcome.ok, result_text(wizard)
        assert f"✔ {name} (docker-container) is running" in result_text(wizard)
        await pilot.press("ctrl+n")  # Done
        await settle(pilot, app)

        wizard = await create_on_ssh(
            pilot, app, tmp_path, name=name, endpoint=second, node=arm64,
            platform="linux/arm64", append=True,
        )  # fmt: skip
        assert wizard.outcome is not None and wizard.outcome.ok, result_text(wizard)
        await pilot.press("ctrl+n")
        await settle(pilot, app)

        # buildx itself, asked apart from the app: two running nodes, one per ssh "host",
        # each with its pinned platform first (and marked pinned by `inspect`).
        truth = ls_json(lab)[name]
        assert truth["Driver"] == "docker-container"
        nodes = {n["Name"]: n for n in truth["Nodes"]}
        assert list(nodes) == [amd64, arm64]
        for node, endpoint, platform in ((amd64, first, "linux/amd64"),
                                         (arm64, second, "linux/arm64")):  # fmt: skip
            assert nodes[node]["Endpoint"] == endpoint
            assert nodes[node]["Status"] == "running"
            assert nodes[node]["DriverOpts"] == {"network": "host"}
            assert nodes[node]["Platforms"][0] == platform
        inspect = lab.docker("buildx", "inspect", name, timeout=120)
        assert inspect.returncode == 0, inspect.stderr
        assert "Platforms:             linux/amd64*," in inspect.stdout
        assert "Platforms:             linux/arm64*," in inspect.stdout
        running = lab.docker("ps", "--format", "{{.Names}}").stdout.split()
        assert {f"buildx_buildkit_{amd64}", f"buildx_buildkit_{arm64}"} <= set(running)

        # The Builders pane shows the same: both nodes running, on their endpoints, pinned.
        builders = app.screen
        assert isinstance(builders, BuildersScreen)
        builders.action_refresh()
        await settle(pilot, app)
        table = builders.query_one(BuildersTable)
        assert str(table.get_row(f"b:{name}")[2]) == "● running"
        # Each node's pinned platform first, marked pinned; arm64 runs emulated on the lab's
        # amd64 engine (QEMU) and is marked so.
        for node, endpoint, first_shown in (
            (amd64, first, f"amd64{PINNED_MARK}"),
            (arm64, second, f"{EMULATED_MARK}arm64{PINNED_MARK}"),
        ):
            row = [str(cell) for cell in table.get_row(f"n:{name}/{node}")]
            assert row[1] == endpoint
            assert row[2] == "● running"
            platforms = str(table.get_cell(f"n:{name}/{node}", "platforms")).split()
            assert platforms[0] == first_shown, row
        shown = builders.ls.get(name) if builders.ls else None
        assert shown is not None
        assert [(n.name, n.endpoint, n.platforms[0]) for n in shown.nodes] == [
            (n["Name"], n["Endpoint"], n["Platforms"][0]) for n in truth["Nodes"]
        ]

    # A two-platform build on it: each platform runs on its node, over ssh.
    ctx = tmp_path / "ctx"
    ctx.mkdir()
    (ctx / "Dockerfile").write_text(f"FROM {lab.registry}/busybox\nRUN uname -m > /arch\n")
    out = tmp_path / "out"
    build = subprocess.run(
        [lab.docker_cli, "buildx", "build", "--builder", name,
         "--platform", "linux/amd64,linux/arm64", "--progress", "plain",
         "--output", f"type=local,dest={out}", str(ctx)],
        env=lab.env(), capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr[-3000:]
    assert (out / "linux_amd64" / "arch").read_text().strip() == "x86_64"
    assert (out / "linux_arm64" / "arch").read_text().strip() == "aarch64"
    history = lab.docker("buildx", "history", "ls", "--builder", name, "--format", "json")
    assert history.returncode == 0, history.stderr
    refs = [json.loads(line)["ref"] for line in history.stdout.splitlines() if line.strip()]
    assert {ref.split("/")[1] for ref in refs} == {amd64, arm64}, refs


async def test_ssh_endpoint_where_nothing_listens_is_explained(
    lab_path: Lab, tmp_path: Path, builders_to_remove: dict[str, list[str]]
) -> None:
    lab = lab_path
    name = f"wiz-e2e-sx{uuid.uuid4().hex[:6]}"
    node = f"{name}-amd64"
    builders_to_remove[name] = [node]
    port = free_loopback_port()
    endpoint = f"ssh://root@127.0.0.1:{port}"
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        wizard = await create_on_ssh(
            pilot, app, tmp_path, name=name, endpoint=endpoint, node=node,
            platform="linux/amd64", append=False,
        )  # fmt: skip
        outcome = wizard.outcome
        assert outcome is not None and not outcome.ok
        assert outcome.failed is not None and outcome.failed.value == "create"
        result = result_text(wizard)
        assert f"Nothing answers on 127.0.0.1 port {port}" in result, result
        if "broken pipe" in result:
            # The docker CLI sometimes loses ssh's message (it writes after ssh exited, seen in
            # CI): the title then comes from buildx-tui's own probe of the port, and says so.
            assert "buildx-tui connected itself to find the reason" in result
        else:
            assert f"ssh: connect to host 127.0.0.1 port {port}: Connection refused" in result
        assert "↩" not in result  # create failed: nothing was made, nothing to undo
    assert name not in ls_json(lab)
    left = lab.docker("ps", "-a", "-q", "--filter", f"name=buildx_buildkit_{node}").stdout
    assert not left.strip()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 that accepts connections and never says a word (a host whose sshd
    hangs, or a firewall that lets the handshake through and then drops everything)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield server.getsockname()[1]
    server.close()
    for conn in held:
        conn.close()


async def test_timeout_set_in_the_wizard_bounds_a_silent_ssh_endpoint(
    lab_path: Lab, tmp_path: Path, builders_to_remove: dict[str, list[str]], silent_port: int
) -> None:
    lab = lab_path
    name = f"wiz-e2e-st{uuid.uuid4().hex[:6]}"
    node = f"{name}-amd64"
    builders_to_remove[name] = [node]
    endpoint = f"ssh://root@127.0.0.1:{silent_port}"
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        started = time.monotonic()
        wizard = await create_on_ssh(
            pilot, app, tmp_path, name=name, endpoint=endpoint, node=node,
            platform="linux/amd64", append=False, timeout="3s",
        )  # fmt: skip
        took = time.monotonic() - started
        outcome = wizard.outcome
        assert outcome is not None and not outcome.ok
        assert outcome.failed is not None and outcome.failed.value == "create"
        assert took < 15, f"buildx waited {took:.1f}s: --timeout 3s was not applied"  # 20s else
        result = result_text(wizard)
        assert f"No answer over SSH from 127.0.0.1 port {silent_port} in time" in result, result
        assert "context deadline exceeded" in result
    assert name not in ls_json(lab)
