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
from buildx_tui.core.doctor.v2 import V2Answer, parse_v2_response
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


def lab_registry_answer(registry: str, timeout: float) -> V2Answer:
    """Every registry answers as the lab registry did (200: no login needed)."""
    return parse_v2_response((FIXTURES / "local" / "doctor-v2-lab.http").read_bytes())


def recorded_registry(registry: str, timeout: float) -> V2Answer:
    """127.0.0.1:5000 answers as the lab registry did; any other port as the htpasswd one."""
    name = "lab" if registry.endswith(":5000") else "htpasswd"
    return parse_v2_response((FIXTURES / "local" / f"doctor-v2-{name}.http").read_bytes())


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
        ctx.probe_registry = recorded_registry  # never a live registry in a UI test

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


# -- ssh:// endpoints and push targets (scripts/record_doctor_ssh_fixtures.py, …_push_…) -------
SSH_LAB = "ssh://root@127.0.0.1:2222"
SSH_BUILDERS = ("lab-container", "doctor-ssh-rec")
PUSH = "127.0.0.1:5000/app:1 127.0.0.1:5917/private:1 ghcr.io/me/app:1"


def ssh_push_backend(connect: str = "key-refused", rc: int = 255) -> FakeBackend:
    """The recorded ls with doctor-ssh-rec (on the lab's ssh endpoint), `ssh -G` as recorded,
    the connection answering the recorded ``connect`` case."""
    from buildx_tui.core.doctor.ssh import connect_argv, parse_target, resolve_argv

    backend = doctor_backend("doctor-ssh-ls.stdout")
    target = parse_target(SSH_LAB)
    assert not isinstance(target, str)
    backend.replies[resolve_argv(target)] = Reply(0, fixture("local/doctor-ssh-G-lab.stdout"))
    out = fixture(f"local/doctor-ssh-{connect}.stdout")
    err_file = FIXTURES / "local" / f"doctor-ssh-{connect}.stderr"
    err = err_file.read_text(encoding="utf-8") if err_file.exists() else ""
    backend.replies[connect_argv(target, 1.0)] = Reply(rc, out, err)
    return backend


def ssh_push_configure() -> Callable[[DoctorContext], None]:
    return lab_configure(SSH_BUILDERS)
