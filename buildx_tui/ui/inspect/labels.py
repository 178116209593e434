"""Rich labels for the manifest inspector: descriptors, platforms, sizes, media types, configs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC
from typing import Any

from rich.text import Text

from buildx_tui.core.inspect.imagetools import Fetch
from buildx_tui.core.inspect.manifest.model import (
    DOCKER_CONFIG,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    IN_TOTO,
    OCI_CONFIG,
    OCI_INDEX,
    OCI_MANIFEST,
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    predicate_label,
)
from buildx_tui.ui.common.format import human_bytes

DIGEST_STYLE = "dim"
PLATFORM_STYLE = "bold cyan"
KEY_STYLE = "italic"
KEY_WIDTH = 12

_MEDIA_NAMES = {
    OCI_INDEX: "OCI image index",
    DOCKER_MANIFEST_LIST: "Docker manifest list",
    OCI_MANIFEST: "OCI image manifest",
    DOCKER_MANIFEST: "Docker image manifest v2",
    IN_TOTO: "in-toto statement",
    "application/vnd.oci.empty.v1+json": "empty (OCI)",
    OCI_CONFIG: "OCI image config",
    DOCKER_CONFIG: "Docker image config",
}
_LAYER_PREFIXES = (
    ("application/vnd.oci.image.layer.nondistributable.v1.", "foreign "),
    ("application/vnd.oci.image.layer.v1.", ""),
    ("application/vnd.docker.image.rootfs.foreign.diff.", "docker foreign "),
    ("application/vnd.docker.image.rootfs.diff.", "docker "),
)


def short_digest(digest: str | None) -> str:
    """``sha256:`` and the first 12 hex digits, as docker shows IDs."""
    if not digest:
        return "(no digest)"
    algo, _, hex_part = digest.partition(":")
    return f"{algo}:{hex_part[:12]}"


def size_text(size: int | None) -> str:
    if size is None:
        return "?"
    return human_bytes(size) if size > 0 else "0 B"


def media_name(media_type: str) -> str:
    """``OCI image manifest``, ``tar+gzip``, ``docker tar.gzip``; unknown types as they are."""
    if media_type in _MEDIA_NAMES:
        return _MEDIA_NAMES[media_type]
    for prefix, label in _LAYER_PREFIXES:
        if media_type.startswith(prefix):
            return label + media_type[len(prefix) :]
    return media_type or "(no media type)"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def index_label(reference: str, index: ImageIndex) -> Text:
    n_att = len(index.attestations)
    parts = [plural(len(index.platforms), "platform")]
    if n_att:
        parts.append(plural(n_att, "attestation"))
    return Text.assemble(
        (reference, "bold"),
        "  ",
        (media_name(index.media_type), "magenta"),
        "  ",
        (short_digest(index.digest), DIGEST_STYLE),
        "  ",
        size_text(index.size),
        "  ",
        (" · ".join(parts), "italic"),
    )


def image_label(reference: str, manifest: ImageManifest, platform: str | None) -> Text:
    """The root of a single-platform image (no index)."""
    return Text.assemble(
        (reference, "bold"),
        "  ",
        ("single-platform image (no index)", "yellow"),
        "  ",
        (platform or "platform: loading config…", PLATFORM_STYLE if platform else "dim"),
        "  ",
        (short_digest(manifest.digest), DIGEST_STYLE),
        "  ",
        size_text(manifest.size),
    )


def platform_label(
    platform: str, width: int, descriptor: Descriptor, manifest: ImageManifest | None
) -> Text:
    text = Text.assemble(
        (platform.ljust(width), PLATFORM_STYLE),
        "  ",
        (short_digest(descriptor.digest), DIGEST_STYLE),
        "  ",
        f"manifest {size_text(descriptor.size)}",
    )
    if manifest is not None:
        text.append("  ")
        text.append_text(totals(manifest))
    return text


def totals(manifest: ImageManifest) -> Text:
    return Text(
        f"total {size_text(manifest.total_size)} "
        f"(config + {plural(len(manifest.layers), 'layer')})",
        "green",
    )


def attestation_label(descriptor: Descriptor, manifest: ImageManifest | None) -> Text:
    if manifest is None:
        what = Text("attestation manifest", "magenta")
    else:
        kinds = [predicate_label(layer.predicate_type) for layer in manifest.layers]
        what = Text("attestation: " + (", ".join(kinds) or "no statements"), "magenta")
    return Text.assemble(
        what,
        "  ",
        (short_digest(descriptor.digest), DIGEST_STYLE),
        "  ",
        size_text(descriptor.size),
    )


def manifest_line(manifest: ImageManifest) -> Text:
    return Text.assemble(
        ("manifest".ljust(KEY_WIDTH), KEY_STYLE),
        (media_name(manifest.media_type), "magenta"),
        "  ",
        (short_digest(manifest.digest), DIGEST_STYLE),
        "  ",
        size_text(manifest.size),
    )


def config_header(descriptor: Descriptor | None) -> Text:
    text = Text("config".ljust(KEY_WIDTH), KEY_STYLE)
    if descriptor is None:
        text.append("image config", "magenta")
        return text
    text.append(media_name(descriptor.media_type), "magenta")
    text.append("  ")
    text.append(short_digest(descriptor.digest), DIGEST_STYLE)
    text.append("  " + size_text(descriptor.size))
    return text


def layers_header(manifest: ImageManifest) -> Text:
    return Text.assemble(
        ("layers".ljust(KEY_WIDTH), KEY_STYLE),
        f"{plural(len(manifest.layers), 'layer')} · {size_text(manifest.layers_size)}",
    )


def layer_line(number: int, width: int, layer: Descriptor) -> Text:
    label = Text.assemble(
        (f"#{number}".rjust(width + 1), "dim"),
        "  ",
        size_text(layer.size).rjust(10),
        "  ",
        (media_name(layer.media_type).ljust(12), "magenta"),
        "  ",
        (short_digest(layer.digest), DIGEST_STYLE),
    )
    if layer.predicate_type:
        label.append("  " + predicate_label(layer.predicate_type), "bold magenta")
    return label


def predicate_label_of(layer: Descriptor) -> str:
    return predicate_label(layer.predicate_type) if layer.predicate_type else "in-toto"


def statement_line(layer: Descriptor) -> Text:
    return Text.assemble(
        (predicate_label_of(layer), "bold magenta"),
        "  ",
        (media_name(layer.media_type), "magenta"),
        "  ",
        (short_digest(layer.digest), DIGEST_STYLE),
        "  ",
        size_text(layer.size),
    )


def subject_line(subject: Descriptor) -> Text:
    return Text.assemble(
        ("describes".ljust(KEY_WIDTH), KEY_STYLE),
        (short_digest(subject.digest), DIGEST_STYLE),
        ("  (the platform manifest above)", "dim"),
    )


def field(key: str, value: str | Text, style: str = "") -> Text:
    text = Text((key.ljust(KEY_WIDTH)), KEY_STYLE)
    text.append_text(value if isinstance(value, Text) else Text(value, style))
    return text


def argv_text(values: Sequence[str] | None) -> str:
    """``["cat", "/x"]`` as JSON (what the Dockerfile exec form looks like); unset/empty told."""
    if values is None:
        return "(not set)"
    return json.dumps(list(values)) if values else "[] (empty)"


def created_text(config: ImageConfig) -> str:
    when = config.created_at
    if when is None:
        return config.created or "(not set)"
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC")


def note_of(fetch: Fetch[Any]) -> str:
    """What a fetched document holds, in a few words (the command log's note)."""
    value = fetch.value
    if isinstance(value, ImageIndex):
        return f"{plural(len(value.platforms), 'platform')}, " + plural(
            len(value.attestations), "attestation"
        )
    if isinstance(value, ImageManifest):
        return plural(len(value.layers), "statement" if value.is_attestation else "layer")
    if isinstance(value, ImageConfig):
        return str(value.platform) if value.architecture else ""
    if fetch.error is not None:
        return fetch.error.kind.value
    return ""
