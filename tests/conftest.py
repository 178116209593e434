from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_real_docker_config(request, tmp_path, monkeypatch):
    """Unit and UI tests never read the developer's real ~/.docker, home or data dir: point them
    at empty temporary dirs. (e2e tests get the lab's own DOCKER_CONFIG from their fixture.)"""
    if request.node.get_closest_marker("e2e"):
        return
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker-config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    # The app's build history (Services.history) lives here: the `history` fixture of the build
    # tests is the same folder, so a test reads what the app wrote.
    monkeypatch.setenv("BUILDX_TUI_DATA_DIR", str(tmp_path / "data"))
    # The build form asks a push target's loopback registry GET /v2/ before a push: here the
    # lab registry's recorded answer (200, no login), never a live socket.
    from tests.helpers.doctor import lab_registry_answer

    monkeypatch.setattr("buildx_tui.ui.build.push_preflight.probe", lab_registry_answer)
