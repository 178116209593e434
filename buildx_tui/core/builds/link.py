"""The link between a BuildKit record and the app's own history of builds it started
(core/build/history.py), so a build can be re-run the way it was started.

A successful build's `--metadata-file` holds ``buildx.build.ref`` (``builder/node/id``): an
exact link. A failed build writes no metadata file (checked on the lab), so it is linked by
builder, name (the context folder's name, or ``name (target)``) and start time. This module
takes plain values (:class:`OurRun`), not the build feature's types: features do not import
each other; the UI makes them from its history entries.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from buildx_tui.core.builds.records import BuildRecord, split_ref

__all__ = ["MATCH_WINDOW_S", "Link", "OurRun", "link_record", "record_name_for"]

#: A run of ours and a record match by time when they started this close.
MATCH_WINDOW_S = 10.0


@dataclass(frozen=True)
class OurRun:
    """What the app's history knows of a build it started."""

    key: str  # its id in our history
    builder: str
    context: str
    target: str
    started_at: datetime
    build_ref: str = ""  # buildx.build.ref from its metadata file, or ""
    image: str = ""  # the pushed reference (name@digest), or ""


@dataclass(frozen=True)
class Link:
    run: OurRun
    exact: bool  # by build ref; False: by builder, name and time

    @property
    def how(self) -> str:
        if self.exact:
            return "linked by its build ref (buildx.build.ref in the metadata file)"
        return "linked by builder, name and start time (a failed build writes no metadata file)"


def record_name_for(context: str, target: str) -> str:
    """The name BuildKit gives a build of ``context``: its folder's name, `` (target)`` added
    (history-ls-c.json: ``args (release)``)."""
    base = os.path.basename(os.path.normpath(context)) if context else ""
    return f"{base} ({target})" if target else base


def link_record(record: BuildRecord, runs: Sequence[OurRun]) -> Link | None:
    """Our run that made ``record``, or None (then re-run cannot be offered)."""
    for run in runs:
        if run.build_ref and split_ref(run.build_ref)[2] == record.id:
            return Link(run, exact=True)
    if record.created_at is None:
        return None
    best: tuple[float, OurRun] | None = None
    for run in runs:
        if run.build_ref or run.builder != record.builder:
            continue
        if record_name_for(run.context, run.target) != record.name:
            continue
        gap = abs((run.started_at - record.created_at).total_seconds())
        if gap <= MATCH_WINDOW_S and (best is None or gap < best[0]):
            best = (gap, run)
    return Link(best[1], exact=False) if best else None
