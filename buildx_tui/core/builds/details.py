"""`docker buildx history inspect REF --format json`: one build's details.

The fields are buildx's ``inspectOutput`` (commands/history/inspect.go; recordings in
tests/fixtures/local/history-inspect-*.json). What it does NOT print, seen on the lab: the
secret and ssh ids (they are in a ``mode=max`` provenance attachment only: :mod:`.provenance`)
and the exporter's image name (only the index digest, as an attachment): the pushed name comes
from our own history's metadata file when the build is linked (:mod:`.link`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from buildx_tui.core.builds.failure import FailureSource, parse_sources
from buildx_tui.core.builds.records import BuildStatus, parse_time

__all__ = [
    "INDEX_TYPES",
    "PROVENANCE_TYPES",
    "Attachment",
    "BuildDetails",
    "BuildError",
    "DetailsError",
    "Material",
    "parse_inspect",
]

INDEX_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
PROVENANCE_TYPES = ("https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v0.2")
SBOM_TYPES = ("https://spdx.dev/Document",)


class DetailsError(ValueError):
    """The output is not `history inspect --format json` (said in words, never a traceback)."""


@dataclass(frozen=True)
class Material:
    uri: str
    digests: tuple[str, ...]

    @property
    def image(self) -> str:
        """``pkg:docker/127.0.0.1%3A5000/busybox@latest?platform=…`` ->
        ``127.0.0.1:5000/busybox:latest``."""

        uri = self.uri
        if not uri.startswith("pkg:docker/"):
            return uri
        body = unquote(uri[len("pkg:docker/") :].split("?", 1)[0])
        name, _, tag = body.rpartition("@")
        return f"{name}:{tag}" if name and tag and not tag.startswith("sha256") else body

    @property
    def platform(self) -> str:
        values = parse_qs(urlsplit(self.uri).query).get("platform", [])
        return values[0] if values else ""


@dataclass(frozen=True)
class Attachment:
    digest: str
    type: str
    platform: str = ""

    @property
    def kind(self) -> str:
        """index, manifest, provenance, sbom or the media type itself."""
        if self.type in INDEX_TYPES:
            return "index"
        if self.type in MANIFEST_TYPES:
            return "manifest"
        if self.type in PROVENANCE_TYPES:
            return "provenance"
        if self.type in SBOM_TYPES:
            return "sbom"
        return self.type


@dataclass(frozen=True)
class BuildError:
    message: str
    code: int = 0
    #: The failing step's vertex name, e.g. ``[linux/arm64 3/4] RUN …``.
    step: str = ""
    logs: tuple[str, ...] = ()
    source: FailureSource | None = None

    @property
    def platform(self) -> str:
        """The platform of the failing step (``[linux/arm64 3/4] …`` -> linux/arm64), or ''."""
        if not self.step.startswith("["):
            return ""
        inside = self.step[1:].split("]", 1)[0].split()
        return inside[0] if inside and "/" in inside[0] else ""


@dataclass(frozen=True)
class BuildDetails:
    name: str
    id: str
    status: BuildStatus
    context: str = ""
    dockerfile: str = ""
    target: str = ""
    vcs_repository: str = ""
    vcs_revision: str = ""
    platforms: tuple[str, ...] = ()
    started_at: datetime | None = None
    completed_at: datetime | None = None
    duration_s: float | None = None
    completed_steps: int = 0
    total_steps: int = 0
    cached_steps: int = 0
    build_args: tuple[tuple[str, str], ...] = ()
    labels: tuple[tuple[str, str], ...] = ()
    named_contexts: tuple[tuple[str, str], ...] = ()
    config: tuple[tuple[str, str], ...] = ()
    materials: tuple[Material, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    error: BuildError | None = None
    notes: tuple[str, ...] = field(default=())  # buildx's own "Errors" list

    @property
    def image_digest(self) -> str:
        """The exported image's digest: the index (several platforms) or the one manifest."""
        for kinds in (("index",), ("manifest",)):
            found = [a for a in self.attachments if a.kind in kinds]
            if len(found) == 1:
                return found[0].digest
        return ""

    @property
    def provenance(self) -> tuple[Attachment, ...]:
        return tuple(a for a in self.attachments if a.kind == "provenance")

    @property
    def cache_ratio(self) -> float | None:
        return self.cached_steps / self.total_steps if self.total_steps else None


def _s(value: object) -> str:
    return value if isinstance(value, str) else ""


def _i(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        (_s(item.get("Name")), _s(item.get("Value"))) for item in value if isinstance(item, dict)
    )


def _config(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        return ()
    out: list[tuple[str, str]] = []
    for key, item in value.items():
        if key == "RestRaw":
            out.extend(_pairs(item))
        elif isinstance(item, list):
            out.append((str(key), ", ".join(str(x) for x in item)))
        elif item not in (None, "", False):
            out.append((str(key), str(item)))
    return tuple(out)


def _error(value: object) -> BuildError | None:
    if not isinstance(value, dict):
        return None
    logs = value.get("Logs")
    return BuildError(
        message=_s(value.get("Message")),
        code=_i(value.get("Code")),
        step=_s(value.get("Name")),
        logs=tuple(_s(x) for x in logs) if isinstance(logs, list) else (),
        source=parse_sources(_s(value.get("Sources"))),
    )


def parse_inspect(text: str) -> BuildDetails:
    """Parse `history inspect --format json`; raises :class:`DetailsError` with a sentence."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DetailsError(f"history inspect did not print JSON ({exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("Ref"), str):
        raise DetailsError("history inspect printed JSON without a build Ref")
    return _details(data)


def _details(data: Mapping[str, Any]) -> BuildDetails:
    platforms = data.get("Platform")
    materials = data.get("Materials")
    attachments = data.get("Attachments")
    notes = data.get("Errors")
    duration = data.get("Duration")
    return BuildDetails(
        name=_s(data.get("Name")),
        id=_s(data.get("Ref")),
        status=BuildStatus.parse(_s(data.get("Status"))),
        context=_s(data.get("Context")),
        dockerfile=_s(data.get("Dockerfile")),
        target=_s(data.get("Target")),
        vcs_repository=_s(data.get("VCSRepository")),
        vcs_revision=_s(data.get("VCSRevision")),
        platforms=tuple(_s(p) for p in platforms) if isinstance(platforms, list) else (),
        started_at=parse_time(data.get("StartedAt")),
        completed_at=parse_time(data.get("CompletedAt")),
        duration_s=duration / 1e9 if isinstance(duration, int) else None,
        completed_steps=_i(data.get("NumCompletedSteps")),
        total_steps=_i(data.get("NumTotalSteps")),
        cached_steps=_i(data.get("NumCachedSteps")),
        build_args=_pairs(data.get("BuildArgs")),
        labels=_pairs(data.get("Labels")),
        named_contexts=_pairs(data.get("NamedContexts")),
        config=_config(data.get("Config")),
        materials=tuple(
            Material(
                _s(m.get("URI")),
                tuple(_s(d) for d in m.get("Digests", []) if isinstance(d, str)),
            )
            for m in materials
            if isinstance(m, dict)
        )
        if isinstance(materials, list)
        else (),
        attachments=tuple(
            Attachment(_s(a.get("Digest")), _s(a.get("Type")), _s(a.get("Platform")))
            for a in attachments
            if isinstance(a, dict)
        )
        if isinstance(attachments, list)
        else (),
        error=_error(data.get("Error")),
        notes=tuple(_s(n) for n in notes) if isinstance(notes, list) else (),
    )


def attachment_text(printed: str) -> str:
    """An attachment as `history inspect attachment` printed it, indented when it is JSON
    (provenance, SBOM); else as printed."""
    try:
        return json.dumps(json.loads(printed), indent=2, ensure_ascii=False)
    except ValueError:
        return printed
