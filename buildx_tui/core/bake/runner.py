"""Runs one bake through the backend: its rawjson stream -> :class:`BakeSnapshot` posts through
the shared :class:`~buildx_tui.core.progress.pump.ProgressPump` (at most one per
``min_interval``, and once per ``tick`` so clocks advance), the metadata file read back per
target (digest, pushed image, build ref), its temporary folder removed. It runs in the
workspace's folder (``spec.cwd``): bake resolves the files' contexts from there. ``cancel`` may
come from any thread.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from buildx_tui.core.bake.attribution import CANCEL_EXIT, BakeProgress, BakeSnapshot
from buildx_tui.core.bake.spec import BakeSpec
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.progress.pump import MIN_INTERVAL_S, ProgressPump

TICK_S = 1.0
KEEP_TAIL_BYTES = 256 * 1024
CANCEL_RETRY_S = 10.0


@dataclass(frozen=True)
class TargetOutput:
    """What `--metadata-file` says of one target (a failed bake writes no file)."""

    digest: str = ""
    image: str = ""  # image.name: the pushed reference(s), comma-separated
    ref: str = ""  # buildx.build.ref: builder/node/id of its history record

    @property
    def pushed(self) -> tuple[str, ...]:
        return tuple(n for n in self.image.split(",") if n)


def parse_metadata(text: str) -> dict[str, TargetOutput]:
    """The metadata file of a bake: one entry per target name (others such as
    ``buildx.build.warnings`` are not targets and are left out)."""
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    out: dict[str, TargetOutput] = {}
    if not isinstance(data, dict):
        return out
    for name, entry in data.items():
        if not isinstance(entry, dict) or name.startswith("buildx."):
            continue
        out[str(name)] = TargetOutput(
            digest=str(entry.get("containerimage.digest", "")),
            image=str(entry.get("image.name", "")),
            ref=str(entry.get("buildx.build.ref", "")),
        )
    return out


@dataclass(frozen=True)
class BakeOutcome:
    snapshot: BakeSnapshot
    result: CommandResult
    outputs: dict[str, TargetOutput]
    cancelled: bool


@dataclass
class BakeRunner:
    backend: Backend
    spec: BakeSpec
    platforms: Mapping[str, Sequence[str]]  # each target's platforms (from --print)
    post: Callable[[BakeSnapshot], None]
    min_interval: float = MIN_INTERVAL_S
    tick: float = TICK_S
    clock: Callable[[], float] = time.monotonic
    token: object = field(default_factory=object)
    argv: list[str] = field(default_factory=list, init=False)
    _finished: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _cancel: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _tmp: Path | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._progress = BakeProgress(self.platforms, clock=time.time)
        self.pump: ProgressPump[BakeSnapshot] = ProgressPump(
            start=lambda _first: self._progress,
            post=self.post,
            min_interval=self.min_interval,
            tick=self.tick,
            clock=self.clock,
            name="bake-ticker",
        )

    def prepare(self) -> list[str]:
        if not self.argv:
            self._tmp = Path(tempfile.mkdtemp(prefix="buildx-tui-bake-"))  # 0700
            self.argv = self.spec.argv(metadata_file=str(self._tmp / "metadata.json"))
        return self.argv

    def on_line(self, line: str) -> None:
        self.pump.on_line(line)

    def run(self) -> BakeOutcome:
        argv = self.prepare()
        try:
            with self.pump.running():
                if self._cancel.is_set():
                    command = self.backend.display(argv, self.spec.cwd)
                    result = CommandResult(tuple(argv), command, CANCEL_EXIT, "", "", 0.0, True)
                else:
                    result = self.backend.run(
                        argv,
                        on_line=self.on_line,
                        token=self.token,
                        keep_tail=KEEP_TAIL_BYTES,
                        cwd=self.spec.cwd,
                    )
        finally:
            self._finished.set()
        cancelled = result.cancelled or self._cancel.is_set()
        outputs = self._read_metadata()
        with self.pump.lock:
            self._progress.close(CANCEL_EXIT if cancelled else result.returncode)
            snapshot = self._progress.snapshot()
        return BakeOutcome(snapshot, result, outputs, cancelled)

    def _read_metadata(self) -> dict[str, TargetOutput]:
        tmp, self._tmp = self._tmp, None
        if tmp is None:
            return {}
        try:
            return parse_metadata((tmp / "metadata.json").read_text(encoding="utf-8"))
        except OSError:
            return {}
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def cancel(self) -> None:
        """SIGINT to the docker CLI, then its process group killed (the client does that).
        Blocks up to a few seconds: call it from a worker thread."""
        self._cancel.set()
        deadline = time.monotonic() + CANCEL_RETRY_S
        while not self._finished.is_set() and time.monotonic() < deadline:
            if self.backend.cancel(self.token):
                return
            time.sleep(0.05)
