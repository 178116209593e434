"""Emulation: for each wanted platform, which builders run it natively, which under QEMU, which
not at all; this machine's binfmt handlers (and the F flag); a real probe build proving it."""

from __future__ import annotations

import base64
import json

from buildx_tui.core.builders import Builder, NodeStatus
from buildx_tui.core.platforms import Emulation, Platform, try_parse

from .binfmt import INSTALL_ARGV, read_binfmt
from .context import DoctorContext
from .model import CheckResult, Fix, Status
from .nodes import ls_failure

#: What `uname -m` prints in a container of each architecture.
UNAME = {
    "amd64": "x86_64",
    "arm64": "aarch64",
    "arm": "armv7l",
    "riscv64": "riscv64",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
}

INSTALL_FIX = Fix(
    "Register QEMU for every architecture on the engine's machine (the seeds' fix; privileged)",
    argv=INSTALL_ARGV,
)


def platform_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    failure = ls_failure("platforms", "Platforms", ctx)
    if failure is not None:
        return (failure,)
    refresh = ctx.ls()
    assert refresh.ls is not None
    builders = ctx.chosen_builders(refresh.ls)
    out: list[CheckResult] = []
    why = "a platform run under QEMU builds 3-10x slower; one no builder runs cannot be built"
    for plat in ctx.platforms:
        native: list[str] = []
        emulated: list[str] = []
        for builder in builders:
            kinds: set[Emulation] = set()
            for node in builder.nodes:
                if node.effective_status is NodeStatus.ERROR:
                    continue
                for info in node.platform_info():
                    if try_parse(info.name) == plat:
                        kinds.add(info.emulation)
            if Emulation.NATIVE in kinds:
                native.append(builder.name)
            elif kinds:
                emulated.append(builder.name)
        parts = []
        if native:
            parts.append("natively on " + ", ".join(native))
        if emulated:
            parts.append("under QEMU on " + ", ".join(emulated))
        down = [b.name for b in builders if not _reachable(b)]
        others = [
            b.name for b in builders if b.name not in native + emulated and b.name not in down
        ]
        if others:
            parts.append("not at all on " + ", ".join(others))
        if down:
            parts.append("not known on " + ", ".join(down) + " (not reached)")
        key, title = f"platform:{plat}", f"Platform {plat}"
        found = "; ".join(parts) or "no builder"
        if native:
            out.append(CheckResult(key, title, Status.PASSED, found, refresh.command, why))
        elif emulated:
            fix = Fix(
                f"For speed, add a node that runs {plat} natively to a builder, e.g. "
                f"docker buildx create --append --name {emulated[0]} --platform {plat} "
                "ssh://user@a-native-host",
                command=f"docker buildx create --append --name {emulated[0]} --platform {plat} "
                "ssh://user@a-native-host",
            )
            out.append(CheckResult(key, title, Status.WARNING, found, refresh.command, why, fix))
        else:
            out.append(
                CheckResult(key, title, Status.FAILED, found, refresh.command, why, INSTALL_FIX)
            )
    return tuple(out)


def _reachable(builder: Builder) -> bool:
    """Whether `ls` reached a node of ``builder`` (it then lists the node's platforms)."""
    return any(n.platforms and n.effective_status is not NodeStatus.ERROR for n in builder.nodes)


def binfmt_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    binfmt = read_binfmt(ctx.binfmt_dir)
    command = f"read {ctx.binfmt_dir}"
    why = (
        "without a QEMU handler a foreign platform's RUN steps fail with 'exec format error'; "
        "without the F flag they fail inside containers"
    )
    where = "" if ctx.local_engine else " (this machine's: the engine runs elsewhere)"
    out: list[CheckResult] = []
    for plat in ctx.platforms:
        key, title = f"binfmt:{plat}", f"QEMU handler for {plat}"
        if plat.os == "linux" and plat.arch in _native_family(ctx.local_arch):
            found = f"native on this {ctx.local_arch} machine: no handler needed"
            out.append(CheckResult(key, title, Status.PASSED, found, command, why))
            continue
        if binfmt.error:
            out.append(CheckResult(key, title, Status.UNKNOWN, binfmt.error + where, command, why))
            continue
        handler = binfmt.for_platform(plat)
        if handler is None or not binfmt.enabled:
            found = f"no handler for {plat.arch} is registered{where}"
            if not binfmt.enabled:
                found = f"binfmt_misc is disabled{where}"
            out.append(CheckResult(key, title, Status.FAILED, found, command, why, INSTALL_FIX))
            continue
        said = f"{handler.name} → {handler.interpreter or '?'}, flags {handler.flags or 'none'}"
        if not handler.enabled:
            found = f"{said}: disabled{where}"
            out.append(CheckResult(key, title, Status.FAILED, found, command, why, INSTALL_FIX))
        elif not handler.fix_binary:
            found = f"{said}: no F flag, containers cannot use it{where}"
            out.append(CheckResult(key, title, Status.FAILED, found, command, why, INSTALL_FIX))
        else:
            out.append(CheckResult(key, title, Status.PASSED, f"{said}{where}", command, why))
    return tuple(out)


def _native_family(arch: str) -> frozenset[str]:
    return frozenset({"amd64", "386"}) if arch == "amd64" else frozenset({arch})


# -- probe builds ------------------------------------------------------------------------------
def probe_argv(builder: str, plat: Platform) -> tuple[str, ...]:
    """A tiny build for ``plat`` on ``builder``: its Dockerfile comes on stdin (no context);
    --no-cache so the RUN step really runs; no output (the result stays in the cache)."""
    return (
        "buildx", "build", "--builder", builder, "--platform", str(plat),
        "--progress", "rawjson", "--no-cache", "-",
    )  # fmt: skip


def probe_dockerfile(image: str) -> bytes:
    return f"FROM {image}\nRUN uname -m\n".encode()


def rawjson_logs(stderr: str) -> str:
    """The steps' own output in a `--progress rawjson` stream (base64 in ``logs[].data``)."""
    out: list[str] = []
    for line in stderr.splitlines():
        if not line.startswith("{"):
            continue
        try:
            status = json.loads(line)
        except ValueError:
            continue
        logs = status.get("logs") if isinstance(status, dict) else None
        for log in logs if isinstance(logs, list) else []:
            data = log.get("data") if isinstance(log, dict) else None
            if isinstance(data, str):
                try:
                    out.append(base64.b64decode(data).decode("utf-8", "replace"))
                except ValueError:
                    continue
    return "".join(out)


def rawjson_error(stderr: str) -> str:
    """The build's error: buildx's ERROR line, else a vertex's error in the stream."""
    for line in stderr.splitlines():
        if line.startswith("ERROR:"):
            return line[len("ERROR:") :].strip()
    for line in reversed(stderr.splitlines()):
        if line.startswith("{"):
            try:
                status = json.loads(line)
            except ValueError:
                continue
            for vertex in status.get("vertexes") or [] if isinstance(status, dict) else []:
                if isinstance(vertex, dict) and vertex.get("error"):
                    return str(vertex["error"])
    lines = [ln for ln in stderr.splitlines() if ln.strip() and not ln.startswith("{")]
    return lines[-1] if lines else "the build failed"


def probe_results(ctx: DoctorContext) -> tuple[CheckResult, ...]:
    failure = ls_failure("probe", "Probe builds", ctx)
    if failure is not None:
        return (failure,)
    refresh = ctx.ls()
    assert refresh.ls is not None
    out: list[CheckResult] = []
    for builder in ctx.probe_builders(refresh.ls):
        listed = {try_parse(p) for p in builder.platforms}
        for plat in ctx.platforms:
            key, title = f"probe:{builder.name}:{plat}", f"Probe build {plat} on {builder.name}"
            if not _reachable(builder):
                found = f"{builder.name} was not reached (see its node): not probed"
                out.append(CheckResult(key, title, Status.UNKNOWN, found, refresh.command))
                continue
            if plat not in listed:
                found = f"{builder.name} does not list {plat}: not probed"
                out.append(CheckResult(key, title, Status.UNKNOWN, found, refresh.command))
                continue
            out.append(probe_one(ctx, builder.name, plat))
    return tuple(out)


def probe_one(ctx: DoctorContext, builder: str, plat: Platform) -> CheckResult:
    key, title = f"probe:{builder}:{plat}", f"Probe build {plat} on {builder}"
    why = "a platform listed by a builder may still fail to run (no QEMU, no F flag)"
    argv = probe_argv(builder, plat)
    result = ctx.run(argv, timeout=ctx.build_timeout_s, stdin=probe_dockerfile(ctx.probe_image))
    command = f"{result.command}  (Dockerfile on stdin: FROM {ctx.probe_image}; RUN uname -m)"
    if result.cancelled:
        return CheckResult(key, title, Status.UNKNOWN, "cancelled", command, why)
    logs = rawjson_logs(result.stderr)
    said = logs.split()
    uname = said[-1] if said else ""
    want = UNAME.get(plat.arch, "")
    if result.ok:
        if want and uname != want:
            said_uname = repr(uname) if uname else "nothing"
            found = f"the step ran but `uname -m` printed {said_uname}, not {want!r}"
            return CheckResult(key, title, Status.WARNING, found, command, why)
        found = f"a RUN step ran for {plat}: `uname -m` printed {uname!r}"
        return CheckResult(key, title, Status.PASSED, found, command, why)
    error = rawjson_error(result.stderr)
    # runc says it in the step's log ("exec /bin/sh: exec format error"); the step's error
    # is only "exit code: 1" (seen on the lab with the arm64 handler disabled)
    if result.returncode != 0 and "exec format error" in (error + logs).lower():
        found = f"the RUN step cannot start: exec format error (no working QEMU for {plat.arch})"
        return CheckResult(key, title, Status.FAILED, found, command, why, INSTALL_FIX)
    if result.returncode == -1 or "timed out" in error.lower():
        found = f"no result within {ctx.build_timeout_s:.0f} s: {error}"
        return CheckResult(key, title, Status.UNKNOWN, found, command, why)
    image = ctx.probe_image
    if image.split("/")[0] in error or "pull" in error.lower() or "resolve" in error.lower():
        found = f"the builder could not get the probe's base image {image}: {error}"
        fix = Fix(
            "Check that the builder reaches that registry (see the registry checks), or probe "
            "with another image: buildx-tui doctor --probe-image IMAGE"
        )
        return CheckResult(key, title, Status.FAILED, found, command, why, fix)
    return CheckResult(key, title, Status.FAILED, f"the build failed: {error}", command, why)
