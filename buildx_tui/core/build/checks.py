"""Checks of a `BuildSpec` before it runs, and what a failed build means.

`check_spec` says what is wrong with a spec: errors (bad paths, target, output file, …) block the
build; refusals are combinations buildx itself will refuse (several platforms on the docker driver,
`--load` of several platforms without the containerd image store, push without a tag); warnings
are what buildx runs but is known to fail (a Windows platform on a Linux node, an amd64 variant
that is not one); notes are facts worth knowing (emulated platforms are slower, a platform the
builder does not list may build or not: not known until it runs). Paths are
checked here, on the machine that runs the docker CLI: that is where buildx reads the context,
the Dockerfile, secret and key files and local cache folders from (the advanced options are
checked by :mod:`.options` and :mod:`.cache`). `failure_hint` turns buildx's error text
into a suggested fix.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from buildx_tui.core.build.cache import cache_refusals, check_cache
from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.network import loopback_failure_hint, loopback_issues
from buildx_tui.core.build.options import annotation_refusals, check_secrets, check_ssh
from buildx_tui.core.build.platform_choices import (
    Support,
    Unlisted,
    builder_running,
    emulator_fix,
    known_failure,
    reported_platforms,
    unlisted_platform,
)
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder, nodes_sharing_workers
from buildx_tui.core.paths import can_access, look, shown
from buildx_tui.core.platforms import os_title, try_parse

__all__ = [
    "STORE_PROBE_ARGV",
    "BuildEnv",
    "check_spec",
    "containerd_store",
    "dockerfile_stages",
    "failure_hint",
]


# -- checks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildEnv:
    """What the checks know about where the build runs."""

    builder: Builder | None = None
    containerd_store: bool | None = None  # the engine's image store; None: not known
    environ: Mapping[str, str] | None = None  # what the docker CLI runs with; None: os.environ


_STAGE_RE = re.compile(r"^[a-z][a-z0-9_.-]*$")
_FROM_AS = re.compile(r"^\s*FROM\s+.*?\s+AS\s+(\S+)\s*$", re.IGNORECASE)
_URL_CONTEXT = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.IGNORECASE)
_MAX_DOCKERFILE_BYTES = 1 << 20


def _check_paths(spec: BuildSpec) -> tuple[list[Issue], str | None]:
    """Context and Dockerfile; returns the Dockerfile path when it can be read. What the OS
    refuses to look at (a name too long, a link loop, no permission) is said, never raised."""
    issues: list[Issue] = []
    if _URL_CONTEXT.match(spec.context):
        return issues, None  # a remote (git/https) context: buildx fetches it
    ctx = spec.context
    found = look(ctx)
    where = f"context {shown(ctx, quote=True)}"
    if found.error is not None:
        issues.append(Issue("context", Severity.ERROR, found.problem("context", quote=True)))
    elif found.missing:
        issues.append(Issue("context", Severity.ERROR, f"{where} does not exist"))
    elif not found.is_dir:
        issues.append(Issue("context", Severity.ERROR, f"{where} is not a directory"))
    elif not can_access(ctx, os.R_OK | os.X_OK):
        issues.append(Issue("context", Severity.ERROR, f"{where} is not readable"))
    if spec.dockerfile:
        dockerfile = spec.dockerfile  # -f is relative to the current directory, as in buildx
        label = "Dockerfile"
    else:
        dockerfile = os.path.join(ctx, "Dockerfile")
        label = "Dockerfile (default: Dockerfile in the context)"
        if issues:
            return issues, None
    found = look(dockerfile)
    where = f"{label} {shown(dockerfile, quote=True)}"
    if found.error is not None:
        issues.append(Issue("dockerfile", Severity.ERROR, found.problem(label, quote=True)))
    elif found.missing:
        issues.append(Issue("dockerfile", Severity.ERROR, f"{where} does not exist"))
    elif not found.is_file:
        issues.append(Issue("dockerfile", Severity.ERROR, f"{where} is not a file"))
    elif not can_access(dockerfile, os.R_OK):
        issues.append(Issue("dockerfile", Severity.ERROR, f"{where} is not readable"))
    else:
        return issues, dockerfile
    return issues, None


def dockerfile_stages(path: str) -> list[str] | None:
    """Stage names (`FROM … AS name`) of a Dockerfile, or None if it cannot be read."""
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read(_MAX_DOCKERFILE_BYTES)
    except (OSError, ValueError):
        return None
    return [m.group(1).lower() for m in map(_FROM_AS.match, text.splitlines()) if m]


def _check_target(spec: BuildSpec, dockerfile: str | None) -> list[Issue]:
    target = spec.target
    if not target:
        return []
    if not _STAGE_RE.match(target.lower()):
        return [
            Issue(
                "target",
                Severity.ERROR,
                f"{shown(target, quote=True)} is not a stage name (letters, digits, _ . -)",
            )
        ]
    stages = dockerfile_stages(dockerfile) if dockerfile else None
    if stages is not None and target.lower() not in stages:
        known = ", ".join(stages) if stages else "none: no FROM … AS name"
        return [
            Issue(
                "target", Severity.ERROR, f"no stage {target!r} in the Dockerfile (stages: {known})"
            )
        ]
    return []


def _check_output(spec: BuildSpec) -> list[Issue]:
    if spec.output not in (Output.OCI, Output.TAR):
        return []
    dest = spec.dest
    if not dest:
        return [Issue("dest", Severity.ERROR, f"type={spec.output.value} needs a destination file")]
    if dest == "-":
        return [
            Issue(
                "dest",
                Severity.ERROR,
                "writing the tarball to stdout is not supported here: name a file",
            )
        ]
    if "," in dest or '"' in dest:
        return [Issue("dest", Severity.ERROR, 'the destination path cannot contain , or "')]
    found = look(dest)
    if found.error is not None:
        return [Issue("dest", Severity.ERROR, found.problem("destination", quote=True))]
    if found.is_dir:
        return [
            Issue("dest", Severity.ERROR, f"{shown(dest, quote=True)} is a directory: name a file")
        ]
    parent = os.path.dirname(os.path.abspath(dest))
    folder = look(parent)
    if folder.error is not None:
        return [Issue("dest", Severity.ERROR, folder.problem("folder", quote=True))]
    if not folder.is_dir:
        return [Issue("dest", Severity.ERROR, f"folder {shown(parent, quote=True)} does not exist")]
    if not can_access(parent, os.W_OK | os.X_OK):
        return [
            Issue("dest", Severity.ERROR, f"folder {shown(parent, quote=True)} is not writable")
        ]
    return []


def _check_combinations(spec: BuildSpec, env: BuildEnv) -> list[Issue]:
    issues: list[Issue] = []
    driver = env.builder.driver if env.builder is not None else ""
    several = len(spec.platforms) > 1
    store = env.containerd_store
    store_hint = "" if store is False else " (unless the engine uses the containerd image store)"
    if spec.output is Output.PUSH and not spec.tags:
        issues.append(
            Issue(
                "tags",
                Severity.REFUSAL,
                "push needs at least one tag: add one (e.g. registry:5000/app:1)",
            )
        )
    if driver == "docker" and several and store is not True:
        issues.append(
            Issue(
                "platforms",
                Severity.REFUSAL,
                f"the docker driver cannot build several platforms at once{store_hint}: pick a "
                "docker-container builder, or turn on the containerd image store",
            )
        )
    if spec.output is Output.LOAD and several and store is not True:
        issues.append(
            Issue(
                "output",
                Severity.REFUSAL,
                f"--load of several platforms needs the containerd image store{store_hint}: "
                "push instead, or build one platform to load",
            )
        )
    if driver == "docker" and spec.output is Output.OCI and store is not True:
        issues.append(
            Issue(
                "output",
                Severity.REFUSAL,
                f"the docker driver cannot write an OCI layout{store_hint}: use a docker-container "
                "builder",
            )
        )
    if driver == "docker" and spec.output is Output.CACHE:
        issues.append(
            Issue(
                "output", Severity.NOTE, "the docker driver loads the image into the engine anyway"
            )
        )
    return issues


def _check_platforms(spec: BuildSpec, env: BuildEnv) -> list[Issue]:
    """What is known about each platform on the builder: known to fail (a variant that is not
    one, another OS than the nodes'), not listed (it may build: not known until it runs),
    emulated (slower). A stopped builder lists only its pinned platforms: only what holds
    anyway is said."""
    builder = env.builder
    reported = reported_platforms(builder) if builder is not None else {}
    running = builder is not None and builder_running(builder)
    issues: list[Issue] = []
    for name in spec.platforms:
        failure = known_failure(name, builder if running else None)
        if failure is not None:
            issues.append(Issue("platforms", Severity.WARNING, _said(failure)))
            continue
        if builder is None or not running or not reported:
            continue
        choice = reported.get(name)
        if choice is None:
            known = unlisted_platform(name, builder)
            severity = Severity.WARNING if known.fails else Severity.NOTE
            issues.append(Issue("platforms", severity, _said(known)))
        elif choice.support is Support.EMULATED:
            issues.append(
                Issue(
                    "platforms",
                    Severity.NOTE,
                    f"{name} runs under QEMU emulation: expect it to be ~3x slower",
                )
            )
    return issues


def _said(known: Unlisted) -> str:
    return f"{known.reason}; {known.fix}" if known.fix else known.reason


def _check_bare_build_args(spec: BuildSpec, environ: Mapping[str, str]) -> list[Issue]:
    """``--build-arg NAME`` without a value: buildx takes NAME from its own environment and
    passes nothing when it is not set there (commands/build.go listToMap; on the lab the
    Dockerfile's ARG default then applied). The value is never shown: it may be a secret."""
    issues: list[Issue] = []
    for key, value in spec.build_args:
        if value is not None:
            continue
        if key in environ:
            said = (
                f"--build-arg {key}: buildx takes the value of {key} from its environment, "
                "where it is set (not shown here)"
            )
        else:
            said = (
                f"--build-arg {key}: {key} is not set in the environment buildx runs in, so "
                f"buildx passes no {key} and the Dockerfile's ARG {key} default applies; write "
                f"{key}=VALUE to give it one"
            )
        issues.append(Issue("build_args", Severity.NOTE, said))
    return issues


def _check_options(spec: BuildSpec, env: BuildEnv) -> list[Issue]:
    environ = env.environ if env.environ is not None else os.environ
    driver = env.builder.driver if env.builder is not None else ""
    exports_image = spec.output in (Output.PUSH, Output.LOAD, Output.OCI) or driver == "docker"
    return [
        *_check_bare_build_args(spec, environ),
        *check_secrets(spec.secrets, environ),
        *check_ssh(spec.ssh, environ),
        *check_cache(spec.cache_from, spec.cache_to, environ, exports_image=exports_image),
        *cache_refusals(spec.cache_to, driver=driver, store=env.containerd_store),
        *annotation_refusals(spec.annotations, driver=driver, store=env.containerd_store),
    ]


def check_spec(spec: BuildSpec, env: BuildEnv) -> list[Issue]:
    """Everything to say about ``spec`` before it runs; see `Severity`."""
    path_issues, dockerfile = _check_paths(spec)
    return [
        *path_issues,
        *_check_target(spec, dockerfile),
        *_check_output(spec),
        *_check_platforms(spec, env),
        *_check_combinations(spec, env),
        *_check_options(spec, env),
        *loopback_issues(spec, env.builder, dockerfile),
    ]


# -- the engine's image store ----------------------------------------------------------------------

#: `docker info` field telling the classic image store from the containerd one.
STORE_PROBE_ARGV: tuple[str, ...] = ("info", "--format", "{{json .DriverStatus}}")


def containerd_store(driver_status_json: str) -> bool | None:
    """From `docker info --format '{{json .DriverStatus}}'`: True when the engine uses the
    containerd image store (``driver-type io.containerd.snapshotter.v1``), False for the classic
    store, None when the output cannot be read."""
    try:
        pairs = json.loads(driver_status_json)
    except ValueError:
        return None
    if not isinstance(pairs, list):
        return None
    for pair in pairs:
        if isinstance(pair, list) and len(pair) == 2 and pair[0] == "driver-type":
            return "containerd" in str(pair[1])
    return False


# -- what a failure means ------------------------------------------------------------------------

#: Signs of a step run for another OS on Linux: a Windows .exe (exec format error) or the
#: Windows shell a Dockerfile uses for that platform (``cmd /S /C``), which Linux has not.
_NOT_LINUX_MARKERS = ("exec format error", '"cmd /s /c', 'exec: "cmd"')
_JOB_EXISTS = re.compile(r"job ID \S+ exists")

_FAILURE_HINTS: tuple[tuple[str, str], ...] = (
    (
        # The gRPC stream from BuildKit broke: its container was killed, the engine under a
        # container builder stopped, a remote node went down (tests/fixtures/local/interrupt-*).
        "failed to receive status: rpc error: code = unavailable",
        "The builder went away in the middle of the build: the connection to its BuildKit "
        "broke (its container or the Docker engine under it stopped, or a remote node went "
        "down). Nobody cancelled it. Check the builder (r on the builders list, or docker "
        "buildx inspect --bootstrap NAME), then run it again.",
    ),
    (
        "no match for platform in manifest",
        "A base image has no variant for a platform you asked for: build only the platforms "
        "it provides (the manifest inspector lists them), or pick another base image.",
    ),
    (
        "multi-platform build is not supported for the docker driver",
        "The docker driver builds one platform at a time: use a docker-container builder "
        "(docker buildx create --driver docker-container), or turn on the containerd image store.",
    ),
    (
        "docker exporter does not currently support exporting manifest lists",
        "--load of several platforms needs the containerd image store: push instead, or load "
        "one platform.",
    ),
    (
        "cache export is not supported for the docker driver",
        "The docker driver exports only inline cache: use a docker-container builder, "
        "--cache-to type=inline, or turn on the containerd image store.",
    ),
    (
        "index annotations not supported for single platform export",
        "The docker driver writes no image index: use manifest: annotations, or a "
        "docker-container builder.",
    ),
    (
        "failed to solve: secret ",
        "The Dockerfile mounts a secret the build was not given: add it under Advanced "
        "(--secret id=NAME,src=FILE or id=NAME,env=VAR) with the id of its RUN --mount.",
    ),
    (
        "make sure ssh_auth_sock is set",
        "--ssh without key files forwards your ssh-agent: start one and ssh-add your key "
        "before starting buildx-tui, or give key files (ID=~/.ssh/id_ed25519).",
    ),
    (
        "http: server gave http response to https client",
        "The registry speaks plain HTTP: declare it as http/insecure in the builder's "
        "buildkitd.toml (daemon.json never reaches a container builder).",
    ),
)


def _twin_hint(builder: Builder | None) -> str:
    groups = nodes_sharing_workers(builder) if builder is not None else []
    if builder is not None and groups:
        nodes = " and ".join(groups[0])
        return (
            f"Nodes {nodes} of {builder.name} are the same BuildKit daemon (the same worker "
            "ID): buildx gave each its part of the build with one job ID, and the daemon takes "
            f"only one. Remove one of them (docker buildx create --leave --name {builder.name} "
            f"--node {groups[0][-1]}); one node builds every platform it lists."
        )
    return (
        "This happens when two nodes of the builder are the same BuildKit daemon (the same "
        "worker ID in docker buildx ls --format json): buildx gives each its part of the build "
        "with one job ID, and the daemon takes only one. If so, remove one of them (docker buildx "
        "create --leave --name BUILDER --node NODE)."
    )


def failure_hint(
    error_text: str, spec: BuildSpec | None = None, builder: Builder | None = None
) -> str:
    """A suggested fix for a failed build, from buildx's error text ('' when none applies);
    ``spec`` and ``builder``, when known, make it fit (a Windows platform, the builder's
    network, where its emulators go)."""
    low = error_text.lower()
    platforms = [p for p in (try_parse(x) for x in (spec.platforms if spec else ())) if p]
    foreign = sorted({p.os for p in platforms if p.os != "linux"})
    if foreign and any(m in low for m in _NOT_LINUX_MARKERS):
        them = " and ".join(os_title(o) for o in foreign)
        return (
            f"BuildKit on Linux cannot run {them} programs: the RUN steps of a {them} "
            "platform fail there (stages with only FROM and COPY still build). Build it on a "
            f"builder node that runs on {them}."
        )
    if "no support for running processes with" in low:
        return (
            "BuildKit runs steps only for the amd64 variants the builder's CPU has (the error "
            "lists them; amd64's variants are v1 to v4): build linux/amd64 or one of those."
        )
    if "exec format error" in low:
        fix = (
            emulator_fix(builder)
            if builder is not None
            else (
                "docker run --privileged --rm tonistiigi/binfmt --install all, then restart the "
                "builder"
            )
        )
        return (
            "A program of another architecture could not run: no QEMU emulator for it is "
            f"registered where BuildKit runs. Install them ({fix}), then run again."
        )
    if _JOB_EXISTS.search(error_text) or "gateway result is already set" in low:
        return _twin_hint(builder)
    hint = loopback_failure_hint(error_text, builder)
    if hint:
        return hint
    for marker, text in _FAILURE_HINTS:
        if marker in low:
            return text
    return ""
