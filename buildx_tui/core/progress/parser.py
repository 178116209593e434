"""``docker buildx build --progress=rawjson`` stream -> per-platform build state.

A pure state machine (stdlib only, no Textual). Its records (steps, lanes, sub-progress items)
are :mod:`.state`'s; the snapshots are built from them by :mod:`.snapshot`.
This module is a single state machine; kept whole (over 500 lines) because every handler below
updates the same step and lane tables under the rules documented here, and ``feed_line`` is the
hot path: splitting the handlers across objects would add indirection per line without making
any rule easier to find.

Feed it the build's stderr, one line at a time (:meth:`BuildProgress.feed_line`) or in arbitrary
byte chunks (:meth:`BuildProgress.feed_chunk`); call :meth:`BuildProgress.close` with the exit code
when the process ends; take :meth:`BuildProgress.snapshot` (an immutable
:class:`~.model.ProgressSnapshot`) whenever :attr:`BuildProgress.dirty` says
something changed — a worker posts at most ~20 of those a second, the UI only ever sees snapshots.
One ``BuildProgress`` is owned by one thread; it is not locked.

Each JSON line is a BuildKit ``SolveStatus`` (``vertexes``, ``statuses``, ``logs``, ``warnings``,
``[]byte`` fields base64). Other lines (buildx's final ``ERROR: ...``, the Dockerfile excerpt
before it) are kept as text. Nothing here raises on bad input: problems are counted.

Lane rules
----------
* ``[linux/arm64 2/5] RUN ...`` and ``[linux/arm64 internal] load metadata ...`` go to the
  ``linux/arm64`` lane (platform strings normalised: ``linux/arm64/v8`` == ``linux/arm64``).
* A cross step ``[linux/amd64->arm64 builder 2/5]`` (a stage ``FROM --platform=$BUILDPLATFORM``
  building for ``TARGETPLATFORM=linux/arm64``) goes to the **target** lane, ``linux/arm64``: it is
  part of the arm64 image's chain, and putting it in the amd64 lane would make the amd64 image
  look like it had extra steps and the arm64 image look like it was missing some. The platform it
  runs on is kept in ``StepSnapshot.runs_on``. A build-platform stage that does not reference the
  target (no ``->``) is one deduplicated vertex named after the build platform: it lands in that
  platform's lane, which is then marked ``requested=False`` if that platform was not asked for.
* Unprefixed Dockerfile steps (single-platform builds: ``[2/5] RUN``, ``[builder 3/9] COPY``,
  ``[internal] load metadata for ...``) go to the one requested platform's lane when the caller
  passed exactly one platform, else to a lane keyed ``"default"``.
* Everything else (``[internal] load build context``, ``exporting to image``, ``[auth] ...``,
  ``resolve image config for ...``) goes to the ``"shared"`` lane.

Step states
-----------
``pending`` (announced), ``running``, ``done``, ``cached``, ``error`` and ``cancelled``. A vertex
whose error ends in ``context canceled`` (what BuildKit's own printer shows as CANCELED) is
``cancelled``. When the build ends unsuccessfully, steps still pending or running become
``cancelled`` ("stopped before finishing"); when it succeeds, a step still running is closed as
``done`` and never-started steps stay ``pending``. Later vertex records win, except that a bare
re-sent record (no ``started``, ``completed`` or ``error``) does not reset a started vertex
(BuildKit's progressui rule); run
intervals are kept per start time, because BuildKit restarts vertexes (a vertex completes, then
starts again without ``completed``), and ``duration`` is the union of them.
"""

from __future__ import annotations

import binascii
import dataclasses
import json
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from itertools import islice, repeat
from operator import itemgetter
from typing import Any, Final, cast

from buildx_tui.core.progress.model import (
    DEFAULT_LANE,
    FINISHED_STATES,
    SHARED_LANE,
    BuildResult,
    LogLine,
    ProgressSnapshot,
    StepState,
    WarningSnapshot,
)
from buildx_tui.core.progress.names import (
    VertexName,
    normalize_platform,
    parse_timestamp,
    parse_vertex_name,
)
from buildx_tui.core.progress.snapshot import progress_snapshot
from buildx_tui.core.progress.state import LaneRecord, StatusRecord, StepRecord

_raw_decode: Final = json.JSONDecoder().raw_decode
_a2b_base64: Final = binascii.a2b_base64

#: Exit codes that mean the user (or a supervisor) stopped the build: SIGINT, SIGTERM.
CANCEL_EXIT_CODES: Final = frozenset({130, 143, -2, -15})
_CANCELED_SUFFIX: Final = "context canceled"
_SAMPLE_CHARS: Final = 200
#: Lines of a warning's source range kept (the Dockerfile lines it is about).
_SOURCE_LINES: Final = 3


#: A log line's text (LogLine's second field), for C-speed sums over a deque of them.
_TEXT: Final = itemgetter(1)
#: LogLine((stream, text)) without the Python-level __new__ (a flood makes 100,000s of them).
_new_log_line: Final = cast(Callable[[tuple[int, str]], LogLine], partial(tuple.__new__, LogLine))


def _shown_line(line: str, max_line: int) -> str:
    """What a terminal would show of ``line``: after its last carriage return (a progress bar
    redrawn in place), cut at ``max_line`` characters."""
    if "\r" in line:
        line = line.rstrip("\r")
        if "\r" in line:
            line = line.rsplit("\r", 1)[1]
    if len(line) > max_line:
        line = f"{line[:max_line]}… [{len(line) - max_line} more chars]"
    return line


def _is_cancel_text(text: str) -> bool:
    return "context canceled" in text or "Canceled:" in text or "SIGTERM/SIGINT" in text


class BuildProgress:
    """Incremental parser of a rawjson progress stream; see the module docstring for the rules.

    ``platforms`` are the platforms requested with ``--platform`` (any spelling; normalised):
    their lanes exist from the start, in that order. Limits bound memory per step (log ring of
    ``max_log_lines`` lines and ``max_log_chars`` characters of decoded text, lines longer than
    ``max_line_chars`` cut) and for the whole build (``max_text_lines`` non-JSON lines,
    ``max_warnings``, ``max_statuses`` sub-progress items per step). ``clock`` (e.g.
    ``time.time``), when given, makes ``snapshot().now`` tick between events, corrected for the
    skew between this machine and the BuildKit daemon; without it ``now`` is the latest
    timestamp seen in the stream.
    """

    def __init__(
        self,
        platforms: Sequence[str] = (),
        *,
        max_log_lines: int = 2000,
        max_log_chars: int = 512 * 1024,
        max_line_chars: int = 8192,
        max_text_lines: int = 1000,
        max_warnings: int = 500,
        max_statuses: int = 256,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._max_log_lines = max(1, max_log_lines)
        self._max_log_chars = max(1, max_log_chars)
        self._max_line_chars = max(16, max_line_chars)
        self._max_statuses = max(1, max_statuses)
        self._max_orphans = 10_000
        self._clock = clock
        self._clock_offset: float | None = None
        self._requested: tuple[str, ...] = tuple(
            dict.fromkeys(normalize_platform(p) for p in platforms if p and p.strip())
        )
        self._lanes: dict[str, LaneRecord] = {
            p: LaneRecord(p, "platform", p, True) for p in self._requested
        }
        self._shared = LaneRecord(SHARED_LANE, "shared", None, False)
        self._steps: dict[str, StepRecord] = {}
        self._orphans = 0
        self._seq = 0
        self._version = 0
        self._events = 0
        # SolveStatus fields and their handlers, built once (feed_line is the hot path).
        self._handlers: tuple[tuple[str, Callable[[list[Any]], bool]], ...] = (
            ("vertexes", self._on_vertexes),
            ("statuses", self._on_statuses),
            ("logs", self._on_logs),
            ("warnings", self._on_warnings),
        )
        self._lines = 0
        self._text: deque[str] = deque(maxlen=max(1, max_text_lines))
        self._text_dropped = 0
        self._warnings: deque[WarningSnapshot] = deque(maxlen=max(1, max_warnings))
        self._problems: dict[str, int] = {}
        self._problem_samples: deque[str] = deque(maxlen=20)
        self._final_error: str | None = None
        self._exit_code: int | None = None
        self._ended = False
        self._result: BuildResult = "running"
        self._max_ts: float | None = None
        self._last_ts_raw: object = None
        self._last_ts_parsed: tuple[object, float | None] = (None, None)
        self._pending_chunks: list[bytes] = []
        self._snap: ProgressSnapshot | None = None
        self._snap_version = -1
        self._snap_now: float | None = None

    # ------------------------------------------------------------------ public state

    @property
    def version(self) -> int:
        """Change counter: increases whenever a fed line changed the state."""
        return self._version

    @property
    def dirty(self) -> bool:
        """True when the state changed since the last :meth:`snapshot`."""
        return self._version != self._snap_version

    @property
    def ended(self) -> bool:
        return self._ended

    @property
    def result(self) -> BuildResult:
        return self._result

    @property
    def requested_platforms(self) -> tuple[str, ...]:
        return self._requested

    # ------------------------------------------------------------------ feeding

    def feed(self, lines: Iterable[str | bytes]) -> bool:
        """Feed whole lines (trailing newline optional). True if any changed the state."""
        changed = False
        feed_line = self.feed_line
        for line in lines:
            if feed_line(line):
                changed = True
        return changed

    def feed_chunk(self, chunk: bytes | str) -> bool:
        """Feed raw bytes as read from the pipe, split anywhere; a partial last line is kept
        until its newline arrives (or :meth:`close`). True if the state changed."""
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8", "surrogateescape")
        if not chunk:
            return False
        if b"\n" not in chunk:
            self._pending_chunks.append(bytes(chunk))
            return False
        if self._pending_chunks:
            self._pending_chunks.append(bytes(chunk))
            chunk = b"".join(self._pending_chunks)
            self._pending_chunks.clear()
        parts = chunk.split(b"\n")
        tail = parts.pop()
        if tail:
            self._pending_chunks.append(tail)
        changed = False
        for part in parts:
            if self.feed_line(part):
                changed = True
        return changed

    def feed_line(self, line: str | bytes) -> bool:
        """Apply one line of the stream. True if the state changed. Never raises."""
        self._lines += 1
        before = self._version
        try:
            if type(line) is bytes:
                line = line.decode("utf-8", "replace")
            elif not isinstance(line, str):
                line = bytes(line).decode("utf-8", "replace")
            if line[:1] != "{":
                line = line.strip()
                if not line:
                    return False
                if line[0] != "{":
                    return self._on_text(line)
            try:
                obj, end = _raw_decode(line)
            except ValueError:
                return self._problem("invalid_json", line)
            if end != len(line) and line[end:].strip():
                return self._problem("invalid_json", line)
            if type(obj) is not dict:
                return self._problem("not_solve_status", line)
            self._on_status(obj, line)
        except Exception as exc:  # the parser must never take the worker down
            self._problem("internal_error", f"{type(exc).__name__}: {exc}")
        return self._version != before

    def close(self, exit_code: int | None = None) -> bool:
        """End of stream: flush a partial last line, then settle the result.

        ``exit_code`` of the ``docker`` process when known: 0 -> success, 130/143 (SIGINT/SIGTERM)
        -> cancelled, other -> failed. Without it the result is inferred from the stream (final
        ``ERROR:`` line, step errors, steps left unfinished -> failed).
        """
        try:
            if self._pending_chunks:
                tail = b"".join(self._pending_chunks)
                self._pending_chunks.clear()
                self.feed_line(tail)
            if exit_code is not None:
                self._exit_code = exit_code
            self._finish()
        except Exception as exc:
            self._problem("internal_error", f"{type(exc).__name__}: {exc}")
        self._version += 1
        return True

    # ------------------------------------------------------------------ problems and text

    def _problem(self, kind: str, sample: str) -> bool:
        self._problems[kind] = self._problems.get(kind, 0) + 1
        self._problem_samples.append(f"{kind}: {sample[:_SAMPLE_CHARS]}")
        self._version += 1
        return True

    def _note(self, kind: str, sample: str) -> None:
        """Count a problem found inside a record that is otherwise applied."""
        self._problems[kind] = self._problems.get(kind, 0) + 1
        self._problem_samples.append(f"{kind}: {sample[:_SAMPLE_CHARS]}")
        self._version += 1

    def _on_text(self, line: str) -> bool:
        if len(self._text) == self._text.maxlen:
            self._text_dropped += 1
        self._text.append(line)
        if line.startswith("ERROR:"):
            self._final_error = line[6:].strip()
            self._finish()
        self._version += 1
        return True

    # ------------------------------------------------------------------ SolveStatus

    def _on_status(self, obj: dict[str, Any], line: str) -> bool:
        known = False
        changed = False
        for field, handler in self._handlers:
            records = obj.get(field)
            if records is None:
                continue
            known = True
            if type(records) is list:
                changed = handler(records) or changed
            else:
                self._note("bad_field", f"{field} is not a list")
        if not known:
            return self._problem("not_solve_status", line)
        self._events += 1
        if changed:
            self._version += 1
        return changed

    def _new_step(self, digest: str) -> StepRecord:
        self._seq += 1
        step = StepRecord(digest, self._seq)
        self._steps[digest] = step
        return step

    def _step_for(self, digest: object, what: str) -> StepRecord | None:
        """The step a log/status record names; one heard of before its vertex record is made
        (an orphan) up to a bound. None when the record names no usable vertex."""
        step = self._steps.get(digest) if type(digest) is str else None
        if step is not None:
            return step
        if type(digest) is not str or not digest:
            self._note("bad_record", f"{what} without vertex digest")
            return None
        if self._orphans >= self._max_orphans:
            self._note("orphan_dropped", f"{what} for unknown vertex {digest}")
            return None
        self._orphans += 1
        self._note("record_before_vertex", f"{what} for {digest} before its vertex")
        step = self._new_step(digest)
        step.orphan = True
        return step

    def _lane_for(self, info: VertexName) -> LaneRecord:
        platform = info.platform
        if platform is not None:
            lane = self._lanes.get(platform)
            if lane is None:
                lane = LaneRecord(platform, "platform", platform, False)
                self._lanes[platform] = lane
            return lane
        if info.index is not None or (info.internal and info.title.startswith("load metadata")):
            if len(self._requested) == 1:
                return self._lanes[self._requested[0]]
            lane = self._lanes.get(DEFAULT_LANE)
            if lane is None:
                lane = LaneRecord(DEFAULT_LANE, "default", None, False)
                self._lanes[DEFAULT_LANE] = lane
            return lane
        return self._shared

    def _name_step(self, step: StepRecord, name: str | None) -> None:
        info = parse_vertex_name(name) if name is not None else VertexName(title=step.digest)
        step.raw_name = name
        step.info = info
        lane = self._lane_for(info)
        old = step.lane
        if old is not lane:
            if old is not None:
                old.steps.remove(step)
                old.ordered = None
            lane.steps.append(step)
            step.lane = lane
            if step.orphan:
                step.orphan = False
                self._orphans -= 1
        lane.ordered = None
        step.version += 1

    def _on_vertexes(self, records: list[Any]) -> bool:
        changed = False
        for rec in records:
            if type(rec) is not dict:
                self._note("bad_record", "vertex is not an object")
                continue
            digest = rec.get("digest")
            if type(digest) is not str or not digest:
                self._note("bad_record", "vertex without digest")
                continue
            step = self._steps.get(digest)
            if step is None:
                step = self._new_step(digest)
            name = rec.get("name")
            if type(name) is str:
                if name != step.raw_name:
                    self._name_step(step, name)
                    changed = True
            elif step.lane is None:
                self._name_step(step, None)
                changed = True
            started = rec.get("started")
            completed = rec.get("completed")
            error = rec.get("error")
            if type(error) is not str or not error:
                error = None
            if started is None and completed is None and error is None and step.started_raw:
                # BuildKit re-sends the initial (unstarted) record of a vertex; it must not
                # reset one that started (progressui: "allow a duplicate initial vertex").
                continue
            cached = rec.get("cached") is True
            key = (started, completed, cached, error)
            if key == step.key:
                continue
            step.key = key
            self._apply_vertex(step, started, completed, cached, error)
            changed = True
        return changed

    def _track_time(self, ts: float) -> None:
        if self._max_ts is None or ts > self._max_ts:
            self._max_ts = ts

    def _apply_vertex(
        self, step: StepRecord, started: object, completed: object, cached: bool, error: str | None
    ) -> None:
        start = parse_timestamp(started) if started is not None else None
        if started is not None and start is None:
            self._note("bad_timestamp", repr(started))
        stop = parse_timestamp(completed) if completed is not None else None
        if completed is not None and stop is None:
            self._note("bad_timestamp", repr(completed))
        step.started_raw = started if start is not None else None
        if start is not None:
            if stop is not None and stop < start:
                stop = start
            step.intervals[start] = stop
            if step.first_start is None or start < step.first_start:
                step.first_start = start
                if step.lane is not None:
                    step.lane.ordered = None
            if self._clock is not None and self._clock_offset is None:
                self._clock_offset = self._clock() - start
            self._track_time(start)
        if stop is not None:
            self._track_time(stop)
        step.cached = cached
        step.error = error
        state: StepState
        if error is not None:
            state = "cancelled" if error.endswith(_CANCELED_SUFFIX) else "error"
        elif stop is not None:
            state = "cached" if cached else "done"
        elif start is not None:
            state = "running"
        else:
            state = "pending"
        step.state = state
        if state in FINISHED_STATES and step.partial:
            self._flush_partial(step)
        step.version += 1

    def _on_statuses(self, records: list[Any]) -> bool:
        changed = False
        max_statuses = self._max_statuses
        for rec in records:
            if type(rec) is not dict:
                self._note("bad_record", "status is not an object")
                continue
            digest = rec.get("vertex")
            status_id = rec.get("id")
            if type(status_id) is not str:
                self._note("bad_record", "status without id")
                continue
            step = self._step_for(digest, "status")
            if step is None:
                continue
            statuses = step.statuses
            status = statuses.get(status_id)
            if status is None:
                if len(statuses) >= max_statuses:
                    del statuses[next(iter(statuses))]
                status = StatusRecord(status_id)
                statuses[status_id] = status
            name = rec.get("name")
            if type(name) is str:
                status.name = name
            current = rec.get("current")
            status.current = current if type(current) is int else 0
            total = rec.get("total")
            status.total = total if type(total) is int else None
            status.started = rec.get("started")
            status.completed = rec.get("completed")
            timestamp = rec.get("timestamp")
            status.timestamp = timestamp
            if timestamp is not None:
                self._last_ts_raw = timestamp
            step.version += 1
            changed = True
        return changed

    # ------------------------------------------------------------------ logs

    def _on_logs(self, records: list[Any]) -> bool:
        changed = False
        for rec in records:
            if type(rec) is not dict:
                self._note("bad_record", "log is not an object")
                continue
            digest = rec.get("vertex")
            step = self._step_for(digest, "log")
            if step is None:
                continue
            data = rec.get("data")
            if type(data) is not str:
                if data is None:
                    continue
                self._note("bad_field", "log data is not a string")
                continue
            try:
                raw = _a2b_base64(data, strict_mode=True)
            except (binascii.Error, ValueError):
                self._note("bad_base64", data)
                continue
            stream = rec.get("stream")
            if type(stream) is not int:
                stream = 1
            timestamp = rec.get("timestamp")
            if timestamp is not None:
                self._last_ts_raw = timestamp
            if raw:
                self._append_log(step, stream, raw)
                changed = True
        return changed

    def _append_log(self, step: StepRecord, stream: int, raw: bytes) -> None:
        partial = step.partial
        if partial:
            pending = partial.pop(stream, None)
            if pending:
                raw = pending + raw
        cut = raw.rfind(b"\n")
        if cut < 0:
            if len(raw) > self._max_line_chars:
                self._push_lines(step, stream, raw.decode("utf-8", "replace"))
            else:
                if partial is None:
                    partial = step.partial = {}
                partial[stream] = raw
            step.version += 1
            return
        if cut != len(raw) - 1:
            if partial is None:
                partial = step.partial = {}
            partial[stream] = raw[cut + 1 :]
        self._push_lines(step, stream, raw[:cut].decode("utf-8", "replace"))
        step.version += 1

    def _push_lines(self, step: StepRecord, stream: int, text: str) -> None:
        """Keep the newest lines of ``text`` in the step's log (``max_log_lines`` lines and
        ``max_log_chars`` characters at most), counting what is dropped. A log flood brings
        thousands of lines in one record: they are added and trimmed in bulk, not one by one
        (bench/bench_build_ui.py --lab: the TUI's CPU during a 2 x 200,000-line build is taken
        from the build's own)."""
        lines = text.split("\n")
        received = len(lines)
        max_line = self._max_line_chars
        if "\r" in text or max(map(len, lines)) > max_line:
            lines = [_shown_line(line, max_line) for line in lines]
        max_lines = self._max_log_lines
        dropped = dropped_chars = 0
        if received > max_lines:  # the head could never be shown: counted, not kept
            head, lines = lines[:-max_lines], lines[-max_lines:]
            dropped, dropped_chars = len(head), sum(map(len, head)) + len(head)
        logs = step.logs
        chars = step.log_chars + sum(map(len, lines)) + len(lines)
        logs.extend(map(_new_log_line, zip(repeat(stream), lines, strict=False)))
        over = len(logs) - max_lines
        if over > 0:
            size = sum(map(len, map(_TEXT, islice(logs, over)))) + over
            for _ in range(over):
                logs.popleft()
            chars -= size
            dropped, dropped_chars = dropped + over, dropped_chars + size
        max_chars = self._max_log_chars
        while chars > max_chars and len(logs) > 1:
            size = len(logs.popleft().text) + 1
            chars -= size
            dropped, dropped_chars = dropped + 1, dropped_chars + size
        step.log_chars = chars
        step.log_lines_dropped += dropped
        step.log_chars_dropped += dropped_chars
        step.log_lines_total += received

    def _flush_partial(self, step: StepRecord) -> None:
        partial = step.partial
        if not partial:
            return
        step.partial = None
        for stream, raw in partial.items():
            if raw:
                self._push_lines(step, stream, raw.decode("utf-8", "replace"))
        step.version += 1

    # ------------------------------------------------------------------ warnings

    def _b64_text(self, value: object) -> str:
        if type(value) is not str:
            return ""
        try:
            return _a2b_base64(value, strict_mode=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            self._note("bad_base64", value)
            return value

    def _on_warnings(self, records: list[Any]) -> bool:
        changed = False
        for rec in records:
            if type(rec) is not dict:
                self._note("bad_record", "warning is not an object")
                continue
            level = rec.get("level")
            detail = rec.get("detail")
            url = rec.get("url")
            digest = rec.get("vertex")
            step = self._steps.get(digest) if type(digest) is str else None
            source, start, end, lines = self._warning_source(rec)
            self._warnings.append(
                WarningSnapshot(
                    level=level if type(level) is int else 0,
                    short=self._b64_text(rec.get("short")),
                    detail=tuple(self._b64_text(d) for d in detail) if type(detail) is list else (),
                    url=url if type(url) is str and url else None,
                    vertex=digest if type(digest) is str else None,
                    step_name=step.info.title if step is not None and step.lane else None,
                    lane=step.lane.key if step is not None and step.lane else None,
                    source=source,
                    start_line=start,
                    end_line=end,
                    source_lines=lines,
                )
            )
            changed = True
        return changed

    def _warning_source(
        self, rec: dict[str, Any]
    ) -> tuple[str | None, int | None, int | None, tuple[str, ...]]:
        """A warning's file, line range (``range``: ``[{start: {line}, end: {line}}]``, 1-based)
        and the text of those lines (from ``sourceInfo.data``, at most a few)."""
        info = rec.get("sourceInfo")
        source: str | None = None
        data: object = None
        if type(info) is dict:
            name = info.get("filename")
            source = name if type(name) is str and name else None
            data = info.get("data")
        starts: list[int] = []
        ends: list[int] = []
        ranges = rec.get("range")
        for r in ranges if type(ranges) is list else ():
            if type(r) is not dict:
                continue
            for key, out in (("start", starts), ("end", ends)):
                pos = r.get(key)
                line = pos.get("line") if type(pos) is dict else None
                if type(line) is int and line > 0:
                    out.append(line)
        if not starts:
            return source, None, None, ()
        start, end = min(starts), max([*ends, *starts])
        lines: tuple[str, ...] = ()
        if type(data) is str and data:
            text = self._b64_text(data).split("\n")
            lines = tuple(
                line[:_SAMPLE_CHARS]
                for line in text[start - 1 : min(end, start + _SOURCE_LINES - 1)]
            )
        return source, start, end, lines

    # ------------------------------------------------------------------ end of build

    def _decide_result(self) -> BuildResult:
        code = self._exit_code
        text = self._final_error
        cancel_text = text is not None and _is_cancel_text(text)
        if code is not None:
            if code == 0:
                return "success"
            if code in CANCEL_EXIT_CODES or cancel_text:
                return "cancelled"
            return "failed"
        if text is not None:
            return "cancelled" if cancel_text else "failed"
        states = {s.state for s in self._steps.values() if s.lane is not None}
        if not states:
            self._note("empty_stream", "the stream ended without any build step")
            return "failed"
        if "error" in states:
            return "failed"
        if "cancelled" in states:
            return "cancelled"
        if "running" in states or "pending" in states:
            self._note("ended_early", "the stream ended with steps unfinished")
            return "failed"
        return "success"

    def _finish(self) -> None:
        result = self._decide_result()
        self._result = result
        self._ended = True
        end = self._max_ts
        for step in self._steps.values():
            if step.partial:
                self._flush_partial(step)
            if step.lane is None:
                continue
            if step.state == "running":
                if end is not None:
                    for start, stop in step.intervals.items():
                        if stop is None:
                            step.intervals[start] = max(start, end)
                step.state = "done" if result == "success" else "cancelled"
                step.version += 1
            elif step.state == "pending" and result != "success":
                step.state = "cancelled"
                step.version += 1

    # ------------------------------------------------------------------ snapshots

    def _now(self) -> float | None:
        if self._clock is not None and self._clock_offset is not None and not self._ended:
            return self._clock() - self._clock_offset
        raw = self._last_ts_raw
        cached_raw, parsed = self._last_ts_parsed
        if raw is not cached_raw:
            parsed = parse_timestamp(raw)
            self._last_ts_parsed = (raw, parsed)
        best = self._max_ts
        if parsed is not None and (best is None or parsed > best):
            best = parsed
        return best

    def _placed_warnings(self) -> tuple[WarningSnapshot, ...]:
        """The warnings, each placed in its step's lane: one that arrived before its vertex
        record is placed once the vertex is known (and kept so)."""
        warnings = self._warnings
        for i, w in enumerate(warnings):
            if w.lane is None and w.vertex is not None:
                step = self._steps.get(w.vertex)
                if step is not None and step.lane is not None:
                    warnings[i] = dataclasses.replace(
                        w, step_name=step.info.title, lane=step.lane.key
                    )
        return tuple(warnings)

    def snapshot(self) -> ProgressSnapshot:
        """An immutable view of the whole build; clears :attr:`dirty`.

        Step views are rebuilt only for steps that changed since the previous snapshot, so
        taking one costs little more than the number of lanes and steps.
        """
        now = self._now()
        snap = self._snap
        if snap is not None and self._snap_version == self._version and self._snap_now == now:
            return snap
        snap = progress_snapshot(
            (lane for lane in self._lanes.values() if lane.steps or lane.requested),
            self._shared,
            now,
            version=self._version,
            events=self._events,
            lines=self._lines,
            result=self._result,
            ended=self._ended,
            exit_code=self._exit_code,
            final_error=self._final_error,
            text_lines=tuple(self._text),
            text_lines_dropped=self._text_dropped,
            warnings=self._placed_warnings(),
            problems=tuple(sorted(self._problems.items())),
            problem_samples=tuple(self._problem_samples),
        )
        self._snap = snap
        self._snap_version = self._version
        self._snap_now = now
        return snap
