"""A finished bake as the app's history keeps it (core/build/history_bake.py): the request the
screen ran, per target its result from the progress and what bake's metadata file said (digest,
pushed names, the build ref that links it to BuildKit's own history)."""

from __future__ import annotations

import os
from datetime import datetime

from buildx_tui.core.bake.runner import BakeOutcome
from buildx_tui.core.bake.spec import BakeSpec
from buildx_tui.core.build.history_bake import BakeEntry, BakeRequest, BakeTargetRun


def bake_request(spec: BakeSpec, sets: tuple[str, ...], platforms: tuple[str, ...]) -> BakeRequest:
    """``sets``: the user's --set overrides; ``platforms``: the platform override (its
    ``*.platform`` sets are in ``spec.sets`` and the argv, not in ``sets``)."""
    return BakeRequest(
        workspace=os.path.abspath(spec.cwd),
        files=spec.files,
        targets=spec.targets,
        builder=spec.builder or "",
        variables=spec.variables,
        sets=sets,
        platforms=platforms,
        push=spec.push,
        allow=spec.allow,
        no_cache=spec.no_cache,
        argv=tuple(spec.argv()),
    )


def _targets(outcome: BakeOutcome) -> tuple[BakeTargetRun, ...]:
    snap = outcome.snapshot
    runs: list[BakeTargetRun] = []
    for t in snap.targets:
        out = outcome.outputs.get(t.name)
        steps = t.own_steps()
        failed = t.failed_step
        result = t.snapshot.result
        if result == "running" or (result == "cancelled" and not outcome.cancelled):
            result = "cancelled"  # bake stopped it: another target failed
        runs.append(
            BakeTargetRun(
                target=t.name,
                result=result,
                platforms=tuple(
                    lane.platform
                    for lane in t.own_lanes()
                    if lane.kind == "platform" and lane.platform
                ),
                wall_time=t.snapshot.wall_time,
                steps=len(steps),
                cached=sum(s.cached for s in steps),
                failed_step=f"{failed.position} {failed.name}".strip() if failed else "",
                digest=out.digest if out else "",
                image_names=out.pushed if out else (),
                build_ref=out.ref if out else "",
            )
        )
    known = {r.target for r in runs}
    for name, out in outcome.outputs.items():
        if name not in known:  # in the metadata file, never seen in the stream
            runs.append(BakeTargetRun(name, "success", digest=out.digest,
                                      image_names=out.pushed, build_ref=out.ref))  # fmt: skip
    return tuple(runs)


def bake_entry(
    request: BakeRequest, command: str, outcome: BakeOutcome, started_at: datetime
) -> BakeEntry:
    res = outcome.result
    result = "cancelled" if outcome.cancelled else ("success" if res.ok else "failed")
    error = "" if res.ok or outcome.cancelled else (outcome.snapshot.error or res.error_text())
    return BakeEntry(
        request=request,
        command=command,
        started_at=started_at,
        result=result,
        duration_s=res.duration_s,
        exit_code=res.returncode,
        targets=_targets(outcome),
        error=error,
    )


def spec_of(request: BakeRequest) -> BakeSpec:
    """The bake ``request`` ran (the platform override as its ``*.platform`` sets)."""
    from buildx_tui.core.bake.spec import platform_sets

    return BakeSpec(
        cwd=request.workspace,
        targets=request.targets,
        files=request.files,
        builder=request.builder or None,
        variables=request.variables,
        sets=(*request.sets, *platform_sets(request.platforms)),
        allow=request.allow,
        no_cache=request.no_cache,
        push=request.push,
    )
