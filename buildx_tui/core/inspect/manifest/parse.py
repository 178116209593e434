"""Parse what ``docker buildx imagetools inspect`` prints into the :mod:`.model` types.

* ``--raw``: the exact bytes of the index (or of a single manifest, for a single-platform image, or
  of one manifest when given ``name@digest``). Pass the *bytes*: the digest is then computed as the
  sha256 of those bytes, which is the registry's digest of the document.
* ``--format '{{json .}}'``: ``{"name", "manifest", "image"}`` where ``manifest`` is the index
  (buildx adds ``digest`` and ``size`` to it) and ``image`` the per-platform image configs
  (:func:`parse_inspect_json`); ``--format '{{json .Image}}'`` gives the configs alone
  (:func:`parse_image_configs`).

Attestation manifests are sorted out of the runnable platforms here (see :mod:`.model`).
Anything malformed (not JSON, a missing field, a wrong type) raises :class:`~.model.ManifestError`
with a message naming the field, never a ``KeyError``/``TypeError``.

Stdlib only; never imports textual.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Final

from buildx_tui.core.inspect.manifest.json_fields import (
    DIGEST_HEX_LENGTHS,
    Json,
    as_object,
    check_digest,
    get_bool,
    get_int,
    get_key_set,
    get_str,
    get_str_list,
    get_str_map,
    join_path,
    load_json,
    type_name,
)
from buildx_tui.core.inspect.manifest.model import (
    DOCKER_CONFIG,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    OCI_INDEX,
    OCI_MANIFEST,
    Descriptor,
    HistoryEntry,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    InspectResult,
    ManifestError,
    PlatformEntry,
)
from buildx_tui.core.inspect.manifest.platform import Platform

_DOCKER_SCHEMA1: Final = (
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
)
INDEX_MEDIA_TYPES: Final = (OCI_INDEX, DOCKER_MANIFEST_LIST)
MANIFEST_MEDIA_TYPES: Final = (OCI_MANIFEST, DOCKER_MANIFEST)


def compute_digest(data: bytes) -> str:
    """``sha256:<hex>`` of the exact bytes: the registry's digest of a manifest or index."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _document_digest(
    data: bytes | str | Mapping[str, Json],
    obj: dict[str, Json],
    expected_digest: str | None,
    what: str,
) -> tuple[str | None, int | None]:
    """Digest and size of the document: computed from bytes, else the expected, else declared."""
    if expected_digest is not None:
        check_digest(expected_digest, "expected_digest")
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if expected_digest is None:
            return compute_digest(raw), len(raw)
        algo = expected_digest.partition(":")[0]
        if algo in DIGEST_HEX_LENGTHS:
            computed = f"{algo}:{hashlib.new(algo, raw).hexdigest()}"
            if computed != expected_digest:
                raise ManifestError(
                    f"{what}: digest mismatch: expected {expected_digest}, the bytes hash to "
                    f"{computed} (the document was altered, or is not the one asked for)"
                )
        return expected_digest, len(raw)
    if expected_digest is not None:
        return expected_digest, get_int(obj, "size", "", required=False)
    declared = get_str(obj, "digest", "")
    if declared:
        check_digest(declared, "digest")
    return declared or None, get_int(obj, "size", "", required=False)


def _parse_platform_obj(value: Json, path: str) -> Platform:
    obj = as_object(value, path)
    return Platform(
        os=get_str(obj, "os", path, required=True),
        architecture=get_str(obj, "architecture", path, required=True),
        variant=get_str(obj, "variant", path),
        os_version=get_str(obj, "os.version", path),
        os_features=get_str_list(obj, "os.features", path) or (),
    )


def _parse_descriptor(value: Json, path: str) -> Descriptor:
    obj = as_object(value, path)
    digest = check_digest(get_str(obj, "digest", path, required=True), join_path(path, "digest"))
    size = get_int(obj, "size", path)
    assert size is not None
    platform_value = obj.get("platform")
    platform = (
        None
        if platform_value is None
        else _parse_platform_obj(platform_value, join_path(path, "platform"))
    )
    return Descriptor(
        media_type=get_str(obj, "mediaType", path, required=True),
        digest=digest,
        size=size,
        platform=platform,
        annotations=get_str_map(obj, "annotations", path),
        artifact_type=get_str(obj, "artifactType", path),
        urls=get_str_list(obj, "urls", path) or (),
    )


def _schema_version(obj: dict[str, Json], what: str) -> int:
    version = get_int(obj, "schemaVersion", "", required=False)
    if version is None:
        return 2
    if version != 2:
        raise ManifestError(
            f"{what}: schemaVersion {version} is not supported (only schema 2: OCI and Docker v2)"
        )
    return version


def _detect_kind(obj: dict[str, Json]) -> str:
    """``"index"`` or ``"manifest"`` from the mediaType, else from the shape."""
    media_type = get_str(obj, "mediaType", "")
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
    obj = load_json(data, "document")
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
    obj = load_json(data, "index")
    if _detect_kind(obj) != "index":
        raise ManifestError(
            f"index: this is an image manifest ({get_str(obj, 'mediaType', '') or 'no mediaType'}"
            "), not an index: the image has a single platform"
        )
    return _build_index(data, obj, expected_digest)


def parse_manifest(
    data: bytes | str | Mapping[str, object], *, expected_digest: str | None = None
) -> ImageManifest:
    """Parse an OCI image manifest or Docker v2 schema 2 manifest (also attestation manifests)."""
    obj = load_json(data, "manifest")
    if _detect_kind(obj) != "manifest":
        raise ManifestError("manifest: this is an image index (it lists manifests), not a manifest")
    return _build_manifest(data, obj, expected_digest)


def _build_index(
    data: bytes | str | Mapping[str, Json], obj: dict[str, Json], expected_digest: str | None
) -> ImageIndex:
    schema_version = _schema_version(obj, "index")
    raw_manifests = obj.get("manifests")
    if raw_manifests is None:
        raise ManifestError("manifests: missing")
    if not isinstance(raw_manifests, list):
        raise ManifestError(f"manifests: expected an array, got {type_name(raw_manifests)}")
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
        media_type=get_str(obj, "mediaType", "") or OCI_INDEX,
        schema_version=schema_version,
        manifests=manifests,
        platforms=entries,
        orphan_attestations=orphans,
        other_manifests=tuple(others),
        annotations=get_str_map(obj, "annotations", ""),
        digest=digest,
        size=size,
        artifact_type=get_str(obj, "artifactType", ""),
    )


def _build_manifest(
    data: bytes | str | Mapping[str, Json], obj: dict[str, Json], expected_digest: str | None
) -> ImageManifest:
    schema_version = _schema_version(obj, "manifest")
    if obj.get("config") is None:
        raise ManifestError("config: missing")
    config = _parse_descriptor(obj["config"], "config")
    raw_layers = obj.get("layers")
    if raw_layers is None:
        raw_layers = []
    if not isinstance(raw_layers, list):
        raise ManifestError(f"layers: expected an array, got {type_name(raw_layers)}")
    layers = tuple(_parse_descriptor(item, f"layers[{i}]") for i, item in enumerate(raw_layers))
    subject_value = obj.get("subject")
    subject = None if subject_value is None else _parse_descriptor(subject_value, "subject")
    digest, size = _document_digest(data, obj, expected_digest, "manifest")
    media_type = get_str(obj, "mediaType", "")
    if not media_type:
        media_type = DOCKER_MANIFEST if config.media_type == DOCKER_CONFIG else OCI_MANIFEST
    return ImageManifest(
        media_type=media_type,
        schema_version=schema_version,
        config=config,
        layers=layers,
        annotations=get_str_map(obj, "annotations", ""),
        subject=subject,
        artifact_type=get_str(obj, "artifactType", ""),
        digest=digest,
        size=size,
    )


def parse_config(data: bytes | str | Mapping[str, object]) -> ImageConfig:
    """Parse an image config blob (OCI or Docker); also the empty attestation config ``{}``."""
    return _build_config(load_json(data, "config"), "")


def _build_config(obj: dict[str, Json], path: str) -> ImageConfig:
    container_value = obj.get("config")
    container = (
        {} if container_value is None else as_object(container_value, join_path(path, "config"))
    )
    cpath = join_path(path, "config")
    history_value = obj.get("history")
    history: list[HistoryEntry] = []
    if history_value is not None:
        if not isinstance(history_value, list):
            raise ManifestError(
                f"{join_path(path, 'history')}: expected an array, got {type_name(history_value)}"
            )
        for i, item in enumerate(history_value):
            hpath = f"{join_path(path, 'history')}[{i}]"
            entry = as_object(item, hpath)
            history.append(
                HistoryEntry(
                    created=get_str(entry, "created", hpath),
                    created_by=get_str(entry, "created_by", hpath),
                    comment=get_str(entry, "comment", hpath),
                    empty_layer=get_bool(entry, "empty_layer", hpath),
                )
            )
    rootfs_value = obj.get("rootfs")
    rpath = join_path(path, "rootfs")
    rootfs = {} if rootfs_value is None else as_object(rootfs_value, rpath)
    return ImageConfig(
        architecture=get_str(obj, "architecture", path),
        os=get_str(obj, "os", path),
        variant=get_str(obj, "variant", path),
        os_version=get_str(obj, "os.version", path),
        created=get_str(obj, "created", path),
        entrypoint=get_str_list(container, "Entrypoint", cpath),
        cmd=get_str_list(container, "Cmd", cpath),
        env=get_str_list(container, "Env", cpath) or (),
        labels=get_str_map(container, "Labels", cpath),
        user=get_str(container, "User", cpath),
        working_dir=get_str(container, "WorkingDir", cpath),
        exposed_ports=get_key_set(container, "ExposedPorts", cpath),
        volumes=get_key_set(container, "Volumes", cpath),
        stop_signal=get_str(container, "StopSignal", cpath),
        history=tuple(history),
        rootfs_type=get_str(rootfs, "type", rpath),
        diff_ids=get_str_list(rootfs, "diff_ids", rpath) or (),
    )


def _looks_like_config(obj: Mapping[str, Json]) -> bool:
    return any(key in obj for key in ("architecture", "rootfs", "os", "config", "history"))


def parse_image_configs(data: bytes | str | Mapping[str, object]) -> dict[str, ImageConfig]:
    """Parse ``imagetools inspect --format '{{json .Image}}'``.

    For an index buildx prints ``{"linux/amd64": {config}, ...}``; for a single manifest, the
    config itself (keyed here by its own platform).
    """
    obj = load_json(data, "image")
    return _configs_from(obj, "")


def _configs_from(obj: dict[str, Json], path: str) -> dict[str, ImageConfig]:
    if _looks_like_config(obj):
        config = _build_config(obj, path)
        return {str(config.platform): config}
    result: dict[str, ImageConfig] = {}
    for key, value in obj.items():
        kpath = f"{path}[{key!r}]" if path else f"[{key!r}]"
        result[key] = _build_config(as_object(value, kpath), kpath)
    return result


def parse_inspect_json(data: bytes | str | Mapping[str, object]) -> InspectResult:
    """Parse ``imagetools inspect --format '{{json .}}'``: ``{"name", "manifest", "image"}``.

    The ``manifest`` object there carries ``digest`` and ``size`` added by buildx; they become the
    index's (or manifest's) ``digest``/``size``.
    """
    obj = load_json(data, "inspect output")
    name = get_str(obj, "name", "")
    manifest_value = obj.get("manifest")
    if manifest_value is None:
        raise ManifestError("manifest: missing")
    manifest_obj = as_object(manifest_value, "manifest")
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
    images = {} if image_value is None else _configs_from(as_object(image_value, "image"), "image")
    return InspectResult(name=name, document=document, images=images)
