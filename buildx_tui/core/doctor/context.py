"""What the checks share: how to reach docker, the user's wishes (platforms, builders, a config
file), and the answers several checks need (``docker version``, ``buildx ls``, ``docker info``),
each asked once however many checks want it (the first asker runs it; the others wait)."""

from __future__ import annotations

import os
import platform as host_platform
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar, cast

from buildx_tui.core.builders import Builder, LsResult
from buildx_tui.core.commands import LS_ARGV
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.client import program_display
from buildx_tui.core.docker.types import CommandResult, Refresh
from buildx_tui.core.docker.versions import (
    BUILDX_VERSION_ARGV,
    DOCKER_VERSION_ARGV,
    DockerVersions,
    Version,
    parse_buildx_version,
    parse_docker_version,
)
from buildx_tui.core.platforms import ARCH_ALIASES, Platform, parse_platform_list

from .binfmt import BINFMT_DIR
from .model import CheckResult
from .v2 import V2Answer, probe_v2

DEFAULT_PLATFORMS = "linux/amd64,linux/arm64"
#: The engine's registry settings (daemon.json's mirrors and insecure registries).
REGISTRY_INFO_ARGV: tuple[str, ...] = ("info", "--format", "{{json .RegistryConfig}}")
#: The image a probe build starts from (the lab's registry holds it, multi-platform).
DEFAULT_PROBE_IMAGE = "127.0.0.1:5000/busybox:latest"

T = TypeVar("T")


def local_arch() -> str:
    """This machine's architecture as a platform says it (``x86_64`` -> ``amd64``)."""
    machine = host_platform.machine().lower()
    return ARCH_ALIASES.get(machine, (machine, ""))[0]


def default_docker_config(config: str | None) -> Path:
    """The docker CLI's config folder: ``--config``, else $DOCKER_CONFIG, else ~/.docker."""
    if config:
        return Path(config)
    env = os.environ.get("DOCKER_CONFIG")
    return Path(env) if env else Path.home() / ".docker"


def app_config_path(builder: str) -> Path:
    """The buildkitd.toml the create wizard writes for ``builder`` (the rule of
    ``core/create/buildkitd/config.config_path_for_builder``; a test checks both agree)."""
    import platformdirs

    base = platformdirs.user_config_path("buildx-tui", appauthor=False)
    return base / "buildkitd" / f"{builder.lower()}.toml"


@dataclass
class DoctorContext:
    backend: Backend
    platforms: tuple[Platform, ...] = field(
        default_factory=lambda: tuple(parse_platform_list(DEFAULT_PLATFORMS))
    )
    #: Which engine, when the user named one ("host tcp://…", "context x"; "": docker's default).
    engine_target: str = ""
    #: Only these builders (empty: all); probe builds run on these, else on the current one.
    builders: tuple[str, ...] = ()
    #: A buildkitd.toml the user says their builders should run with ("" : none given).
    config_path: str = ""
    binfmt_dir: str = BINFMT_DIR
    docker_config: Path = field(default_factory=lambda: default_docker_config(None))
    probe_image: str = DEFAULT_PROBE_IMAGE
    #: Image references the user pushes to (each one's registry: credentials, needs a login).
    push_targets: tuple[str, ...] = ()
    #: How a loopback registry is asked ``GET /v2/`` (registry, timeout); tests replay answers.
    probe_registry: Callable[[str, float], V2Answer] = probe_v2
    #: Reaching one endpoint (connect, TLS handshake).
    connect_timeout_s: float = 5.0
    #: One probe build (QEMU is slow; a pull may be needed).
    build_timeout_s: float = 120.0
    command_timeout_s: float = 20.0
    local_arch: str = field(default_factory=local_arch)
    #: The engine runs on this machine (its binfmt handlers are the ones read here).
    local_engine: bool = True
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    app_config: Callable[[str], Path] = app_config_path
    #: Called with each command as it starts, and as it ends (ok, seconds): the command log.
    on_command: Callable[[str], None] | None = None
    on_ran: Callable[[str, bool, float], None] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._cells: dict[str, _Cell] = {}

    # -- answers shared by several checks ------------------------------------------------------
    def _once(self, name: str, make: Callable[[], T]) -> T:
        with self._lock:
            cell = self._cells.get(name)
            owner = cell is None
            if cell is None:
                cell = self._cells[name] = _Cell()
        if owner:
            try:
                cell.value = make()
            finally:
                cell.done.set()
        else:
            cell.done.wait()
        if cell.value is None:  # the owner raised: ask again (rare)
            return make()
        return cast(T, cell.value)

    def forget(self) -> None:
        """Ask everything again on the next question (a re-run after a fix)."""
        with self._lock:
            self._cells = {}

    def run(
        self, argv: Sequence[str], *, timeout: float | None = None, stdin: bytes | None = None
    ) -> CommandResult:
        if self.on_command is not None:
            self.on_command(self.backend.display(argv))
        result = self.backend.run(
            argv, timeout=timeout or self.command_timeout_s, stdin=stdin, keep_tail=200_000
        )
        if self.on_ran is not None:
            self.on_ran(result.command, result.ok, result.duration_s)
        return result

    def run_program(self, argv: Sequence[str], *, timeout: float) -> CommandResult:
        """A program other than docker (``ssh``) through the gateway, logged like the others."""
        if self.on_command is not None:
            self.on_command(program_display(argv))
        result = self.backend.run_program(argv, timeout=timeout)
        if self.on_ran is not None:
            self.on_ran(result.command, result.ok, result.duration_s)
        return result

    def ssh_endpoint(
        self, endpoint: str, check: Callable[[DoctorContext, str], CheckResult]
    ) -> CheckResult:
        """One ssh:// endpoint's check, run once for the node check and the ssh check."""
        return self._once(f"ssh:{endpoint}", lambda: check(self, endpoint))

    def docker_version(self) -> tuple[DockerVersions, str]:
        def make() -> tuple[DockerVersions, str]:
            r = self.run(DOCKER_VERSION_ARGV)
            return parse_docker_version(r.returncode, r.stdout, r.stderr), r.command

        return self._once("docker-version", make)

    def buildx_version(self) -> tuple[Version, str]:
        def make() -> tuple[Version, str]:
            r = self.run(BUILDX_VERSION_ARGV)
            return parse_buildx_version(r.returncode, r.stdout, r.stderr), r.command

        return self._once("buildx-version", make)

    def ls(self) -> Refresh:
        def make() -> Refresh:
            if self.on_command is not None:
                self.on_command(self.backend.display(LS_ARGV))
            refresh = self.backend.list_builders()
            if self.on_ran is not None:
                failed = refresh.problem is not None and refresh.problem.fatal
                self.on_ran(refresh.command, not failed, refresh.duration_s)
            return refresh

        return self._once("ls", make)

    def registry_info(self) -> CommandResult:
        return self._once("info", lambda: self.run(REGISTRY_INFO_ARGV))

    def chosen_builders(self, ls: LsResult) -> tuple[Builder, ...]:
        if not self.builders:
            return ls.builders
        return tuple(b for b in ls.builders if b.name in self.builders)

    def probe_builders(self, ls: LsResult) -> tuple[Builder, ...]:
        """Where probe builds run: the chosen builders, else the current one."""
        if self.builders:
            return self.chosen_builders(ls)
        return (ls.current,) if ls.current is not None else ()


class _Cell:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: object = None
