"""Appending a node to a TLS builder (issue #11 item 25): the endpoint step offers the existing
node's TLS files, and `create --append` gets them for a tcp:// endpoint."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.demo import FIXED_NOW
from tests.helpers.wizard import SIZE, fill, make_backend, next_step, settle


async def test_the_endpoint_step_offers_and_uses_the_builders_tls_files(tmp_path: Path) -> None:
    backend = make_backend()
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        builders = app.screen
        assert isinstance(builders, BuildersScreen)
        screen = CreateWizardScreen(builders.ls, "lab-remote", config_dir=tmp_path)
        app.push_screen(screen)
        await settle(pilot)
        await next_step(pilot)  # name: lab-remote, append
        await next_step(pilot)  # driver: remote, locked
        assert screen.step.value == "endpoint"
        cacert = screen.query_one("#cacert", Input)
        assert cacert.value == ""  # nothing forced on the user …
        assert cacert.placeholder.startswith("/tmp/buildx-tui-lab/certs/ca.pem  (as lab-remote0")
        await fill(pilot, screen, endpoint="tcp://127.0.0.2:1234")
        await next_step(pilot)
        argv = screen.draft.driver_opt_items()
        # … but used for a tcp:// endpoint, as the placeholder says.
        assert "cacert=/tmp/buildx-tui-lab/certs/ca.pem" in argv
        assert "key=/tmp/buildx-tui-lab/certs/client-key.pem" in argv
