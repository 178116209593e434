"""What to build, as a typed spec -> the exact `docker buildx build` argv.

`BuildSpec` is what the build form produces, what the history stores and what a re-run replays
(``to_dict``/``from_dict``). The form's raw fields are parsed into one by :mod:`.form`; the
platforms a builder offers are :mod:`.platform_choices`'; the advanced options (secrets, ssh,
cache, labels, annotations) are parsed by :mod:`.options` and :mod:`.cache`; the checks of a
whole spec against the builder and the disk are in :mod:`.checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Output(StrEnum):
    PUSH = "push"  # --push: image pushed to the registry of each tag
    LOAD = "load"  # --load: image loaded into the Docker engine
    OCI = "oci"  # --output type=oci,dest=FILE: an OCI layout tarball
    TAR = "tar"  # --output type=tar,dest=FILE: the root filesystem(s) as a tarball
    CACHE = "cache"  # no output: the result stays in the build cache


OUTPUT_LABELS: Mapping[Output, str] = {
    Output.PUSH: "push to registry (--push)",
    Output.LOAD: "load into the engine (--load)",
    Output.OCI: "OCI layout file (type=oci)",
    Output.TAR: "filesystem tar file (type=tar)",
    Output.CACHE: "build cache only (no output)",
}


@dataclass(frozen=True)
class BuildSpec:
    """One `docker buildx build`. ``build_args`` values of ``None`` mean `--build-arg KEY`
    (buildx takes the value from its environment). The advanced options hold the exact flag
    values (see :mod:`.options`): a secret's id and file path or variable name, never its
    value."""

    builder: str
    context: str = "."
    dockerfile: str = ""
    target: str = ""
    tags: tuple[str, ...] = ()
    build_args: tuple[tuple[str, str | None], ...] = ()
    platforms: tuple[str, ...] = ()
    output: Output = Output.CACHE
    dest: str = ""
    no_cache: bool = False
    pull: bool = False
    secrets: tuple[str, ...] = ()  # --secret id=NAME,src=FILE | id=NAME,env=VAR
    ssh: tuple[str, ...] = ()  # --ssh default | ID=PATH[,PATH]
    cache_from: tuple[str, ...] = ()  # --cache-from type=…,… | REF
    cache_to: tuple[str, ...] = ()  # --cache-to type=…,… | REF
    labels: tuple[tuple[str, str], ...] = ()  # --label KEY=VALUE
    annotations: tuple[str, ...] = ()  # --annotation [TYPE:]KEY=VALUE

    @property
    def advanced(self) -> int:
        """How many advanced option values (secrets, ssh, cache, labels, annotations) are set."""
        options = (self.secrets, self.ssh, self.cache_from, self.cache_to, self.annotations)
        return len(self.labels) + sum(len(values) for values in options)

    def argv(self, *, progress: str | None = None, metadata_file: str | None = None) -> list[str]:
        """The argv after `docker`. ``progress``/``metadata_file`` are what the TUI adds to
        watch the build (`rawjson`) and read its digest; without them this is the command a user
        would type."""
        argv = ["buildx", "build", "--builder", self.builder]
        if progress:
            argv.append(f"--progress={progress}")
        if metadata_file:
            argv += ["--metadata-file", metadata_file]
        if self.platforms:
            argv += ["--platform", ",".join(self.platforms)]
        for tag in self.tags:
            argv += ["-t", tag]
        for key, value in self.build_args:
            argv += ["--build-arg", key if value is None else f"{key}={value}"]
        for key, value in self.labels:
            argv += ["--label", f"{key}={value}"]
        for annotation in self.annotations:
            argv += ["--annotation", annotation]
        if self.target:
            argv += ["--target", self.target]
        if self.dockerfile:
            argv += ["-f", self.dockerfile]
        for flag, values in (
            ("--secret", self.secrets),
            ("--ssh", self.ssh),
            ("--cache-from", self.cache_from),
            ("--cache-to", self.cache_to),
        ):
            for value in values:
                argv += [flag, value]
        if self.no_cache:
            argv.append("--no-cache")
        if self.pull:
            argv.append("--pull")
        if self.output is Output.PUSH:
            argv.append("--push")
        elif self.output is Output.LOAD:
            argv.append("--load")
        elif self.output in (Output.OCI, Output.TAR):
            argv += ["--output", f"type={self.output.value},dest={self.dest}"]
        argv.append(self.context)
        return argv

    # -- (de)serialisation for the history ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "builder": self.builder,
            "context": self.context,
            "dockerfile": self.dockerfile,
            "target": self.target,
            "tags": list(self.tags),
            "build_args": [[k, v] for k, v in self.build_args],
            "platforms": list(self.platforms),
            "output": self.output.value,
            "dest": self.dest,
            "no_cache": self.no_cache,
            "pull": self.pull,
            "secrets": list(self.secrets),
            "ssh": list(self.ssh),
            "cache_from": list(self.cache_from),
            "cache_to": list(self.cache_to),
            "labels": [[k, v] for k, v in self.labels],
            "annotations": list(self.annotations),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BuildSpec:
        """Inverse of `to_dict`; raises ValueError on anything malformed."""

        def text(key: str) -> str:
            value = data.get(key, "")
            if not isinstance(value, str):
                raise ValueError(f"{key}: expected a string")
            return value

        def texts(key: str) -> tuple[str, ...]:
            value = data.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"{key}: expected a list of strings")
            return tuple(value)

        args: list[tuple[str, str | None]] = []
        for pair in data.get("build_args", []):
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not isinstance(pair[0], str)
                or not (pair[1] is None or isinstance(pair[1], str))
            ):
                raise ValueError("build_args: expected [key, value] pairs")
            args.append((pair[0], pair[1]))
        labels: list[tuple[str, str]] = []
        for pair in data.get("labels", []):
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(x, str) for x in pair)
            ):
                raise ValueError("labels: expected [key, value] pairs")
            labels.append((pair[0], pair[1]))
        builder = text("builder")
        if not builder:
            raise ValueError("builder: missing")
        return cls(
            builder=builder,
            context=text("context") or ".",
            dockerfile=text("dockerfile"),
            target=text("target"),
            tags=texts("tags"),
            build_args=tuple(args),
            platforms=texts("platforms"),
            output=Output(text("output") or Output.CACHE.value),
            dest=text("dest"),
            no_cache=bool(data.get("no_cache", False)),
            pull=bool(data.get("pull", False)),
            secrets=texts("secrets"),
            ssh=texts("ssh"),
            cache_from=texts("cache_from"),
            cache_to=texts("cache_to"),
            labels=tuple(labels),
            annotations=texts("annotations"),
        )
