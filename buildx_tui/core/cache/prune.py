"""A prune: what the user chose (filters, space limits) -> the exact argv, and the PREVIEW of
what BuildKit would remove, computed from a `du` the way BuildKit decides
(moby/buildkit cache/manager.go ``prune``/``pruneOnce``, buildx commands/prune.go):

- a record in use stays (``Reclaimable`` false in du); a parent stays while any child stays (a
  child holds a reference to it: BuildKit removes leaves, then loops until nothing more goes);
- without ``--all``, records of type internal and frontend stay, and so do shared ones (held by
  an image of the node's image store);
- ``until=D`` keeps records last used less than D ago (never used: not kept); du says "last used"
  only in words ("3 hours ago"), so a record whose words straddle D is a "may go";
- ``type=T`` / ``id=X`` (buildx sends ``type==T``, ``id~=X``: X anywhere in the ID);
- the space flags make BuildKit remove candidates ONE AT A TIME, least recently / least often
  used first, until the unshared total is under the limit: the preview lists the candidates and
  the bytes that must go at least, never an exact list. ``--min-free-space`` depends on the free
  space of the node's disk, which du does not report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from buildx_tui.core.cache.ages import describe_seconds, parse_go_duration
from buildx_tui.core.cache.records import KEPT_TYPES, RECORD_TYPES, CacheRecord
from buildx_tui.core.cache.sizes import SizeError, human_size, parse_flag_size
from buildx_tui.core.cache.totals import Sum, totals
from buildx_tui.core.cache.tree import children_of

_ID_PART = re.compile(r"^[a-z0-9]{1,64}$")
MAX_FIELD = 64


@dataclass(frozen=True)
class PruneChoice:
    """The prune panel's fields, as typed ("" = not set)."""

    until: str = ""
    type: str = ""
    id: str = ""
    all: bool = False
    max_used_space: str = ""
    reserved_space: str = ""
    min_free_space: str = ""


@dataclass(frozen=True)
class PruneSpec:
    """A checked prune of one builder."""

    builder: str
    until: str = ""
    until_s: float = 0.0
    type: str = ""
    id: str = ""
    all: bool = False
    max_used_space: str = ""
    max_used_bytes: int = 0
    reserved_space: str = ""
    reserved_bytes: int = 0
    min_free_space: str = ""
    min_free_bytes: int = 0

    @property
    def space_limited(self) -> bool:
        return bool(self.max_used_bytes or self.reserved_bytes or self.min_free_bytes)

    def argv(self) -> tuple[str, ...]:
        """`--force`: the screen asks first (its own confirm), buildx must not prompt."""
        argv = ["buildx", "prune", "--builder", self.builder, "--force"]
        if self.all:
            argv.append("--all")
        for key, value in (("until", self.until), ("type", self.type), ("id", self.id)):
            if value:
                argv += ["--filter", f"{key}={value}"]
        for flag, value in (
            ("--max-used-space", self.max_used_space),
            ("--reserved-space", self.reserved_space),
            ("--min-free-space", self.min_free_space),
        ):
            if value:
                argv += [flag, value]
        return tuple(argv)


class PruneError(ValueError):
    """A field that cannot be used; ``field`` names it for the screen."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


def check_choice(builder: str, choice: PruneChoice, *, space_allowed: bool) -> PruneSpec:
    """The spec for ``choice``, or PruneError naming the first field that is wrong."""
    until, until_s = choice.until.strip(), 0.0
    if until:
        if len(until) > MAX_FIELD:
            raise PruneError("until", f"too long for a duration ({len(until)} characters)")
        try:
            until_s = parse_go_duration(until)
        except ValueError as error:
            raise PruneError("until", str(error)) from error
    kind = choice.type.strip()
    if kind and kind not in RECORD_TYPES:
        raise PruneError("type", f"not a record type: {kind[:40]!r} ({', '.join(RECORD_TYPES)})")
    rid = choice.id.strip()
    if rid and _ID_PART.match(rid) is None:
        raise PruneError("id", "an ID (or part of one) is lower-case letters and digits")
    sizes: dict[str, tuple[str, int]] = {}
    for name in ("max_used_space", "reserved_space", "min_free_space"):
        text = str(getattr(choice, name)).strip()
        if not text:
            sizes[name] = ("", 0)
            continue
        if not space_allowed:
            raise PruneError(name, "this builder's BuildKit takes no space limits (v0.17+)")
        if len(text) > MAX_FIELD:
            raise PruneError(name, f"too long for a size ({len(text)} characters)")
        try:
            value = parse_flag_size(text)
        except SizeError as error:
            raise PruneError(name, str(error)) from error
        if value <= 0:
            raise PruneError(name, "a size above zero (zero means no limit: leave it empty)")
        sizes[name] = (text, value)
    return PruneSpec(
        builder,
        until=until,
        until_s=until_s,
        type=kind,
        id=rid,
        all=choice.all,
        max_used_space=sizes["max_used_space"][0],
        max_used_bytes=sizes["max_used_space"][1],
        reserved_space=sizes["reserved_space"][0],
        reserved_bytes=sizes["reserved_space"][1],
        min_free_space=sizes["min_free_space"][0],
        min_free_bytes=sizes["min_free_space"][1],
    )


class Fate(StrEnum):
    GOES = "goes"
    MAY_GO = "may go"
    STAYS = "stays"


@dataclass(frozen=True)
class Preview:
    spec: PruneSpec
    fates: dict[str, Fate]
    why: dict[str, str]  # record id -> why it stays / may go
    goes: tuple[CacheRecord, ...]
    may_go: tuple[CacheRecord, ...]
    notes: tuple[str, ...] = field(default=())
    at_least: int = 0  # space limits: bytes that must go for the cache to be under the limit

    @property
    def goes_bytes(self) -> Sum:
        return sum_of(self.goes)

    @property
    def may_go_bytes(self) -> Sum:
        return sum_of(self.may_go)

    @property
    def exact(self) -> bool:
        return not self.may_go

    def headline(self) -> str:
        if self.exact:
            if not self.goes:
                return "Nothing would be removed."
            return f"{_records(len(self.goes))}, {self.goes_bytes.text()} would be removed."
        line = f"{_records(len(self.goes))}, {self.goes_bytes.text()} would be removed"
        line += f"; {len(self.may_go)} more ({self.may_go_bytes.text()}) may be"
        if self.at_least:
            line += f"; at least {human_size(self.at_least)} in all"
        return line + "."


def _records(n: int) -> str:
    return "1 record" if n == 1 else f"{n} records"


def sum_of(records: Sequence[CacheRecord]) -> Sum:
    """The bytes of ``records`` as buildx would add them (give or take the rounding)."""
    return totals(records).total


def _own_verdict(r: CacheRecord, spec: PruneSpec) -> tuple[Fate, str]:
    """A record on its own (children aside)."""
    if r.in_use:
        return Fate.STAYS, "in use"
    if not spec.all and r.type in KEPT_TYPES:
        return Fate.STAYS, f"{r.type}: only --all removes it"
    if not spec.all and r.shared:
        return Fate.STAYS, "shared with an image: only --all removes it"
    if spec.type and r.type != spec.type:
        return Fate.STAYS, f"not of type {spec.type}"
    if spec.id and spec.id not in r.id:
        return Fate.STAYS, f"ID without {spec.id}"
    if spec.until:
        age = r.age
        if age is not None:
            older = age.older_than(spec.until_s)
            if older is False:
                return Fate.STAYS, f"used less than {spec.until} ago"
            if older is None:
                return Fate.MAY_GO, f"last used {r.last_used}: about {spec.until}, du cannot tell"
    return Fate.GOES, ""


def preview(records: Sequence[CacheRecord], spec: PruneSpec) -> Preview:
    """What ``spec`` would remove from the cache ``records`` (one `du`) describe."""
    kids = children_of(records)
    fates: dict[str, Fate] = {}
    why: dict[str, str] = {}
    by_id = {r.id: r for r in records}

    def fate(r: CacheRecord, path: frozenset[str]) -> Fate:
        if r.id in fates:
            return fates[r.id]
        own, reason = _own_verdict(r, spec)
        if own is not Fate.STAYS:
            for child in kids.get(r.id, []):
                if child.id in path:
                    continue  # a cycle: not expected from BuildKit
                f = fate(child, path | {r.id})
                if f is Fate.STAYS:
                    own, reason = Fate.STAYS, f"a record built on it stays ({child.id[:12]})"
                    break
                if f is Fate.MAY_GO and own is Fate.GOES:
                    own, reason = Fate.MAY_GO, f"goes only if {child.id[:12]} goes"
        fates[r.id], why[r.id] = own, reason
        return own

    for r in records:
        fate(r, frozenset())
    goes = [r for r in records if fates[r.id] is Fate.GOES]
    may = [r for r in records if fates[r.id] is Fate.MAY_GO]
    notes: list[str] = []
    at_least = 0
    if spec.until:
        notes.append(
            f"until={spec.until} ({describe_seconds(spec.until_s)}): records last used earlier "
            "go; du says when only in words, so records near the limit are 'may go'."
        )
    if spec.space_limited:
        goes, may, at_least = _space_limit(records, spec, goes + may, notes)
        for r in may:
            fates[r.id], why[r.id] = Fate.MAY_GO, why[r.id] or "a candidate: BuildKit picks"
        for r in records:
            if fates[r.id] is not Fate.STAYS and r not in goes and r not in may:
                fates[r.id], why[r.id] = Fate.STAYS, "under the space limit"
    if spec.all and not (spec.until or spec.type or spec.id):
        notes.append("--all without filters: shared, internal and frontend records go too.")
    notes.append("From the last du: a build running meanwhile changes what is in use.")
    del by_id
    return Preview(spec, fates, why, tuple(goes), tuple(may), tuple(notes), at_least)


def _space_limit(
    records: Sequence[CacheRecord],
    spec: PruneSpec,
    candidates: list[CacheRecord],
    notes: list[str],
) -> tuple[list[CacheRecord], list[CacheRecord], int]:
    """BuildKit's gc mode (calculateKeepBytes, pruneOnce): which candidates surely / may go."""
    unshared = sum(r.size for r in records if not r.shared)
    if spec.min_free_bytes:
        notes.append(
            f"--min-free-space {spec.min_free_space}: how much goes depends on the free space of "
            "the node's disk, which du does not report. When the disk already has that much free, "
            "BuildKit (v0.32) still removes one record, the least recently used."
        )
        return [], candidates, 0
    keep = max(spec.max_used_bytes, spec.reserved_bytes)
    limit = human_size(keep)
    if unshared < keep:
        notes.append(
            f"The unshared cache ({human_size(unshared)}) is under the limit ({limit}, "
            f"{keep:,} bytes): nothing goes."
        )
        return [], [], 0
    need = unshared - keep
    pool = sum(r.size for r in candidates)
    if pool <= need:
        notes.append(
            f"Every candidate goes: removing them all ({human_size(pool)}) does not bring the "
            f"unshared cache ({human_size(unshared)}) under {limit}."
        )
        return candidates, [], need
    notes.append(
        f"BuildKit removes candidates one at a time, least recently and least often used first, "
        f"until the unshared cache ({human_size(unshared)}) is under {limit} ({keep:,} bytes): "
        f"at least {human_size(need)} go, which ones du cannot tell exactly."
    )
    return [], candidates, need
