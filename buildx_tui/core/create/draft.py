"""The create wizard's inputs (a draft) and the checks of each of its steps.

The UI copies its widgets into a :class:`CreateDraft` and asks :func:`check_step`; nothing runs
or is written while a step has errors. :meth:`CreateDraft.spec` gives the `buildx create` spec.
"""

from __future__ import annotations

import difflib
import os
import shlex
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from buildx_tui.core.builders import Builder
from buildx_tui.core.create.buildkitd.config import (
    REGISTRY_KEYS,
    BuildkitdConfig,
    ConfigError,
    apply,
    config_name_problem,
    read_config,
    render,
    resolve_config_path,
    validate,
)
from buildx_tui.core.create.checks import (
    check_buildkitd_flags,
    check_config_allowed,
    check_driver,
    check_driver_opts,
    check_platforms,
    check_timeout,
)
from buildx_tui.core.create.drivers import DRIVERS, Driver, parse_driver
from buildx_tui.core.create.endpoint import SocketCheck, check_endpoint, local_socket_problem
from buildx_tui.core.create.names import check_name, check_node_name, find_builder
from buildx_tui.core.create.problem import CreateProblem
from buildx_tui.core.create.spec import CreateSpec, driver_opt
from buildx_tui.core.create.tls import check_tls_files
from buildx_tui.core.paths import existing_parent, expand_user, look, reason, shown
from buildx_tui.core.platforms import COMMON_PLATFORMS


class WizardStep(StrEnum):
    NAME = "name"
    DRIVER = "driver"
    ENDPOINT = "endpoint"
    NODE = "node"
    REGISTRY = "registry"
    REVIEW = "review"


STEPS: tuple[WizardStep, ...] = tuple(WizardStep)

STEP_TITLES: dict[WizardStep, str] = {
    WizardStep.NAME: "Name",
    WizardStep.DRIVER: "Driver",
    WizardStep.ENDPOINT: "Endpoint",
    WizardStep.NODE: "Node",
    WizardStep.REGISTRY: "Registries",
    WizardStep.REVIEW: "Review",
}

#: The platforms offered as checkboxes (free text takes any other).
KNOWN_PLATFORMS: tuple[str, ...] = (*COMMON_PLATFORMS, "linux/mips64le", "linux/loong64")

#: Keys BuildKit reads from a [registry."HOST"] table (besides the modelled ones).
_OTHER_REGISTRY_KEYS = ("tlsconfigdir",)


@dataclass
class CreateDraft:
    name: str = ""
    append: bool = False
    driver: str = Driver.DOCKER_CONTAINER.value
    endpoint: str = ""
    cacert: str = ""
    cert: str = ""
    key: str = ""
    servername: str = ""
    timeout: str = ""  # --timeout, a Go duration; "" -> buildx's default (20s)
    node: str = ""
    platforms: list[str] = field(default_factory=list)
    extra_platforms: str = ""  # free text, comma-separated
    image: str = ""
    network_host: bool = False
    memory: str = ""
    cpuset_cpus: str = ""
    env: str = ""  # NAME=value NAME2=value (shell words)
    namespace: str = ""
    replicas: str = ""
    extra_opts: str = ""  # key=value key2=value (shell words)
    buildkitd_flags: str = ""
    config_path: str = ""  # "" -> no buildkitd.toml
    config: BuildkitdConfig = field(default_factory=BuildkitdConfig)
    config_text: str = ""  # the file's text when it exists ("" for a new file)
    config_exists: bool = False
    config_error: str = ""  # why the file at config_path could not be read (it is never written)
    bootstrap: bool = True
    use: bool = True
    #: Appending to a TLS builder: its node's TLS files (cacert, cert, key, servername), used
    #: for a tcp:// endpoint when the user gives none; ``tls_source`` names that node.
    inherited_tls: tuple[str, str, str, str] = ("", "", "", "")
    tls_source: str = ""

    @property
    def driver_kind(self) -> Driver | None:
        return parse_driver(self.driver)

    @property
    def config_supported(self) -> bool:
        d = self.driver_kind
        return d is not None and DRIVERS[d].config_supported

    def follow(self, target: Builder) -> None:
        """Appending a node to ``target``: its driver (buildx requires it) and the TLS files of
        its first node that has some (a second node of a TLS builder almost always uses the same
        CA and client certificate): see :meth:`tls_files`."""
        self.driver = target.driver
        self.inherited_tls, self.tls_source = ("", "", "", ""), ""
        for node in target.nodes:
            opts = node.driver_opts
            if any(opts.get(k) for k in ("cacert", "cert", "key")):
                get = opts.get
                self.inherited_tls = (
                    get("cacert", ""),
                    get("cert", ""),
                    get("key", ""),
                    get("servername", ""),
                )
                self.tls_source = node.name
                break

    def tls_files(self) -> tuple[str, str, str, str]:
        """cacert, cert, key, servername as `create` gets them: what the user typed; if nothing,
        for a tcp:// endpoint, the files inherited from the builder appended to (TLS is used only
        over tcp://)."""
        typed = (self.cacert, self.cert, self.key, self.servername)
        typed = (typed[0].strip(), typed[1].strip(), typed[2].strip(), typed[3].strip())
        if any(typed) or not self.endpoint.strip().startswith("tcp://"):
            return typed
        return self.inherited_tls

    # -- derived values ----------------------------------------------------------------------
    def all_platforms(self) -> list[str]:
        extra = [p.strip() for p in self.extra_platforms.split(",") if p.strip()]
        return [*self.platforms, *extra]

    def driver_opt_items(self) -> list[str]:
        """The ``--driver-opt`` arguments, in a stable order. Raises ValueError when the free
        text fields cannot be split into shell words."""
        d = self.driver_kind
        items: list[str] = []

        def add(key: str, value: str) -> None:
            if value.strip():
                items.append(driver_opt(key, value.strip()))

        if d == Driver.DOCKER_CONTAINER:
            add("image", self.image)
            if self.network_host:
                items.append("network=host")
            add("memory", self.memory)
            add("cpuset-cpus", self.cpuset_cpus)
        elif d == Driver.KUBERNETES:
            add("image", self.image)
            add("namespace", self.namespace)
            add("replicas", self.replicas)
        elif d == Driver.REMOTE:
            cacert, cert, key, servername = self.tls_files()
            add("cacert", cacert)
            add("cert", cert)
            add("key", key)
            add("servername", servername)
        if d in (Driver.DOCKER_CONTAINER, Driver.KUBERNETES):
            for word in shlex.split(self.env):
                name, sep, value = word.partition("=")
                items.append(driver_opt(f"env.{name}", value) if sep else f"env.{word}")
        for word in shlex.split(self.extra_opts):
            items.append(driver_opt(*word.split("=", 1)) if "=" in word else word)
        return items

    def wants_config(self) -> bool:
        """Whether `create` gets --buildkitd-config: the driver takes one, a path is set, and
        the file exists or the wizard has something to put in it."""
        if not self.config_supported or not self.config_path.strip():
            return False
        has_content = self.config.debug is not None or bool(self.config.registries)
        return self.config_exists or has_content

    def config_new_text(self) -> str:
        """The file's text after the wizard's edits (comments, order, other keys kept).
        Raises ConfigError when the existing file cannot be edited safely."""
        if self.config_exists:
            return apply(self.config_text, self.config)
        return render(self.config)

    def spec(self) -> CreateSpec:
        """`buildx create` for this draft; ``inspect --bootstrap`` and ``use`` run apart."""
        flags = self.buildkitd_flags.strip() if self.config_supported else ""
        return CreateSpec(
            name=self.name.strip(),
            driver=self.driver,
            endpoint=self.endpoint.strip() or None,
            node=self.node.strip() or None,
            platforms=tuple(self.all_platforms()),
            driver_opts=tuple(self.driver_opt_items()),
            buildkitd_flags=flags or None,
            buildkitd_config=str(self.config_file()) if self.wants_config() else None,
            timeout=self.timeout.strip() or None,
            append=self.append,
        )

    def config_file(self) -> Path:
        return Path(expand_user(self.config_path.strip()))

    # -- config file -------------------------------------------------------------------------
    def load_config(self, path: str) -> list[CreateProblem]:
        """Point the draft at ``path``: read it if it exists (its settings fill the form), else
        start from an empty config. A file that cannot be read or edited safely is remembered
        as such (``config_error``): the registry step then refuses to go on, so it is never
        overwritten."""
        self.config_path = path
        self.config, self.config_text, self.config_exists = BuildkitdConfig(), "", False
        self.config_error = ""
        if not path.strip():
            return []
        target = self.config_file()
        problems: list[CreateProblem] = []
        found = look(target)
        if found.error is not None:
            problems = [CreateProblem("config", found.problem())]
        elif found.is_dir:
            problems = [
                CreateProblem("config", f"{shown(target)} is a directory; give a file path")
            ]
        else:
            try:
                text, config = read_config(target)
            except ConfigError as exc:
                problems = [
                    CreateProblem(
                        "config",
                        f"{shown(target)} cannot be edited: {p}; fix the file by hand (then Load) "
                        "or choose another path",
                    )
                    for p in exc.problems
                ]
            except (OSError, ValueError) as exc:
                problems = [CreateProblem("config", f"cannot read {shown(target)}: {reason(exc)}")]
            else:
                self.config_text, self.config = text, config
                self.config_exists = found.exists
        self.config_error = "; ".join(p.message for p in problems)
        return problems


@dataclass(frozen=True)
class WizardContext:
    existing: Sequence[Builder] = ()
    contexts: Sequence[str] | None = None  # Docker context names, when known
    access: Callable[[str, int], bool] = os.access
    file_exists: Callable[[str], bool] = os.path.exists
    socket: SocketCheck | None = local_socket_problem  # a unix:// endpoint is a socket here

    @classmethod
    def made(
        cls,
        existing: Sequence[Builder],
        contexts: Sequence[str] | None = None,
        socket: SocketCheck | None = None,
    ) -> WizardContext:
        """``socket``: the app's check of a unix socket (None: this machine's)."""
        ctx = cls(existing=existing, contexts=contexts)
        return ctx if socket is None else replace(ctx, socket=socket)

    def append_target(self, draft: CreateDraft) -> Builder | None:
        return find_builder(self.existing, draft.name.strip()) if draft.append else None


def check_step(step: WizardStep, draft: CreateDraft, ctx: WizardContext) -> list[CreateProblem]:
    """Errors and warnings of one step; REVIEW checks every step."""
    target = ctx.append_target(draft)
    if step is WizardStep.NAME:
        return check_name(draft.name, ctx.existing, append=draft.append)
    if step is WizardStep.DRIVER:
        return check_driver(draft.driver, target)
    if step is WizardStep.ENDPOINT:
        out = check_endpoint(
            draft.driver,
            draft.endpoint,
            contexts=ctx.contexts,
            append_to=target,
            socket=ctx.socket,
        )
        if draft.driver_kind == Driver.REMOTE:
            out += check_tls_files(
                *draft.tls_files()[:3], endpoint=draft.endpoint, access=ctx.access
            )
        return out + check_timeout(draft.timeout)
    if step is WizardStep.NODE:
        return _check_node(draft, target)
    if step is WizardStep.REGISTRY:
        return _check_registry(draft, ctx)
    out = []
    for s in STEPS[:-1]:
        out += check_step(s, draft, ctx)
    return out


def _check_node(draft: CreateDraft, target: Builder | None) -> list[CreateProblem]:
    out = check_node_name(draft.node, target)
    out += check_platforms(draft.all_platforms(), draft.driver)
    try:
        opts = draft.driver_opt_items()
    except ValueError as exc:
        out.append(CreateProblem("driver_opts", f"cannot split the options: {exc}"))
    else:
        # The remote TLS options are checked with the endpoint.
        if draft.driver_kind == Driver.REMOTE:
            opts = [o for o in opts if o.split("=", 1)[0] not in ("cacert", "cert", "key")]
        out += check_driver_opts(draft.driver, opts)
        out += [p for p in _env_problems(draft.env)]
    if draft.config_supported:
        out += check_buildkitd_flags(draft.driver, draft.buildkitd_flags)
    return out


def _env_problems(env: str) -> list[CreateProblem]:
    try:
        words = shlex.split(env)
    except ValueError:
        return []  # reported with the options
    return [
        CreateProblem("env", f'"{w}" is not NAME=value')
        for w in words
        if "=" not in w or not w.split("=", 1)[0]
    ]


def _check_registry(draft: CreateDraft, ctx: WizardContext) -> list[CreateProblem]:
    if not draft.config_supported:
        return []
    out = check_config_allowed(draft.driver, draft.wants_config())
    path = draft.config_path.strip()
    if not path:
        if draft.config.debug is not None or draft.config.registries:
            out.append(
                CreateProblem(
                    "config",
                    "give a path for the buildkitd.toml, or remove the registry settings",
                )
            )
        return out
    if draft.config_error:
        return [*out, CreateProblem("config", draft.config_error)]
    target = draft.config_file()
    if not target.is_absolute():
        return [*out, CreateProblem("config", f"use an absolute path (not {shown(path)})")]
    found = look(target)
    if found.error is not None:
        return [*out, CreateProblem("config", found.problem())]
    if found.is_dir:
        return [*out, CreateProblem("config", f"{shown(target)} is a directory; give a file path")]
    real = resolve_config_path(target)  # through a symlink: the file that is written
    too_long = config_name_problem(real.target)
    if too_long:
        return [*out, CreateProblem("config", too_long)]
    if real.dangling:
        out.append(CreateProblem("config", real.describe(), "warning"))
    parent = existing_parent(real.target)
    if parent.error is not None:
        return [*out, CreateProblem("config", parent.problem("folder"))]
    if parent.exists and not ctx.access(parent.path, os.W_OK):
        out.append(
            CreateProblem("config", f"cannot write in {shown(parent.path)} (permission denied)")
        )
    for p in validate(draft.config, file_exists=ctx.file_exists):
        out.append(CreateProblem(f"config:{p.field}", str(p), p.severity))
    if draft.config_exists:
        try:
            draft.config_new_text()
        except ConfigError as exc:
            out += [CreateProblem("config", str(p)) for p in exc.problems]
        out += unknown_registry_keys(draft.config_text)
    return out


def unknown_registry_keys(text: str) -> list[CreateProblem]:
    """Keys of ``[registry."HOST"]`` tables that BuildKit ignores (``mirror`` for ``mirrors``):
    buildx accepts the file and the setting silently does nothing (recorded on the lab)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    registries = data.get("registry")
    if not isinstance(registries, dict):
        return []
    known = [*REGISTRY_KEYS, *_OTHER_REGISTRY_KEYS]
    out: list[CreateProblem] = []
    for host, table in registries.items():
        if not isinstance(table, dict):
            continue
        for key in table:
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1)
            hint = f' (did you mean "{close[0]}"?)' if close else ""
            out.append(
                CreateProblem(
                    "config",
                    f'BuildKit ignores "{key}" in [registry."{host}"]{hint}',
                    "warning",
                )
            )
    return out
