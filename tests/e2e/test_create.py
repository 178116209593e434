"""The create wizard against the real lab: builders it creates really run with the settings
chosen (checked with buildx itself and with a build through the mirror), a remote TLS builder
gets a second node and loses it again, and failures are undone.

Builders are named wiz-e2e-*, removed in a finally; the current builder goes back to default.
"""

from __future__ import annotations

import base64
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, RadioButton, SelectionList, Static

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable
from buildx_tui.ui.create.leave import LeaveNodeScreen
from tests.helpers.e2e_create import SIZE, fill, make_app, next_step, open_wizard, problems, settle
from tests.helpers.e2e_lab import ls_json
from tests.helpers.render import plain

from .conftest import Lab


async def remote_endpoint_step(pilot, app: BuildxApp, config_dir: Path, name: str):
    """The wizard for a new remote builder ``name``, on its endpoint step."""
    wizard, _ = await open_wizard(pilot, app, config_dir)
    await fill(pilot, wizard, name=name)
    await next_step(pilot, app)
    wizard.query_one("#driver-remote", RadioButton).value = True
    await next_step(pilot, app)
    return wizard


@pytest.fixture
def cleanup(lab: Lab) -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        lab.docker("buildx", "rm", name, timeout=120)
    lab.docker("buildx", "use", "default", timeout=60)


async def test_container_builder_with_a_mirror_config_runs_and_is_used(
    lab: Lab, tmp_path: Path, cleanup: list[str]
) -> None:
    name = f"wiz-e2e-{uuid.uuid4().hex[:6]}"
    cleanup.append(name)
    registry = lab.registry  # 127.0.0.1:5000, plain HTTP
    config = tmp_path / "cfg" / "buildkitd" / f"{name}.toml"
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        wizard, results = await open_wizard(pilot, app, tmp_path / "cfg")
        await fill(pilot, wizard, name=name)
        await next_step(pilot, app)
        assert wizard.query_one("#driver-docker-container", RadioButton).value
        await next_step(pilot, app)
        await next_step(pilot, app)  # endpoint: this engine
        platforms = wizard.query_one("#platforms", SelectionList)
        platforms.select("linux/amd64")
        platforms.select("linux/arm64")
        wizard.query_one("#network-host", Checkbox).value = True
        await next_step(pilot, app)
        assert wizard.query_one("#config-path", Input).value == str(config)
        await fill(pilot, wizard, mirrors=registry, new_host=registry)
        await pilot.click("#registry-add")
        await pilot.pause()
        wizard.query_one("#http", Checkbox).value = True
        wizard.query_one("#insecure", Checkbox).value = True
        await pilot.pause()
        await next_step(pilot, app)
        assert wizard.step.value == "review", problems(wizard)
        assert not config.exists()
        await next_step(pilot, app, timeout=300)  # Create: create, bootstrap, use, ls

        outcome = wizard.outcome
        assert outcome is not None and outcome.ok, plain(
            wizard.query_one("#run-result", Static).content
        )
        result = plain(wizard.query_one("#run-result", Static).content)
        assert f"✔ {name} (docker-container) is running and is the current builder" in result
        assert "linux/amd64*" in result and "linux/arm64*" in result

        # buildx itself says so.
        truth = ls_json(lab)[name]
        assert truth["Current"] is True
        node = truth["Nodes"][0]
        assert node["Status"] == "running"
        assert node["DriverOpts"] == {"network": "host"}
        assert {"linux/amd64", "linux/arm64"} <= set(node["Platforms"])
        stored = base64.b64decode(node["Files"]["buildkitd.toml"]).decode()
        assert "mirrors = ['127.0.0.1:5000']" in stored
        assert "http = true" in stored and "insecure = true" in stored
        assert f'[registry."{registry}"]' in config.read_text()

        # The mirror works: `FROM busybox` comes from the lab registry over plain HTTP.
        ctx = tmp_path / "ctx"
        ctx.mkdir()
        (ctx / "Dockerfile").write_text("FROM busybox\nRUN echo mirrored > /m\n")
        build = subprocess.run(
            [lab.docker_cli, "buildx", "build", "--builder", name, "--platform",
             "linux/amd64,linux/arm64", "--progress", "plain", str(ctx)],
            env=lab.env(), capture_output=True, text=True, timeout=600,
            stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert build.returncode == 0, build.stderr[-3000:]

        # Done: back to the Builders pane, which shows it running, current, with platforms.
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert results == [name]
        builders = app.screen
        assert isinstance(builders, BuildersScreen)
        builders.action_refresh()
        await settle(pilot, app)
        table = builders.query_one(BuildersTable)
        assert str(table.get_row(f"b:{name}")[0]) == f"{name} *"
        assert str(table.get_row(f"b:{name}")[2]) == "● running"
        shown = builders.ls.get(name) if builders.ls else None
        assert shown is not None
        assert {"linux/amd64", "linux/arm64"} <= set(shown.nodes[0].platforms)


async def test_remote_tls_builder_gets_a_second_node_and_loses_it(
    lab: Lab, tmp_path: Path, cleanup: list[str]
) -> None:
    name = f"wiz-e2e-r{uuid.uuid4().hex[:6]}"
    cleanup.append(name)
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        wizard = await remote_endpoint_step(pilot, app, tmp_path, name)
        await fill(pilot, wizard, endpoint=lab.buildkitd_tcp, cacert=lab.certs.ca,
                   cert=lab.certs.cert, key=lab.certs.key)  # fmt: skip
        await pilot.click("#probe")
        await settle(pilot, app)
        probe = plain(wizard.query_one("#probe-result", Static).content)
        assert "✔ TLS handshake with 127.0.0.1:1234 succeeded; buildkitd answers" in probe
        await next_step(pilot, app)
        await next_step(pilot, app)  # node
        await next_step(pilot, app)  # registries: managed externally
        assert wizard.step.value == "review", problems(wizard)
        wizard.query_one("#do-use", Checkbox).value = False
        await pilot.pause()
        await next_step(pilot, app, timeout=300)
        assert wizard.outcome is not None and wizard.outcome.ok, plain(
            wizard.query_one("#run-result", Static).content
        )
        truth = ls_json(lab)[name]
        assert truth["Driver"] == "remote"
        assert truth["Nodes"][0]["Status"] == "running"
        assert truth["Nodes"][0]["DriverOpts"] == {
            "cacert": lab.certs.ca, "cert": lab.certs.cert, "key": lab.certs.key,
        }  # fmt: skip
        await pilot.press("escape")
        await settle(pilot, app)

        # Append the lab's unix socket as a second node.
        wizard, _ = await open_wizard(pilot, app, tmp_path, append_to=name)
        await next_step(pilot, app)
        assert wizard.query_one("#driver-remote", RadioButton).value
        await next_step(pilot, app)
        await fill(pilot, wizard, endpoint=lab.buildkitd_unix)
        await next_step(pilot, app)
        assert wizard.query_one("#node", Input).value == f"{name}1"
        await next_step(pilot, app)
        await next_step(pilot, app)
        wizard.query_one("#do-use", Checkbox).value = False
        await pilot.pause()
        await next_step(pilot, app, timeout=300)
        assert wizard.outcome is not None and wizard.outcome.ok
        nodes = {n["Name"]: n for n in ls_json(lab)[name]["Nodes"]}
        assert set(nodes) == {f"{name}0", f"{name}1"}
        assert nodes[f"{name}1"]["Endpoint"] == lab.buildkitd_unix
        assert nodes[f"{name}1"]["Status"] == "running"
        await pilot.press("escape")
        await settle(pilot, app)

        # And remove it again with --leave.
        builders = app.screen
        assert isinstance(builders, BuildersScreen)
        builders.action_refresh()
        await settle(pilot, app)
        builder = builders.ls.get(name) if builders.ls else None
        assert builder is not None
        results: list[str | None] = []
        app.push_screen(LeaveNodeScreen(builder, f"{name}1"), results.append)
        await settle(pilot, app)
        await pilot.click("#leave-confirm")
        await settle(pilot, app)
        assert results == [name]
        assert [n["Name"] for n in ls_json(lab)[name]["Nodes"]] == [f"{name}0"]


async def test_failed_bootstrap_is_explained_and_undone(
    lab: Lab, tmp_path: Path, cleanup: list[str]
) -> None:
    name = f"wiz-e2e-f{uuid.uuid4().hex[:6]}"
    cleanup.append(name)
    config = tmp_path / "buildkitd" / f"{name}.toml"
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        wizard, _ = await open_wizard(pilot, app, tmp_path)
        await fill(pilot, wizard, name=name)
        await next_step(pilot, app)
        await next_step(pilot, app)
        await next_step(pilot, app)
        await fill(pilot, wizard, image=f"{lab.registry}/no-such-buildkit:1")
        wizard.query_one("#network-host", Checkbox).value = True
        await next_step(pilot, app)
        wizard.query_one("#debug", Checkbox).value = True
        await pilot.pause()
        await next_step(pilot, app)
        await next_step(pilot, app, timeout=300)
        outcome = wizard.outcome
        assert outcome is not None and not outcome.ok
        result = plain(wizard.query_one("#run-result", Static).content)
        assert f"✖ The BuildKit image {lab.registry}/no-such-buildkit:1 cannot be pulled" in result
        assert "↩ removed the new builder again" in result
        assert f"↩ removed {config}" in result
        assert name not in ls_json(lab)
        assert not config.exists()


async def test_remote_with_the_wrong_ca_is_explained_and_undone(
    lab: Lab, tmp_path: Path, cleanup: list[str]
) -> None:
    name = f"wiz-e2e-t{uuid.uuid4().hex[:6]}"
    cleanup.append(name)
    app = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        wizard = await remote_endpoint_step(pilot, app, tmp_path, name)
        # A CA that did not sign the server's certificate: the lab's own client certificate
        # copied elsewhere (the same file as cert would be refused up front).
        wrong_ca = tmp_path / "other-ca.pem"
        wrong_ca.write_bytes(Path(lab.certs.cert).read_bytes())
        await fill(pilot, wizard, endpoint=lab.buildkitd_tcp, cacert=str(wrong_ca),
                   cert=lab.certs.cert, key=lab.certs.key)  # fmt: skip
        await next_step(pilot, app)
        await next_step(pilot, app)
        await next_step(pilot, app)
        assert wizard.step.value == "review", problems(wizard)
        await next_step(pilot, app, timeout=300)  # buildx waits 20 s
        outcome = wizard.outcome
        assert outcome is not None and not outcome.ok
        result = plain(wizard.query_one("#run-result", Static).content)
        assert (
            "the server certificate of 127.0.0.1:1234 is not signed by the CA in cacert" in result
        )
        assert "context deadline exceeded" in result
        assert "↩ removed the new builder again" in result
        assert name not in ls_json(lab)
