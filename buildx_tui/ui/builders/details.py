"""Details of the selected builder and node: everything `buildx ls --format json` gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from buildx_tui.core.builders import Builder, GCRule, Node, nodes_sharing_workers
from buildx_tui.core.platforms import Emulation
from buildx_tui.ui.common.format import STATUS_STYLE, human_bytes, human_duration, relative_time

DRIVER_NOTES = {
    "docker": "BuildKit built into the Docker engine: one platform per build, no cache export "
    "(inline only), images land in `docker images` directly.",
    "docker-container": "BuildKit in a container on the engine: multi-platform, cache export, "
    "buildkitd.toml config. Reads no daemon.json registry settings.",
    "kubernetes": "BuildKit pods in a Kubernetes cluster: multi-platform, scalable replicas.",
    "remote": "A BuildKit daemon you run yourself, reached over unix://, tcp:// (TLS) or ssh://.",
}


def _kv(rows: list[tuple[str, RenderableType]]) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold cyan", no_wrap=True)
    t.add_column(overflow="fold")
    for k, v in rows:
        t.add_row(k, v)
    return t


def _heading(text: str) -> Text:
    return Text(f"\n{text}", style="bold underline")


def builder_renderable(b: Builder, now: datetime | None = None) -> RenderableType:
    status = Text(b.status.value, STATUS_STYLE[b.status])
    rows: list[tuple[str, RenderableType]] = [
        ("Builder", Text(b.name + ("  (current)" if b.current else ""), "bold")),
        ("Driver", Text(b.driver or "unknown")),
        ("Status", status),
        ("Nodes", Text(str(len(b.nodes)))),
        ("Last activity", Text(_when(b.last_activity, now))),
    ]
    if b.dynamic:
        rows.append(("Dynamic", Text("yes (nodes come and go, e.g. kubernetes)")))
    parts: list[RenderableType] = [_kv(rows)]
    if b.driver in DRIVER_NOTES:
        parts.append(Text(DRIVER_NOTES[b.driver], style="italic dim"))
    parts += _shared_daemon(b)
    if b.error:
        parts += [_heading("Error"), Text(b.error, "red")]
    return Group(*parts)


def _shared_daemon(b: Builder) -> list[RenderableType]:
    """Nodes that are one BuildKit daemon (the same worker ID): a build split across them
    fails (on the lab: job ID … exists, or gateway result is already set)."""
    parts: list[RenderableType] = []
    for group in nodes_sharing_workers(b):
        names = ", ".join(group[:-1]) + " and " + group[-1]
        parts += [
            Text("\n⚠ Nodes on one BuildKit daemon", "bold yellow"),
            Text(
                f"{names} report the same worker ID: they are one BuildKit daemon reached "
                'twice. A build buildx splits across them (a platform each) fails with "job '
                'ID … exists" or "gateway result is already set". Keep one: docker buildx '
                f"create --leave --name {b.name} --node {group[-1]}",
                "yellow",
            ),
        ]
    return parts


def _when(when: datetime | None, now: datetime | None) -> str:
    if when is None:
        return "never"
    return f"{when:%Y-%m-%d %H:%M:%S} UTC ({relative_time(when, now)})"


def platforms_table(node: Node) -> Table:
    t = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
    t.add_column("platform")
    t.add_column("runs")
    t.add_column("pinned")
    for p in node.platform_info():
        runs = {
            Emulation.NATIVE: Text("native", "green"),
            Emulation.EMULATED: Text("emulated (QEMU)", "yellow"),
            Emulation.UNKNOWN: Text("?", "dim"),
        }[p.emulation]
        t.add_row(p.name, runs, Text("* pinned", "magenta") if p.pinned else Text(""))
    return t


def _gc_table(rules: tuple[GCRule, ...]) -> Table:
    t = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
    for col in ("#", "all", "filters", "keep", "max used", "min free", "reserved"):
        t.add_column(col)
    for i, r in enumerate(rules):
        t.add_row(
            str(i),
            "yes" if r.all else "no",
            "\n".join(r.filters) or "-",
            human_duration(r.keep_duration_s),
            human_bytes(r.max_used_space),
            human_bytes(r.min_free_space),
            human_bytes(r.reserved_space),
        )
    return t


def node_summary(n: Node) -> RenderableType:
    """Identity, status, error and platforms of a node (the left column)."""
    status = n.effective_status
    rows: list[tuple[str, RenderableType]] = [
        ("Node", Text(n.name or "-", "bold")),
        ("Endpoint", Text(n.endpoint or "-")),
        ("Status", Text(status.value, STATUS_STYLE[status])),
        ("BuildKit", Text(n.version or "-")),
    ]
    if n.ids:
        rows.append(("IDs", Text(", ".join(n.ids))))
    parts: list[RenderableType] = [_heading(f"Node {n.name}"), _kv(rows)]
    if n.error:
        parts += [_heading("Error"), Text(n.error, "red")]
    if n.platforms:
        parts += [_heading(f"Platforms ({len(n.platforms)})"), platforms_table(n)]
    elif n.pinned_platforms:
        parts += [_heading("Pinned platforms"), Text(", ".join(n.pinned_platforms))]
    return Group(*parts)


def node_config(n: Node) -> RenderableType:
    """How the node was set up and runs: driver options, flags, files, GC policy, labels."""
    parts: list[RenderableType] = []
    if n.driver_opts:
        parts += [_heading("Driver options"), _kv([(k, Text(v)) for k, v in n.driver_opts.items()])]
    if n.flags:
        parts += [_heading("BuildKit daemon flags"), Text(" ".join(n.flags))]
    for fname, content in n.files.items():
        from rich.syntax import Syntax  # pygments: imported when a file is first shown

        parts += [
            _heading(f"{fname} (given at create)"),
            Syntax(content.rstrip("\n"), "toml", theme="ansi_dark", background_color="default"),
        ]
    if n.gc_policy:
        parts += [_heading("GC policy"), _gc_table(n.gc_policy)]
    if n.labels:
        parts += [_heading("Labels"), _kv([(k, Text(v)) for k, v in sorted(n.labels.items())])]
    if not parts:
        parts.append(
            Text("\nNo driver options, flags, files, GC policy or labels reported.", "dim")
        )
    return Group(*parts)


class BuilderDetails(VerticalScroll):
    """A scrollable two-column panel; `show(builder, node)` replaces its content."""

    def __init__(self, *, id: str | None = None, clock: Callable[[], datetime] | None = None):
        super().__init__(id=id)
        self._clock = clock
        self.can_focus = True
        self.border_title = "Details"

    def compose(self) -> ComposeResult:
        with Horizontal(id="details-columns"):
            yield Static("", id="details-left")
            yield Static("", id="details-right")

    def show(self, builder: Builder | None, node: Node | None = None) -> None:
        left = self.query_one("#details-left", Static)
        right = self.query_one("#details-right", Static)
        if builder is None:
            left.update(Text("No builder selected.", "dim"))
            right.update("")
            return
        now = self._clock() if self._clock else None
        nodes = [node] if node is not None else list(builder.nodes)
        left.update(Group(builder_renderable(builder, now), *(node_summary(n) for n in nodes)))
        right.update(Group(*(node_config(n) for n in nodes)))
