"""The About screen's fake backends (recordings of scripts/record_version_fixtures.py), its app and
what it shows: shared by tests/ui/test_about.py and the About snapshots."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from buildx_tui.core.docker.versions import BUILDX_VERSION_ARGV, DOCKER_VERSION_ARGV
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.common.about import AboutScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.render import plain


def lab_backend(docker: Reply | None = None, buildx: Reply | None = None) -> FakeBackend:
    """The lab with every builder up: versions and `ls` as recorded there."""
    return FakeBackend(
        ls_output=fixture("local/ls-lab-running.json"),
        replies={
            DOCKER_VERSION_ARGV: docker or Reply(0, fixture("local/version-lab.json")),
            BUILDX_VERSION_ARGV: buildx or Reply(0, fixture("local/buildx-version.stdout")),
        },
    )


def engine_down_backend() -> FakeBackend:
    """No engine: `docker version` exits 1 with the CLI's part only; `ls` as with dockerd down."""
    backend = lab_backend(
        docker=Reply(
            1,
            fixture("local/version-engine-down.stdout"),
            fixture("local/version-engine-down.stderr"),
        )
    )
    backend.ls_output = fixture("buildx/ls-daemon-down.json")
    return backend


def about_app(backend: FakeBackend) -> BuildxApp:
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def shown(app: BuildxApp) -> str:
    """The versions the About screen on top shows, as plain text."""
    screen = app.screen
    assert isinstance(screen, AboutScreen)
    return "\n".join(
        plain(screen.query_one(f"#about-{part}", Static).content) for part in ("tools", "nodes")
    )
