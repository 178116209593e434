"""Reading a bake workspace (in the screen's thread worker): the builder's platforms from
`buildx ls`, then `bake --print`, `--list=type=targets|variables,format=json` and `--print` of
every listed name; each command's log entry started through ``started`` (on the UI thread).
Its answer is the :class:`Loaded` message; the screen parses and draws it. Every command runs
in the workspace's folder (``cwd``): bake reads the files and contexts from there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual.message import Message

from buildx_tui.core.bake.definition import DefinitionError, names_to_print, parse_list_targets
from buildx_tui.core.bake.spec import BakeSpec
from buildx_tui.core.builders import Builder
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.common.command_log import CommandLog, EntryState

LOAD_TIMEOUT_S = 60.0


@dataclass
class Loaded(Message):
    printed: CommandResult  # `--print`: the default group, and bake's errors in the files
    targets: CommandResult | None
    variables: CommandResult | None
    every: CommandResult | None  # `--print <every listed name>`: each target resolved
    entries: tuple[int, ...]
    builder: Builder | None
    overrides: tuple[object, ...]  # the variables and --set it was printed with


def load_workspace(
    backend: Backend, spec: BakeSpec, builder_name: str | None, started: Callable[[str], int]
) -> Loaded:
    """Run the commands (blocking: call it from a thread worker)."""
    entries: list[int] = []

    def step(argv: list[str]) -> CommandResult:
        entries.append(started(backend.display(argv, spec.cwd)))
        return backend.run(argv, timeout=LOAD_TIMEOUT_S, cwd=spec.cwd)

    ls = backend.list_builders().ls
    builder = None
    if ls is not None:
        builder = ls.get(builder_name) if builder_name else ls.current
    printed = step(spec.print_argv())
    targets = variables = every = None
    if printed.ok:
        targets = step(spec.list_argv("targets"))
        variables = step(spec.list_argv("variables"))
        try:
            names = names_to_print(parse_list_targets(targets.stdout)) if targets.ok else ()
        except DefinitionError:
            names = ()
        if names:
            every = step(replace(spec, targets=names).print_argv())
    overrides = (spec.variables, spec.sets)
    return Loaded(printed, targets, variables, every, tuple(entries), builder, overrides)


def finish_entry(log: CommandLog, entry: int, result: CommandResult | None) -> None:
    """Close a loading command's log entry (``None``: it was not run)."""
    if result is None:
        log.finish(entry, EntryState.CANCELLED, 0.0, note="not run")
        return
    state = EntryState.OK if result.ok else EntryState.FAILED
    log.finish(entry, state, result.duration_s, tail="" if result.ok else result.error_text())
