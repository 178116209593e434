"""Recreate a builder with changes (issue #11 item 24) on the real lab: `recreate-demo`, made as
a user would (docker-container, no network=host, no buildkitd.toml), gets network=host and a
registry mirror through the app (`e` on the builders list), which buildx itself then reports;
a recreate whose new builder cannot start (a network that does not exist) is undone: the
builder is there again as it was.

The builder and its state volume are removed afterwards; the lab's current builder is never
changed (no `use` runs).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Static

from buildx_tui.core.docker.store import read_pinned_platforms
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.create.recreate import RecreateWizardScreen
from tests.helpers.e2e_create import SIZE, fill, make_app, next_step, problems, settle
from tests.helpers.e2e_lab import ls_json
from tests.helpers.render import plain

from .conftest import Lab

NAME = "recreate-demo"
VOLUME = f"buildx_buildkit_{NAME}0_state"


@pytest.fixture
def demo(lab: Lab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``recreate-demo`` as a user made it, bootstrapped; the app's config folder in tmp_path
    (its buildkitd.toml for the builder is written there). Yields that file's path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    lab.docker("buildx", "rm", NAME, timeout=120)
    made = lab.docker("buildx", "create", "--name", NAME, "--driver", "docker-container",
                      "--platform", "linux/amd64", timeout=120)  # fmt: skip
    assert made.returncode == 0, made.stderr
    up = lab.docker("buildx", "inspect", "--bootstrap", NAME, timeout=300)
    assert up.returncode == 0, up.stderr
    try:
        yield tmp_path / "xdg" / "buildx-tui" / "buildkitd" / f"{NAME}.toml"
    finally:
        lab.docker("buildx", "rm", NAME, timeout=120)
        lab.docker("volume", "rm", VOLUME, timeout=60)


async def open_recreate(pilot, app: BuildxApp) -> RecreateWizardScreen:
    builders = app.screen
    assert isinstance(builders, BuildersScreen)
    builders.action_refresh()
    await settle(pilot, app)
    assert builders.query_one(BuildersTable).select(RowRef(NAME))
    await pilot.pause()
    await pilot.press("e")
    await settle(pilot, app)
    wizard = app.screen
    assert isinstance(wizard, RecreateWizardScreen), type(wizard)
    assert wizard.step.value == "endpoint"
    return wizard


def result(wizard: RecreateWizardScreen) -> str:
    return plain(wizard.query_one("#run-result", Static).content)


def toml_of(node: dict) -> str:
    return base64.b64decode(node["Files"]["buildkitd.toml"]).decode()


async def test_recreate_adds_network_host_and_a_mirror_and_a_failure_is_undone(
    lab: Lab, demo: Path
) -> None:
    registry = lab.registry  # 127.0.0.1:5000, plain HTTP
    before = ls_json(lab)[NAME]["Nodes"][0]
    assert "DriverOpts" not in before and "Files" not in before
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        wizard = await open_recreate(pilot, app)
        await next_step(pilot, app)  # the endpoint as it is
        assert wizard.query_one("#network-host", Checkbox).value is False
        wizard.query_one("#network-host", Checkbox).value = True
        await next_step(pilot, app)
        assert wizard.step.value == "registry", problems(wizard)
        assert wizard.query_one("#config-path", Input).value == str(demo)
        await fill(pilot, wizard, mirrors=registry, new_host=registry)
        await pilot.click("#registry-add")
        await pilot.pause()
        wizard.query_one("#http", Checkbox).value = True
        await pilot.pause()
        await next_step(pilot, app)
        assert wizard.step.value == "review", problems(wizard)
        diff = plain(wizard.query_one("#recreate-diff", Static).content)
        assert "+ --driver-opt network=host" in diff
        assert f'+   mirrors = ["{registry}"]' in diff
        assert wizard.query_one("#keep-state", Checkbox).value is True
        await next_step(pilot, app, timeout=300)  # Recreate: rm, create, bootstrap, ls
        outcome = wizard.outcome
        assert outcome is not None and outcome.ok, result(wizard)
        await pilot.press("ctrl+n")  # Done
        await settle(pilot, app)

        # buildx itself, run apart from the app, says so.
        node = ls_json(lab)[NAME]["Nodes"][0]
        assert node["Status"] == "running"
        assert node["DriverOpts"] == {"network": "host"}
        stored = toml_of(node)
        assert f"mirrors = ['{registry}']" in stored and "http = true" in stored
        assert read_pinned_platforms(Path(lab.docker_config))[NAME] == {
            f"{NAME}0": ["linux/amd64"]
        }  # still pinned
        volumes = lab.docker("volume", "ls", "--format", "{{.Name}}", timeout=60).stdout
        assert VOLUME in volumes.split()  # --keep-state: the cache is kept for the new node

        # A recreate whose new builder cannot start is undone: the builder is back as it was.
        wizard = await open_recreate(pilot, app)
        await next_step(pilot, app)
        assert wizard.query_one("#network-host", Checkbox).value is True  # as it is now
        wizard.query_one("#network-host", Checkbox).value = False
        await fill(pilot, wizard, extra_opts="network=recreate-no-such-net")
        await next_step(pilot, app)
        await next_step(pilot, app)
        assert wizard.step.value == "review", problems(wizard)
        await next_step(pilot, app, timeout=300)
        outcome = wizard.outcome
        assert outcome is not None and not outcome.ok and outcome.restored, result(wizard)
        assert 'The Docker network "recreate-no-such-net" does not exist' in result(wizard)
        assert f"↩ created {NAME} again as it was" in result(wizard)

    again = ls_json(lab)[NAME]["Nodes"][0]
    assert again["Status"] == "running"
    assert again["DriverOpts"] == {"network": "host"}
    assert toml_of(again) == stored
    assert demo.read_text().count("[registry.") == 2  # the file as the first recreate wrote it
