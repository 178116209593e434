"""A recorded build's details (`history inspect --format json`), its failure in one screen,
and what can be done with it: export, delete, open the pushed image, re-run (when the app's own
history knows how it was started), its logs and timeline. Each command is shown in the command
log as it runs.

A multi-node build (one record per node, :mod:`buildx_tui.core.builds.nodes`): an unfiltered
`history ls`, then one `history inspect` per node's record (its id, or buildx's ``^N``; each
answer checked to be that record); the details show each platform with its node, status,
duration and failure. l and t open the logs and timeline of one node's record (n picks the
node): BuildKit keeps each node's record apart, and so do they."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Header, Static

from buildx_tui.core.build.history import BakeEntry
from buildx_tui.core.builds.commands import (
    AttachmentSpec,
    ExportSpec,
    InspectSpec,
    LsSpec,
    RmSpec,
)
from buildx_tui.core.builds.details import Attachment, BuildDetails, DetailsError, parse_inspect
from buildx_tui.core.builds.limits import classify_history_error
from buildx_tui.core.builds.link import Link, link_record
from buildx_tui.core.builds.nodes import (
    NodePart,
    merged_details,
    platform_rows,
    record_ref,
    same_record,
)
from buildx_tui.core.builds.provenance import RequestIds, parse_request_ids
from buildx_tui.core.builds.records import BuildRecord, parse_ls
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.builds.attachment import AttachmentScreen
from buildx_tui.ui.builds.export import ExportDialog
from buildx_tui.ui.builds.ours import our_runs
from buildx_tui.ui.builds.render import MULTI_NODE_HELP, details_view
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.help import HelpScreen
from buildx_tui.ui.navigation import (
    OpenBake,
    OpenBuildForm,
    OpenBuildLogs,
    OpenBuildTimeline,
    OpenInspector,
)
from buildx_tui.ui.services import AppScreen, PaletteCommand

TIMEOUT_S = 60.0


class BuildDetailsScreen(AppScreen[None]):
    CSS_PATH = "details.tcss"
    SUB_TITLE = "build details (history inspect)"
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("l", "logs", "Logs", id="build_details.logs"),
        Binding("t", "timeline", "Timeline", id="build_details.timeline"),
        Binding("e", "export", "Export", id="build_details.export"),
        Binding("d", "delete", "Delete", id="build_details.delete"),
        Binding("i", "inspect_image", "Image", id="build_details.image"),
        Binding("a", "attachment", "Attachment", id="build_details.attachment"),
        Binding("n", "next_node", "Next node", id="build_details.next_node"),
        Binding("R", "rerun", "Re-run", id="build_details.rerun"),
        Binding("r", "reload", "Reload", id="build_details.reload"),
        Binding("escape", "back", "Back", id="build_details.back"),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="build_details.help"),
    ]

    @dataclass
    class Ran(Message):
        what: str  # inspect, ids, export, rm, attachment; nodes, node, logs, trace (multi-node)
        entry_id: int
        result: CommandResult
        ref: str = ""  # "node": the record (builder/node/id) it reads

    @dataclass
    class Linked(Message):
        link: Link | None

    def __init__(self, builder: str, ref: str, records: tuple[BuildRecord, ...] = ()) -> None:
        """``records``: the build's records as listed (several: one per node, each read)."""
        super().__init__()
        self.records = records
        #: Each node's record as read (multi-node builds), by its listed ref.
        self.parts: dict[str, NodePart] = {}
        #: The node whose record l and t open (n moves it).
        self.node_index = 0
        #: How buildx was asked for each node's record (an attachment is read the same way).
        self._part_refs: dict[str, str] = {}
        self._attachment_turn = 0
        self._attachment: Attachment | None = None
        self.builder = builder
        self.ref = ref
        self.details: BuildDetails | None = None
        self.ids: RequestIds | None = None
        self.link: Link | None = None
        self.problem = ""
        self.deleted = False

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="details-scroll"):
            yield Static(f"Reading build {self.ref} on {self.builder}…", id="details-body")
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        self.action_reload()

    @property
    def command_log(self) -> CommandLog:
        return self.query_one(CommandLog)

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Build: export", "history export -o FILE", self.action_export),
            ("Build: delete", "history rm", self.action_delete),
            ("Build: logs", "history logs", self.action_logs),
            ("Build: timeline", "history trace", self.action_timeline),
        ]

    # -- running ---------------------------------------------------------------------------------
    @property
    def multi_node(self) -> bool:
        return len(self.records) > 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_node":
            return self.multi_node  # shown only where there are nodes to pick from
        return True

    def _run(self, what: str, argv: tuple[str, ...], ref: str = "") -> None:
        entry = self.command_log.start(self.backend.display(argv))
        self._worker(what, argv, entry, ref)

    @work(thread=True, exit_on_error=False)
    def _worker(self, what: str, argv: tuple[str, ...], entry: int, ref: str) -> None:
        result = self.backend.run(argv, timeout=TIMEOUT_S)
        self.post_message(self.Ran(what, entry, result, ref))

    @on(Ran)
    def _ran(self, message: Ran) -> None:
        result = message.result
        state = EntryState.OK if result.ok else EntryState.FAILED
        tail = "" if result.ok else result.error_text()
        self.command_log.finish(message.entry_id, state, result.duration_s, tail=tail)
        if message.what == "node":
            self._node_read(message.ref, result)
            return
        handlers: dict[str, Callable[[CommandResult], None]] = {
            "inspect": self._inspected,
            "ids": self._ids,
            "export": self._exported,
            "rm": self._removed,
            "attachment": self._attachment_read,
            "nodes": self._nodes_listed,
            "logs": lambda r: self._open_node(r, trace=False),
            "trace": lambda r: self._open_node(r, trace=True),
        }
        handlers[message.what](result)

    # -- a multi-node build: each node's record --------------------------------------------------
    def _nodes_listed(self, result: CommandResult) -> None:
        if not result.ok:
            self._inspected(result)
            return
        listed = parse_ls(result.stdout).records
        self.parts = {}
        for record in self.records:
            fresh = next((r for r in listed if r.ref == record.ref), None)
            ref = record_ref(listed, fresh) if fresh is not None else None
            if fresh is None:
                why = "no longer in the builder's history (deleted?)"
                self.parts[record.ref] = NodePart(record, problem=why)
            elif ref is None:
                why = "started at the same instant as another record: buildx cannot name it"
                self.parts[record.ref] = NodePart(fresh, problem=why)
            else:
                self.parts[record.ref] = NodePart(fresh)
                self._part_refs[record.ref] = ref
                self._run("node", InspectSpec(self.builder, ref).argv(), record.ref)
        self._nodes_read()

    def _node_read(self, key: str, result: CommandResult) -> None:
        part = self.parts.get(key)
        if part is None:
            return
        if not result.ok:
            why = classify_history_error(self.builder, result.stderr, result.returncode).message
            self.parts[key] = NodePart(part.record, problem=why)
        else:
            try:
                details = parse_inspect(result.stdout)
            except DetailsError as exc:
                self.parts[key] = NodePart(part.record, problem=str(exc))
            else:
                if same_record(details, part.record):
                    self.parts[key] = NodePart(part.record, details)
                else:
                    why = "another record answered (a build started meanwhile?): r reads again"
                    self.parts[key] = NodePart(part.record, problem=why)
        self._nodes_read()

    def _nodes_read(self) -> None:
        parts = list(self.parts.values())
        if any(p.details is None and not p.problem for p in parts):
            return  # still reading
        details = merged_details(parts)
        if details is None:
            self.problem = "; ".join(f"{p.node}: {p.problem}" for p in parts)
            self._draw()
            return
        self.problem = ""
        self.details = details
        if details.provenance:  # the same request on every node: its ids from the newest
            self._run("ids", AttachmentSpec(self.builder, self.ref, "provenance").argv())
        else:
            self.ids = RequestIds()
        self._link(details)
        self._draw()

    @property
    def node_record(self) -> BuildRecord:
        return self.records[self.node_index % len(self.records)]

    def action_next_node(self) -> None:
        if not self.multi_node:
            return
        self.node_index = (self.node_index + 1) % len(self.records)
        self.notify(f"l and t now open node {self.node_record.node}'s record.", timeout=3)
        self._draw()

    def _open_node(self, result: CommandResult, *, trace: bool) -> None:
        """The selected node's record, named as buildx takes it now (a fresh `history ls`)."""
        record = self.node_record
        ref = None
        if result.ok:
            ref = record_ref(parse_ls(result.stdout).records, record, completed_only=trace)
        if ref is None:
            why = result.error_text() if not result.ok else "not listed (deleted? still running?)"
            self.notify(f"Node {record.node}'s record: {why}", severity="warning")
        elif trace:
            self.post_message(
                OpenBuildTimeline(self.builder, ref, name=record.name, node=record.node)
            )
        else:
            self.post_message(OpenBuildLogs(self.builder, ref, name=record.name, node=record.node))

    def _inspected(self, result: CommandResult) -> None:
        if not result.ok:
            limit = classify_history_error(self.builder, result.stderr, result.returncode)
            self.problem = limit.message
            self._draw()
            return
        try:
            self.details = parse_inspect(result.stdout)
        except DetailsError as exc:
            self.problem = str(exc)
            self._draw()
            return
        self.problem = ""
        if self.details.provenance:
            self._run("ids", AttachmentSpec(self.builder, self.ref, "provenance").argv())
        else:
            self.ids = RequestIds()
        self._link(self.details)
        self._draw()

    def _ids(self, result: CommandResult) -> None:
        self.ids = parse_request_ids(result.stdout) if result.ok else RequestIds()
        self._draw()

    @work(thread=True, group="link", exit_on_error=False)
    def _link(self, details: BuildDetails) -> None:
        try:
            entries = self.services.history.load_runs()
        except OSError:
            entries = []
        record = BuildRecord(
            ref=f"{self.builder}//{details.id}",
            name=details.name,
            status=details.status,
            created_at=details.started_at,
            completed_at=details.completed_at,
            total_steps=details.total_steps,
            completed_steps=details.completed_steps,
            cached_steps=details.cached_steps,
        )
        runs = [r for e in entries for r in our_runs(e)]
        self.post_message(self.Linked(link_record(record, runs)))

    @on(Linked)
    def _linked(self, message: Linked) -> None:
        self.link = message.link
        self._draw()

    def _draw(self) -> None:
        body = self.query_one("#details-body", Static)
        if self.deleted:
            body.update(f"Build {self.ref} was deleted from {self.builder}'s history.")
        elif self.problem:
            body.update("⚠ " + self.problem)
        elif self.details is not None:
            rows = platform_rows(list(self.parts.values())) if self.multi_node else ()
            selected = self.node_record.node if self.multi_node else ""
            body.update(
                details_view(self.details, self.builder, (), self.ids, self.link, rows, selected)
            )

    # -- actions ---------------------------------------------------------------------------------
    def action_reload(self) -> None:
        if self.multi_node:  # an unfiltered list first: it says how buildx names each record
            self._run("nodes", LsSpec(self.builder).argv())
            return
        self._run("inspect", InspectSpec(self.builder, self.ref).argv())

    def _ready(self) -> bool:
        if self.details is None or self.deleted:
            self.notify("The build's details are not read (yet).", severity="warning")
            return False
        return True

    def action_attachment(self) -> None:
        """The build's provenance (or, without one, its first other attachment: an SBOM),
        as `history inspect attachment` prints it. Pressed again: the next one."""
        if not self._ready():
            return
        assert self.details is not None
        shown = [a for a in self.details.attachments if a.kind in ("provenance", "sbom")]
        if not shown:
            self.notify(
                "This build has no provenance or SBOM attachment (BuildKit records them when "
                "the build makes attestations: --provenance, --sbom).",
                severity="warning",
            )
            return
        pick = shown[self._attachment_turn % len(shown)]
        self._attachment_turn += 1
        self._attachment = pick
        spec = AttachmentSpec(self.builder, self._ref_of(pick), pick.kind, pick.platform)
        self._run("attachment", spec.argv())

    def _ref_of(self, attachment: Attachment) -> str:
        """The ref of the node's record that holds ``attachment`` (a multi-node build)."""
        for key, part in self.parts.items():
            if part.details is not None and attachment in part.details.attachments:
                return self._part_refs.get(key, self.ref)
        return self.ref

    def _attachment_read(self, result: CommandResult) -> None:
        pick = self._attachment
        if pick is None:
            return
        if not result.ok:
            self.notify(
                f"The {pick.kind} attachment could not be read: {result.error_text()}",
                severity="error",
            )
            return
        spec = AttachmentSpec(self.builder, self._ref_of(pick), pick.kind, pick.platform)
        title = f"{pick.kind} · {pick.platform}" if pick.platform else pick.kind
        self.app.push_screen(
            AttachmentScreen(title, self.backend.display(spec.argv()), result.stdout)
        )

    def action_logs(self) -> None:
        if not self._ready():
            return
        if self.multi_node:
            self._run("logs", LsSpec(self.builder).argv())
            return
        name = self.details.name if self.details else ""
        node = self.records[0].node if self.records else ""
        self.post_message(OpenBuildLogs(self.builder, self.ref, name=name, node=node))

    def action_timeline(self) -> None:
        if not self._ready():
            return
        if self.multi_node:
            self._run("trace", LsSpec(self.builder).argv())
            return
        name = self.details.name if self.details else ""
        node = self.records[0].node if self.records else ""
        self.post_message(OpenBuildTimeline(self.builder, self.ref, name=name, node=node))

    def action_export(self) -> None:
        if not self._ready():
            return
        name = (self.details.name if self.details else "") or "build"
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name)
        suggestion = os.path.join(os.getcwd(), f"{safe}-{self.ref[:12]}.dockerbuild")

        def chosen(path: str | None) -> None:
            if path:
                self._run("export", ExportSpec(self.builder, self.ref, path).argv())

        self.app.push_screen(ExportDialog(suggestion), chosen)

    def _exported(self, result: CommandResult) -> None:
        if result.ok:
            self.notify("Exported (a .dockerbuild archive).", title="Export")
        else:
            self.notify(result.error_text(), title="Export failed", severity="error")

    def action_delete(self) -> None:
        if not self._ready():
            return
        argv = RmSpec(self.builder, (self.ref,)).argv()

        def answered(yes: bool | None) -> None:
            if yes:
                self._run("rm", argv)

        self.app.push_screen(
            ConfirmDialog(
                f"Delete build {self.ref}?",
                f"Removes BuildKit's record of it (not the image, not the cache):\n"
                f"{self.backend.display(argv)}",
                yes="Delete",
                no="Keep",
            ),
            answered,
        )

    def _removed(self, result: CommandResult) -> None:
        if result.ok:
            self.deleted = True
            self._draw()
            self.notify("Deleted from the builder's history.", title="Delete")
        else:
            self.notify(result.error_text(), title="Delete failed", severity="error")

    def action_inspect_image(self) -> None:
        if not self._ready():
            return
        if self.link is not None and self.link.run.image:
            self.post_message(OpenInspector(self.link.run.image))
            return
        digest = self.details.image_digest if self.details else ""
        why = (
            "BuildKit's record keeps the image digest but not the name it was pushed as"
            if digest
            else "This build exported no image"
        )
        self.notify(f"{why}; the app's own history does not know this build.", title="Image")

    def action_rerun(self) -> None:
        if not self._ready():
            return
        if self.link is None:
            self.notify(
                "Re-run needs how the build was started: the app's own history has no build "
                "matching this record (by build ref, or by builder, name and time).",
                title="Re-run",
                severity="warning",
            )
            return
        self._post_rerun(self.link.run.key)

    @work(thread=True, group="rerun", exit_on_error=False)
    def _post_rerun(self, key: str) -> None:
        entries = self.services.history.load_runs()
        entry = next((e for e in entries if e.id == key), None)
        if isinstance(entry, BakeEntry):  # the bake screen on its workspace, filled
            self.post_message(OpenBake(recorded=entry.request))
        elif entry is not None:
            self.post_message(OpenBuildForm(spec=entry.spec))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_help(self) -> None:
        groups: list[tuple[str, list[BindingType]]] = [("Build details", self.BINDINGS)]
        if self.multi_node:
            groups.append(("A multi-node build (one record per node)", MULTI_NODE_HELP))
        self.app.push_screen(HelpScreen(groups))
