"""What bake will build: `bake --print` JSON, `--list=type=targets|variables,format=json`, and
the errors bake gives for bad files (with file and line).

`--print` gives ``{"group": {name: {targets}}, "target": {name: {...}}}`` with matrix targets
already expanded (``variant-small``, ``variant-big``) and variables already substituted; where
a value came from is only knowable by comparing with what the user overrode (``--set``,
``--var``): see :func:`origin_of`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_ERROR_AT = re.compile(r"^ERROR: (?P<file>[^\s:]+):(?P<line>\d+)(?:,\d+(?:-\d+)?)?: (?P<msg>.*)$")
_READING = re.compile(r"^#\d+ reading (?P<file>.+?) [\d.]+[kMG]?B / ")
_EXCERPT_AT = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+)$")


class DefinitionError(ValueError):
    """The output could not be read as bake's (says what was wrong)."""


@dataclass(frozen=True)
class BakeTarget:
    """One target as bake resolved it (after variables, inheritance and the matrix)."""

    name: str
    description: str = ""
    context: str = "."
    dockerfile: str = "Dockerfile"
    stage: str = ""  # the Dockerfile stage (`target` in HCL)
    platforms: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    args: tuple[tuple[str, str], ...] = ()
    outputs: tuple[str, ...] = ()
    cache_from: tuple[str, ...] = ()
    cache_to: tuple[str, ...] = ()
    contexts: tuple[tuple[str, str], ...] = ()
    #: The names its pushing outputs give (``name=``); none: it pushes to its tags.
    output_names: tuple[str, ...] = ()
    #: The registry refs of its ``type=registry`` cache exports and imports.
    cache_to_refs: tuple[str, ...] = ()
    cache_from_refs: tuple[str, ...] = ()

    @property
    def pushes(self) -> bool:
        return any("push=true" in o or o.startswith("type=registry") for o in self.outputs)


@dataclass(frozen=True)
class BakeDefinition:
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    targets: dict[str, BakeTarget] = field(default_factory=dict)

    def expand(self, names: tuple[str, ...]) -> tuple[str, ...]:
        """The targets ``names`` (targets or groups, nested) stand for, each once, in order."""
        out: dict[str, None] = {}
        seen: set[str] = set()

        def walk(name: str) -> None:
            if name in seen:
                return
            seen.add(name)
            if name in self.groups:
                for sub in self.groups[name]:
                    walk(sub)
            elif name in self.targets:
                out[name] = None

        for name in names or ("default",):
            walk(name)
        return tuple(out)


def _output_text(value: object) -> str:
    if isinstance(value, dict):
        return ",".join(
            f"{k}={v}" for k, v in sorted(value.items(), key=lambda kv: kv[0] != "type")
        )
    return str(value)


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(_output_text(v) for v in value)
    return ()


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if isinstance(value, dict):
        return tuple((str(k), "" if v is None else str(v)) for k, v in value.items())
    return ()


def _pushing(entry: object) -> bool:
    if not isinstance(entry, dict):
        return False
    return entry.get("type") == "registry" or str(entry.get("push", "")).lower() == "true"


def _output_names(raw: dict[str, Any]) -> tuple[str, ...]:
    """The ``name`` (comma-separated) of each pushing output."""
    names: list[str] = []
    for entry in raw.get("output") or ():
        if _pushing(entry):
            names += [n.strip() for n in str(entry.get("name", "")).split(",") if n.strip()]
    return tuple(dict.fromkeys(names))


def _registry_refs(value: object) -> tuple[str, ...]:
    """The ``ref`` of each ``type=registry`` cache entry (`--print` gives them as objects; a
    bare string is a registry ref, as bake reads it)."""
    refs: list[str] = []
    for entry in value if isinstance(value, list) else ():
        if isinstance(entry, dict) and entry.get("type") == "registry" and entry.get("ref"):
            refs.append(str(entry["ref"]))
        elif isinstance(entry, str) and "=" not in entry and entry:
            refs.append(entry)
    return tuple(refs)


def _target(name: str, raw: dict[str, Any]) -> BakeTarget:
    return BakeTarget(
        name=name,
        description=str(raw.get("description", "")),
        context=str(raw.get("context", ".")),
        dockerfile=str(raw.get("dockerfile", "Dockerfile")),
        stage=str(raw.get("target", "")),
        platforms=_strings(raw.get("platforms")),
        tags=_strings(raw.get("tags")),
        args=_pairs(raw.get("args")),
        outputs=_strings(raw.get("output")),
        cache_from=_strings(raw.get("cache-from")),
        cache_to=_strings(raw.get("cache-to")),
        contexts=_pairs(raw.get("contexts")),
        output_names=_output_names(raw),
        cache_to_refs=_registry_refs(raw.get("cache-to")),
        cache_from_refs=_registry_refs(raw.get("cache-from")),
    )


def parse_print(text: str) -> BakeDefinition:
    """`bake --print` stdout -> the definition."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DefinitionError(f"bake --print did not give JSON: {exc}") from None
    if not isinstance(data, dict):
        raise DefinitionError("bake --print did not give a JSON object")
    groups: dict[str, tuple[str, ...]] = {}
    for name, raw in (data.get("group") or {}).items():
        if isinstance(raw, dict):
            groups[str(name)] = tuple(str(t) for t in raw.get("targets") or ())
    targets: dict[str, BakeTarget] = {}
    for name, raw in (data.get("target") or {}).items():
        if isinstance(raw, dict):
            targets[str(name)] = _target(str(name), raw)
    return BakeDefinition(groups, targets)


def merge_prints(default: BakeDefinition, every: BakeDefinition) -> BakeDefinition:
    """Every target as bake resolves it (``every``: `--print` of every listed name), with the
    real `default` group (``default``: the plain `--print`): asked for names, bake prints a
    `default` group of those names instead (recorded: bake-print-all.stdout)."""
    groups = {k: v for k, v in every.groups.items() if k != "default"}
    if "default" in default.groups:
        groups = {"default": default.groups["default"], **groups}
    return BakeDefinition(groups, {**default.targets, **every.targets})


@dataclass(frozen=True)
class ListedTarget:
    """A row of `--list=type=targets,format=json`: a target or a group (matrix: a group)."""

    name: str
    description: str
    group: bool


def parse_list_targets(text: str) -> tuple[ListedTarget, ...]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DefinitionError(f"bake --list did not give JSON: {exc}") from None
    if not isinstance(data, list):
        raise DefinitionError("bake --list did not give a JSON list")
    return tuple(
        ListedTarget(str(d.get("name", "")), str(d.get("description", "")), bool(d.get("group")))
        for d in data
        if isinstance(d, dict)
    )


def names_to_print(listed: tuple[ListedTarget, ...]) -> tuple[str, ...]:
    """What to ask `--print` for to see every target and group: every listed name but
    `default` (asked for, bake would print a `default` group of the names asked for)."""
    return tuple(t.name for t in listed if t.name and t.name != "default")


@dataclass(frozen=True)
class BakeError:
    """Why bake refused a file or a request: the message and, when bake said, where."""

    message: str
    file: str | None = None
    line: int | None = None
    excerpt: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line is not None else self.file


def files_read(stderr: str) -> tuple[str, ...]:
    """The files bake says it read (its progress on stderr: ``#1 reading docker-bake.hcl
    1.45kB / 1.45kB done``), each once, in order."""
    found = (m["file"] for ln in stderr.splitlines() if (m := _READING.match(ln)))
    return tuple(dict.fromkeys(found))


def parse_error(stderr: str) -> BakeError | None:
    """The last ``ERROR:`` line of bake's stderr, with its file and line when it names them (an
    HCL error: ``ERROR: docker-bake.hcl:4,1-2: Missing item separator; …``), and the excerpt
    bake printed before it (``docker-bake.hcl:11`` then ``--------`` framed lines)."""
    lines = stderr.splitlines()
    errors = [i for i, ln in enumerate(lines) if ln.startswith("ERROR:")]
    if not errors:
        return None
    at = errors[-1]
    line = lines[at]
    excerpt: list[str] = []
    file: str | None = None
    number: int | None = None
    for i, ln in enumerate(lines[:at]):
        m = _EXCERPT_AT.match(ln)
        if m and i + 1 < len(lines) and lines[i + 1].startswith("-----"):
            file, number = m["file"], int(m["line"])
            excerpt = []
            for body in lines[i + 2 : at]:
                if body.startswith("-----"):
                    break
                excerpt.append(body)
    m = _ERROR_AT.match(line)
    if m:
        return BakeError(m["msg"], m["file"], int(m["line"]), tuple(excerpt))
    return BakeError(line[6:].strip(), file, number, tuple(excerpt))
