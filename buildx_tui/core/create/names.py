"""Builder and node names for `docker buildx create`, checked as buildx checks them.

A builder name starts with a letter and holds letters, digits and ``. _ -`` (stored lower-case),
at most ``MAX_NAME_LENGTH`` (100) characters, as does a node name (see :mod:`..commands` for why);
``default`` is reserved; an existing name needs ``--append`` (or ``--node`` to change a node).
A node appended without ``--node`` is named after the builder: ``NAME0``, ``NAME1``, ...
"""

from __future__ import annotations

from collections.abc import Sequence

from buildx_tui.core.builders import Builder
from buildx_tui.core.commands import InvalidName, validate_builder_name
from buildx_tui.core.create.drivers import Driver
from buildx_tui.core.create.problem import CreateProblem


def find_builder(existing: Sequence[Builder], name: str) -> Builder | None:
    low = name.lower()
    return next((b for b in existing if b.name.lower() == low), None)


def check_name(name: str, existing: Sequence[Builder], *, append: bool) -> list[CreateProblem]:
    """The builder name, as buildx checks it, and against the builders that exist."""
    name = name.strip()
    out: list[CreateProblem] = []
    try:
        stored = validate_builder_name(name)
    except InvalidName as exc:
        return [CreateProblem("name", str(exc))]
    if stored == "default":
        return [
            CreateProblem(
                "name", '"default" is reserved for the Docker engine\'s own builder; choose another'
            )
        ]
    if stored != name:
        out.append(
            CreateProblem(
                "name", f'buildx stores builder names in lower case: "{stored}"', "warning"
            )
        )
    found = find_builder(existing, stored)
    if append:
        if found is None:
            out.append(CreateProblem("name", f'there is no builder "{stored}" to append a node to'))
        elif found.driver == Driver.DOCKER:
            out.append(
                CreateProblem(
                    "name",
                    f'"{found.name}" is the builder of a Docker context (docker driver); '
                    "nodes cannot be appended to it",
                )
            )
        return out
    if found is not None:
        if found.driver == Driver.DOCKER:
            out.append(
                CreateProblem(
                    "name",
                    f'"{found.name}" is the builder of the Docker context of that name; '
                    "choose another name",
                )
            )
        else:
            nodes = ", ".join(n.name for n in found.nodes) or "no nodes"
            out.append(
                CreateProblem(
                    "name",
                    f'a builder named "{found.name}" already exists ({found.driver}; nodes: '
                    f"{nodes}). Choose another name, or append a node to it (--append)",
                )
            )
    return out


def next_node_name(builder: Builder) -> str:
    """The node name buildx gives an appended node without --node: NAME0, NAME1, ... first free."""
    taken = {n.name.lower() for n in builder.nodes}
    i = 0
    while f"{builder.name}{i}".lower() in taken:
        i += 1
    return f"{builder.name}{i}"


def check_node_name(node: str, append_to: Builder | None) -> list[CreateProblem]:
    """``--node``: optional; buildx names it after the builder (NAME0, NAME1...) when empty."""
    node = node.strip()
    if not node:
        return []
    try:
        stored = validate_builder_name(node)
    except InvalidName as exc:
        return [CreateProblem("node", str(exc).replace("builder name", "node name"))]
    out: list[CreateProblem] = []
    if stored != node:
        out.append(
            CreateProblem("node", f'buildx stores node names in lower case: "{stored}"', "warning")
        )
    if append_to is not None and any(n.name.lower() == stored for n in append_to.nodes):
        out.append(
            CreateProblem(
                "node",
                f'builder "{append_to.name}" already has a node "{stored}"; with --append buildx '
                "would change that node instead of adding one. Choose another node name",
            )
        )
    return out
