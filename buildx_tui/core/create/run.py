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

Runs in a worker thread: it blocks on the backend and reports through ``emit``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from buildx_tui.core.builders import Builder
from buildx_tui.core.commands import LS_ARGV, BootstrapSpec, RemoveSpec, UseSpec
from buildx_tui.core.create.buildkitd.config import backup_path, write_atomic
from buildx_tui.core.create.diagnose import Explanation, Facts, explain, lost_ssh_words
from buildx_tui.core.create.draft import CreateDraft
from buildx_tui.core.create.names import find_builder, next_node_name
from buildx_tui.core.create.probe import ProbeResult, probe_endpoint, probe_ssh
from buildx_tui.core.create.spec import CreateSpec, LeaveSpec
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult


class Phase(StrEnum):
    CONFIG = "config"
    CREATE = "create"
    BOOTSTRAP = "bootstrap"
    USE = "use"
    ROLLBACK = "rollback"
    STATUS = "status"


class EventKind(StrEnum):
    START = "start"
    LINE = "line"
    OK = "ok"
    FAILED = "failed"


@dataclass(frozen=True)
class ConfigWrite:
    path: Path
    text: str
    previous: str | None  # None: the file does not exist yet

    @property
    def changed(self) -> bool:
        return self.previous != self.text


@dataclass(frozen=True)
class CreatePlan:
    spec: CreateSpec  # without --use / --bootstrap: those run as their own commands
    config: ConfigWrite | None = None
    bootstrap: bool = True
    use: bool = True
    facts: Facts = field(default_factory=Facts)
    tls: tuple[str, str, str, str] = ("", "", "", "")  # cacert, cert, key, servername

    @property
    def name(self) -> str:
        return self.spec.name or ""

    def commands(self) -> list[tuple[Phase, list[str]]]:
        out: list[tuple[Phase, list[str]]] = [(Phase.CREATE, self.spec.argv())]
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
        config = ConfigWrite(
            Path(spec.buildkitd_config),
            draft.config_new_text(),
            draft.config_text if draft.config_exists else None,
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
        tls=(draft.cacert.strip(), draft.cert.strip(), draft.key.strip(), draft.servername.strip()),
    )


# --- the config file, with an exact undo --------------------------------------------------


class StagedConfig:
    """Writes a ConfigWrite; ``undo()`` restores the file and its ``.bak`` byte for byte."""

    def __init__(self, write: ConfigWrite) -> None:
        self.write = write
        self.existed = False
        self._saved_bak: Path | None = None

    def apply(self) -> str:
        path = self.write.path
        bak = backup_path(path)
        self.existed = path.exists()
        if bak.exists():
            self._saved_bak = bak.with_name(f".{bak.name}.{secrets.token_hex(4)}.undo")
            shutil.copy2(bak, self._saved_bak)
        try:
            write_atomic(path, self.write.text, backup=True)
        except BaseException:
            self._drop_saved()
            raise
        if self.existed:
            return f"wrote {path} (previous version kept as {bak.name})"
        return f"wrote {path} (new file)"

    def undo(self) -> str:
        path = self.write.path
        bak = backup_path(path)
        if self.existed:
            os.replace(bak, path)  # the backup is the previous file, mode included
        else:
            path.unlink(missing_ok=True)
        if self._saved_bak is not None:
            os.replace(self._saved_bak, bak)
            self._saved_bak = None
        return f"restored {path}" if self.existed else f"removed {path}"

    def commit(self) -> None:
        self._drop_saved()

    def _drop_saved(self) -> None:
        if self._saved_bak is not None:
            with contextlib.suppress(OSError):
                self._saved_bak.unlink()
            self._saved_bak = None


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

    def cancel(self) -> None:
        self.cancelled = True
        self.backend.cancel(self.token)

    def run(self) -> RunOutcome:
        plan = self.plan
        staged: StagedConfig | None = None
        if plan.config is not None and plan.config.changed:
            staged = StagedConfig(plan.config)
            self.emit(RunEvent(Phase.CONFIG, EventKind.START, f"write {plan.config.path}"))
            try:
                note = staged.apply()
            except OSError as exc:
                self.emit(RunEvent(Phase.CONFIG, EventKind.FAILED, str(exc)))
                return RunOutcome(
                    False,
                    Phase.CONFIG,
                    Explanation(
                        "The buildkitd.toml could not be written",
                        f"{plan.config.path}: {exc.strerror or exc}",
                        "Choose a path you can write to (registry step), then try again.",
                    ),
                )
            self.emit(RunEvent(Phase.CONFIG, EventKind.OK, note))

        for phase, argv in plan.commands():
            if self.cancelled:
                return self._fail(phase, None, staged, created=phase is not Phase.CREATE)
            result = self._command(phase, argv)
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
            return self._fail(phase, result, staged, created=phase is not Phase.CREATE)

        if staged is not None:
            staged.commit()
        return RunOutcome(True, builder=self._status())

    def _command(self, phase: Phase, argv: list[str]) -> CommandResult:
        self.emit(RunEvent(phase, EventKind.START, self.backend.display(argv)))

        def on_line(line: str) -> None:
            self.emit(RunEvent(phase, EventKind.LINE, line))

        token = self.token if phase is not Phase.ROLLBACK else None
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
                undone.append(f"could not restore {staged.write.path}: {exc}")
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
            False, phase, explanation, tuple(undone), builder=None, cancelled=cancelled
        )

    def _status(self) -> Builder | None:
        self.emit(RunEvent(Phase.STATUS, EventKind.START, self.backend.display(LS_ARGV)))
        refresh = self.backend.list_builders()
        builder = find_builder(refresh.ls.builders, self.plan.name) if refresh.ls else None
        self.emit(RunEvent(Phase.STATUS, EventKind.OK, "", refresh.duration_s))
        return builder
