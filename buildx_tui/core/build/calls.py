"""The build form's Dockerfile insight: `docker buildx build --call=check|outline|targets,
format=json` for what the form holds (argv), and the build args an outline fills in.

A call reads the Dockerfile (and the build args and target that change what it says) on the
form's builder; it builds nothing. Its output is read by :mod:`buildx_tui.core.dockerfile`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from buildx_tui.core.build.form import parse_build_args
from buildx_tui.core.build.spec import BuildSpec


class Call(StrEnum):
    CHECK = "check"  # the build checks (lint): rule, message, line
    OUTLINE = "outline"  # the target's build args: default, description
    TARGETS = "targets"  # the stages one can build, the default marked


def call_argv(spec: BuildSpec, call: Call) -> list[str]:
    """`buildx build --builder B --call=CALL,format=json [--build-arg …] [--target T] [-f F]
    CONTEXT`: the build's own Dockerfile, context, args and target (a list of targets does not
    depend on the target asked for: it is left out)."""
    argv = ["buildx", "build", "--builder", spec.builder, f"--call={call.value},format=json"]
    for key, value in spec.build_args:
        argv += ["--build-arg", key if value is None else f"{key}={value}"]
    if spec.target and call is not Call.TARGETS:
        argv += ["--target", spec.target]
    if spec.dockerfile:
        argv += ["-f", spec.dockerfile]
    argv.append(spec.context)
    return argv


def add_build_args(text: str, picked: Iterable[tuple[str, str | None]]) -> str:
    """``text`` (the form's build args, one KEY=VALUE a line) with a line per picked arg it
    does not hold yet: ``NAME=default`` (``NAME=`` when the Dockerfile gives no default, to be
    filled in). What the user typed is kept, values included."""
    have, _ = parse_build_args(text)
    names = {key for key, _ in have}
    lines = [] if not text.strip() else text.rstrip("\n").split("\n")
    for name, default in picked:
        if name in names:
            continue
        names.add(name)
        lines.append(f"{name}={default or ''}")
    return "\n".join(lines)
