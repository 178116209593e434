"""`docker buildx history trace REF` (Jaeger JSON) -> typed spans -> the build's steps.

`history trace` prints ``{"data": [{"traceID", "spans": [...], "processes", ...}]}`` on stdout
when stdout is not a terminal (buildx's ``loadTrace``; with a terminal, or with ``--compare``,
it serves the Jaeger UI instead). Each span: ``spanID``, ``operationName``, ``references``
(``CHILD_OF`` its parent), ``startTime`` and ``duration`` in microseconds, ``tags`` (key/value;
a step's span has ``vertex`` = its digest; a failed one ``error`` = ``true``), ``logs``.

What the recordings of BuildKit v0.32 show (tests/fixtures/local/history-trace-*):

* a step that ran is one span named as its vertex (``[linux/arm64 work 1/2] RUN …``);
* a step answered from the cache is a ``load cache: <vertex name>`` span, and only for the
  last cached step of a chain (BuildKit loads that one; the steps under it are never touched);
* ``cache request: <vertex name>`` spans compute cache keys: not steps;
* the root span (``build <context>``, buildx's) covers the whole command.

Nothing here raises on bad input except :func:`parse_trace`, which raises :class:`TraceError`
with a message for the user.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from buildx_tui.core.progress.names import parse_vertex_name

CACHE_REQUEST = "cache request: "
LOAD_CACHE = "load cache: "
#: Steps of no platform (``[internal] load build definition``, ``exporting …``).
SHARED = "shared"
#: Gap tolerated between a step's start and the end of the step it waited for (µs): BuildKit
#: starts the next vertex a few milliseconds after the previous one completes.
WAIT_SLACK_US = 50_000


class TraceError(ValueError):
    """The text is not a trace `history trace` prints."""


@dataclass(frozen=True, slots=True)
class Span:
    span_id: str
    parent_id: str | None
    name: str
    start_us: int
    duration_us: int
    tags: tuple[tuple[str, str], ...]
    error: bool
    messages: tuple[str, ...] = ()
    """``exception.message`` of the span's logs (why it failed)."""

    @property
    def end_us(self) -> int:
        return self.start_us + self.duration_us

    def tag(self, key: str) -> str | None:
        for k, v in self.tags:
            if k == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One step of the build as the trace saw it; times in seconds from the build's start."""

    span_id: str
    name: str
    """The vertex name, ``[platform stage n/N]`` prefix included."""
    title: str
    """The instruction (prefix stripped)."""
    position: str
    """``"work 1/2"``, ``"2/3"``, ``"internal"`` or ``""``."""
    platform: str
    """A platform (``linux/arm64``) or :data:`SHARED`."""
    vertex: str | None
    start: float
    duration: float
    cached: bool
    error: bool
    """It failed (its own error, not another step's)."""
    parent_id: str | None
    stopped: bool = False
    """Stopped unfinished because the build failed elsewhere (``context canceled``)."""

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class PlatformTotal:
    platform: str
    wall_time: float
    """First start -> last end of the platform's steps."""
    busy_time: float
    """Sum of its steps' durations."""
    steps: int
    cached: int
    failed: int
    stopped: int = 0


@dataclass(frozen=True, slots=True)
class BuildTrace:
    trace_id: str
    spans: tuple[Span, ...]
    steps: tuple[TraceStep, ...]
    """In start order."""
    duration: float
    """The root span's duration (the whole command), else first start -> last end of spans."""
    critical_path: tuple[str, ...]
    """span ids of the chain of steps that set the build's length, first to last."""

    @property
    def platforms(self) -> tuple[str, ...]:
        """Platforms sorted (the same order whichever started first); :data:`SHARED` last."""
        seen = dict.fromkeys(sorted({s.platform for s in self.steps if s.platform != SHARED}))
        if any(s.platform == SHARED for s in self.steps):
            seen[SHARED] = None
        return tuple(seen)

    def steps_of(self, platform: str) -> tuple[TraceStep, ...]:
        return tuple(s for s in self.steps if s.platform == platform)

    def totals(self) -> tuple[PlatformTotal, ...]:
        return tuple(platform_total(p, self.steps_of(p)) for p in self.platforms)

    def on_critical_path(self, step: TraceStep) -> bool:
        return step.span_id in self.critical_path


def platform_total(platform: str, steps: Iterable[TraceStep]) -> PlatformTotal:
    steps = tuple(steps)
    if not steps:
        return PlatformTotal(platform, 0.0, 0.0, 0, 0, 0, 0)
    first = min(s.start for s in steps)
    last = max(s.end for s in steps)
    return PlatformTotal(
        platform=platform,
        wall_time=last - first,
        busy_time=sum(s.duration for s in steps),
        steps=len(steps),
        cached=sum(1 for s in steps if s.cached),
        failed=sum(1 for s in steps if s.error),
        stopped=sum(1 for s in steps if s.stopped),
    )


def trace_argv(builder: str, ref: str) -> list[str]:
    """The exact command: Jaeger JSON on stdout (the backend's stdout is a pipe)."""
    return ["buildx", "history", "trace", "--builder", builder, ref]


# -- parsing -----------------------------------------------------------------------------------
def _text(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _int(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    return 0


def _span(raw: dict[str, Any]) -> Span | None:
    span_id = _text(raw.get("spanID"))
    if not span_id:
        return None
    parent: str | None = None
    for ref in raw.get("references") or ():
        if isinstance(ref, dict) and ref.get("refType") == "CHILD_OF":
            parent = _text(ref.get("spanID")) or None
            break
    tags: list[tuple[str, str]] = []
    for tag in raw.get("tags") or ():
        if isinstance(tag, dict) and isinstance(tag.get("key"), str):
            value = tag.get("value")
            text = str(value).lower() if isinstance(value, bool) else _text(value)
            tags.append((tag["key"], text))
    error = any(k == "error" and v.lower() == "true" for k, v in tags)
    messages: list[str] = []
    for log in raw.get("logs") or ():
        for f in (log.get("fields") or ()) if isinstance(log, dict) else ():
            if isinstance(f, dict) and f.get("key") == "exception.message":
                messages.append(_text(f.get("value")))
    return Span(
        span_id=span_id,
        parent_id=parent,
        name=_text(raw.get("operationName")),
        start_us=_int(raw.get("startTime")),
        duration_us=max(0, _int(raw.get("duration"))),
        tags=tuple(tags),
        error=error,
        messages=tuple(messages),
    )


def parse_spans(text: str) -> tuple[str, tuple[Span, ...]]:
    """(trace id, spans) of `history trace`'s output; TraceError if it is not one."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise TraceError(f"the trace is not JSON ({exc})") from None
    data = doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(data, list) or not data or not isinstance(data[0], dict):
        raise TraceError('the trace holds no data (expected {"data": [{"spans": …}]})')
    spans: list[Span] = []
    trace_id = _text(data[0].get("traceID"))
    for trace in data:
        if not isinstance(trace, dict):
            continue
        for raw in trace.get("spans") or ():
            if isinstance(raw, dict) and (span := _span(raw)) is not None:
                spans.append(span)
    if not spans:
        raise TraceError("the trace holds no spans")
    spans.sort(key=lambda s: (s.start_us, s.span_id))
    return trace_id, tuple(spans)


def _is_step(span: Span) -> bool:
    if span.name.startswith(CACHE_REQUEST):
        return False
    if span.name.startswith(LOAD_CACHE):
        return True
    return span.tag("vertex") is not None


def _step(span: Span, origin: int) -> TraceStep:
    cached = span.name.startswith(LOAD_CACHE)
    name = span.name[len(LOAD_CACHE) :] if cached else span.name
    # BuildKit's own rule (progressui): an error ending in "context canceled" is a step
    # stopped because the build was failing elsewhere, not a failure of its own.
    stopped = span.error and any(m.rstrip().endswith("context canceled") for m in span.messages)
    vertex = parse_vertex_name(name)
    if vertex.index is not None:
        position = f"{vertex.index}/{vertex.total}"
        position = f"{vertex.stage} {position}" if vertex.stage else position
    else:
        position = "internal" if vertex.internal else ""
    return TraceStep(
        span_id=span.span_id,
        name=name,
        title=vertex.title,
        position=position,
        platform=vertex.platform or SHARED,
        vertex=span.tag("vertex"),
        start=(span.start_us - origin) / 1e6,
        duration=span.duration_us / 1e6,
        cached=cached,
        error=span.error and not stopped,
        parent_id=span.parent_id,
        stopped=stopped,
    )


def critical_path(steps: tuple[TraceStep, ...]) -> tuple[str, ...]:
    """The chain of steps that set the build's length, found from timing alone (the trace has
    no step inputs): from the step that ended last, go back to the step that ended latest before
    it started (:data:`WAIT_SLACK_US` allowed), of the same platform when there is one, else a
    shared one (a platform's steps form one chain; shared steps come before them); repeat."""
    if not steps:
        return ()
    slack = WAIT_SLACK_US / 1e6
    current = max(steps, key=lambda s: (s.end, s.start))
    chain = [current]
    while True:
        before = [
            s
            for s in steps
            if s is not current and s.start < current.start and s.end <= current.start + slack
        ]
        if not before:
            break
        same = [s for s in before if s.platform == current.platform]
        shared = [s for s in before if s.platform == SHARED]
        current = max(same or shared or before, key=lambda s: (s.end, s.start))
        chain.append(current)
    return tuple(s.span_id for s in reversed(chain))


def parse_trace(text: str) -> BuildTrace:
    trace_id, spans = parse_spans(text)
    origin = min(s.start_us for s in spans)
    roots = [s for s in spans if s.parent_id is None or set(s.parent_id) == {"0"}]
    steps = tuple(_step(s, origin) for s in spans if _is_step(s))
    if roots:
        duration = max(r.duration_us for r in roots) / 1e6
    else:
        duration = (max(s.end_us for s in spans) - origin) / 1e6
    return BuildTrace(
        trace_id=trace_id,
        spans=spans,
        steps=steps,
        duration=duration,
        critical_path=critical_path(steps),
    )
