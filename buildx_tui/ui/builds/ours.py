"""What the link to BuildKit's records (core/builds/link) knows of the app's own runs: a
build, or each target of a bake run (each its own BuildKit record, linked by its build ref)."""

from __future__ import annotations

from buildx_tui.core.build.history import BakeEntry, HistoryEntry, Run
from buildx_tui.core.builds.link import OurRun

__all__ = ["our_run", "our_runs"]


def our_runs(entry: Run) -> list[OurRun]:
    """What the link knows of a run of ours: a build, or each target of a bake run (each its
    own BuildKit record, linked by its build ref only)."""
    if isinstance(entry, BakeEntry):
        builder = entry.request.builder
        return [
            OurRun(entry.id, builder, "", "", entry.started_at, t.build_ref, t.reference)
            for t in entry.targets
            if t.build_ref
        ]
    return [our_run(entry)]


def our_run(entry: HistoryEntry) -> OurRun:
    return OurRun(
        key=entry.id,
        builder=entry.spec.builder,
        context=entry.spec.context,
        target=entry.spec.target,
        started_at=entry.started_at,
        build_ref=entry.outputs.build_ref,
        image=entry.outputs.reference,
    )
