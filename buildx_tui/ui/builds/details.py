"""A recorded build's details (`history inspect --format json`), its failure in one screen,
and what can be done with it: export, delete, open the pushed image, re-run (when the app's own
history knows how it was started), its logs and timeline. Each command is shown in the command
log as it runs."""

from __future__ import annotations

import os
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static

from buildx_tui.core.build.history import BakeEntry, HistoryEntry, Run
from buildx_tui.core.builds.commands import AttachmentSpec, ExportSpec, InspectSpec, RmSpec
from buildx_tui.core.builds.details import Attachment, BuildDetails, DetailsError, parse_inspect
from buildx_tui.core.builds.limits import classify_history_error
from buildx_tui.core.builds.link import Link, OurRun, link_record
from buildx_tui.core.builds.provenance import RequestIds, parse_request_ids
from buildx_tui.core.builds.records import BuildRecord
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.builds.attachment import AttachmentScreen
from buildx_tui.ui.builds.export import ExportDialog
from buildx_tui.ui.builds.render import details_view
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.confirm import ConfirmDialog
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


def our_runs(entry: Run) -> list[OurRun]:
    """What the link knows of a run of ours: a build, or each target of a bake run (each its
    own BuildKit record, linked by its build ref only)."""
    if isinstance(entry, BakeEntry):
        builder = entry.request.builder
        return [
            OurRun(entry.id, builder, "", "", entry.started_at, t.build_ref, t.reference)
            for t in entry.targets
            if t.build_ref
        ]
    return [our_run(entry)]


def our_run(entry: HistoryEntry) -> OurRun:
    return OurRun(
        key=entry.id,
        builder=entry.spec.builder,
        context=entry.spec.context,
        target=entry.spec.target,
        started_at=entry.started_at,
        build_ref=entry.outputs.build_ref,
        image=entry.outputs.reference,
    )


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
        Binding("R", "rerun", "Re-run", id="build_details.rerun"),
        Binding("r", "reload", "Reload", id="build_details.reload"),
        Binding("escape", "back", "Back", id="build_details.back"),
        Binding("f1,question_mark", "help", "Help", key_display="?", id="build_details.help"),
    ]

    @dataclass
    class Ran(Message):
        what: str  # inspect, ids, export, rm
        entry_id: int
        result: CommandResult

    @dataclass
    class Linked(Message):
        link: Link | None

    def __init__(self, builder: str, ref: str) -> None:
        super().__init__()
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
        yield Footer()

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
    def _run(self, what: str, argv: tuple[str, ...]) -> None:
        entry = self.command_log.start(self.backend.display(argv))
        self._worker(what, argv, entry)

    @work(thread=True, exit_on_error=False)
    def _worker(self, what: str, argv: tuple[str, ...], entry: int) -> None:
        result = self.backend.run(argv, timeout=TIMEOUT_S)
        self.post_message(self.Ran(what, entry, result))

    @on(Ran)
    def _ran(self, message: Ran) -> None:
        result = message.result
        state = EntryState.OK if result.ok else EntryState.FAILED
        tail = "" if result.ok else result.error_text()
        self.command_log.finish(message.entry_id, state, result.duration_s, tail=tail)
        handler = {
            "inspect": self._inspected,
            "ids": self._ids,
            "export": self._exported,
            "rm": self._removed,
            "attachment": self._attachment_read,
        }[message.what]
        handler(result)

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
            body.update(details_view(self.details, self.builder, (), self.ids, self.link))

    # -- actions ---------------------------------------------------------------------------------
    def action_reload(self) -> None:
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
        spec = AttachmentSpec(self.builder, self.ref, pick.kind, pick.platform)
        self._run("attachment", spec.argv())

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
        spec = AttachmentSpec(self.builder, self.ref, pick.kind, pick.platform)
        title = f"{pick.kind} · {pick.platform}" if pick.platform else pick.kind
        self.app.push_screen(
            AttachmentScreen(title, self.backend.display(spec.argv()), result.stdout)
        )

    def action_logs(self) -> None:
        if self._ready():
            self.post_message(OpenBuildLogs(self.builder, self.ref))

    def action_timeline(self) -> None:
        if self._ready():
            self.post_message(OpenBuildTimeline(self.builder, self.ref))

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
        self.app.push_screen(HelpScreen([("Build details", self.BINDINGS)]))
