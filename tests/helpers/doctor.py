"""The doctor's fake lab: a FakeBackend answering with the recordings of
scripts/record_doctor_fixtures.py (and the About screen's version recordings), and a
DoctorContext over it that reads the recorded binfmt_misc entries. Used by the unit and UI
tests of the doctor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.pilot import Pilot
from textual.widgets import Input

from buildx_tui.core.docker.versions import BUILDX_VERSION_ARGV, DOCKER_VERSION_ARGV
from buildx_tui.core.doctor.context import (
    DEFAULT_PROBE_IMAGE,
    REGISTRY_INFO_ARGV,
    DoctorContext,
)
from buildx_tui.core.doctor.emulation import probe_argv
from buildx_tui.core.doctor.registries import reach_argv
from buildx_tui.core.platforms import parse_platform
from tests.fakes import FIXTURES, FakeBackend, Reply, fixture

if TYPE_CHECKING:
    from buildx_tui.ui.app import BuildxApp
    from buildx_tui.ui.doctor.screen import DoctorScreen

BINFMT = FIXTURES / "local" / "doctor-binfmt"
#: The recordings' day: the lab's certificates are years from expiry then.
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
#: The lab's own builders (the recording also lists another engineer's builder: left out).
LAB_BUILDERS = ("lab-container", "lab-dead", "lab-remote", "default")


def doctor_backend(ls: str = "doctor-ls.json") -> FakeBackend:
    backend = FakeBackend(ls_output=fixture(f"local/{ls}"))
    backend.replies[DOCKER_VERSION_ARGV] = Reply(0, fixture("local/version-lab.json"))
    backend.replies[BUILDX_VERSION_ARGV] = Reply(0, fixture("local/buildx-version.stdout"))
    backend.replies[REGISTRY_INFO_ARGV] = Reply(0, fixture("local/doctor-info-registry.json"))
    for builder in ("lab-container", "default", "lab-remote", "doctor-rec-mirror"):
        for arch in ("amd64", "arm64"):
            argv = probe_argv(builder, parse_platform(f"linux/{arch}"))
            backend.replies[argv] = Reply(0, "", fixture(f"local/doctor-probe-{arch}.stderr"))
    backend.replies[reach_argv("lab-container")] = Reply(
        0, "", fixture("local/doctor-reach-ok.stderr")
    )
    backend.replies[reach_argv("doctor-rec-mirror")] = Reply(
        1, "", fixture("local/doctor-reach-closed.stderr")
    )
    return backend


def doctor_context(
    backend: FakeBackend, tmp: Path, *, binfmt: Path = BINFMT, **kw: object
) -> DoctorContext:
    """A context that reads only recordings and ``tmp`` (docker config, the app's config dir)."""
    ctx = DoctorContext(
        backend,
        binfmt_dir=str(binfmt),
        docker_config=tmp / "docker-config",
        probe_image=DEFAULT_PROBE_IMAGE,
        connect_timeout_s=1.0,
        local_arch="amd64",
        clock=lambda: NOW,
        app_config=lambda name: tmp / "app-config" / f"{name}.toml",
        builders=LAB_BUILDERS,
    )
    for key, value in kw.items():
        setattr(ctx, key, value)
    return ctx


def lab_configure(
    builders: tuple[str, ...] = ("lab-container", "lab-dead", "default"),
) -> Callable[[DoctorContext], None]:
    """For the doctor screen: read only recordings (binfmt), no real docker config nor app
    config, a fixed clock. lab-remote is left out by default: its TLS check reads the lab's
    certificate files, which exist only where the lab runs (a snapshot must not depend on it)."""

    def configure(ctx: DoctorContext) -> None:
        ctx.binfmt_dir = str(BINFMT)
        ctx.docker_config = Path("/nonexistent/doctor-test/docker-config")
        ctx.app_config = lambda name: Path("/nonexistent/doctor-test") / f"{name}.toml"
        ctx.local_arch = "amd64"
        ctx.clock = lambda: NOW
        ctx.connect_timeout_s = 1.0
        ctx.builders = builders

    return configure


def doctor_app(backend: FakeBackend | None = None) -> BuildxApp:
    from buildx_tui.ui.app import BuildxApp

    return BuildxApp(backend or doctor_backend(), refresh_interval=0, clock=lambda: NOW)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def open_doctor(pilot: Pilot[None], **kw: Any) -> DoctorScreen:
    from buildx_tui.ui.doctor.screen import DoctorScreen

    kw.setdefault("configure", lab_configure())
    kw.setdefault("one_at_a_time", True)
    await settle(pilot)
    screen = DoctorScreen(**kw)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen
