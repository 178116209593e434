"""What buildx will refuse or may fail at, said before a bake runs (the build form's pre-flight
warnings, for each target of the bake): the docker driver and several platforms, a push without
a tag, `--load` (type=docker) of several platforms, and a registry on the loopback address that
a builder with its own network cannot reach (the build form's check: core/loopback.py), and a
push to a self-hosted registry the builder is not configured to reach over plain HTTP
(core/plain_http.py, the form's note too). From the
targets as bake printed them (with the overrides applied when known), the builder, the platform
override and --push; the only file read is each target's Dockerfile (its base images), in the
workspace's folder as bake would read it."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from buildx_tui.core.bake.definition import BakeTarget
from buildx_tui.core.builders import Builder
from buildx_tui.core.loopback import dockerfile_bases, unreachable
from buildx_tui.core.plain_http import plain_http_note

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.IGNORECASE)


@dataclass(frozen=True)
class Preflight:
    target: str
    refused: bool  # buildx refuses it (True) or it may fail (False)
    message: str
    note: bool = False  # not a failure: a fact worth knowing (a cache import that finds nothing)


def dockerfile_path(t: BakeTarget, cwd: str) -> str | None:
    """Where bake reads ``t``'s Dockerfile: relative to its context (``cwd://``: to the
    workspace), the context relative to the workspace; None for a remote context or an inline
    Dockerfile."""
    if _REMOTE.match(t.context) or t.dockerfile in ("", "-"):
        return None
    if t.dockerfile.startswith("cwd://"):
        return os.path.join(cwd, t.dockerfile.removeprefix("cwd://"))
    return os.path.join(cwd, t.context, t.dockerfile)


def _unreachable(t: BakeTarget, builder: Builder, cwd: str | None, push: bool) -> list[Preflight]:
    pushes = (t.output_names or t.tags) if push or t.pushes else ()
    path = dockerfile_path(t, cwd) if cwd is not None else None
    found = unreachable(
        builder,
        pushes=pushes,
        cache_exports=t.cache_to_refs,
        bases=dockerfile_bases(path) if path else (),
        cache_imports=t.cache_from_refs,
    )
    out = [Preflight(t.name, False, u.message, note=not u.fails) for u in found]
    note = plain_http_note(builder, [*pushes, *t.cache_to_refs])
    if note:
        out.append(Preflight(t.name, False, note, note=True))
    return out


def _loads(t: BakeTarget) -> bool:
    return any(o.startswith("type=docker") for o in t.outputs)


def preflight(
    targets: tuple[BakeTarget, ...],
    driver: str | None,
    platforms: tuple[str, ...] = (),
    *,
    builder: Builder | None = None,
    cwd: str | None = None,
    push: bool = False,
) -> tuple[Preflight, ...]:
    """``platforms``: the override of every target's platforms (none: each its own);
    ``builder`` (its network), ``cwd`` (the workspace: where the Dockerfiles are) and ``push``
    (``--push``: every target pushes its tags) for the loopback registry check."""
    found: list[Preflight] = []
    for t in targets:
        plats = platforms or t.platforms
        if driver == "docker" and len(plats) > 1:
            found.append(Preflight(t.name, True, (
                f"the docker driver cannot build several platforms at once "
                f"({', '.join(plats)}): use a docker-container builder"
            )))  # fmt: skip
        if (t.pushes or push) and not t.tags and not t.output_names:
            found.append(Preflight(t.name, True, "push without a tag: buildx refuses it"))
        if _loads(t) and len(plats) > 1:
            found.append(Preflight(t.name, False, (
                "loading several platforms into docker fails without the containerd image store"
            )))  # fmt: skip
        if builder is not None:
            found += _unreachable(t, builder, cwd, push)
    return tuple(found)
