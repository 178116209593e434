"""OCI image index / Docker manifest list / image manifest / image config: the models.

What ``docker buildx imagetools inspect`` shows, as frozen dataclasses: :class:`ImageIndex` (its
runnable :class:`PlatformEntry` s, each with the attestation manifests that reference it),
:class:`ImageManifest`, :class:`ImageConfig`, :class:`InspectResult`, the :class:`Descriptor`
they are made of, the media types and annotations, and the friendly kinds of in-toto
attestations. Parsing is :mod:`.parse`, comparing two indexes :mod:`.compare`, platforms
:mod:`.platform`.

Attestation manifests (platform ``unknown/unknown``, annotation ``vnd.docker.reference.type:
attestation-manifest``) are never platforms: each is attached to the :class:`PlatformEntry` whose
digest its ``vnd.docker.reference.digest`` names; those that name no manifest of the index are kept
in :attr:`ImageIndex.orphan_attestations`.

Stdlib only; never imports textual.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from buildx_tui.core.inspect.manifest.platform import Platform, parse_platform

OCI_INDEX: Final = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST_LIST: Final = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST: Final = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST: Final = "application/vnd.docker.distribution.manifest.v2+json"
OCI_CONFIG: Final = "application/vnd.oci.image.config.v1+json"
DOCKER_CONFIG: Final = "application/vnd.docker.container.image.v1+json"
ATTESTATION_CONFIG: Final = "application/vnd.docker.attestation.config.v1+json"
IN_TOTO: Final = "application/vnd.in-toto+json"

ANNOTATION_REFERENCE_TYPE: Final = "vnd.docker.reference.type"
ANNOTATION_REFERENCE_DIGEST: Final = "vnd.docker.reference.digest"
ATTESTATION_MANIFEST: Final = "attestation-manifest"
ANNOTATION_PREDICATE_TYPE: Final = "in-toto.io/predicate-type"


class ManifestError(ValueError):
    """A document that is not a valid index, manifest or image config.

    ``str(error)`` names the field at fault, e.g. ``manifests[2].size: expected an integer, got
    string``.
    """


# --------------------------------------------------------------------------------------------
# Attestation predicate types
# --------------------------------------------------------------------------------------------


class AttestationKind(StrEnum):
    """The friendly kind of an in-toto attestation, from its predicate type."""

    PROVENANCE = "provenance"
    SBOM = "sbom"
    VEX = "vex"
    OTHER = "other"


def attestation_kind(predicate_type: str) -> AttestationKind:
    """``https://slsa.dev/provenance/v0.2`` -> PROVENANCE, ``https://spdx.dev/Document`` -> SBOM."""
    value = predicate_type.lower()
    if value.startswith("https://slsa.dev/provenance"):
        return AttestationKind.PROVENANCE
    if value.startswith(("https://spdx.dev/document", "https://cyclonedx.org/bom")):
        return AttestationKind.SBOM
    if value.startswith("https://openvex.dev/ns"):
        return AttestationKind.VEX
    return AttestationKind.OTHER


def predicate_label(predicate_type: str) -> str:
    """A short label: ``SLSA provenance v0.2``, ``SBOM (SPDX)``, ``SBOM (CycloneDX)``, ..."""
    kind = attestation_kind(predicate_type)
    value = predicate_type.rstrip("/")
    if kind is AttestationKind.PROVENANCE:
        version = value.rsplit("/", 1)[-1]
        return f"SLSA provenance {version}" if version.startswith("v") else "SLSA provenance"
    if kind is AttestationKind.SBOM:
        return "SBOM (CycloneDX)" if "cyclonedx" in value.lower() else "SBOM (SPDX)"
    if kind is AttestationKind.VEX:
        return "VEX (OpenVEX)"
    return predicate_type or "unknown attestation"


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=True)
class Descriptor:
    """An OCI content descriptor: what an index lists, a manifest's config and each layer."""

    media_type: str
    digest: str
    size: int
    platform: Platform | None = None
    annotations: Mapping[str, str] = field(default_factory=dict, hash=False)
    artifact_type: str = ""
    urls: tuple[str, ...] = ()

    @property
    def reference_type(self) -> str:
        """``vnd.docker.reference.type`` (``attestation-manifest`` for attestations), or ``""``."""
        return self.annotations.get(ANNOTATION_REFERENCE_TYPE, "")

    @property
    def reference_digest(self) -> str:
        """``vnd.docker.reference.digest``: the manifest an attestation describes, or ``""``."""
        return self.annotations.get(ANNOTATION_REFERENCE_DIGEST, "")

    @property
    def is_attestation_manifest(self) -> bool:
        return self.reference_type == ATTESTATION_MANIFEST

    @property
    def predicate_type(self) -> str:
        """``in-toto.io/predicate-type`` of an attestation layer, or ``""``."""
        return self.annotations.get(ANNOTATION_PREDICATE_TYPE, "")

    @property
    def attestation_kind(self) -> AttestationKind | None:
        """The friendly kind of an attestation layer; ``None`` for other descriptors."""
        if self.predicate_type:
            return attestation_kind(self.predicate_type)
        if self.media_type == IN_TOTO:
            return AttestationKind.OTHER
        return None

    @property
    def short_digest(self) -> str:
        """``sha256:0823…`` shortened to 12 hex digits, as docker shows image IDs."""
        algo, _, hex_part = self.digest.partition(":")
        return f"{algo}:{hex_part[:12]}"


@dataclass(frozen=True)
class PlatformEntry:
    """One runnable manifest of an index with the attestation manifests that reference it."""

    descriptor: Descriptor
    attestations: tuple[Descriptor, ...] = ()

    @property
    def platform(self) -> Platform | None:
        return self.descriptor.platform

    @property
    def digest(self) -> str:
        return self.descriptor.digest

    @property
    def platform_string(self) -> str:
        """``linux/arm/v7``, or ``(no platform)`` for a descriptor without one."""
        return str(self.platform) if self.platform is not None else "(no platform)"


@dataclass(frozen=True)
class ImageIndex:
    """An OCI image index or a Docker manifest list.

    ``manifests`` keeps every descriptor in document order; ``platforms`` the runnable ones (with
    their attestations attached); ``orphan_attestations`` attestation manifests whose reference
    digest names no manifest here; ``other_manifests`` descriptors that are neither (e.g. another
    ``vnd.docker.reference.type``, or ``unknown/unknown`` without annotation).
    ``digest``/``size`` are those of the document itself when known.
    """

    media_type: str
    schema_version: int
    manifests: tuple[Descriptor, ...]
    platforms: tuple[PlatformEntry, ...]
    orphan_attestations: tuple[Descriptor, ...] = ()
    other_manifests: tuple[Descriptor, ...] = ()
    annotations: Mapping[str, str] = field(default_factory=dict, hash=False)
    digest: str | None = None
    size: int | None = None
    artifact_type: str = ""

    @property
    def is_docker(self) -> bool:
        """A Docker manifest list (rather than an OCI index)."""
        return self.media_type == DOCKER_MANIFEST_LIST

    @property
    def attestations(self) -> tuple[Descriptor, ...]:
        """Every attestation manifest (attached and orphan), in document order."""
        return tuple(d for d in self.manifests if d.is_attestation_manifest)

    def platform_strings(self) -> list[str]:
        """``["linux/amd64", "linux/arm64", ...]`` in index order (attestations excluded)."""
        return [entry.platform_string for entry in self.platforms]

    def find(self, wanted: str | Platform) -> PlatformEntry | None:
        """The entry for a platform (``linux/arm64/v8`` finds ``linux/arm64``), or ``None``.

        Raises :class:`InvalidPlatform` for a malformed platform string.
        """
        target = wanted if isinstance(wanted, Platform) else parse_platform(wanted)
        for entry in self.platforms:
            if entry.platform is not None and entry.platform.matches(target):
                return entry
        return None

    def find_for_host(self, host: str | Platform) -> PlatformEntry | None:
        """What a pull on ``host`` would get: the exact platform, else the newest older variant
        of the same architecture that runs natively there (``amd64`` on ``amd64/v3``)."""
        target = host if isinstance(host, Platform) else parse_platform(host)
        exact = self.find(target)
        if exact is not None:
            return exact
        candidates = [
            e
            for e in self.platforms
            if e.platform is not None and e.platform.runs_natively_on(target)
        ]
        if not candidates:
            return None
        return max(candidates, key=lambda e: _variant_rank(e.platform))

    def has_platform(self, wanted: str | Platform) -> bool:
        return self.find(wanted) is not None

    def entry_for_digest(self, digest: str) -> PlatformEntry | None:
        for entry in self.platforms:
            if entry.digest == digest:
                return entry
        return None

    def attestations_for(self, digest: str) -> tuple[Descriptor, ...]:
        """The attestation manifests that reference the manifest ``digest``."""
        entry = self.entry_for_digest(digest)
        return entry.attestations if entry is not None else ()


@dataclass(frozen=True)
class ImageManifest:
    """An OCI image manifest or a Docker image manifest (schema 2).

    For an attestation manifest, ``layers`` are in-toto statements whose
    :attr:`Descriptor.attestation_kind` says provenance or SBOM.
    """

    media_type: str
    schema_version: int
    config: Descriptor
    layers: tuple[Descriptor, ...]
    annotations: Mapping[str, str] = field(default_factory=dict, hash=False)
    subject: Descriptor | None = None
    artifact_type: str = ""
    digest: str | None = None
    size: int | None = None

    @property
    def is_docker(self) -> bool:
        return self.media_type == DOCKER_MANIFEST

    @property
    def layers_size(self) -> int:
        """Sum of the (compressed) layer sizes: what a pull downloads besides the config."""
        return sum(layer.size for layer in self.layers)

    @property
    def total_size(self) -> int:
        """Config blob plus all layers (the manifest itself not included)."""
        return self.config.size + self.layers_size

    @property
    def is_attestation(self) -> bool:
        """Whether this is a BuildKit attestation manifest (in-toto layers)."""
        return self.config.media_type == ATTESTATION_CONFIG or (
            bool(self.layers) and all(layer.attestation_kind is not None for layer in self.layers)
        )

    @property
    def attestation_kinds(self) -> tuple[AttestationKind, ...]:
        """Kinds of the attestation layers, in order (empty for an ordinary image)."""
        kinds = []
        for layer in self.layers:
            kind = layer.attestation_kind
            if kind is not None:
                kinds.append(kind)
        return tuple(kinds)


@dataclass(frozen=True)
class HistoryEntry:
    created: str
    created_by: str
    comment: str
    empty_layer: bool


@dataclass(frozen=True)
class ImageConfig:
    """The parts of an image config blob the inspector shows.

    ``entrypoint``/``cmd`` are ``None`` when unset (docker writes ``null``), as opposed to empty.
    """

    architecture: str
    os: str
    variant: str = ""
    os_version: str = ""
    created: str = ""
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    env: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    user: str = ""
    working_dir: str = ""
    exposed_ports: tuple[str, ...] = ()
    volumes: tuple[str, ...] = ()
    stop_signal: str = ""
    history: tuple[HistoryEntry, ...] = ()
    rootfs_type: str = ""
    diff_ids: tuple[str, ...] = ()

    @property
    def platform(self) -> Platform:
        return Platform(self.os, self.architecture, self.variant, self.os_version)

    @property
    def created_at(self) -> datetime | None:
        """``created`` as an aware datetime (nanoseconds truncated), or ``None``."""
        if not self.created:
            return None
        text = re.sub(r"(\.\d{6})\d+", r"\1", self.created)
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None

    @property
    def history_count(self) -> int:
        return len(self.history)

    @property
    def env_dict(self) -> dict[str, str]:
        """``env`` as a mapping (``KEY=VALUE``; a bare ``KEY`` maps to ``""``)."""
        result: dict[str, str] = {}
        for item in self.env:
            key, _, value = item.partition("=")
            result[key] = value
        return result

    @property
    def command(self) -> tuple[str, ...]:
        """What the container runs by default: entrypoint followed by cmd."""
        return (self.entrypoint or ()) + (self.cmd or ())


@dataclass(frozen=True)
class InspectResult:
    """``imagetools inspect --format '{{json .}}'``: the name, the document, the configs."""

    name: str
    document: ImageIndex | ImageManifest
    images: Mapping[str, ImageConfig] = field(default_factory=dict, hash=False)

    @property
    def index(self) -> ImageIndex | None:
        return self.document if isinstance(self.document, ImageIndex) else None

    @property
    def manifest(self) -> ImageManifest | None:
        return self.document if isinstance(self.document, ImageManifest) else None


def _variant_rank(platform: Platform | None) -> int:
    if platform is None:
        return 0
    digits = re.sub(r"\D", "", platform.normalized().variant)
    return int(digits) if digits else 1
