"""About: the versions of the docker CLI, the Docker engine, buildx and each node's BuildKit.

Opened from the command palette on every screen ("About: versions") and with `v` in the help
(`?`); both post :class:`~buildx_tui.ui.navigation.OpenAbout`, the app pushes this dialog. It
runs its own commands in a thread worker, each shown as it runs in a command log (the exact
command line): `docker version --format '{{json .}}'`, `docker buildx version`, then `docker
buildx ls --format json` (each node's BuildKit; screens do not reach into each other, and `ls`
is cheap). What is not known says so in words, with the reason (an unreachable engine still
shows the CLI's version). Esc closes; a command still running is cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, Static
from textual.worker import get_current_worker

from buildx_tui import __version__
from buildx_tui.core.commands import LS_ARGV
from buildx_tui.core.docker.versions import (
    BUILDX_VERSION_ARGV,
    DOCKER_VERSION_ARGV,
    VERSION_TIMEOUT_S,
    DockerVersions,
    NodeVersion,
    Version,
    buildkit_versions,
    parse_buildx_version,
    parse_docker_version,
)
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.format import STATUS_ICON, STATUS_STYLE
from buildx_tui.ui.services import AppModalScreen

#: Details shown as their value alone (the others as "name value").
_BARE = {"OS/arch", "package"}


class AboutScreen(AppModalScreen[None]):
    DEFAULT_CSS = """
    AboutScreen {
        align: center middle;
        #about {
            width: 110; max-width: 95%; height: 90%;
            border: thick $primary; background: $surface; padding: 0 1;
        }
        #about-body { height: 1fr; }
        #about-tools, #about-nodes { height: auto; margin-bottom: 1; }
        #about-footer { color: $text-muted; }
    }
    """
    BINDINGS = [Binding("escape,q", "close", "Close", id="about.close")]

    @dataclass
    class Started(Message):
        name: str  # "docker", "buildx" or "ls"
        command: str

    @dataclass
    class Finished(Message):
        name: str
        ok: bool
        duration_s: float
        note: str = ""  # after a failed command in the log (its words are shown above)
        docker: DockerVersions | None = None
        buildx: Version | None = None
        nodes: tuple[NodeVersion, ...] | None = None  # None: `ls` gave no builders
        problem: str = ""  # why `ls` gave no builders

    def __init__(self) -> None:
        super().__init__()
        self.docker: DockerVersions | None = None
        self.buildx: Version | None = None
        self.nodes: tuple[NodeVersion, ...] | None = None
        self.nodes_problem = ""
        self.running: dict[str, str] = {}  # name -> command shown while it runs
        self.finished: set[str] = set()
        self._entries: dict[str, int] = {}
        self._token = object()

    def compose(self) -> ComposeResult:
        with Vertical(id="about"):
            with VerticalScroll(id="about-body"):
                yield Static(id="about-tools")
                yield Static(id="about-nodes")
            yield CommandLog(id="command-log")
            yield Label("Esc closes.", id="about-footer")

    def on_mount(self) -> None:
        self.query_one("#about").border_title = f"About buildx-tui {__version__}: versions"
        self.query_one(CommandLog).border_title = "Commands run for this"
        self._show()
        self._run()

    # -- the commands (a thread worker; results come back as messages) ---------------------------
    @work(thread=True, exclusive=True, group="about", exit_on_error=False)
    def _run(self) -> None:
        worker = get_current_worker()
        backend = self.backend
        steps: Sequence[tuple[str, tuple[str, ...]]] = (
            ("docker", DOCKER_VERSION_ARGV),
            ("buildx", BUILDX_VERSION_ARGV),
        )
        for name, argv in steps:
            if worker.is_cancelled:
                return
            self.post_message(self.Started(name, backend.display(argv)))
            result = backend.run(argv, timeout=VERSION_TIMEOUT_S, token=self._token)
            rc, out, err = result.returncode, result.stdout, result.stderr
            note = "" if result.ok else f"exit status {rc}"
            if result.cancelled:
                return
            if name == "docker":
                docker = parse_docker_version(rc, out, err)
                self.post_message(
                    self.Finished(name, result.ok, result.duration_s, note, docker=docker)
                )
            else:
                buildx = parse_buildx_version(rc, out, err)
                self.post_message(
                    self.Finished(name, result.ok, result.duration_s, note, buildx=buildx)
                )
        if worker.is_cancelled:
            return
        self.post_message(self.Started("ls", backend.display(LS_ARGV)))
        refresh = backend.list_builders()
        problem = refresh.problem
        failed = problem is not None and problem.fatal
        nodes = buildkit_versions(refresh.ls) if refresh.ls is not None else None
        note, why = "", ""
        if failed and problem is not None:
            note, why = problem.title, f"{problem.title}: {problem.detail}"
        self.post_message(
            self.Finished("ls", not failed, refresh.duration_s, note, nodes=nodes, problem=why)
        )

    def on_about_screen_started(self, message: Started) -> None:
        self.running[message.name] = message.command
        self._entries[message.name] = self.query_one(CommandLog).start(message.command)
        self._show()

    def on_about_screen_finished(self, message: Finished) -> None:
        self.running.pop(message.name, None)
        self.finished.add(message.name)
        entry = self._entries.get(message.name)
        if entry is not None:
            state = EntryState.OK if message.ok else EntryState.FAILED
            self.query_one(CommandLog).finish(entry, state, message.duration_s, note=message.note)
        if message.docker is not None:
            self.docker = message.docker
        if message.buildx is not None:
            self.buildx = message.buildx
        if message.name == "ls":
            self.nodes = message.nodes
            self.nodes_problem = message.problem
        self._show()

    # -- drawing ---------------------------------------------------------------------------------
    def _show(self) -> None:
        self.query_one("#about-tools", Static).update(self._tools_view())
        self.query_one("#about-nodes", Static).update(self._nodes_view())

    def _pending(self, name: str) -> tuple[Text, Text]:
        """What a row shows before its command ended: the command while it runs."""
        command = self.running.get(name)
        if command is not None:
            return Text("⟳ asking", "cyan"), Text("$ " + command, "cyan")
        return Text("… waiting", "dim"), Text("")

    def _tools_view(self) -> Table:
        docker = self.docker
        rows: list[tuple[str, str, Version | None]] = [
            ("docker CLI", "docker", docker.cli if docker else None),
            ("Docker engine", "docker", docker.engine if docker else None),
            ("buildx", "buildx", self.buildx),
        ]
        cells: list[tuple[str, Text, Text]] = []
        for label, step, version in rows:
            if version is None:
                cells.append((label, *self._pending(step)))
            elif version.known:
                cells.append((label, Text(version.version, "bold green"), _details(version)))
            else:
                cells.append((label, Text("? unknown", "bold yellow"), Text(version.unknown)))
        table = Table(box=None, padding=(0, 1), show_header=False, expand=False)
        # Fixed widths: Rich would squeeze a no-wrap column under a long reason beside it.
        table.add_column(style="bold", no_wrap=True, width=max(len(c[0]) for c in cells))
        table.add_column(no_wrap=True, width=max(c[1].cell_len for c in cells))
        table.add_column(overflow="fold")  # a commit is never cut short
        for cell in cells:
            table.add_row(*cell)
        return table

    def _nodes_view(self) -> RenderableType:
        title = Text("BuildKit on each node (from docker buildx ls)", "bold underline")
        if "ls" not in self.finished:
            return Group(title, Text(" ").join(self._pending("ls")))
        if self.nodes is None:
            why = self.nodes_problem or "`docker buildx ls` listed no builders"
            return Group(title, Text("? unknown: " + why, "yellow"))
        if not self.nodes:
            return Group(title, Text("no builders", "dim"))
        table = Table(box=None, padding=(0, 1), show_header=True, header_style="bold")
        for column in ("BUILDER", "NODE", "STATUS", "BUILDKIT"):
            table.add_column(column, no_wrap=column != "BUILDKIT")
        for n in self.nodes:
            status = Text(f"{STATUS_ICON[n.status]} {n.status}", STATUS_STYLE[n.status])
            if n.buildkit.known:
                buildkit = Text(n.buildkit.version)
            else:
                buildkit = Text("? unknown: " + n.buildkit.unknown, "yellow")
            table.add_row(n.builder, n.node or "-", status, buildkit)
        return Group(title, table)

    def action_close(self) -> None:
        if self.running:
            self.backend.cancel(self._token)
        self.workers.cancel_group(self, "about")
        self.dismiss(None)


def _details(version: Version) -> Text:
    parts = [value if key in _BARE else f"{key} {value}" for key, value in version.details]
    return Text(" · ".join(parts), "dim")
