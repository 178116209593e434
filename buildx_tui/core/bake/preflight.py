"""What buildx will refuse or may fail at, said before a bake runs (the build form's pre-flight
warnings, for each target of the bake): the docker driver and several platforms, a push without
a tag, `--load` (type=docker) of several platforms. Pure: from the targets as bake printed them
(with the overrides applied when known), the builder's driver, and the platform override."""

from __future__ import annotations

from dataclasses import dataclass

from buildx_tui.core.bake.definition import BakeTarget


@dataclass(frozen=True)
class Preflight:
    target: str
    refused: bool  # buildx refuses it (True) or it may fail (False)
    message: str


def _loads(t: BakeTarget) -> bool:
    return any(o.startswith("type=docker") for o in t.outputs)


def preflight(
    targets: tuple[BakeTarget, ...], driver: str | None, platforms: tuple[str, ...] = ()
) -> tuple[Preflight, ...]:
    """``platforms``: the override of every target's platforms (none: each its own)."""
    found: list[Preflight] = []
    for t in targets:
        plats = platforms or t.platforms
        if driver == "docker" and len(plats) > 1:
            found.append(Preflight(t.name, True, (
                f"the docker driver cannot build several platforms at once "
                f"({', '.join(plats)}): use a docker-container builder"
            )))  # fmt: skip
        if t.pushes and not t.tags:
            found.append(Preflight(t.name, True, "push without a tag: buildx refuses it"))
        if _loads(t) and len(plats) > 1:
            found.append(Preflight(t.name, False, (
                "loading several platforms into docker fails without the containerd image store"
            )))  # fmt: skip
    return tuple(found)
