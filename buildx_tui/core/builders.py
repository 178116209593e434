"""Builder / Node models, parsed from `docker buildx ls --format json` (buildx >= 0.13).

One JSON object per line per builder. python-on-whales' own models drop `Current`, `Err`,
`DriverOpts` and `GCPolicy`, so we parse the JSON ourselves, tolerating anything malformed:
a bad line becomes a problem in the result, never an exception.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from buildx_tui.core.platforms import NodePlatform, classify_platforms


class NodeStatus(StrEnum):
    INACTIVE = "inactive"
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    ERROR = "error"
    UNKNOWN = "unknown"

    @classmethod
    def parse(cls, value: object) -> NodeStatus:
        try:
            return cls(str(value).lower())
        except ValueError:
            return cls.UNKNOWN


@dataclass(frozen=True)
class GCRule:
    all: bool
    filters: tuple[str, ...]
    keep_duration_s: float
    max_used_space: int
    min_free_space: int
    reserved_space: int


@dataclass(frozen=True)
class Node:
    name: str
    endpoint: str
    status: NodeStatus
    version: str = ""
    platforms: tuple[str, ...] = ()
    pinned_platforms: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    driver_opts: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, str] = field(default_factory=dict)
    gc_policy: tuple[GCRule, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    ids: tuple[str, ...] = ()
    error: str = ""

    @property
    def effective_status(self) -> NodeStatus:
        """`ls` may report a status and an error at once; the error wins."""
        return NodeStatus.ERROR if self.error else self.status

    def platform_info(self) -> list[NodePlatform]:
        return classify_platforms(self.platforms, self.pinned_platforms)


@dataclass(frozen=True)
class Builder:
    name: str
    driver: str
    current: bool = False
    dynamic: bool = False
    last_activity: datetime | None = None
    error: str = ""
    nodes: tuple[Node, ...] = ()

    @property
    def status(self) -> NodeStatus:
        """A builder's status, summarised from its nodes (the CLI leaves this column empty)."""
        if self.error:
            return NodeStatus.ERROR
        statuses = [n.effective_status for n in self.nodes]
        if not statuses:
            return NodeStatus.UNKNOWN
        for status in (
            NodeStatus.ERROR,
            NodeStatus.STARTING,
            NodeStatus.STOPPING,
            NodeStatus.RUNNING,
            NodeStatus.STOPPED,
            NodeStatus.INACTIVE,
        ):
            if status in statuses:
                return status
        return NodeStatus.UNKNOWN

    @property
    def platforms(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for node in self.nodes:
            for p in node.platforms:
                seen.setdefault(p, None)
        return tuple(seen)


@dataclass(frozen=True)
class LsResult:
    builders: tuple[Builder, ...]
    problems: tuple[str, ...] = ()

    @property
    def current(self) -> Builder | None:
        return next((b for b in self.builders if b.current), None)

    def get(self, name: str) -> Builder | None:
        return next((b for b in self.builders if b.name == name), None)

    def engine_error(self) -> str:
        """The engine-level error when Docker itself is unreachable, else ''.

        `ls --format json` exits 0 with dockerd down; the `default` builder (docker driver)
        then carries the connection error in its own `Err` with an empty driver.
        """
        for b in self.builders:
            if b.error and not b.driver and looks_like_engine_down(b.error):
                return b.error
        return ""


class LsParseError(ValueError):
    """The whole output was unusable (not one builder could be read)."""


_ENGINE_DOWN_MARKERS = (
    "cannot connect to the docker daemon",
    "failed to connect to the docker api",
    "is the docker daemon running",
    "error during connect",
)


def looks_like_engine_down(text: str) -> bool:
    """Whether docker's or buildx's words say the Docker engine could not be reached."""
    low = text.lower()
    return any(m in low for m in _ENGINE_DOWN_MARKERS)


def nodes_sharing_workers(builder: Builder) -> list[tuple[str, ...]]:
    """Groups of ``builder``'s nodes that report the same BuildKit worker ID (``IDs`` in `ls`
    JSON): one daemon reached twice, e.g. over tcp:// and over its unix socket. buildx sends a
    build to each node for its platforms with one job ID, and the daemon takes only one: on the
    lab the build ended with ``job ID … exists`` or ``gateway result is already set``."""
    groups: list[tuple[set[str], list[str]]] = []  # (worker IDs, node names)
    for node in builder.nodes:
        ids = {i for i in node.ids if i}
        if not ids:
            continue
        merged = [g for g in groups if g[0] & ids]
        for g in merged:
            groups.remove(g)
        names = [n for g in merged for n in g[1]] + [node.name]
        groups.append((ids.union(*(g[0] for g in merged)), names))
    order = {n.name: i for i, n in enumerate(builder.nodes)}
    return [tuple(sorted(names, key=order.__getitem__)) for _, names in groups if len(names) > 1]


def _str(v: object) -> str:
    return v if isinstance(v, str) else ("" if v is None else str(v))


def _str_tuple(v: object) -> tuple[str, ...]:
    if isinstance(v, list):
        return tuple(_str(x) for x in v if x is not None)
    return ()


def _str_map(v: object) -> dict[str, str]:
    if isinstance(v, dict):
        return {str(k): _str(val) for k, val in v.items()}
    return {}


def _int(v: object) -> int:
    return int(v) if isinstance(v, int | float) and not isinstance(v, bool) else 0


def _files(v: object) -> dict[str, str]:
    """`Files` maps a file name to its base64 content (e.g. the buildkitd.toml given at create)."""
    out: dict[str, str] = {}
    for name, data in _str_map(v).items():
        try:
            out[name] = base64.b64decode(data, validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            out[name] = data
    return out


def _gc(v: object) -> tuple[GCRule, ...]:
    if not isinstance(v, list):
        return ()
    rules = []
    for r in v:
        if not isinstance(r, dict):
            continue
        rules.append(
            GCRule(
                all=bool(r.get("all", False)),
                filters=_str_tuple(r.get("filter")),
                keep_duration_s=_int(r.get("keepDuration")) / 1e9,
                max_used_space=_int(r.get("maxUsedSpace")),
                min_free_space=_int(r.get("minFreeSpace")),
                reserved_space=_int(r.get("reservedSpace")),
            )
        )
    return tuple(rules)


def _time(v: object) -> datetime | None:
    if not isinstance(v, str) or not v:
        return None
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_node(d: Mapping[str, Any], pinned: Sequence[str] = ()) -> Node:
    return Node(
        name=_str(d.get("Name")),
        endpoint=_str(d.get("Endpoint")),
        status=NodeStatus.parse(d.get("Status") or "unknown"),
        version=_str(d.get("Version")),
        platforms=_str_tuple(d.get("Platforms")),
        pinned_platforms=tuple(pinned),
        flags=_str_tuple(d.get("Flags")),
        driver_opts=_str_map(d.get("DriverOpts")),
        files=_files(d.get("Files")),
        gc_policy=_gc(d.get("GCPolicy")),
        labels=_str_map(d.get("Labels")),
        ids=_str_tuple(d.get("IDs")),
        error=_str(d.get("Err")).strip(),
    )


def parse_builder(
    d: Mapping[str, Any], pinned: Mapping[str, Sequence[str]] | None = None
) -> Builder:
    """Parse one builder object. ``pinned`` maps node name -> platforms pinned at create."""
    pinned = pinned or {}
    nodes = []
    for n in d.get("Nodes") or []:
        if isinstance(n, dict):
            node = parse_node(n, pinned.get(_str(n.get("Name")), ()))
            if node.name or node.endpoint or node.error:
                nodes.append(node)
    return Builder(
        name=_str(d.get("Name")),
        driver=_str(d.get("Driver")),
        current=bool(d.get("Current", False)),
        dynamic=bool(d.get("Dynamic", False)),
        last_activity=_time(d.get("LastActivity")),
        error=_str(d.get("Err")).strip(),
        nodes=tuple(nodes),
    )


def parse_ls_json(
    text: str, pinned: Mapping[str, Mapping[str, Sequence[str]]] | None = None
) -> LsResult:
    """Parse the whole output of `buildx ls --format json`.

    ``pinned`` maps builder name -> node name -> pinned platforms (see core.store).
    Lines that are not a builder object are reported in ``problems``. Raises LsParseError only
    when there was output but not one builder could be read from it.
    """
    pinned = pinned or {}
    builders: list[Builder] = []
    problems: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {lineno}: not JSON ({e.msg}): {line[:120]}")
            continue
        if not isinstance(obj, dict) or not obj.get("Name"):
            problems.append(f"line {lineno}: not a builder object: {line[:120]}")
            continue
        builders.append(parse_builder(obj, pinned.get(_str(obj.get("Name")))))
    if not builders and problems:
        raise LsParseError("could not read any builder from `buildx ls`:\n" + "\n".join(problems))
    return LsResult(tuple(builders), tuple(problems))
