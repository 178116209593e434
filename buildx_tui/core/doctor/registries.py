"""Registries: the buildkitd.toml each node really runs with (``ls`` JSON ``Files``) against the
file the app wrote or the user points at; mirrors and HTTP registries reachable FROM the builder
(a probe build step, not from this machine); the daemon.json trap; which registries the docker
config holds credentials for (names only, never a secret)."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from buildx_tui.core.builders import Builder, Node

from .context import DoctorContext
from .emulation import rawjson_error
from .model import CheckResult, Fix, Status
from .nodes import ls_failure

TOML = "buildkitd.toml"


@dataclass(frozen=True)
class RegistrySettings:
    """A buildkitd.toml's ``[registry."host"]`` tables: mirrors and plain-HTTP hosts."""

    mirrors: dict[str, tuple[str, ...]]  # host -> its mirrors
    http: tuple[str, ...]  # hosts reached over plain http
    insecure: tuple[str, ...]


def parse_registry_settings(text: str) -> RegistrySettings | str:
    """The registry settings of a buildkitd.toml, or why it cannot be read."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return f"not valid TOML: {exc}"
    registries = data.get("registry")
    mirrors: dict[str, tuple[str, ...]] = {}
    http: list[str] = []
    insecure: list[str] = []
    for host, table in registries.items() if isinstance(registries, dict) else ():
        if not isinstance(table, dict):
            continue
        m = table.get("mirrors")
        if isinstance(m, list) and m:
            mirrors[host] = tuple(str(x) for x in m)
        if table.get("http") is True:
            http.append(host)
        if table.get("insecure") is True:
            insecure.append(host)
    return RegistrySettings(mirrors, tuple(http), tuple(insecure))


def _describe(settings: RegistrySettings) -> str:
    parts = [f"{host} mirrored by {', '.join(m)}" for host, m in settings.mirrors.items()]
    if settings.http:
        parts.append("plain http to " + ", ".join(settings.http))
    return "; ".join(parts) or "no registry settings"


def _container_nodes(ctx: DoctorContext) -> list[tuple[Builder, Node]] | CheckResult:
    failure = ls_failure("config", "Builders' config", ctx)
    if failure is not None:
        return failure
    ls = ctx.ls().ls
    assert ls is not None
    return [(b, n) for b in ctx.chosen_builders(ls) for n in b.nodes]


def config_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    nodes = _container_nodes(ctx)
    if isinstance(nodes, CheckResult):
        return (nodes,)
    command = ctx.ls().command
    why = "settings that never reached the builder (mirrors, http registries) are silently ignored"
    out: list[CheckResult] = []
    for builder, node in nodes:
        key, title = f"config:{builder.name}/{node.name}", f"Config of {builder.name}/{node.name}"
        if builder.driver == "remote":
            found = (
                "a remote builder takes no buildkitd.toml from buildx (buildx#2985): it runs with "
                "the file on its own host, which cannot be seen from here"
            )
            out.append(CheckResult(key, title, Status.UNKNOWN, found, command, why))
            continue
        if builder.driver == "docker":
            found = "the docker driver builds inside the engine: its daemon.json applies"
            out.append(CheckResult(key, title, Status.PASSED, found, command, why))
            continue
        out.append(_compare(ctx, builder, node, key, title, command, why))
    return tuple(out)


def _compare(
    ctx: DoctorContext, builder: Builder, node: Node, key: str, title: str, command: str, why: str
) -> CheckResult:
    applied = node.files.get(TOML)
    wanted_path = Path(ctx.config_path) if ctx.config_path else ctx.app_config(builder.name)
    given = bool(ctx.config_path)
    try:
        wanted_text: str | None = wanted_path.read_text(encoding="utf-8")
    except OSError as exc:
        if given:
            found = f"cannot read {wanted_path}: {exc.strerror or exc}"
            return CheckResult(key, title, Status.UNKNOWN, found, command, why)
        wanted_text = None
    runs = parse_registry_settings(applied) if applied is not None else None
    runs_said = (
        "runs with no buildkitd.toml (BuildKit's defaults)"
        if runs is None
        else (f"its buildkitd.toml is unreadable: {runs}" if isinstance(runs, str) else "")
    )
    if isinstance(runs, RegistrySettings):
        runs_said = f"runs with a buildkitd.toml: {_describe(runs)}"
    if wanted_text is None:
        return CheckResult(key, title, Status.PASSED, runs_said, command, why)
    try:
        same = applied is not None and tomllib.loads(applied) == tomllib.loads(wanted_text)
    except tomllib.TOMLDecodeError as exc:
        found = f"{wanted_path} is not valid TOML: {exc}"
        return CheckResult(key, title, Status.FAILED, found, f"read {wanted_path}", why)
    where = f"{command}; read {wanted_path}"
    if same:
        found = f"{runs_said}, the same settings as {wanted_path}"
        return CheckResult(key, title, Status.PASSED, found, where, why)
    fix = Fix(
        "Recreate the builder with the file (the config is read only at create): "
        f"docker buildx rm {builder.name} && docker buildx create --name {builder.name} "
        f"--driver {builder.driver} --buildkitd-config {wanted_path}",
        command=f"docker buildx rm {builder.name} && docker buildx create --name {builder.name} "
        f"--driver {builder.driver} --buildkitd-config {wanted_path}",
    )
    found = f"{runs_said}; NOT the settings of {wanted_path}"
    return CheckResult(key, title, Status.WARNING, found, where, why, fix)


# -- the daemon.json trap -----------------------------------------------------------------------
def engine_registry(info_stdout: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The engine's mirrors and insecure registries (``docker info`` RegistryConfig JSON)."""
    try:
        data = json.loads(info_stdout.strip() or "null")
    except ValueError:
        return (), ()
    if not isinstance(data, dict):
        return (), ()
    mirrors = tuple(str(m) for m in data.get("Mirrors") or [] if m)
    insecure: list[str] = [str(c) for c in data.get("InsecureRegistryCIDRs") or []]
    for name, index in (data.get("IndexConfigs") or {}).items():
        if isinstance(index, dict) and index.get("Secure") is False:
            insecure.append(str(name))
    return mirrors, tuple(insecure)


def _bare(mirror: str) -> str:
    return mirror.split("://", 1)[-1].rstrip("/")


def daemon_json_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    info = ctx.registry_info()
    if not info.ok:
        found = f"`docker info` failed: {info.error_text()}"
        return (CheckResult("daemon-json", "daemon.json", Status.UNKNOWN, found, info.command),)
    mirrors, insecure = engine_registry(info.stdout)
    nodes = _container_nodes(ctx)
    if isinstance(nodes, CheckResult):
        return (nodes,)
    why = (
        "daemon.json's registry-mirrors and insecure-registries apply to the engine only: a "
        "docker-container builder never sees them (buildx#714, #798, #1642)"
    )
    out: list[CheckResult] = []
    for builder, node in nodes:
        if builder.driver != "docker-container":
            continue
        key, title = f"daemon-json:{builder.name}", f"daemon.json trap on {builder.name}"
        applied = node.files.get(TOML)
        runs = parse_registry_settings(applied) if applied else None
        have: set[str] = set()
        if isinstance(runs, RegistrySettings):
            have = set(runs.mirrors.get("docker.io", ()))
        missing = [m for m in mirrors if _bare(m) not in {_bare(x) for x in have}]
        if not mirrors and not insecure:
            found = "the engine has no registry mirrors nor insecure registries: nothing to miss"
            out.append(CheckResult(key, title, Status.PASSED, found, info.command, why))
        elif missing:
            found = (
                f"the engine mirrors docker.io to {', '.join(missing)} (daemon.json), but "
                f"{builder.name}'s buildkitd.toml does not: its pulls go to docker.io"
            )
            fix = Fix(
                'Put the mirror in a buildkitd.toml ([registry."docker.io"] mirrors = [...]) and '
                f"recreate {builder.name} with --buildkitd-config FILE (the create wizard does it)",
                command=f"docker buildx create --name {builder.name} --driver docker-container "
                "--buildkitd-config buildkitd.toml",
            )
            out.append(CheckResult(key, title, Status.WARNING, found, info.command, why, fix))
        else:
            found = "the engine's docker.io mirrors are in the builder's buildkitd.toml too"
            if not mirrors:
                found = "the engine has no mirrors; its insecure registries do not apply here"
            out.append(CheckResult(key, title, Status.PASSED, found, info.command, why))
    return tuple(out)


# -- mirrors reachable from the builder --------------------------------------------------------
def reach_argv(builder: str) -> tuple[str, ...]:
    return ("buildx", "build", "--builder", builder, "--progress", "rawjson", "--no-cache", "-")


def reach_dockerfile(urls: list[str]) -> bytes:
    """``FROM scratch`` and one ``ADD URL`` per registry: BuildKit itself fetches each URL, from
    the builder's network (no base image needed, nothing runs)."""
    lines = ["FROM scratch"] + [f"ADD {u} /probe-{i}" for i, u in enumerate(urls)]
    return ("\n".join(lines) + "\n").encode()


def registry_urls(settings: RegistrySettings) -> list[tuple[str, str]]:
    """(host, its /v2/ URL) for every mirror and plain-HTTP registry the config names."""
    hosts: dict[str, None] = {}
    for mirrors in settings.mirrors.values():
        for m in mirrors:
            hosts.setdefault(_bare(m), None)
    for h in settings.http:
        hosts.setdefault(h, None)
    out = []
    for host in hosts:
        scheme = "http" if host in settings.http or host in settings.insecure else "https"
        out.append((host, f"{scheme}://{host}/v2/"))
    return out


def mirror_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    nodes = _container_nodes(ctx)
    if isinstance(nodes, CheckResult):
        return ()
    out: list[CheckResult] = []
    seen: set[str] = set()
    for builder, node in nodes:
        applied = node.files.get(TOML)
        runs = parse_registry_settings(applied) if applied else None
        if builder.name in seen or not isinstance(runs, RegistrySettings):
            continue
        seen.add(builder.name)
        for host, url in registry_urls(runs):
            out.append(reach_one(ctx, builder.name, host, url))
    return tuple(out)


def reach_one(ctx: DoctorContext, builder: str, host: str, url: str) -> CheckResult:
    key, title = f"reach:{builder}:{host}", f"{host} from {builder}"
    why = "a mirror or registry the builder cannot reach fails pulls (or slows them to a fallback)"
    stdin = reach_dockerfile([url])
    result = ctx.run(reach_argv(builder), timeout=ctx.build_timeout_s, stdin=stdin)
    command = f"{result.command}  (Dockerfile on stdin: FROM scratch; ADD {url} /probe-0)"
    if result.ok:
        found = f"{builder} fetched {url}"
        return CheckResult(key, title, Status.PASSED, found, command, why)
    error = rawjson_error(result.stderr)
    if "invalid response status" in error and (" 401" in error or " 403" in error):
        found = f"{host} answers {builder} (it wants a login: {error})"
        return CheckResult(key, title, Status.PASSED, found, command, why)
    fix = Fix(
        f"Start the registry at {host}, or correct the address in the builder's buildkitd.toml "
        "(and recreate the builder: the file is read only at create)"
    )
    found = f"{builder} cannot reach {url}: {error}"
    return CheckResult(key, title, Status.FAILED, found, command, why, fix)


# -- registry login ----------------------------------------------------------------------------
def login_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    path = ctx.docker_config / "config.json"
    command = f"read {path} (registry names only)"
    why = "a push (or a pull of a private image) needs credentials for its registry"
    key, title = "login", "Registry logins"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        found = f"no {path}: docker holds no registry credentials"
        fix = Fix("Log in to the registries you push to", command="docker login REGISTRY")
        return (CheckResult(key, title, Status.UNKNOWN, found, command, why, fix),)
    except (OSError, ValueError) as exc:
        found = f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        return (CheckResult(key, title, Status.UNKNOWN, found, command, why),)
    if not isinstance(data, dict):
        found = f"{path} is not a JSON object"
        return (CheckResult(key, title, Status.UNKNOWN, found, command, why),)
    auths = data.get("auths")
    helpers = data.get("credHelpers")
    names = sorted(auths) if isinstance(auths, dict) else []
    helped = sorted(helpers) if isinstance(helpers, dict) else []
    store = data.get("credsStore")
    parts = []
    if names:
        parts.append("credentials for " + ", ".join(names))
    if helped:
        parts.append("credential helpers for " + ", ".join(helped))
    if isinstance(store, str) and store:
        parts.append(f"credentials kept by docker-credential-{store}")
    if not parts:
        fix = Fix("Log in to the registries you push to", command="docker login REGISTRY")
        found = f"{path} names no registry: docker holds no registry credentials"
        return (CheckResult(key, title, Status.UNKNOWN, found, command, why, fix),)
    return (CheckResult(key, title, Status.PASSED, "; ".join(parts), command, why),)
