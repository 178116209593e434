"""A recorded build's details as text: everything `history inspect` says, and for a failed
build the failure in one place (error, failing step and its platform, the step's log lines,
the Dockerfile lines around it with the failing line marked ``>>>``)."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.text import Text
from textual.binding import Binding, BindingType

from buildx_tui.core.builds.details import BuildDetails, BuildError
from buildx_tui.core.builds.link import Link
from buildx_tui.core.builds.nodes import PlatformRow
from buildx_tui.core.builds.provenance import RequestIds
from buildx_tui.ui.builds.rows import status_text
from buildx_tui.ui.common.format import human_duration

#: What the help says of a multi-node build (descriptions only: these keys are the screen's).
MULTI_NODE_HELP: list[BindingType] = [
    Binding(
        "n", "next_node", "the node whose record l and t open (marked ▶); lanes are not merged"
    ),
    Binding("l", "logs", "that node's `history logs`: its platforms' lanes, as it recorded them"),
    Binding("t", "timeline", "that node's `history trace` (each node keeps its own trace)"),
]


def _row(label: str, value: str) -> Text:
    text = Text(f"{label:<14}", "bold")
    text.append(value or "-")
    return text


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "-"


def failure(details: BuildDetails) -> list[RenderableType]:
    return failure_lines(details.error, details.status.is_error)


def failure_lines(
    err: BuildError | None, is_error: bool, title: str = "✖ Why it failed"
) -> list[RenderableType]:
    if err is None:
        return []
    out: list[RenderableType] = [Text(title, "bold red")]
    out.append(_row("Error", err.message))
    if err.step:
        out.append(_row("Failing step", err.step))
    if err.platform:
        out.append(_row("On platform", f"{err.platform}  (only this platform's step failed)"))
    if err.logs:
        out.append(Text("Its log (last lines BuildKit kept):", "bold"))
        for line in err.logs:
            out.append(Text(f"  │ {line}"))
    src = err.source
    if src is not None:
        out.append(Text(f"{src.file}, line {src.line}:", "bold"))
        for ln in src.lines:
            mark = ">>>" if ln.failing else "   "
            out.append(
                Text(f"  {ln.number:>4} {mark} {ln.text}", "bold red" if ln.failing else "dim")
            )
    elif is_error:
        out.append(Text("BuildKit kept no Dockerfile lines for this error."))
    out.append(Text(""))
    return out


def per_platform(rows: tuple[PlatformRow, ...], selected: str) -> list[RenderableType]:
    """A multi-node build: each platform with the node that built it (``selected``: the node
    whose logs and timeline l and t open, marked ▶), then each failing node's failure."""
    out: list[RenderableType] = [
        Text("Per platform (one record per node; n: the node l and t open)", "bold")
    ]
    for row in rows:
        line = Text("▶ " if row.node == selected else "  ", "bold")
        line.append(f"{row.platform or '?':<14} {row.node:<20} ")
        line.append_text(status_text(row.status))
        took = human_duration(row.duration_s) if row.duration_s is not None else "?"
        line.append(f"  {took}")
        if row.problem:
            line.append(f"  ⚠ {row.problem}", "yellow")
        out.append(line)
    out.append(Text(""))
    for row in rows:
        if row.error is not None:
            where = f"{row.platform} (node {row.node})" if row.platform else f"node {row.node}"
            out.extend(failure_lines(row.error, True, f"✖ Why it failed on {where}"))
    return out


def details_view(
    details: BuildDetails,
    builder: str,
    nodes: tuple[str, ...],
    ids: RequestIds | None,
    link: Link | None,
    rows: tuple[PlatformRow, ...] = (),
    selected: str = "",
) -> Group:
    """``rows``: a multi-node build's platforms and nodes (each node's record read)."""
    out: list[RenderableType] = []
    title = Text(f"{details.name or '(no name)'}  ", "bold")
    title.append_text(status_text(details.status))
    out.append(title)
    out.append(Text(""))
    out.extend(failure(details))
    if rows:
        out.extend(per_platform(rows, selected))
    out.append(_row("Ref", f"{builder}/{details.id}"))
    if nodes:
        out.append(_row("Node(s)", ", ".join(nodes)))
    out.append(_row("Context", details.context))
    out.append(_row("Dockerfile", details.dockerfile))
    if details.vcs_repository:
        out.append(_row("Repository", f"{details.vcs_repository} {details.vcs_revision}".strip()))
    out.append(_row("Target", details.target or "(the last stage)"))
    out.append(_row("Platforms", ", ".join(details.platforms)))
    out.append(_row("Started", _when(details.started_at)))
    took = details.duration_s
    out.append(_row("Duration", human_duration(took) if took is not None else "-"))
    ratio = details.cache_ratio
    cached = f"{details.cached_steps} cached" + (f" ({ratio:.0%})" if ratio is not None else "")
    steps = f"{details.completed_steps}/{details.total_steps} done, {cached}"
    out.append(_row("Steps", steps))
    args = ", ".join(f"{k}={v}" for k, v in details.build_args)
    out.append(_row("Build args", args or "none"))
    if ids is None:
        out.append(_row("Secrets, ssh", "reading the provenance…"))
    elif ids.complete:
        out.append(_row("Secret ids", ", ".join(ids.secrets) or "none"))
        out.append(_row("SSH ids", ", ".join(ids.ssh) or "none"))
    else:
        out.append(_row("Secrets, ssh", "not recorded (only a mode=max provenance lists ids)"))
    for key, value in details.labels:
        out.append(_row("Label", f"{key}={value}"))
    for key, value in details.config:
        out.append(_row(key, value))
    digest = details.image_digest
    pushed = link.run.image if link and link.run.image else ""
    out.append(_row("Image digest", digest or "none (no image exported)"))
    if pushed:
        out.append(_row("Pushed as", pushed))
    if details.materials:
        out.append(Text("Materials (base images)", "bold"))
        for m in details.materials:
            digests = ", ".join(d[:19] for d in m.digests)
            out.append(Text(f"  {m.image}  {m.platform}  {digests}"))
    if details.attachments:
        out.append(Text("Attachments", "bold"))
        for a in details.attachments:
            out.append(Text(f"  {a.kind:<11} {a.platform or '-':<12} {a.digest[:19]}"))
    if link is not None:
        out.append(_row("Our history", link.how))
    for note in details.notes:
        out.append(Text(f"⚠ {note}", "yellow"))
    return Group(*out)
