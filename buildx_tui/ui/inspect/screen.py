"""The manifest inspector: what a pushed (multi-platform) image really contains.

`docker buildx imagetools inspect`, one level at a time: the index first, a platform's manifest and
config when it is expanded, an attestation manifest when it is expanded. Every fetch is one
command in a thread worker; each shows up in the command log, and the line under the tree shows
the command whose output the selected line comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Header, Input, Static, Tree

from buildx_tui.core.inspect.imagetools import (
    EXPECTED_PLATFORMS,
    Fetch,
    InspectJob,
    Level,
    index_argv,
    local_platform,
    platform_notes,
    reference_error,
)
from buildx_tui.core.inspect.manifest.compare import compare_indexes
from buildx_tui.core.inspect.manifest.model import ImageIndex, ImageManifest
from buildx_tui.core.reference import (
    InspectError,
    InspectErrorKind,
    InvalidReference,
    parse_reference,
)
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.inspect.compare import CompareSide, ManifestCompare
from buildx_tui.ui.inspect.help import InspectorHelp
from buildx_tui.ui.inspect.labels import note_of
from buildx_tui.ui.inspect.tree import ManifestTree
from buildx_tui.ui.services import AppScreen, PaletteCommand

MAIN = "main"
EXAMPLE = "e.g. 127.0.0.1:5000/demo:1"


class InspectorScreen(AppScreen[None]):
    CSS_PATH = "inspect.tcss"
    SUB_TITLE = "manifest inspector"
    BINDINGS = [
        Binding("e", "edit", "Reference", id="inspector.edit"),
        Binding("c", "compare", "Compare", id="inspector.compare"),
        Binding("r", "reload", "Reload", id="inspector.reload"),
        Binding("y", "copy_digest", "Copy digest", id="inspector.copy_digest"),
        Binding("Y", "copy_command", "Copy cmd", id="inspector.copy_command"),
        Binding("escape", "back", "Back", id="inspector.back"),
        Binding("f1,question_mark", "help", "Help", key_display="F1", id="inspector.help"),
    ]

    @dataclass
    class Fetched(Message):
        job: InspectJob
        side: str  # MAIN, or "A"/"B" of a comparison
        generation: int
        entry_id: int | None
        fetch: Fetch[Any]

    def __init__(self, reference: str | None = None, *, host_platform: str | None = None) -> None:
        super().__init__()
        self.initial = reference
        self.host_platform = host_platform or local_platform()
        self.reference: str | None = None
        self.preview = ""
        self._generation = 0  # of the main inspection: results of older ones are dropped
        self._compare_generation = 0
        self._compare: dict[str, CompareSide] | None = None

    # -- layout ----------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="inspect-bar"):
            yield Input(placeholder=f"image reference, {EXAMPLE}", id="reference")
            yield Input(placeholder="compare with, e.g. 127.0.0.1:5000/demo:2", id="compare-ref")
        yield Static("", id="inspect-message")
        yield ManifestTree(id="manifest-tree")
        yield ManifestCompare(id="manifest-compare")
        yield Static("", id="inspect-preview")
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#reference", Input).border_title = "Image"
        self.query_one("#compare-ref", Input).border_title = "Compare with (B)"
        self.query_one("#compare-ref", Input).display = False
        self.manifest_tree.show_note(f"Type an image reference above and press Enter ({EXAMPLE}).")
        self._set_preview(())
        if self.initial:
            self.inspect(self.initial)
        else:
            self.query_one("#reference", Input).focus()
            self._offer_last_pushed()

    @work(thread=True, group="last-pushed", exit_on_error=False)
    def _offer_last_pushed(self) -> None:
        """Opened with no reference: offer the image the app last pushed (its history)."""
        try:
            entries = self.services.history.load()
        except OSError:
            return
        pushed = next((e.outputs.reference for e in reversed(entries) if e.outputs.reference), "")
        if pushed:
            self.app.call_from_thread(self._offer, pushed)

    def _offer(self, reference: str) -> None:
        box = self.query_one("#reference", Input)
        if not box.value:  # the user has not started typing
            box.value = reference
            box.select_all()  # Enter inspects it; typing replaces it
            self.manifest_tree.show_note(f"Enter inspects the image last pushed: {reference}")

    @property
    def manifest_tree(self) -> ManifestTree:
        return self.query_one(ManifestTree)

    @property
    def compare_view(self) -> ManifestCompare:
        return self.query_one(ManifestCompare)

    @property
    def command_log(self) -> CommandLog:
        return self.query_one(CommandLog)

    # -- running inspects ------------------------------------------------------------------------
    def _start(self, job: InspectJob, side: str, generation: int) -> None:
        argv = job.argv()
        entry = self.command_log.start(self.backend.display(argv)) if argv else None
        self._fetch_worker(job, side, generation, entry)

    @work(thread=True, group="inspect", exit_on_error=False)
    def _fetch_worker(
        self, job: InspectJob, side: str, generation: int, entry_id: int | None
    ) -> None:
        try:
            fetch = job.run(self.backend)
        except Exception as error:  # a bug must not leave "loading…" forever
            message = f"internal error: {error!r}"
            fetch = Fetch(job.argv(), error=InspectError(InspectErrorKind.UNKNOWN, message, "", ""))
        self.post_message(self.Fetched(job, side, generation, entry_id, fetch))

    def on_inspector_screen_fetched(self, message: Fetched) -> None:
        fetch = message.fetch
        if message.entry_id is not None:
            result = fetch.result
            state = EntryState.OK if fetch.ok else EntryState.FAILED
            if result is not None and result.cancelled:
                state = EntryState.CANCELLED
            tail = ""
            if fetch.error is not None:
                tail = fetch.error.detail or fetch.error.message
            self.command_log.finish(
                message.entry_id,
                state,
                result.duration_s if result is not None else 0.0,
                tail=tail,
                note=note_of(fetch),
            )
        if message.side == MAIN:
            if message.generation == self._generation:
                self._main_fetched(message.job, fetch)
        elif self._compare is not None and message.generation == self._compare_generation:
            self._compare_fetched(message.side, message.job, fetch)

    # -- one image -------------------------------------------------------------------------------
    def inspect(self, text: str) -> None:
        """Inspect ``text`` (a reference); a malformed one is explained and nothing runs."""
        text = text.strip()
        box = self.query_one("#reference", Input)
        if box.value != text:
            box.value = text
        self._leave_compare()
        try:
            parse_reference(text)
        except InvalidReference as error:
            self._show_error(reference_error(error, text))
            box.focus()
            return
        self.reference = text
        self._generation += 1
        self._hide_message()
        self.manifest_tree.show_note(Text(f"⟳ inspecting {text}…", "dim italic"))
        job = InspectJob(Level.INDEX, text)
        self._set_preview(job.argv())
        self._start(job, MAIN, self._generation)

    def _main_fetched(self, job: InspectJob, fetch: Fetch[Any]) -> None:
        tree = self.manifest_tree
        if job.level is Level.INDEX:
            if fetch.error is not None or fetch.value is None:
                tree.show_note(Text("nothing to show: see the message above", "dim"))
                self._show_error(fetch.error)
                return
            tree.show_document(job.reference, fetch.value, fetch.argv)
            tree.focus()
            self._set_preview(fetch.argv)
            if isinstance(fetch.value, ImageIndex):
                self._show_platform_notes(fetch.value.platform_strings(), single=False)
            else:
                self._show_message(
                    "-info",
                    Text("single-platform image (a manifest, no index): loading its config…"),
                )
            return
        assert job.digest is not None
        if job.level is Level.MANIFEST:
            tree.set_manifest(job.digest, fetch)
        else:
            tree.set_config(job.digest, fetch)
            document = tree.document
            if isinstance(document, ImageManifest) and document.digest == job.digest:
                config = fetch.value
                platforms = [str(config.platform)] if config is not None else []
                self._show_platform_notes(platforms, single=True)
        if fetch.error is not None:
            self.notify(
                fetch.error.hint or fetch.error.message,
                title=fetch.error.message,
                severity="error",
                timeout=8,
            )
        self._update_preview()

    @on(ManifestTree.LoadRequested)
    def _load_requested(self, message: ManifestTree.LoadRequested) -> None:
        if self.reference is None:
            return
        for part in message.parts:
            level = Level.MANIFEST if part == "manifest" else Level.CONFIG
            self._start(InspectJob(level, self.reference, message.digest), MAIN, self._generation)

    # -- messages --------------------------------------------------------------------------------
    def _show_platform_notes(self, platforms: list[str], *, single: bool) -> None:
        if single and not platforms:
            line = "single-platform image (a manifest, no index); its config could not be read, "
            self._show_message("-warning", Text(line + "so its platform is unknown", "bold yellow"))
            return
        notes = platform_notes(platforms, self.host_platform)
        lines: list[Text] = []
        if single:
            lines.append(
                Text(
                    f"single-platform image (a manifest, no index): only {platforms[0]}.",
                    "bold yellow",
                )
            )
        for note in notes:
            if note.mine:
                lines.append(Text.assemble(("✖ your platform: ", "bold red"), note.message))
            else:
                lines.append(Text.assemble(("⚠ ", "yellow"), note.message))
        if not notes:
            others = [p for p in EXPECTED_PLATFORMS if p != self.host_platform]
            lines.append(
                Text(
                    f"✔ runs natively on your platform ({self.host_platform})"
                    + "".join(f" and on {p}" for p in others),
                    "green",
                )
            )
        if not single and platforms:
            lines.append(
                Text(
                    "Enter on a platform loads its manifest, config and layers · y copies a "
                    "digest · c compares with another reference",
                    "dim",
                )
            )
        mine_missing = any(note.mine for note in notes)
        level = "-error" if mine_missing else ("-warning" if notes or single else "-info")
        self._show_message(level, Group(*lines))

    def _show_error(self, error: InspectError | None) -> None:
        if error is None:
            error = InspectError(InspectErrorKind.UNKNOWN, "nothing came back", "", "")
        lines = [Text("✖ " + error.message, "bold")]
        if error.hint:
            lines.append(Text(error.hint, "italic"))
        if error.detail and error.detail != error.message:
            lines.append(Text("buildx said: " + error.detail, "dim"))
        self._show_message("-error", Group(*lines))

    def _show_message(self, level: str, content: Group | Text) -> None:
        panel = self.query_one("#inspect-message", Static)
        for name in ("-error", "-warning", "-info"):
            panel.set_class(name == level, name)
        panel.update(content)
        panel.add_class("-shown")

    def _hide_message(self) -> None:
        self.query_one("#inspect-message", Static).remove_class("-shown")

    # -- comparing two references ----------------------------------------------------------------
    def compare(self, left: str, right: str) -> None:
        """Compare two references platform by platform; malformed ones run nothing."""
        left, right = left.strip(), right.strip()
        self._enter_compare()
        self.query_one("#reference", Input).value = left
        self.query_one("#compare-ref", Input).value = right
        self._compare_generation += 1
        sides = {"A": CompareSide(left), "B": CompareSide(right)}
        bad = False
        for side in sides.values():
            try:
                parse_reference(side.reference)
            except InvalidReference as error:
                side.error = reference_error(error, side.reference)
                side.waiting = False
                bad = True
        self._compare = sides
        if bad:
            # Nothing runs; the well-formed side says so instead of "loading…" for ever.
            for side in sides.values():
                if side.waiting:
                    side.waiting, side.skipped = False, True
            self.compare_view.show(sides["A"].side(), sides["B"].side(), None)
            return
        self.compare_view.show_loading(left, right)
        for name, side in sides.items():
            job = InspectJob(Level.INDEX, side.reference)
            self._start(job, name, self._compare_generation)
        self._set_preview(index_argv(left))

    def _compare_fetched(self, name: str, job: InspectJob, fetch: Fetch[Any]) -> None:
        assert self._compare is not None
        side = self._compare[name]
        if job.level is Level.INDEX:
            if fetch.error is not None or fetch.value is None:
                side.error = fetch.error
                side.waiting = False
            elif isinstance(fetch.value, ImageManifest) and fetch.value.digest is not None:
                side.document = fetch.value
                config_job = InspectJob(Level.CONFIG, side.reference, fetch.value.digest)
                self._start(config_job, name, self._compare_generation)
            else:
                side.document = fetch.value
                side.waiting = False
        else:
            side.config = fetch.value
            side.waiting = False
        sides = self._compare
        if any(s.waiting for s in sides.values()):
            return
        a, b = sides["A"].side(), sides["B"].side()
        comparison = None
        if a.index is not None and b.index is not None:
            comparison = compare_indexes(a.index, b.index)
        self.compare_view.show(a, b, comparison)
        if comparison is not None:
            self.compare_view.table.focus()
        self._update_preview()

    def _enter_compare(self) -> None:
        self.add_class("-compare")
        self.query_one("#compare-ref", Input).display = True

    def _leave_compare(self) -> None:
        if not self.has_class("-compare"):
            return
        self.remove_class("-compare")
        self.query_one("#compare-ref", Input).display = False
        self._compare = None
        self._compare_generation += 1
        self._update_preview()

    # -- input -----------------------------------------------------------------------------------
    @on(Input.Submitted, "#reference")
    def _reference_submitted(self, event: Input.Submitted) -> None:
        if self.has_class("-compare"):
            self.compare(event.value, self.query_one("#compare-ref", Input).value)
        else:
            self.inspect(event.value)

    @on(Input.Submitted, "#compare-ref")
    def _compare_submitted(self, event: Input.Submitted) -> None:
        self.compare(self.query_one("#reference", Input).value, event.value)

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        text = event.value.strip()
        if not text:
            self._set_preview(())
            return
        try:
            parse_reference(text)
        except InvalidReference as error:
            self._set_preview((), problem=str(error))
            return
        self._set_preview(index_argv(text))

    # -- preview ---------------------------------------------------------------------------------
    @on(Tree.NodeHighlighted)
    @on(DataTable.CellHighlighted)
    def _update_preview(self) -> None:
        if self.has_class("-compare"):
            side = self.compare_view.selected_side()
            self._set_preview(index_argv(side.reference) if side is not None else ())
            return
        argv = self.manifest_tree.selected_argv()
        if not argv and self.reference is not None:
            argv = index_argv(self.reference)
        self._set_preview(argv)

    def _set_preview(self, argv: tuple[str, ...], problem: str = "") -> None:
        line = self.query_one("#inspect-preview", Static)
        if problem:
            self.preview = ""
            line.update(Text.assemble(("⚠ ", "yellow"), (problem, "yellow")))
            return
        if not argv:
            self.preview = ""
            line.update(Text("$ docker buildx imagetools inspect --raw REFERENCE", "dim"))
            return
        self.preview = self.backend.display(argv)
        line.update(Text.assemble(("$ ", "dim"), (self.preview, "bold")))

    # -- actions ---------------------------------------------------------------------------------
    def action_edit(self) -> None:
        self.query_one("#reference", Input).focus()

    def action_compare(self) -> None:
        box = self.query_one("#compare-ref", Input)
        if not self.has_class("-compare"):
            self._enter_compare()
            if not box.value and self.reference:
                box.value = self.reference
        box.focus()

    def action_reload(self) -> None:
        if self.has_class("-compare"):
            left = self.query_one("#reference", Input).value
            self.compare(left, self.query_one("#compare-ref", Input).value)
        elif self.reference is not None:
            self.inspect(self.reference)
        else:
            self.inspect(self.query_one("#reference", Input).value)

    def action_copy_digest(self) -> None:
        view = self.compare_view if self.has_class("-compare") else self.manifest_tree
        picked = view.selected_digest()
        if picked is None:
            self.notify("No digest here: select the index, a platform, a config or a layer.")
            return
        what, digest = picked
        self.app.copy_to_clipboard(digest)
        self.notify(f"Copied the {what} digest: {digest}", timeout=4)

    def action_copy_command(self) -> None:
        if not self.preview:
            self.notify("No command yet: enter an image reference first.")
            return
        self.app.copy_to_clipboard(self.preview)
        self.notify(f"Copied: {self.preview}", timeout=4)

    def action_back(self) -> None:
        if self.has_class("-compare"):
            self._leave_compare()
            self.manifest_tree.focus()
            return
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            ("Inspect an image", "docker buildx imagetools inspect --raw REF", self.action_edit),
            ("Compare with another reference", "platform by platform", self.action_compare),
            ("Reload", "run the inspect again", self.action_reload),
            ("Copy digest", "of the selected line", self.action_copy_digest),
            ("Copy command", "the imagetools command shown", self.action_copy_command),
            ("Help", "every key binding", self.action_help),
        ]

    def action_help(self) -> None:
        self.app.push_screen(InspectorHelp.for_inspector(self.BINDINGS, self.app.BINDINGS))
