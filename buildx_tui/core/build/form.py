"""The build form's raw fields (:class:`FormValues`, as typed) -> a :class:`~.spec.BuildSpec`.

Tags, build args and platforms are parsed here, the advanced options by :mod:`.options` and
:mod:`.cache`; every problem found is an :class:`~.issue.Issue` with a message for the user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from buildx_tui.core.build.cache import parse_cache
from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.options import (
    parse_annotations,
    parse_labels,
    parse_secrets,
    parse_ssh,
)
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.paths import expand_user
from buildx_tui.core.platforms import PlatformError, parse_platform
from buildx_tui.core.reference import (
    DEFAULT_DOMAIN,
    InvalidReference,
    parse_reference,
    validate_reference,
)

# -- tags ------------------------------------------------------------------------------------------


def validate_tag(tag: str) -> str | None:
    """The reason ``tag`` is not a valid `-t` value (``[registry/]repo[:tag]``), else None.

    The reference grammar is the project's one (core.reference); a `-t` value also
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
    return expand_user(path.strip()) if path.strip() else ""


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
