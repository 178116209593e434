"""A bake run in the app's history (core/build/history.py keeps builds and bakes in one file).

A line ``{"version": 1, "kind": "bake", …}`` holds the request (the workspace's folder, the files
named with --file, the targets, the variables, the user's --set overrides, the platform
override, --push, the entitlements granted, and the argv as run without the app's temporary
--metadata-file), the command shown for it, and per target its result and what bake's metadata
file said (digest, pushed names, buildx.build.ref: the link to BuildKit's own history). A line
without ``kind`` is a build (every line before bake runs were recorded).

Plain values only: the bake feature (core/bake) makes them and reads them back; features do not
import each other.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

KIND = "bake"
MAX_ERROR_CHARS = 2000


def text(value: object) -> str:
    return value if isinstance(value, str) else ""


def texts(value: object) -> tuple[str, ...]:
    return tuple(text(v) for v in value) if isinstance(value, list) else ()


def new_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple((text(p[0]), text(p[1])) for p in value if isinstance(p, list) and len(p) == 2)


@dataclass(frozen=True)
class BakeRequest:
    """What was run: enough to open the bake screen on it again with the same values."""

    workspace: str  # the folder bake ran in (absolute)
    files: tuple[str, ...] = ()  # --file, relative to the workspace; (): bake picked
    targets: tuple[str, ...] = ()  # (): the default group
    builder: str = ""  # "": the current builder
    variables: tuple[tuple[str, str], ...] = ()  # --var NAME=value, changed from the default
    sets: tuple[str, ...] = ()  # the user's --set overrides (not the platform override's)
    platforms: tuple[str, ...] = ()  # the platform override of every target; (): the files'
    push: bool = False  # --push
    allow: tuple[str, ...] = ()  # --allow, granted by the user
    no_cache: bool = False
    argv: tuple[str, ...] = ()  # as run, without the temporary --metadata-file

    def to_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace,
            "files": list(self.files),
            "targets": list(self.targets),
            "builder": self.builder,
            "variables": [list(p) for p in self.variables],
            "sets": list(self.sets),
            "platforms": list(self.platforms),
            "push": self.push,
            "allow": list(self.allow),
            "no_cache": self.no_cache,
            "argv": list(self.argv),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BakeRequest:
        workspace = text(data["workspace"])
        if not workspace:
            raise ValueError("a bake run without its workspace")
        return cls(
            workspace=workspace,
            files=texts(data.get("files")),
            targets=texts(data.get("targets")),
            builder=text(data.get("builder")),
            variables=_pairs(data.get("variables")),
            sets=texts(data.get("sets")),
            platforms=texts(data.get("platforms")),
            push=data.get("push") is True,
            allow=texts(data.get("allow")),
            no_cache=data.get("no_cache") is True,
            argv=texts(data.get("argv")),
        )


@dataclass(frozen=True)
class BakeTargetRun:
    """One target of a bake run: its result and what the metadata file said of it."""

    target: str
    result: str  # success, failed, cancelled, stopped (another target failed), unknown
    platforms: tuple[str, ...] = ()
    wall_time: float | None = None
    steps: int = 0
    cached: int = 0
    failed_step: str = ""
    digest: str = ""
    image_names: tuple[str, ...] = ()  # pushed as
    build_ref: str = ""  # buildx.build.ref: builder/node/id of its BuildKit record

    @property
    def reference(self) -> str:
        """The first pushed name pinned by digest (``repo@sha256:…``), else the name, else ''."""
        if not self.image_names:
            return ""
        name = self.image_names[0]
        if not self.digest or "@" in name:
            return name
        repo = name[: name.rfind(":")] if name.rfind(":") > name.rfind("/") else name
        return f"{repo}@{self.digest}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "result": self.result,
            "platforms": list(self.platforms),
            "wall_time": self.wall_time,
            "steps": self.steps,
            "cached": self.cached,
            "failed_step": self.failed_step,
            "digest": self.digest,
            "image_names": list(self.image_names),
            "build_ref": self.build_ref,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BakeTargetRun:
        wall = data.get("wall_time")
        return cls(
            target=text(data.get("target")),
            result=text(data.get("result")) or "unknown",
            platforms=texts(data.get("platforms")),
            wall_time=float(wall) if isinstance(wall, int | float) else None,
            steps=int(data.get("steps", 0) or 0),
            cached=int(data.get("cached", 0) or 0),
            failed_step=text(data.get("failed_step")),
            digest=text(data.get("digest")),
            image_names=texts(data.get("image_names")),
            build_ref=text(data.get("build_ref")),
        )


@dataclass(frozen=True)
class BakeEntry:
    """A bake run the app started, as its history keeps it."""

    request: BakeRequest
    command: str  # the command shown for it (``(in FOLDER) docker buildx bake …``)
    started_at: datetime
    result: str  # success, failed, cancelled
    duration_s: float
    exit_code: int | None = None
    targets: tuple[BakeTargetRun, ...] = ()
    error: str = ""
    id: str = field(default_factory=new_id)

    @property
    def reference(self) -> str:
        """The first image it pushed, pinned by digest ('' when none)."""
        return next((t.reference for t in self.targets if t.reference), "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "kind": KIND,
            "id": self.id,
            "started_at": self.started_at.astimezone(UTC).isoformat(),
            "command": self.command,
            "result": self.result,
            "duration_s": round(self.duration_s, 3),
            "exit_code": self.exit_code,
            "request": self.request.to_dict(),
            "targets": [t.to_dict() for t in self.targets],
            "error": self.error[:MAX_ERROR_CHARS],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BakeEntry:
        """Raises ValueError (or KeyError/TypeError) on a malformed record."""
        started = datetime.fromisoformat(text(data["started_at"]))
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        code = data.get("exit_code")
        targets = data.get("targets", [])
        return cls(
            id=text(data.get("id")) or new_id(),
            request=BakeRequest.from_dict(data["request"]),
            command=text(data.get("command")),
            started_at=started,
            result=text(data.get("result")) or "unknown",
            duration_s=float(data.get("duration_s", 0.0)),
            exit_code=code if isinstance(code, int) else None,
            targets=tuple(BakeTargetRun.from_dict(t) for t in targets if isinstance(t, dict)),
            error=text(data.get("error")),
        )
