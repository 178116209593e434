"""`docker buildx create` as typed specs -> argv: a new builder or ``--append``
(:class:`CreateSpec`) and ``--leave`` (:class:`LeaveSpec`), and the ``--driver-opt`` CSV buildx
reads.

The checks the wizard runs before anything is executed are in :mod:`.names` (builder and node
names), :mod:`.endpoint` (the positional endpoint, Docker contexts) and :mod:`.checks` (driver,
platforms, driver options, BuildKit flags, buildkitd.toml, ``--timeout``). The rules are buildx
v0.36's (commands/create.go, builder/builder.go, store/, driver/*); ``--config`` is a hidden
alias of ``--buildkitd-config`` (we always write the latter).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass


@dataclass(frozen=True)
class CreateSpec:
    """``docker buildx create`` with the flags users write (see the seeds' commands)."""

    name: str | None = None
    driver: str | None = None
    endpoint: str | None = None  # the positional [CONTEXT|ENDPOINT]
    node: str | None = None
    platforms: tuple[str, ...] = ()
    driver_opts: tuple[str, ...] = ()  # each as buildx receives one --driver-opt (CSV)
    buildkitd_flags: str | None = None
    buildkitd_config: str | None = None
    timeout: str | None = None  # Go duration: how long buildx waits for the nodes' status
    append: bool = False
    use: bool = False
    bootstrap: bool = False

    def argv(self) -> list[str]:
        argv = ["buildx", "create"]
        if self.append:
            argv.append("--append")
        if self.use:
            argv.append("--use")
        if self.name:
            argv += ["--name", self.name]
        if self.node:
            argv += ["--node", self.node]
        if self.driver:
            argv += ["--driver", self.driver]
        if self.platforms:
            argv += ["--platform", ",".join(self.platforms)]
        for opt in self.driver_opts:
            argv += ["--driver-opt", opt]
        if self.buildkitd_flags:
            argv += ["--buildkitd-flags", self.buildkitd_flags]
        if self.buildkitd_config:
            argv += ["--buildkitd-config", self.buildkitd_config]
        if self.timeout:
            argv += ["--timeout", self.timeout]
        if self.bootstrap:
            argv.append("--bootstrap")
        if self.endpoint:
            argv.append(self.endpoint)
        return argv


@dataclass(frozen=True)
class LeaveSpec:
    """``docker buildx create --leave``: remove one node from a builder (not its last one)."""

    name: str
    node: str

    def argv(self) -> list[str]:
        return ["buildx", "create", "--leave", "--name", self.name, "--node", self.node]


def driver_opt(key: str, value: str) -> str:
    """One ``--driver-opt`` argument. buildx reads it as CSV, so a value holding a comma or a
    quote is quoted (``"nodeselector=a=b,c=d"``), as buildx's docs tell users to do."""
    item = f"{key}={value}"
    if any(c in item for c in ',"\n\r'):
        return '"' + item.replace('"', '""') + '"'
    return item


def split_driver_opt(raw: str) -> list[tuple[str, str]] | str:
    """The key/value pairs buildx reads from one ``--driver-opt`` (CSV, then ``k=v``), or an
    error message as buildx would give it."""
    try:
        rows = list(csv.reader([raw], strict=True))
    except csv.Error as exc:
        return f"{raw!r}: {exc}"
    fields = rows[0] if rows else []
    pairs: list[tuple[str, str]] = []
    for item in fields:
        key, sep, value = item.partition("=")
        if not sep:
            return f"invalid value {item!r}, expecting key=value"
        pairs.append((key, value))
    return pairs
