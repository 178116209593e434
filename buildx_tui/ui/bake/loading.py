"""Reading a bake workspace (in the screen's thread worker): the builder's platforms from
`buildx ls`, then `bake --print`, `--list=type=targets|variables,format=json` and `--print` of
every listed name; each command's log entry started through ``started`` (on the UI thread).
Its answer is the :class:`Loaded` message; the screen parses and draws it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from textual.message import Message

from buildx_tui.core.bake.definition import DefinitionError, names_to_print, parse_list_targets
from buildx_tui.core.bake.spec import BakeSpec
from buildx_tui.core.builders import Builder
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.common.command_log import CommandLog, EntryState

#: The files bake reads from the directory it runs in, in its order (buildx bake/bake.go).
BAKE_FILES = (
    "compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml",
    "docker-bake.json", "docker-bake.hcl", "docker-bake.override.json",
    "docker-bake.override.hcl",
)  # fmt: skip
LOAD_TIMEOUT_S = 60.0


def found_files(folder: Path) -> tuple[str, ...]:
    """The bake files in ``folder``, as bake would pick them there."""
    return tuple(str(folder / f) for f in BAKE_FILES if (folder / f).is_file())


def workspace_files(path: str | None) -> tuple[Path, tuple[str, ...]]:
    """The workspace's folder and the files to name with ``--file``: ``path`` a bake file (that
    file), another directory than the current one (the bake files in it: bake reads those of the
    directory it runs in, the app's), or None / the current directory (none: bake picks)."""
    where = Path(path).expanduser() if path else Path(os.getcwd())
    if not where.is_dir():
        return where.parent, (str(where),)
    if where.resolve() != Path.cwd().resolve():
        return where, found_files(where)
    return where, ()


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
        entries.append(started(backend.display(argv)))
        return backend.run(argv, timeout=LOAD_TIMEOUT_S)

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
