"""The About screen against the real lab (issue #11 item 23): the versions it shows are what
`docker buildx version`, `docker version` and `docker buildx ls` say when run independently (read
with plain string and JSON handling here, not the app's parsers)."""

from __future__ import annotations

import json
import time

from textual.widgets import Static

from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.core.docker.types import ClientOptions
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.common.about import AboutScreen
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from tests.helpers.render import plain

from .conftest import Lab

SIZE = (120, 36)


def app_on(lab: Lab, host: str) -> BuildxApp:
    options = ClientOptions(docker=lab.docker_cli, host=host, config=lab.docker_config)
    return BuildxApp(BuildxClient(options), refresh_interval=0)


async def open_about(pilot, app: BuildxApp, timeout: float = 120) -> str:
    """Open About as the palette does; wait until its three commands ended; what it shows."""
    await app.workers.wait_for_complete()
    app.screen.post_message(nav.OpenAbout())
    deadline = time.monotonic() + timeout
    while True:
        await pilot.pause(0.1)
        screen = app.screen
        if isinstance(screen, AboutScreen) and screen.finished >= {"docker", "buildx", "ls"}:
            break
        assert time.monotonic() < deadline, "the About screen did not finish"
    return "\n".join(
        plain(screen.query_one(f"#about-{part}", Static).content) for part in ("tools", "nodes")
    )


def row(text: str, start: str) -> list[str]:
    line = next(ln.strip() for ln in text.splitlines() if ln.strip().startswith(start))
    return line.split()


async def test_about_shows_what_docker_and_buildx_say(lab: Lab) -> None:
    buildx = lab.docker("buildx", "version", timeout=60)
    assert buildx.returncode == 0, buildx.stderr
    package, version, commit = buildx.stdout.split()[:3]
    assert package == "github.com/docker/buildx"
    cli = lab.docker("version", "--format", "{{.Client.Version}}", timeout=60).stdout.strip()
    engine = lab.docker("version", "--format", "{{.Server.Version}}", timeout=60).stdout.strip()
    ls = lab.docker("buildx", "ls", "--format", "json", timeout=120)
    nodes = {
        (b["Name"], n["Name"]): n.get("Version", "")
        for b in map(json.loads, ls.stdout.splitlines())
        for n in b["Nodes"]
    }
    app = app_on(lab, lab.docker_host)
    async with app.run_test(size=SIZE) as pilot:
        text = await open_about(pilot, app)
        assert row(text, "buildx")[:3] == ["buildx", version, "commit"]
        assert row(text, "buildx")[3] == commit
        assert row(text, "docker CLI")[2] == cli
        assert row(text, "Docker engine")[2] == engine
        container = lab.builders.container
        shown = row(text, container)
        assert shown[:2] == [container, f"{container}0"]
        assert nodes[container, f"{container}0"] and shown[-1] == nodes[container, f"{container}0"]
        log = app.screen.query_one(CommandLog)
        prefix = f"{lab.docker_cli} --config {lab.docker_config} --host {lab.docker_host}"
        assert [(e.command, e.state) for e in log.entries] == [
            (f"{prefix} version --format '{{{{json .}}}}'", EntryState.OK),
            (f"{prefix} buildx version", EntryState.OK),
            (f"{prefix} buildx ls --format json", EntryState.OK),
        ]


async def test_engine_unreachable_still_shows_the_cli_and_buildx(lab: Lab, tmp_path) -> None:
    """DOCKER_HOST on a socket that does not exist (the lab's dockerd keeps running)."""
    cli = lab.docker("version", "--format", "{{.Client.Version}}", timeout=60).stdout.strip()
    version = lab.docker("buildx", "version", timeout=60).stdout.split()[1]
    app = app_on(lab, f"unix://{tmp_path}/no-engine.sock")
    async with app.run_test(size=SIZE) as pilot:
        text = await open_about(pilot, app)
        assert row(text, "docker CLI")[2] == cli
        assert row(text, "Docker engine")[2:5] == ["?", "unknown", "unreachable:"]
        assert row(text, "buildx")[1] == version
        states = [e.state for e in app.screen.query_one(CommandLog).entries]
        assert states[:2] == [EntryState.FAILED, EntryState.OK]
