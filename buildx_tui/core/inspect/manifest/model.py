"""OCI image index / Docker manifest list / image manifest / image config models.

Parsed from what ``docker buildx imagetools inspect`` prints:

* ``--raw``: the exact bytes of the index (or of a single manifest, for a single-platform image, or
  of one manifest when given ``name@digest``). Pass the *bytes*: the digest is then computed as the
  sha256 of those bytes, which is the registry's digest of the document.
* ``--format '{{json .}}'``: ``{"name", "manifest", "image"}`` where ``manifest`` is the index
  (buildx adds ``digest`` and ``size`` to it) and ``image`` the per-platform image configs
  (:func:`parse_inspect_json`); ``--format '{{json .Image}}'`` gives the configs alone
  (:func:`parse_image_configs`).

Attestation manifests (platform ``unknown/unknown``, annotation ``vnd.docker.reference.type:
attestation-manifest``) are never platforms: each is attached to the :class:`PlatformEntry` whose
digest its ``vnd.docker.reference.digest`` names; those that name no manifest of the index are kept
in :attr:`ImageIndex.orphan_attestations`.

Anything malformed (not JSON, a missing field, a wrong type) raises :class:`ManifestError` with a
message naming the field, never a ``KeyError``/``TypeError``.

Stdlib only; never imports textual. Reference validation and error classification live in
:mod:`buildx_tui.core.reference` and are re-exported here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from buildx_tui.core.inspect.manifest.platform import (
    InvalidPlatform,
    Platform,
    native_hosts,
    normalize_platform,
    parse_platform,
    same_platform,
)
from buildx_tui.core.reference import (
    DEFAULT_DOMAIN,
    ImageReference,
    InspectError,
    InspectErrorKind,
    InvalidReference,
    classify_inspect_error,
    parse_reference,
    validate_reference,
)

__all__ = [
    "ANNOTATION_PREDICATE_TYPE",
    "ANNOTATION_REFERENCE_DIGEST",
    "ANNOTATION_REFERENCE_TYPE",
    "ATTESTATION_MANIFEST",
    "DEFAULT_DOMAIN",
    "DOCKER_CONFIG",
    "DOCKER_MANIFEST",
    "DOCKER_MANIFEST_LIST",
    "IN_TOTO",
    "OCI_CONFIG",
    "OCI_INDEX",
    "OCI_MANIFEST",
    "AttestationKind",
    "Descriptor",
    "DiffStatus",
    "HistoryEntry",
    "ImageConfig",
    "ImageIndex",
    "ImageManifest",
    "ImageReference",
    "IndexComparison",
    "InspectError",
    "InspectErrorKind",
    "InspectResult",
    "InvalidPlatform",
    "InvalidReference",
    "ManifestError",
    "Platform",
    "PlatformDiff",
    "PlatformEntry",
    "attestation_kind",
    "classify_inspect_error",
    "compare_indexes",
    "compute_digest",
    "missing_platform_message",
    "native_hosts",
    "normalize_platform",
    "parse_config",
    "parse_document",
    "parse_image_configs",
    "parse_index",
    "parse_inspect_json",
    "parse_manifest",
    "parse_platform",
    "parse_reference",
    "predicate_label",
    "same_platform",
    "validate_reference",
]

OCI_INDEX: Final = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST_LIST: Final = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST: Final = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST: Final = "application/vnd.docker.distribution.manifest.v2+json"
OCI_CONFIG: Final = "application/vnd.oci.image.config.v1+json"
DOCKER_CONFIG: Final = "application/vnd.docker.container.image.v1+json"
ATTESTATION_CONFIG: Final = "application/vnd.docker.attestation.config.v1+json"
IN_TOTO: Final = "application/vnd.in-toto+json"
_DOCKER_SCHEMA1: Final = (
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
)
INDEX_MEDIA_TYPES: Final = (OCI_INDEX, DOCKER_MANIFEST_LIST)
MANIFEST_MEDIA_TYPES: Final = (OCI_MANIFEST, DOCKER_MANIFEST)

ANNOTATION_REFERENCE_TYPE: Final = "vnd.docker.reference.type"
ANNOTATION_REFERENCE_DIGEST: Final = "vnd.docker.reference.digest"
ATTESTATION_MANIFEST: Final = "attestation-manifest"
ANNOTATION_PREDICATE_TYPE: Final = "in-toto.io/predicate-type"

_DIGEST_RE: Final = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")
_DIGEST_HEX_LENGTHS: Final = {"sha256": 64, "sha384": 96, "sha512": 128}


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


# --------------------------------------------------------------------------------------------
# Parsing helpers: typed access that raises ManifestError naming the field
# --------------------------------------------------------------------------------------------

_Json = object


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _as_object(value: _Json, path: str) -> dict[str, _Json]:
    if not isinstance(value, dict):
        where = path or "document"
        raise ManifestError(f"{where}: expected a JSON object, got {_type_name(value)}")
    return value


def _get_str(obj: dict[str, _Json], key: str, path: str, *, required: bool = False) -> str:
    value = obj.get(key)
    if value is None:
        if required:
            raise ManifestError(f"{_join(path, key)}: missing")
        return ""
    if not isinstance(value, str):
        raise ManifestError(f"{_join(path, key)}: expected a string, got {_type_name(value)}")
    return value


def _get_int(obj: dict[str, _Json], key: str, path: str, *, required: bool = True) -> int | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise ManifestError(f"{_join(path, key)}: missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ManifestError(f"{_join(path, key)}: expected an integer, got {_type_name(value)}")
    if value < 0:
        raise ManifestError(f"{_join(path, key)}: must not be negative, got {value}")
    return value


def _get_bool(obj: dict[str, _Json], key: str, path: str) -> bool:
    value = obj.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ManifestError(f"{_join(path, key)}: expected true or false, got {_type_name(value)}")
    return value


def _get_str_list(obj: dict[str, _Json], key: str, path: str) -> tuple[str, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise ManifestError(f"{_join(path, key)}: expected an array, got {_type_name(value)}")
    for i, item in enumerate(value):
        if not isinstance(item, str):
            raise ManifestError(
                f"{_join(path, key)}[{i}]: expected a string, got {_type_name(item)}"
            )
    return tuple(value)


def _get_str_map(obj: dict[str, _Json], key: str, path: str) -> dict[str, str]:
    value = obj.get(key)
    if value is None:
        return {}
    mapping = _as_object(value, _join(path, key))
    for k, v in mapping.items():
        if not isinstance(v, str):
            raise ManifestError(
                f"{_join(path, key)}[{k!r}]: expected a string, got {_type_name(v)}"
            )
    return {k: v for k, v in mapping.items() if isinstance(v, str)}


def _get_key_set(obj: dict[str, _Json], key: str, path: str) -> tuple[str, ...]:
    """Docker's ``{"80/tcp": {}}`` sets (ExposedPorts, Volumes): the keys, in order."""
    value = obj.get(key)
    if value is None:
        return ()
    return tuple(_as_object(value, _join(path, key)))


def _check_digest(digest: str, where: str) -> str:
    algo, _, hex_part = digest.partition(":")
    expected = _DIGEST_HEX_LENGTHS.get(algo)
    ok = bool(_DIGEST_RE.fullmatch(digest))
    if ok and expected is not None:
        ok = len(hex_part) == expected and re.fullmatch(r"[0-9a-f]+", hex_part) is not None
    if not ok:
        raise ManifestError(f"{where}: invalid digest {digest!r} (expected e.g. sha256:<64 hex>)")
    return digest


def _load(data: bytes | str | Mapping[str, _Json], what: str) -> dict[str, _Json]:
    if isinstance(data, Mapping):
        return dict(data)
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ManifestError(
                f"{what}: not UTF-8 text ({error.reason} at byte {error.start})"
            ) from None
    elif isinstance(data, str):
        text = data
    else:
        raise ManifestError(f"{what}: expected bytes, text or a mapping, got {type(data).__name__}")
    if not text.strip():
        raise ManifestError(f"{what}: empty input, expected JSON")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(
            f"{what}: not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        raise ManifestError(f"{what}: JSON nested too deeply") from None
    return _as_object(value, "")


def compute_digest(data: bytes) -> str:
    """``sha256:<hex>`` of the exact bytes: the registry's digest of a manifest or index."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _document_digest(
    data: bytes | str | Mapping[str, _Json],
    obj: dict[str, _Json],
    expected_digest: str | None,
    what: str,
) -> tuple[str | None, int | None]:
    """Digest and size of the document: computed from bytes, else the expected, else declared."""
    if expected_digest is not None:
        _check_digest(expected_digest, "expected_digest")
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if expected_digest is None:
            return compute_digest(raw), len(raw)
        algo = expected_digest.partition(":")[0]
        if algo in _DIGEST_HEX_LENGTHS:
            computed = f"{algo}:{hashlib.new(algo, raw).hexdigest()}"
            if computed != expected_digest:
                raise ManifestError(
                    f"{what}: digest mismatch: expected {expected_digest}, the bytes hash to "
                    f"{computed} (the document was altered, or is not the one asked for)"
                )
        return expected_digest, len(raw)
    if expected_digest is not None:
        return expected_digest, _get_int(obj, "size", "", required=False)
    declared = _get_str(obj, "digest", "")
    if declared:
        _check_digest(declared, "digest")
    return declared or None, _get_int(obj, "size", "", required=False)


def _parse_platform_obj(value: _Json, path: str) -> Platform:
    obj = _as_object(value, path)
    return Platform(
        os=_get_str(obj, "os", path, required=True),
        architecture=_get_str(obj, "architecture", path, required=True),
        variant=_get_str(obj, "variant", path),
        os_version=_get_str(obj, "os.version", path),
        os_features=_get_str_list(obj, "os.features", path) or (),
    )


def _parse_descriptor(value: _Json, path: str) -> Descriptor:
    obj = _as_object(value, path)
    digest = _check_digest(_get_str(obj, "digest", path, required=True), _join(path, "digest"))
    size = _get_int(obj, "size", path)
    assert size is not None
    platform_value = obj.get("platform")
    platform = (
        None
        if platform_value is None
        else _parse_platform_obj(platform_value, _join(path, "platform"))
    )
    return Descriptor(
        media_type=_get_str(obj, "mediaType", path, required=True),
        digest=digest,
        size=size,
        platform=platform,
        annotations=_get_str_map(obj, "annotations", path),
        artifact_type=_get_str(obj, "artifactType", path),
        urls=_get_str_list(obj, "urls", path) or (),
    )


def _schema_version(obj: dict[str, _Json], what: str) -> int:
    version = _get_int(obj, "schemaVersion", "", required=False)
    if version is None:
        return 2
    if version != 2:
        raise ManifestError(
            f"{what}: schemaVersion {version} is not supported (only schema 2: OCI and Docker v2)"
        )
    return version


def _detect_kind(obj: dict[str, _Json]) -> str:
    """``"index"`` or ``"manifest"`` from the mediaType, else from the shape."""
    media_type = _get_str(obj, "mediaType", "")
    if media_type in INDEX_MEDIA_TYPES:
        return "index"
    if media_type in MANIFEST_MEDIA_TYPES:
        return "manifest"
    if media_type in _DOCKER_SCHEMA1 or obj.get("schemaVersion") == 1:
        raise ManifestError(
            "document: Docker schema 1 manifests are not supported (deprecated; re-push the image)"
        )
    if "manifests" in obj:
        return "index"
    if "config" in obj or "layers" in obj:
        return "manifest"
    if media_type:
        raise ManifestError(f"mediaType: {media_type!r} is neither an image index nor a manifest")
    raise ManifestError(
        "document: neither an image index (no 'manifests') nor an image manifest "
        "(no 'config'/'layers')"
    )


# --------------------------------------------------------------------------------------------
# Public parsers
# --------------------------------------------------------------------------------------------


def parse_document(
    data: bytes | str | Mapping[str, object], *, expected_digest: str | None = None
) -> ImageIndex | ImageManifest:
    """Parse ``imagetools inspect --raw`` output: an index/manifest list or a single manifest."""
    obj = _load(data, "document")
    if _detect_kind(obj) == "index":
        return _build_index(data, obj, expected_digest)
    return _build_manifest(data, obj, expected_digest)


def parse_index(
    data: bytes | str | Mapping[str, object], *, expected_digest: str | None = None
) -> ImageIndex:
    """Parse an OCI image index or Docker manifest list.

    Pass the raw bytes to get ``digest`` (sha256 of the bytes) and ``size``; with
    ``expected_digest`` too, a mismatch raises :class:`ManifestError`.
    """
    obj = _load(data, "index")
    if _detect_kind(obj) != "index":
        raise ManifestError(
            f"index: this is an image manifest ({_get_str(obj, 'mediaType', '') or 'no mediaType'}"
            "), not an index: the image has a single platform"
        )
    return _build_index(data, obj, expected_digest)


def parse_manifest(
    data: bytes | str | Mapping[str, object], *, expected_digest: str | None = None
) -> ImageManifest:
    """Parse an OCI image manifest or Docker v2 schema 2 manifest (also attestation manifests)."""
    obj = _load(data, "manifest")
    if _detect_kind(obj) != "manifest":
        raise ManifestError("manifest: this is an image index (it lists manifests), not a manifest")
    return _build_manifest(data, obj, expected_digest)


def _build_index(
    data: bytes | str | Mapping[str, _Json], obj: dict[str, _Json], expected_digest: str | None
) -> ImageIndex:
    schema_version = _schema_version(obj, "index")
    raw_manifests = obj.get("manifests")
    if raw_manifests is None:
        raise ManifestError("manifests: missing")
    if not isinstance(raw_manifests, list):
        raise ManifestError(f"manifests: expected an array, got {_type_name(raw_manifests)}")
    manifests = tuple(
        _parse_descriptor(item, f"manifests[{i}]") for i, item in enumerate(raw_manifests)
    )
    runnable: list[Descriptor] = []
    attestations: list[Descriptor] = []
    others: list[Descriptor] = []
    for descriptor in manifests:
        if descriptor.is_attestation_manifest:
            attestations.append(descriptor)
        elif descriptor.reference_type or (
            descriptor.platform is not None and descriptor.platform.is_unknown
        ):
            others.append(descriptor)
        else:
            runnable.append(descriptor)
    runnable_digests = {d.digest for d in runnable}
    entries = tuple(
        PlatformEntry(
            descriptor=d,
            attestations=tuple(a for a in attestations if a.reference_digest == d.digest),
        )
        for d in runnable
    )
    orphans = tuple(a for a in attestations if a.reference_digest not in runnable_digests)
    digest, size = _document_digest(data, obj, expected_digest, "index")
    return ImageIndex(
        media_type=_get_str(obj, "mediaType", "") or OCI_INDEX,
        schema_version=schema_version,
        manifests=manifests,
        platforms=entries,
        orphan_attestations=orphans,
        other_manifests=tuple(others),
        annotations=_get_str_map(obj, "annotations", ""),
        digest=digest,
        size=size,
        artifact_type=_get_str(obj, "artifactType", ""),
    )


def _build_manifest(
    data: bytes | str | Mapping[str, _Json], obj: dict[str, _Json], expected_digest: str | None
) -> ImageManifest:
    schema_version = _schema_version(obj, "manifest")
    if obj.get("config") is None:
        raise ManifestError("config: missing")
    config = _parse_descriptor(obj["config"], "config")
    raw_layers = obj.get("layers")
    if raw_layers is None:
        raw_layers = []
    if not isinstance(raw_layers, list):
        raise ManifestError(f"layers: expected an array, got {_type_name(raw_layers)}")
    layers = tuple(_parse_descriptor(item, f"layers[{i}]") for i, item in enumerate(raw_layers))
    subject_value = obj.get("subject")
    subject = None if subject_value is None else _parse_descriptor(subject_value, "subject")
    digest, size = _document_digest(data, obj, expected_digest, "manifest")
    media_type = _get_str(obj, "mediaType", "")
    if not media_type:
        media_type = DOCKER_MANIFEST if config.media_type == DOCKER_CONFIG else OCI_MANIFEST
    return ImageManifest(
        media_type=media_type,
        schema_version=schema_version,
        config=config,
        layers=layers,
        annotations=_get_str_map(obj, "annotations", ""),
        subject=subject,
        artifact_type=_get_str(obj, "artifactType", ""),
        digest=digest,
        size=size,
    )


def parse_config(data: bytes | str | Mapping[str, object]) -> ImageConfig:
    """Parse an image config blob (OCI or Docker); also the empty attestation config ``{}``."""
    return _build_config(_load(data, "config"), "")


def _build_config(obj: dict[str, _Json], path: str) -> ImageConfig:
    container_value = obj.get("config")
    container = (
        {} if container_value is None else _as_object(container_value, _join(path, "config"))
    )
    cpath = _join(path, "config")
    history_value = obj.get("history")
    history: list[HistoryEntry] = []
    if history_value is not None:
        if not isinstance(history_value, list):
            raise ManifestError(
                f"{_join(path, 'history')}: expected an array, got {_type_name(history_value)}"
            )
        for i, item in enumerate(history_value):
            hpath = f"{_join(path, 'history')}[{i}]"
            entry = _as_object(item, hpath)
            history.append(
                HistoryEntry(
                    created=_get_str(entry, "created", hpath),
                    created_by=_get_str(entry, "created_by", hpath),
                    comment=_get_str(entry, "comment", hpath),
                    empty_layer=_get_bool(entry, "empty_layer", hpath),
                )
            )
    rootfs_value = obj.get("rootfs")
    rpath = _join(path, "rootfs")
    rootfs = {} if rootfs_value is None else _as_object(rootfs_value, rpath)
    return ImageConfig(
        architecture=_get_str(obj, "architecture", path),
        os=_get_str(obj, "os", path),
        variant=_get_str(obj, "variant", path),
        os_version=_get_str(obj, "os.version", path),
        created=_get_str(obj, "created", path),
        entrypoint=_get_str_list(container, "Entrypoint", cpath),
        cmd=_get_str_list(container, "Cmd", cpath),
        env=_get_str_list(container, "Env", cpath) or (),
        labels=_get_str_map(container, "Labels", cpath),
        user=_get_str(container, "User", cpath),
        working_dir=_get_str(container, "WorkingDir", cpath),
        exposed_ports=_get_key_set(container, "ExposedPorts", cpath),
        volumes=_get_key_set(container, "Volumes", cpath),
        stop_signal=_get_str(container, "StopSignal", cpath),
        history=tuple(history),
        rootfs_type=_get_str(rootfs, "type", rpath),
        diff_ids=_get_str_list(rootfs, "diff_ids", rpath) or (),
    )


def _looks_like_config(obj: Mapping[str, _Json]) -> bool:
    return any(key in obj for key in ("architecture", "rootfs", "os", "config", "history"))


def parse_image_configs(data: bytes | str | Mapping[str, object]) -> dict[str, ImageConfig]:
    """Parse ``imagetools inspect --format '{{json .Image}}'``.

    For an index buildx prints ``{"linux/amd64": {config}, ...}``; for a single manifest, the
    config itself (keyed here by its own platform).
    """
    obj = _load(data, "image")
    return _configs_from(obj, "")


def _configs_from(obj: dict[str, _Json], path: str) -> dict[str, ImageConfig]:
    if _looks_like_config(obj):
        config = _build_config(obj, path)
        return {str(config.platform): config}
    result: dict[str, ImageConfig] = {}
    for key, value in obj.items():
        kpath = f"{path}[{key!r}]" if path else f"[{key!r}]"
        result[key] = _build_config(_as_object(value, kpath), kpath)
    return result


def parse_inspect_json(data: bytes | str | Mapping[str, object]) -> InspectResult:
    """Parse ``imagetools inspect --format '{{json .}}'``: ``{"name", "manifest", "image"}``.

    The ``manifest`` object there carries ``digest`` and ``size`` added by buildx; they become the
    index's (or manifest's) ``digest``/``size``.
    """
    obj = _load(data, "inspect output")
    name = _get_str(obj, "name", "")
    manifest_value = obj.get("manifest")
    if manifest_value is None:
        raise ManifestError("manifest: missing")
    manifest_obj = _as_object(manifest_value, "manifest")
    try:
        document: ImageIndex | ImageManifest
        if _detect_kind(manifest_obj) == "index":
            document = _build_index(manifest_obj, manifest_obj, None)
        else:
            document = _build_manifest(manifest_obj, manifest_obj, None)
    except ManifestError as error:
        text = str(error)
        if text.startswith(("document:", "mediaType:")):
            text = text.split(":", 1)[1].strip()
            raise ManifestError(f"manifest: {text}") from None
        raise ManifestError(f"manifest.{text}") from None
    image_value = obj.get("image")
    images = {} if image_value is None else _configs_from(_as_object(image_value, "image"), "image")
    return InspectResult(name=name, document=document, images=images)


# --------------------------------------------------------------------------------------------
# Comparison and platform messages
# --------------------------------------------------------------------------------------------


class DiffStatus(StrEnum):
    SAME = "same"
    DIFFERENT = "different"
    ONLY_LEFT = "only-left"
    ONLY_RIGHT = "only-right"


@dataclass(frozen=True)
class PlatformDiff:
    platform: str
    status: DiffStatus
    left_digest: str | None
    right_digest: str | None


@dataclass(frozen=True)
class IndexComparison:
    """Per-platform comparison of two indexes (left order first, then right-only platforms)."""

    entries: tuple[PlatformDiff, ...]

    def _with(self, status: DiffStatus) -> list[str]:
        return [e.platform for e in self.entries if e.status is status]

    @property
    def same(self) -> list[str]:
        return self._with(DiffStatus.SAME)

    @property
    def different(self) -> list[str]:
        return self._with(DiffStatus.DIFFERENT)

    @property
    def only_left(self) -> list[str]:
        return self._with(DiffStatus.ONLY_LEFT)

    @property
    def only_right(self) -> list[str]:
        return self._with(DiffStatus.ONLY_RIGHT)

    @property
    def identical(self) -> bool:
        return all(e.status is DiffStatus.SAME for e in self.entries)


def _variant_rank(platform: Platform | None) -> int:
    if platform is None:
        return 0
    digits = re.sub(r"\D", "", platform.normalized().variant)
    return int(digits) if digits else 1


def _platform_key(entry: PlatformEntry) -> str:
    if entry.platform is None:
        return f"(no platform) {entry.digest}"
    normal = entry.platform.normalized()
    return f"{normal}@{normal.os_version}" if normal.os_version else str(normal)


def _keyed(index: ImageIndex) -> dict[str, PlatformEntry]:
    result: dict[str, PlatformEntry] = {}
    for entry in index.platforms:
        result.setdefault(_platform_key(entry), entry)
    return result


def compare_indexes(left: ImageIndex, right: ImageIndex) -> IndexComparison:
    """Compare two indexes platform by platform (attestations ignored): same/different digest,
    only in left, only in right. Platforms are matched after normalisation."""
    lefts, rights = _keyed(left), _keyed(right)
    entries: list[PlatformDiff] = []
    for key, entry in lefts.items():
        other = rights.get(key)
        label = entry.platform_string
        if other is None:
            entries.append(PlatformDiff(label, DiffStatus.ONLY_LEFT, entry.digest, None))
        else:
            status = DiffStatus.SAME if other.digest == entry.digest else DiffStatus.DIFFERENT
            entries.append(PlatformDiff(label, status, entry.digest, other.digest))
    for key, entry in rights.items():
        if key not in lefts:
            entries.append(
                PlatformDiff(entry.platform_string, DiffStatus.ONLY_RIGHT, None, entry.digest)
            )
    return IndexComparison(tuple(entries))


def missing_platform_message(
    image: ImageIndex | Iterable[str | Platform], wanted: str | Platform
) -> str | None:
    """``None`` if the image runs natively on ``wanted``; else a sentence saying what that means.

    ``image`` is an index or the platforms of a single-platform image. E.g. ``no linux/arm64
    variant: it will not run natively on Apple silicon Macs ... (has: linux/amd64)``. An older
    variant of the same architecture counts as present (``linux/amd64`` for ``linux/amd64/v3``).
    Raises :class:`InvalidPlatform` for a malformed ``wanted``.
    """
    target = (wanted if isinstance(wanted, Platform) else parse_platform(wanted)).normalized()
    if isinstance(image, ImageIndex):
        available = [e.platform for e in image.platforms if e.platform is not None]
    else:
        available = [p if isinstance(p, Platform) else parse_platform(p) for p in image]
    if any(p.runs_natively_on(target) for p in available):
        return None
    hosts = native_hosts(target)
    has = ", ".join(str(p) for p in available) or "no runnable platform"
    return (
        f"no {target} variant: it will not run natively on {hosts}; they would need emulation "
        f"(has: {has})"
    )
