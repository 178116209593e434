"""Carry out a create plan: write the buildkitd.toml, `buildx create`, bootstrap, `use`; undo
what was done when a step fails, so a failed attempt leaves things as they were.

Order and undo:

1. the config file is written only now, atomically, the previous version kept as ``.bak``;
2. `buildx create` (``--append`` for a new node) — on failure the config file (and its ``.bak``)
   are put back exactly as they were;
3. `buildx inspect --bootstrap NAME` when chosen — on failure the new builder is removed
   (`buildx rm NAME`) or the appended node leaves (`create --leave`), then the config is put back;
4. `buildx use NAME` when chosen — a failure here leaves the working builder in place;
5. one `buildx ls` to report the builder's status and platforms.

Recreating an existing builder with changes (``CreatePlan.replaces``, see :mod:`.recreate`)
runs `buildx rm [--keep-state] NAME` after the config is written and before `create`; when a
later step fails, the half-made new builder is removed, the config put back, and the original
builder created again as it was (its buildkitd.toml written for that `create` only, bootstrapped
if it was running), so a failed recreate leaves the builder as it was — except for the build
cache of a builder removed without ``--keep-state``.

Runs in a worker thread: it blocks on the backend and reports through ``emit``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from buildx_tui.core.builders import Builder
from buildx_tui.core.commands import LS_ARGV, BootstrapSpec, RemoveSpec, UseSpec
from buildx_tui.core.create.buildkitd.config import (
    ConfigFile,
    backup_path,
    remove_empty_dirs,
    resolve_config_path,
    restore_file,
    write_config,
)
from buildx_tui.core.create.diagnose import Explanation, Facts, explain, lost_ssh_words
from buildx_tui.core.create.draft import CreateDraft
from buildx_tui.core.create.names import find_builder, next_node_name
from buildx_tui.core.create.spec import CreateSpec, LeaveSpec
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.paths import reason
from buildx_tui.core.probe import ProbeResult, probe_endpoint, probe_ssh


class Phase(StrEnum):
    CONFIG = "config"
    CREATE = "create"
    BOOTSTRAP = "bootstrap"
    USE = "use"
    REMOVE = "remove"  # recreating: the builder as it is, removed before `create`
    ROLLBACK = "rollback"
    RESTORE = "restore"  # recreating: the original builder created again after a failure
    STATUS = "status"


class EventKind(StrEnum):
    START = "start"
    LINE = "line"
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True)
class ConfigWrite:
    path: Path  # as the user gave it (and as --buildkitd-config names it)
    text: str
    previous: str | None  # None: the file does not exist yet
    #: Where ``path`` leads (symlinks followed) and which folders writing it creates, as the
    #: plan found them; for the screen to show before anything is written (``file.describe()``,
    #: ``file.creates()``). The run resolves the path again when it writes.
    file: ConfigFile | None = None

    @property
    def changed(self) -> bool:
        return self.previous != self.text

    @property
    def target(self) -> Path:
        """The file really written: ``path`` with its symlinks followed."""
        return self.file.target if self.file is not None else self.path

    @property
    def new_dirs(self) -> tuple[Path, ...]:
        """Folders that writing the file will create (mode 0700), outermost first."""
        return self.file.new_dirs if self.file is not None else ()


@dataclass(frozen=True)
class Replacement:
    """Recreating a builder: how it is removed first, and how it is created again as it was
    when the new one cannot be made."""

    remove: RemoveSpec
    original: CreateSpec
    #: The buildkitd.toml its node runs with, written at ``original.buildkitd_config`` only for
    #: the `create` that restores it (the file is then put back as it was).
    original_config: ConfigWrite | None = None
    bootstrap: bool = True  # it was running: bootstrap it again once restored


@dataclass(frozen=True)
class CreatePlan:
    spec: CreateSpec  # without --use / --bootstrap: those run as their own commands
    config: ConfigWrite | None = None
    bootstrap: bool = True
    use: bool = True
    facts: Facts = field(default_factory=Facts)
    tls: tuple[str, str, str, str] = ("", "", "", "")  # cacert, cert, key, servername
    replaces: Replacement | None = None

    @property
    def name(self) -> str:
        return self.spec.name or ""

    def commands(self) -> list[tuple[Phase, list[str]]]:
        out: list[tuple[Phase, list[str]]] = []
        if self.replaces is not None:
            out.append((Phase.REMOVE, self.replaces.remove.argv()))
        out.append((Phase.CREATE, self.spec.argv()))
        if self.bootstrap:
            bootstrap = BootstrapSpec(self.name).argv()
            if self.spec.timeout:  # inspect loads the nodes' status too: the same limit
                bootstrap[-1:-1] = ["--timeout", self.spec.timeout]
            out.append((Phase.BOOTSTRAP, bootstrap))
        if self.use:
            out.append((Phase.USE, UseSpec(self.name).argv()))
        return out

    def undo_argv(self) -> list[str]:
        """What removes what `create` made: the appended node, or the whole new builder."""
        if self.spec.append:
            if not self.spec.node:
                raise ValueError("an appended node must be named to be undone")
            return LeaveSpec(self.name, self.spec.node).argv()
        return RemoveSpec(self.name).argv()


def build_plan(draft: CreateDraft, append_to: Builder | None = None) -> CreatePlan:
    """The plan for a checked draft (see create_draft.check_step). Raises ConfigError when the
    existing config file cannot be edited safely. An appended node is always named (as buildx
    would name it) so that a failed bootstrap can make exactly that node leave again."""
    spec = draft.spec()
    if spec.append and not spec.node and append_to is not None:
        spec = replace(spec, node=next_node_name(append_to))
    config = None
    if spec.buildkitd_config:
        path = Path(spec.buildkitd_config)
        config = ConfigWrite(
            path,
            draft.config_new_text(),
            draft.config_text if draft.config_exists else None,
            resolve_config_path(path),
        )
    return CreatePlan(
        spec,
        config,
        bootstrap=draft.bootstrap,
        use=draft.use,
        facts=Facts(
            builder=spec.name or "",
            driver=draft.driver,
            image=draft.image.strip(),
            config_path=spec.buildkitd_config or "",
            endpoint=spec.endpoint or "",
        ),
        tls=draft.tls_files(),
    )


# --- the config file, with an exact undo --------------------------------------------------


class StagedConfig:
    """Writes a ConfigWrite; ``undo()`` restores the file and its ``.bak`` byte for byte, and
    removes the folders the write created. Through a symlink, the file it leads to is what is
    written, backed up and restored (resolved once, in ``apply``); the link is never touched."""

    def __init__(self, write: ConfigWrite) -> None:
        self.write = write
        self.existed = False
        self.file: ConfigFile | None = None  # where the path led when it was written
        self.created_dirs: tuple[Path, ...] = ()  # folders the write made, outermost first
        self._saved_bak: tuple[bytes, int] | None = None  # the .bak the write replaced

    def apply(self) -> str:
        """Write the file; says what was done (the real file behind a link, the folders made)."""
        self.file = resolve_config_path(self.write.path)
        target = self.file.target
        bak = backup_path(target)
        self.existed = self.file.exists
        self._saved_bak = _read_with_mode(bak)  # kept in memory: nothing left behind on disk
        result = write_config(target, self.write.text, backup=True)
        self.created_dirs = result.created_dirs
        note = f"previous version kept as {bak.name}" if self.existed else "new file"
        if self.file.dangling:
            note += ", where the link pointed"
        if self.created_dirs:
            word = "folder" if len(self.created_dirs) == 1 else "folders"
            note += f"; created the {word} " + ", ".join(str(d) for d in self.created_dirs)
        return f"wrote {self._where()} ({note})"

    def undo(self) -> str:
        if self.file is None:
            return ""
        target = self.file.target
        bak = backup_path(target)
        if self.existed:
            os.replace(bak, target)  # the backup is the previous file, mode included
        else:
            target.unlink(missing_ok=True)
        if self._saved_bak is not None:
            restore_file(bak, *self._saved_bak)
            self._saved_bak = None
        removed = remove_empty_dirs(self.created_dirs)
        self.created_dirs = ()
        what = f"restored {self._where()}" if self.existed else f"removed {self._where()}"
        if removed:
            what += " and the " + ("folder" if len(removed) == 1 else "folders") + " made for it"
        return what

    def commit(self) -> None:
        self._saved_bak = None
        self.created_dirs = ()

    def _where(self) -> str:
        if self.file is not None and self.file.link:
            return f"{self.file.target} (through the link {self.write.path})"
        return str(self.write.path)


def _text_or_none(path: Path) -> str | None:
    """The text at ``path`` (symlinks followed); None when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def _read_with_mode(path: Path) -> tuple[bytes, int] | None:
    """The bytes and mode of ``path``; None when it does not exist (other errors raise)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(), stat.S_IMODE(os.fstat(fh.fileno()).st_mode)
    except FileNotFoundError:
        return None


# --- running ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunEvent:
    phase: Phase
    kind: EventKind
    text: str = ""  # START: the command line (or what is done); LINE: one output line
    duration_s: float = 0.0


@dataclass(frozen=True)
class RunOutcome:
    ok: bool
    failed: Phase | None = None
    explanation: Explanation | None = None
    rolled_back: tuple[str, ...] = ()  # what was undone, for the user
    restored: bool = False  # recreating: the original builder was created again
    builder: Builder | None = None  # the builder as `ls` shows it afterwards
    cancelled: bool = False
    warning: str = ""  # e.g. `use` failed after a good create


Emit = Callable[[RunEvent], None]
Probe = Callable[[CreatePlan], ProbeResult | None]


def default_probe(plan: CreatePlan) -> ProbeResult | None:
    if not plan.spec.endpoint:
        return None
    if plan.spec.endpoint.startswith("ssh://"):
        return probe_ssh(plan.spec.endpoint)
    if plan.facts.driver != "remote":
        return None
    cacert, cert, key, servername = plan.tls
    return probe_endpoint(
        plan.spec.endpoint, cacert=cacert, cert=cert, key=key, servername=servername
    )


class Runner:
    """One run of a plan. ``cancel()`` (from any thread) stops the running command; what was
    done is then undone as for a failure."""

    def __init__(
        self, plan: CreatePlan, backend: Backend, emit: Emit, probe: Probe = default_probe
    ) -> None:
        self.plan = plan
        self.backend = backend
        self.emit = emit
        self.probe = probe
        self.token = object()
        self.cancelled = False
        self.removed = False  # recreating: the builder as it was is gone

    def cancel(self) -> None:
        self.cancelled = True
        self.backend.cancel(self.token)

    def run(self) -> RunOutcome:
        plan = self.plan
        staged: StagedConfig | None = None
        if plan.config is not None and plan.config.changed:
            staged = StagedConfig(plan.config)
            where = plan.config.file.describe() if plan.config.file else str(plan.config.path)
            self.emit(RunEvent(Phase.CONFIG, EventKind.START, f"write {where}"))
            try:
                note = staged.apply()
            except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path
                self.emit(RunEvent(Phase.CONFIG, EventKind.FAILED, reason(exc)))
                return RunOutcome(
                    False,
                    Phase.CONFIG,
                    Explanation(
                        "The buildkitd.toml could not be written",
                        f"{where}: {reason(exc)}",
                        "Choose a path you can write to (registry step), then try again.",
                    ),
                )
            self.emit(RunEvent(Phase.CONFIG, EventKind.OK, note))

        for phase, argv in plan.commands():
            created = phase in (Phase.BOOTSTRAP, Phase.USE)
            if self.cancelled:
                return self._fail(phase, None, staged, created=created)
            result = self._command(phase, argv)
            if phase is Phase.REMOVE:
                # buildx drops the builder from its store even when removing a node fails
                self.removed = result.ok or not self._exists()
            if result.ok:
                continue
            if phase is Phase.USE:
                if staged is not None:
                    staged.commit()
                explanation = explain(result.error_text(), plan.facts)
                return RunOutcome(
                    True,
                    failed=Phase.USE,
                    explanation=explanation,
                    builder=self._status(),
                    warning=f"the builder works but is not the current one: {explanation.title}",
                )
            return self._fail(phase, result, staged, created=created)

        if staged is not None:
            staged.commit()
        return RunOutcome(True, builder=self._status())

    def _command(self, phase: Phase, argv: list[str]) -> CommandResult:
        self.emit(RunEvent(phase, EventKind.START, self.backend.display(argv)))

        def on_line(line: str) -> None:
            self.emit(RunEvent(phase, EventKind.LINE, line))

        # The undo and the restore are never cancelled (a second Stop must not stop them).
        token = self.token if phase not in (Phase.ROLLBACK, Phase.RESTORE) else None
        result = self.backend.run(argv, on_line=on_line, token=token)
        kind = EventKind.OK if result.ok else EventKind.FAILED
        self.emit(
            RunEvent(phase, kind, "" if result.ok else result.error_text(), result.duration_s)
        )
        return result

    def _fail(
        self,
        phase: Phase,
        result: CommandResult | None,
        staged: StagedConfig | None,
        *,
        created: bool,
    ) -> RunOutcome:
        cancelled = self.cancelled or (result is not None and result.cancelled)
        undone: list[str] = []
        if created:
            undo = self._command(Phase.ROLLBACK, self.plan.undo_argv())
            if undo.ok:
                what = "node" if self.plan.spec.append else "builder"
                undone.append(f"removed the new {what} again")
            else:
                undone.append("could not remove the new builder: " + undo.error_text())
        if staged is not None:
            try:
                undone.append(staged.undo())
            except OSError as exc:
                undone.append(f"could not restore {staged.write.target}: {reason(exc)}")
        restored = False
        if self.plan.replaces is not None and self.removed:
            restored, notes = self._restore(self.plan.replaces)
            undone += notes
        if cancelled:
            explanation = Explanation("Cancelled", "", "Nothing was kept; change what you need.")
        else:
            assert result is not None
            probe = None
            deadline = phase is Phase.BOOTSTRAP and "context deadline exceeded" in result.stderr
            if deadline or lost_ssh_words(result.stderr, self.plan.spec.endpoint):
                probe = self.probe(self.plan)
            explanation = explain(result.error_text(), self.plan.facts, probe=probe)
        return RunOutcome(
            False,
            phase,
            explanation,
            tuple(undone),
            builder=None,
            cancelled=cancelled,
            restored=restored,
        )

    def _restore(self, rep: Replacement) -> tuple[bool, list[str]]:
        """Create the original builder again (recreating failed after `rm`): its buildkitd.toml
        written for that `create` only, bootstrapped if it was running."""
        by_hand = self.backend.display(rep.original.argv())
        staged: StagedConfig | None = None
        cfg = rep.original_config
        if cfg is not None and _text_or_none(cfg.path) != cfg.text:
            staged = StagedConfig(cfg)
            self.emit(RunEvent(Phase.CONFIG, EventKind.START, f"write {cfg.path}"))
            try:
                self.emit(RunEvent(Phase.CONFIG, EventKind.OK, staged.apply()))
            except (OSError, ValueError) as exc:
                self.emit(RunEvent(Phase.CONFIG, EventKind.FAILED, reason(exc)))
                return False, [
                    f"could not write {cfg.path} ({reason(exc)}), so {self.plan.name} was not "
                    f"created again; by hand: {by_hand}"
                ]
        result = self._command(Phase.RESTORE, rep.original.argv())
        if result.ok and rep.bootstrap:
            self._command(Phase.RESTORE, BootstrapSpec(self.plan.name).argv())
        notes: list[str] = []
        if result.ok:
            notes.append(f"created {self.plan.name} again as it was")
        else:
            notes.append(
                f"could not create {self.plan.name} again ({result.error_text()}); by hand: "
                f"{by_hand}"
            )
        if staged is not None:
            try:
                staged.undo()
            except OSError as exc:
                notes.append(f"could not restore {staged.write.target}: {reason(exc)}")
        return result.ok, notes

    def _exists(self) -> bool:
        """Whether the builder being recreated is still listed (after a failed `rm`)."""
        self.emit(RunEvent(Phase.STATUS, EventKind.START, self.backend.display(LS_ARGV)))
        refresh = self.backend.list_builders()
        self.emit(RunEvent(Phase.STATUS, EventKind.OK, "", refresh.duration_s))
        if refresh.ls is None:
            return True  # unknown: never create it a second time
        return find_builder(refresh.ls.builders, self.plan.name) is not None

    def _status(self) -> Builder | None:
        self.emit(RunEvent(Phase.STATUS, EventKind.START, self.backend.display(LS_ARGV)))
        refresh = self.backend.list_builders()
        builder = find_builder(refresh.ls.builders, self.plan.name) if refresh.ls else None
        self.emit(RunEvent(Phase.STATUS, EventKind.OK, "", refresh.duration_s))
        return builder
