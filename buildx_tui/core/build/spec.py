"""What to build, as a typed spec -> the exact `docker buildx build` argv.

`BuildSpec` is what the build form produces, what the history stores and what a re-run replays.
Here too: parsing the form's raw fields (tags, build args, platforms) into one, with user-facing
messages (`Issue`), and the platforms a builder offers (native, emulated, missing with the reason).
The advanced options (secrets, ssh, cache, labels, annotations) are parsed by `core.build_options`
and `core.build_cache`; the checks of a whole spec against the builder and the disk are in
`core.build_checks`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from buildx_tui.core.build.cache import parse_cache
from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.options import (
    parse_annotations,
    parse_labels,
    parse_secrets,
    parse_ssh,
)
from buildx_tui.core.builders import Builder, NodeStatus
from buildx_tui.core.platforms import (
    COMMON_PLATFORMS,
    Emulation,
    PlatformError,
    parse_platform,
    try_parse,
)
from buildx_tui.core.reference import (
    DEFAULT_DOMAIN,
    InvalidReference,
    parse_reference,
    validate_reference,
)

__all__ = [
    "COMMON_PLATFORMS",
    "BuildSpec",
    "FormValues",
    "Issue",
    "Output",
    "PlatformChoice",
    "Severity",
    "Support",
    "builder_running",
    "compile_form",
    "emulator_fix",
    "missing_platform",
    "parse_build_args",
    "parse_tags",
    "platform_choices",
    "registry_of",
    "reported_platforms",
    "validate_tag",
]


class Output(StrEnum):
    PUSH = "push"  # --push: image pushed to the registry of each tag
    LOAD = "load"  # --load: image loaded into the Docker engine
    OCI = "oci"  # --output type=oci,dest=FILE: an OCI layout tarball
    TAR = "tar"  # --output type=tar,dest=FILE: the root filesystem(s) as a tarball
    CACHE = "cache"  # no output: the result stays in the build cache


OUTPUT_LABELS: Mapping[Output, str] = {
    Output.PUSH: "push to registry (--push)",
    Output.LOAD: "load into the engine (--load)",
    Output.OCI: "OCI layout file (type=oci)",
    Output.TAR: "filesystem tar file (type=tar)",
    Output.CACHE: "build cache only (no output)",
}


@dataclass(frozen=True)
class BuildSpec:
    """One `docker buildx build`. ``build_args`` values of ``None`` mean `--build-arg KEY`
    (buildx takes the value from its environment). The advanced options hold the exact flag
    values (see `core.build_options`): a secret's id and file path or variable name, never its
    value."""

    builder: str
    context: str = "."
    dockerfile: str = ""
    target: str = ""
    tags: tuple[str, ...] = ()
    build_args: tuple[tuple[str, str | None], ...] = ()
    platforms: tuple[str, ...] = ()
    output: Output = Output.CACHE
    dest: str = ""
    no_cache: bool = False
    pull: bool = False
    secrets: tuple[str, ...] = ()  # --secret id=NAME,src=FILE | id=NAME,env=VAR
    ssh: tuple[str, ...] = ()  # --ssh default | ID=PATH[,PATH]
    cache_from: tuple[str, ...] = ()  # --cache-from type=…,… | REF
    cache_to: tuple[str, ...] = ()  # --cache-to type=…,… | REF
    labels: tuple[tuple[str, str], ...] = ()  # --label KEY=VALUE
    annotations: tuple[str, ...] = ()  # --annotation [TYPE:]KEY=VALUE

    @property
    def advanced(self) -> int:
        """How many advanced option values (secrets, ssh, cache, labels, annotations) are set."""
        options = (self.secrets, self.ssh, self.cache_from, self.cache_to, self.annotations)
        return len(self.labels) + sum(len(values) for values in options)

    def argv(self, *, progress: str | None = None, metadata_file: str | None = None) -> list[str]:
        """The argv after `docker`. ``progress``/``metadata_file`` are what the TUI adds to
        watch the build (`rawjson`) and read its digest; without them this is the command a user
        would type."""
        argv = ["buildx", "build", "--builder", self.builder]
        if progress:
            argv.append(f"--progress={progress}")
        if metadata_file:
            argv += ["--metadata-file", metadata_file]
        if self.platforms:
            argv += ["--platform", ",".join(self.platforms)]
        for tag in self.tags:
            argv += ["-t", tag]
        for key, value in self.build_args:
            argv += ["--build-arg", key if value is None else f"{key}={value}"]
        for key, value in self.labels:
            argv += ["--label", f"{key}={value}"]
        for annotation in self.annotations:
            argv += ["--annotation", annotation]
        if self.target:
            argv += ["--target", self.target]
        if self.dockerfile:
            argv += ["-f", self.dockerfile]
        for flag, values in (
            ("--secret", self.secrets),
            ("--ssh", self.ssh),
            ("--cache-from", self.cache_from),
            ("--cache-to", self.cache_to),
        ):
            for value in values:
                argv += [flag, value]
        if self.no_cache:
            argv.append("--no-cache")
        if self.pull:
            argv.append("--pull")
        if self.output is Output.PUSH:
            argv.append("--push")
        elif self.output is Output.LOAD:
            argv.append("--load")
        elif self.output in (Output.OCI, Output.TAR):
            argv += ["--output", f"type={self.output.value},dest={self.dest}"]
        argv.append(self.context)
        return argv

    # -- (de)serialisation for the history ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "builder": self.builder,
            "context": self.context,
            "dockerfile": self.dockerfile,
            "target": self.target,
            "tags": list(self.tags),
            "build_args": [[k, v] for k, v in self.build_args],
            "platforms": list(self.platforms),
            "output": self.output.value,
            "dest": self.dest,
            "no_cache": self.no_cache,
            "pull": self.pull,
            "secrets": list(self.secrets),
            "ssh": list(self.ssh),
            "cache_from": list(self.cache_from),
            "cache_to": list(self.cache_to),
            "labels": [[k, v] for k, v in self.labels],
            "annotations": list(self.annotations),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BuildSpec:
        """Inverse of `to_dict`; raises ValueError on anything malformed."""

        def text(key: str) -> str:
            value = data.get(key, "")
            if not isinstance(value, str):
                raise ValueError(f"{key}: expected a string")
            return value

        def texts(key: str) -> tuple[str, ...]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{key}: expected a list of strings")
            return tuple(value)

        args: list[tuple[str, str | None]] = []
        for pair in data.get("build_args", []):
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not isinstance(pair[0], str)
                or not (pair[1] is None or isinstance(pair[1], str))
            ):
                raise ValueError("build_args: expected [key, value] pairs")
            args.append((pair[0], pair[1]))
        labels: list[tuple[str, str]] = []
        for pair in data.get("labels", []):
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(x, str) for x in pair)
            ):
                raise ValueError("labels: expected [key, value] pairs")
            labels.append((pair[0], pair[1]))
        builder = text("builder")
        if not builder:
            raise ValueError("builder: missing")
        return cls(
            builder=builder,
            context=text("context") or ".",
            dockerfile=text("dockerfile"),
            target=text("target"),
            tags=texts("tags"),
            build_args=tuple(args),
            platforms=texts("platforms"),
            output=Output(text("output") or Output.CACHE.value),
            dest=text("dest"),
            no_cache=bool(data.get("no_cache", False)),
            pull=bool(data.get("pull", False)),
            secrets=texts("secrets"),
            ssh=texts("ssh"),
            cache_from=texts("cache_from"),
            cache_to=texts("cache_to"),
            labels=tuple(labels),
            annotations=texts("annotations"),
        )


# -- tags ------------------------------------------------------------------------------------------


def validate_tag(tag: str) -> str | None:
    """The reason ``tag`` is not a valid `-t` value (``[registry/]repo[:tag]``), else None.

    The reference grammar is the project's one (core.manifest_reference); a `-t` value also
    cannot carry a digest: the build makes it.
    """
    if not tag:
        return "empty tag"
    if "@" in tag:
        return f"{tag!r}: a tag cannot hold a digest (@sha256:…); the digest is set by the build"
    problem = validate_reference(tag)
    return f"{tag!r}: {problem}" if problem is not None else None


def registry_of(tag: str) -> str:
    """The registry a tag pushes to (`docker.io` when the name has no registry part)."""
    try:
        return parse_reference(tag).domain
    except InvalidReference:
        return DEFAULT_DOMAIN


def parse_tags(text: str) -> tuple[tuple[str, ...], list[Issue]]:
    """Tags separated by spaces, commas or new lines; duplicates are dropped."""
    tags: list[str] = []
    issues: list[Issue] = []
    for tag in (t for t in re.split(r"[\s,]+", text) if t):
        problem = validate_tag(tag)
        if problem is not None:
            issues.append(Issue("tags", Severity.ERROR, problem))
        elif tag not in tags:
            tags.append(tag)
    return tuple(tags), issues


# -- build args ------------------------------------------------------------------------------------

_ARG_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY", "API_KEY", "PRIVATE_KEY")


def parse_build_args(text: str) -> tuple[tuple[tuple[str, str | None], ...], list[Issue]]:
    """One `KEY=VALUE` (or bare `KEY`: value from buildx's environment) per line."""
    args: list[tuple[str, str | None]] = []
    issues: list[Issue] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, eq, value = line.partition("=")
        key = key.strip()
        if not _ARG_NAME.match(key):
            issues.append(
                Issue(
                    "build_args",
                    Severity.ERROR,
                    f"line {lineno}: {key or '(empty)'!r} is not a build-arg name "
                    "(letters, digits, _; not starting with a digit); write KEY=VALUE",
                )
            )
            continue
        if key in seen:
            issues.append(Issue("build_args", Severity.ERROR, f"line {lineno}: {key} given twice"))
            continue
        seen.add(key)
        args.append((key, value if eq else None))
        if any(word in key.upper() for word in _SECRET_WORDS):
            issues.append(
                Issue(
                    "build_args",
                    Severity.NOTE,
                    f"{key} looks like a secret: build args are kept in the image history and "
                    "provenance; pass it with --secret (Advanced) instead",
                )
            )
    return tuple(args), issues


# -- platforms -------------------------------------------------------------------------------------


class Support(StrEnum):
    NATIVE = "native"
    EMULATED = "emulated"
    MISSING = "missing"  # the builder does not report it
    UNKNOWN = "unknown"  # the builder is not running: its platforms are not known yet


@dataclass(frozen=True)
class PlatformChoice:
    name: str
    support: Support
    pinned: bool = False
    reason: str = ""  # why it is disabled, or what to expect
    fix: str = ""  # how to make a missing platform available

    @property
    def selectable(self) -> bool:
        return self.support is not Support.MISSING


def emulator_fix(builder: Builder, arch: str = "all") -> str:
    """How to give ``builder`` QEMU emulators (for one architecture, or all of them)."""
    if builder.driver == "remote":
        what = "QEMU binfmt handlers" if arch == "all" else f"a QEMU binfmt handler for {arch}"
        return f"install {what} on the BuildKit host"
    fix = f"docker run --privileged --rm tonistiigi/binfmt --install {arch}"
    if builder.driver != "docker":
        fix += f", then restart the builder (docker buildx stop {builder.name})"
    return fix


def missing_platform(name: str, builder: Builder) -> tuple[str, str]:
    """Why ``builder`` cannot build ``name``, and the fix."""
    plat = try_parse(name)
    arch = plat.arch if plat else name
    if builder.driver == "remote":
        return f"the remote BuildKit does not offer {name}", emulator_fix(builder, arch)
    return f"no emulator for {name}: install binfmt", emulator_fix(builder, arch)


def reported_platforms(builder: Builder) -> dict[str, PlatformChoice]:
    """Every platform the builder's nodes report, normalised; native wins over emulated."""
    reported: dict[str, PlatformChoice] = {}
    for node in builder.nodes:
        for info in node.platform_info():
            plat = try_parse(info.name)
            if plat is None:
                continue
            name = str(plat)
            support = Support.NATIVE if info.emulation is Emulation.NATIVE else Support.EMULATED
            reason = "" if support is Support.NATIVE else "runs under QEMU: several times slower"
            old = reported.get(name)
            if old is None or (old.support is Support.EMULATED and support is Support.NATIVE):
                pinned = info.pinned or (old is not None and old.pinned)
                reported[name] = PlatformChoice(name, support, pinned, reason)
    return reported


def platform_choices(builder: Builder | None) -> list[PlatformChoice]:
    """The platforms to offer for ``builder``: native first, then emulated, then the common ones
    it lacks (disabled, with the reason). amd64 micro-architecture variants (v2..v4) are left
    out (they can be typed in the free-text field)."""
    if builder is None:
        why = "no builder selected"
        return [PlatformChoice(p, Support.UNKNOWN, reason=why) for p in COMMON_PLATFORMS]
    reported = {
        name: choice
        for name, choice in reported_platforms(builder).items()
        if not name.startswith("linux/amd64/")
    }
    running = builder_running(builder)
    why = (
        f"builder {builder.name} is not running: its platforms are known once it starts "
        "(buildx starts it for the build)"
    )
    if not reported:
        return [PlatformChoice(p, Support.UNKNOWN, reason=why) for p in COMMON_PLATFORMS]
    order = {Support.NATIVE: 0, Support.EMULATED: 1}
    common = {p: i for i, p in enumerate(COMMON_PLATFORMS)}
    choices = sorted(
        reported.values(),
        key=lambda c: (order[c.support], common.get(c.name, len(common)), c.name),
    )
    for name in COMMON_PLATFORMS:
        if name in reported:
            continue
        if not running:  # a stopped node reports only its pinned platforms
            choices.append(PlatformChoice(name, Support.UNKNOWN, reason=why))
            continue
        reason, fix = missing_platform(name, builder)
        choices.append(PlatformChoice(name, Support.MISSING, reason=reason, fix=fix))
    return choices


def builder_running(builder: Builder) -> bool:
    """A stopped node reports only its pinned platforms: its list is then incomplete."""
    return any(n.effective_status is NodeStatus.RUNNING for n in builder.nodes)


# -- form -> spec ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormValues:
    """The build form's raw fields, as typed."""

    builder: str = ""
    context: str = "."
    dockerfile: str = ""
    target: str = ""
    tags: str = ""
    build_args: str = ""
    platforms: tuple[str, ...] = ()  # ticked boxes
    extra_platforms: str = ""  # free text, comma-separated
    output: Output = Output.CACHE
    dest: str = ""
    no_cache: bool = False
    pull: bool = False
    # advanced options, one per line
    secrets: str = ""
    ssh: str = ""
    cache_from: str = ""
    cache_to: str = ""
    labels: str = ""
    annotations: str = ""

    @classmethod
    def from_spec(cls, spec: BuildSpec, offered: Iterable[str] = ()) -> FormValues:
        """The form showing ``spec``; platforms not among the ``offered`` boxes go to the
        free-text field."""
        offered_set = set(offered)
        boxes = tuple(p for p in spec.platforms if p in offered_set)
        extra = ",".join(p for p in spec.platforms if p not in offered_set)
        args = "\n".join(k if v is None else f"{k}={v}" for k, v in spec.build_args)
        return cls(
            builder=spec.builder,
            context=spec.context,
            dockerfile=spec.dockerfile,
            target=spec.target,
            tags=" ".join(spec.tags),
            build_args=args,
            platforms=boxes,
            extra_platforms=extra,
            output=spec.output,
            dest=spec.dest,
            no_cache=spec.no_cache,
            pull=spec.pull,
            secrets="\n".join(spec.secrets),
            ssh="\n".join(spec.ssh),
            cache_from="\n".join(spec.cache_from),
            cache_to="\n".join(spec.cache_to),
            labels="\n".join(f"{k}={v}" for k, v in spec.labels),
            annotations="\n".join(spec.annotations),
        )


def _expand(path: str) -> str:
    return os.path.expanduser(path.strip()) if path.strip() else ""


def compile_form(values: FormValues) -> tuple[BuildSpec, list[Issue]]:
    """Parse the raw fields. The spec holds what could be parsed (so the other checks can still
    run); it is only fit to run when no issue is an error."""
    issues: list[Issue] = []
    tags, tag_issues = parse_tags(values.tags)
    args, arg_issues = parse_build_args(values.build_args)
    issues += tag_issues + arg_issues
    secrets, secret_issues = parse_secrets(values.secrets)
    ssh, ssh_issues = parse_ssh(values.ssh)
    cache_from, from_issues = parse_cache(values.cache_from, export=False)
    cache_to, to_issues = parse_cache(values.cache_to, export=True)
    labels, label_issues = parse_labels(values.labels)
    annotations, annotation_issues = parse_annotations(values.annotations)
    issues += secret_issues + ssh_issues + from_issues + to_issues
    issues += label_issues + annotation_issues
    platforms: list[str] = []
    for name in values.platforms:
        if name not in platforms:
            platforms.append(name)
    for item in (s.strip() for s in values.extra_platforms.split(",")):
        if not item:
            continue
        try:
            name = str(parse_platform(item))
        except PlatformError as e:
            issues.append(Issue("platforms", Severity.ERROR, str(e)))
            continue
        if name not in platforms:
            platforms.append(name)
    if not values.builder:
        issues.append(Issue("builder", Severity.ERROR, "pick a builder"))
    spec = BuildSpec(
        builder=values.builder,
        context=_expand(values.context) or ".",
        dockerfile=_expand(values.dockerfile),
        target=values.target.strip(),
        tags=tags,
        build_args=args,
        platforms=tuple(platforms),
        output=values.output,
        dest=_expand(values.dest),
        no_cache=values.no_cache,
        pull=values.pull,
        secrets=secrets,
        ssh=ssh,
        cache_from=cache_from,
        cache_to=cache_to,
        labels=labels,
        annotations=annotations,
    )
    return spec, issues
