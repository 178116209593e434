"""A registry on the loopback address and a builder that has its own network, for a build:
:func:`loopback_issues` warns before the build (the check itself is core/loopback.py, shared
with bake's pre-flight), and notes a push to a self-hosted registry the builder is not
configured to reach over plain HTTP (core/plain_http.py, shared too); :func:`loopback_failure_hint`
explains the failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from buildx_tui.core.build.cache import parse_cache_entry
from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.options import OptionError
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder
from buildx_tui.core.loopback import (
    dockerfile_bases,
    loopback_host,
    own_network_nodes,
    unreachable,
)
from buildx_tui.core.plain_http import plain_http_note

__all__ = [
    "dockerfile_bases",
    "loopback_failure_hint",
    "loopback_host",
    "loopback_issues",
    "own_network_nodes",
]

_DIAL = re.compile(r"dial tcp (127(?:\.\d{1,3}){3}|\[::1\]):(\d+): connect: connection refused")


def _cache_refs(values: Iterable[str], *, export: bool) -> list[str]:
    refs: list[str] = []
    for value in values:
        try:
            entries = parse_cache_entry(value, export=export)
        except OptionError:
            continue  # the form says what is wrong with it
        refs += [e.attr("ref") for e in entries if e.type == "registry" and e.attr("ref")]
    return refs


def loopback_issues(
    spec: BuildSpec, builder: Builder | None, dockerfile: str | None
) -> list[Issue]:
    """Warnings for what a docker-container builder with its own network cannot reach: the
    push target, cache refs and base images on the loopback address."""
    found = unreachable(
        builder,
        pushes=spec.tags if spec.output is Output.PUSH else (),
        cache_exports=_cache_refs(spec.cache_to, export=True),
        bases=dockerfile_bases(dockerfile) if dockerfile else (),
        cache_imports=_cache_refs(spec.cache_from, export=False),
    )
    issues = [
        Issue(u.field, Severity.WARNING if u.fails else Severity.NOTE, u.message) for u in found
    ]
    pushes = spec.tags if spec.output is Output.PUSH else ()
    note = plain_http_note(builder, [*pushes, *_cache_refs(spec.cache_to, export=True)])
    if note:
        issues.append(Issue("tags", Severity.NOTE, note))
    return issues


def loopback_failure_hint(error_text: str, builder: Builder | None) -> str:
    """What a ``dial tcp 127.0.0.1:PORT: connect: connection refused`` means for this builder
    ('' when the text has none)."""
    m = _DIAL.search(error_text)
    if m is None:
        return ""
    addr = f"{m.group(1)}:{m.group(2)}"
    if builder is not None and own_network_nodes(builder):
        return (
            f"{addr} is the loopback address: inside {builder.name}'s container (its own "
            "network: no --driver-opt network=host) that is the container itself, where nothing "
            f"listens. Recreate the builder with network=host (docker buildx rm {builder.name}, "
            f"then docker buildx create --name {builder.name} --driver docker-container "
            "--driver-opt network=host), or use an address of this machine the container can "
            "reach."
        )
    if builder is not None and builder.driver == "remote":
        return (
            f"Nothing answered on {addr} as seen from the BuildKit host of {builder.name} "
            "(its loopback is its own): run the registry there, or use an address it can reach."
        )
    if builder is not None:
        return (
            f"Nothing answered on {addr} on the host of {builder.name}'s Docker engine (this "
            "machine for a local engine): is the registry running there?"
        )
    return (
        f"Nothing answered on {addr}. If the builder is a docker-container one without "
        "--driver-opt network=host, 127.0.0.1 is its own container, not this machine: recreate "
        "it with network=host."
    )
