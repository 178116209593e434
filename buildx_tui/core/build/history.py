"""Build history on disk, and what a finished build produced (from `--metadata-file`).

One JSON object per line in ``<data dir>/build-history.jsonl``, newest last, at most
`MAX_ENTRIES` kept. A line is a build (:class:`HistoryEntry`) or, with ``"kind": "bake"``, a bake
run (:class:`~.history_bake.BakeEntry`); `History.load` gives the builds, `History.load_runs`
both, in order. The data dir is platformdirs' user data dir for ``buildx-tui``, or
``$BUILDX_TUI_DATA_DIR`` (tests point it at a temporary folder). A damaged line is skipped, never
fatal. What is stored: the spec (the user's own settings), the command without the TUI's
temporary paths, the result and the outputs; no secret values, but the commands, build args
and the paths of secret and key files are the user's business only.

So the file is private: created 0600, and the folders made for it 0700, whatever the umask. A
history file with a looser mode (an older buildx-tui wrote it 0644) is tightened to 0600 on the
next write; an existing data dir is left as it is (``$BUILDX_TUI_DATA_DIR`` may be shared).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from buildx_tui.core.build.history_bake import KIND as BAKE_KIND
from buildx_tui.core.build.history_bake import BakeEntry, new_id
from buildx_tui.core.build.history_bake import text as _s
from buildx_tui.core.paths import PRIVATE_FILE_MODE, make_private_dirs

if TYPE_CHECKING:  # the app makes a History at start; the spec's modules load when one is read
    from buildx_tui.core.build.spec import BuildSpec

__all__ = [
    "DATA_DIR_ENV",
    "BakeEntry",
    "BuildOutputs",
    "History",
    "HistoryEntry",
    "LaneSummary",
    "Run",
    "default_data_dir",
    "parse_metadata",
]

DATA_DIR_ENV = "BUILDX_TUI_DATA_DIR"
HISTORY_FILE = "build-history.jsonl"
MAX_ENTRIES = 200
MAX_ERROR_CHARS = 2000


def default_data_dir() -> Path:
    """Where the history lives: ``$BUILDX_TUI_DATA_DIR`` or platformdirs' user data dir."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path("buildx-tui", appauthor=False)


# -- outputs of a build ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildOutputs:
    """What `--metadata-file` says a build produced."""

    digest: str = ""  # containerimage.digest: the image (index) digest
    media_type: str = ""  # of containerimage.descriptor
    image_names: tuple[str, ...] = ()  # image.name, split on commas
    build_ref: str = ""  # buildx.build.ref: builder/node/ref

    @property
    def reference(self) -> str:
        """The pushed image pinned by digest (``repo@sha256:…``), else the first name, else ''."""
        if not self.image_names:
            return ""
        name = self.image_names[0]
        if not self.digest:
            return name
        repo = name.split("@", 1)[0]
        if repo.rfind(":") > repo.rfind("/"):
            repo = repo[: repo.rfind(":")]
        return f"{repo}@{self.digest}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "media_type": self.media_type,
            "image_names": list(self.image_names),
            "build_ref": self.build_ref,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BuildOutputs:
        names = data.get("image_names", [])
        return cls(
            digest=_s(data.get("digest")),
            media_type=_s(data.get("media_type")),
            image_names=tuple(_s(n) for n in names) if isinstance(names, list) else (),
            build_ref=_s(data.get("build_ref")),
        )


def parse_metadata(text: str) -> BuildOutputs:
    """Read a `--metadata-file`; anything missing or malformed gives empty fields."""
    try:
        data = json.loads(text)
    except ValueError:
        return BuildOutputs()
    if not isinstance(data, dict):
        return BuildOutputs()
    descriptor = data.get("containerimage.descriptor")
    media_type = _s(descriptor.get("mediaType")) if isinstance(descriptor, dict) else ""
    digest = _s(data.get("containerimage.digest"))
    if not digest and isinstance(descriptor, dict):
        digest = _s(descriptor.get("digest"))
    names = tuple(n.strip() for n in _s(data.get("image.name")).split(",") if n.strip())
    return BuildOutputs(digest, media_type, names, _s(data.get("buildx.build.ref")))


# -- entries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LaneSummary:
    """One platform of a finished build."""

    platform: str
    result: str
    wall_time: float | None
    steps: int
    cached: int
    failed_step: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "result": self.result,
            "wall_time": self.wall_time,
            "steps": self.steps,
            "cached": self.cached,
            "failed_step": self.failed_step,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LaneSummary:
        wall = data.get("wall_time")
        return cls(
            platform=_s(data.get("platform")),
            result=_s(data.get("result")),
            wall_time=float(wall) if isinstance(wall, int | float) else None,
            steps=int(data.get("steps", 0) or 0),
            cached=int(data.get("cached", 0) or 0),
            failed_step=_s(data.get("failed_step")),
        )


@dataclass(frozen=True)
class HistoryEntry:
    spec: BuildSpec
    command: str  # the command a user would type for this build
    started_at: datetime
    result: str  # success, failed, cancelled
    duration_s: float
    exit_code: int | None = None
    outputs: BuildOutputs = field(default_factory=BuildOutputs)
    lanes: tuple[LaneSummary, ...] = ()
    error: str = ""
    id: str = field(default_factory=new_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "id": self.id,
            "started_at": self.started_at.astimezone(UTC).isoformat(),
            "command": self.command,
            "result": self.result,
            "duration_s": round(self.duration_s, 3),
            "exit_code": self.exit_code,
            "spec": self.spec.to_dict(),
            "outputs": self.outputs.to_dict(),
            "lanes": [lane.to_dict() for lane in self.lanes],
            "error": self.error[:MAX_ERROR_CHARS],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HistoryEntry:
        """Raises ValueError (or KeyError/TypeError) on a malformed record."""
        started = datetime.fromisoformat(_s(data["started_at"]))
        if started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        code = data.get("exit_code")
        lanes = data.get("lanes", [])
        outputs = data.get("outputs", {})
        return cls(
            id=_s(data.get("id")) or new_id(),
            spec=_spec_from_dict(data["spec"]),
            command=_s(data.get("command")),
            started_at=started,
            result=_s(data.get("result")) or "unknown",
            duration_s=float(data.get("duration_s", 0.0)),
            exit_code=code if isinstance(code, int) else None,
            outputs=BuildOutputs.from_dict(outputs if isinstance(outputs, dict) else {}),
            lanes=tuple(LaneSummary.from_dict(x) for x in lanes if isinstance(x, dict)),
            error=_s(data.get("error")),
        )


#: One line of the history: a build or a bake run.
Run = HistoryEntry | BakeEntry


def _run_from_dict(data: Any) -> Run:
    if data.get("kind") == BAKE_KIND:
        return BakeEntry.from_dict(data)
    return HistoryEntry.from_dict(data)


class History:
    """The history file of one data dir. Methods do file I/O: call them from worker threads."""

    def __init__(
        self, data_dir: Path | str | None = None, *, max_entries: int = MAX_ENTRIES
    ) -> None:
        self.data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
        self.max_entries = max(1, max_entries)
        self._lock = threading.Lock()
        self.skipped = 0  # damaged lines seen by the last load()

    @property
    def path(self) -> Path:
        return self.data_dir / HISTORY_FILE

    def load(self) -> list[HistoryEntry]:
        """The builds, oldest first. A missing file is an empty history."""
        with self._lock:
            return [e for e in self._load() if isinstance(e, HistoryEntry)]

    def load_runs(self) -> list[Run]:
        """Builds and bake runs, oldest first."""
        with self._lock:
            return self._load()

    def _load(self) -> list[Run]:
        entries: list[Run] = []
        self.skipped = 0
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return entries
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                entries.append(_run_from_dict(data))
            except (ValueError, KeyError, TypeError, AttributeError):
                self.skipped += 1
        return entries[-self.max_entries :]

    def append(self, entry: Run) -> None:
        """Add one entry; the file is rewritten (atomically) only when it grows a tenth past the
        limit."""
        line = json.dumps(entry.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            make_private_dirs(self.data_dir)
            with _open_private(self.path) as f:
                f.write(line)
            # Counting lines is cheap, parsing them is not (~8 ms for 200): the file is rewritten
            # only once it holds a tenth more lines than it keeps (load() gives the newest).
            if self._line_count() > self.max_entries + self.max_entries // 10:
                entries = self._load()
                if len(entries) >= self.max_entries:
                    self._rewrite(entries)

    def _line_count(self) -> int:
        try:
            with open(self.path, "rb") as f:
                return sum(1 for _ in f)
        except OSError:
            return 0

    def _rewrite(self, entries: Sequence[Run]) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.data_dir, prefix=".history-", suffix=".tmp")
        try:
            os.fchmod(fd, PRIVATE_FILE_MODE)  # mkstemp's 0600, said rather than relied on
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for e in entries[-self.max_entries :]:
                    f.write(json.dumps(e.to_dict(), ensure_ascii=False, separators=(",", ":")))
                    f.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _open_private(path: Path) -> TextIO:
    """``path`` opened for appending: created 0600; an existing file readable by others is
    tightened to 0600 first."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags, PRIVATE_FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) & 0o077:
            os.fchmod(fd, PRIVATE_FILE_MODE)
        return os.fdopen(fd, "a", encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise


def _spec_from_dict(data: Any) -> BuildSpec:
    from buildx_tui.core.build.spec import BuildSpec

    return BuildSpec.from_dict(data)
