"""What each line of the manifest tree stands for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class NodeKind(StrEnum):
    INDEX = "index"
    IMAGE = "image"  # the root of a single-platform image
    PLATFORM = "platform"
    MANIFEST = "manifest"
    CONFIG = "config"
    FIELD = "field"
    LAYERS = "layers"
    LAYER = "layer"
    ATTESTATIONS = "attestations"
    ATTESTATION = "attestation"
    NOTE = "note"  # loading, errors, hints


@dataclass
class NodeInfo:
    """What a line is: ``digest`` is what `y` copies (else a parent's), ``argv`` the command
    whose output it shows (else a parent's), ``part`` the lazily loaded manifest it belongs to."""

    kind: NodeKind
    digest: str | None = None
    what: str = ""
    argv: tuple[str, ...] = ()
    part: str | None = None
