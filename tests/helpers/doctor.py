"""The doctor's fake lab: a FakeBackend answering with the recordings of
scripts/record_doctor_fixtures.py (and the About screen's version recordings), and a
DoctorContext over it that reads the recorded binfmt_misc entries. Used by the unit and UI
tests of the doctor."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

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
