"""`docker buildx imagetools inspect`, one level at a time, for the manifest inspector.

What runs (verified on the lab: buildx v0.36.1, distribution 2.8):

* the index (or the single manifest of a one-platform image): ``imagetools inspect --raw REF``;
  stdout is the registry's exact bytes, so their sha256 is the document's digest;
* one manifest listed there (a platform's or an attestation's):
  ``imagetools inspect --raw NAME@DIGEST``; the bytes must hash to ``DIGEST``;
* a platform's image config: ``imagetools inspect NAME@DIGEST --format '{{json .Image}}'``
  (buildx prints the config blob of that one manifest; it has no way to print the raw blob).

Every ``fetch_*`` validates the reference first and runs nothing when it is malformed; a failure
comes back as a classified :class:`InspectError`, never as an exception. Parsing is
:mod:`buildx_tui.core.inspect.manifest.parse`'s. Stdlib only; never imports textual.
"""

from __future__ import annotations

import platform as _host
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Generic, TypeVar

from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.core.inspect.manifest.compare import missing_platform_message
from buildx_tui.core.inspect.manifest.model import (
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
    ManifestError,
    PlatformEntry,
)
from buildx_tui.core.inspect.manifest.parse import (
    parse_document,
    parse_image_configs,
    parse_manifest,
)
from buildx_tui.core.inspect.manifest.platform import InvalidPlatform, Platform, parse_platform
from buildx_tui.core.reference import (
    ImageReference,
    InspectError,
    InspectErrorKind,
    InvalidReference,
    classify_inspect_error,
    parse_reference,
)

__all__ = [
    "CONFIG_FORMAT",
    "EXPECTED_PLATFORMS",
    "INSPECT",
    "TIMEOUT_S",
    "Fetch",
    "InspectJob",
    "Level",
    "PlatformNote",
    "classify_failure",
    "config_argv",
    "fetch_config",
    "fetch_index",
    "fetch_manifest",
    "index_argv",
    "local_platform",
    "manifest_argv",
    "manifest_reference",
    "platform_notes",
    "reference_error",
    "single_platform_index",
]

INSPECT: Final = ("buildx", "imagetools", "inspect")
CONFIG_FORMAT: Final = "{{json .Image}}"
TIMEOUT_S: Final = 60.0
# Platforms people most often need besides their own: x86-64 servers and Apple silicon / Graviton.
# The inspector warns when an image lacks one (platform_notes). Not core.platforms'
# COMMON_PLATFORMS, the build form's and the wizard's longer checkbox list.
EXPECTED_PLATFORMS: Final = ("linux/amd64", "linux/arm64")

T = TypeVar("T")


# --------------------------------------------------------------------------------------------
# argv
# --------------------------------------------------------------------------------------------


def index_argv(reference: str) -> tuple[str, ...]:
    """``buildx imagetools inspect --raw REF``: the index (or single manifest) as stored."""
    return (*INSPECT, "--raw", reference)


def manifest_reference(reference: str | ImageReference, digest: str) -> str:
    """``NAME@DIGEST`` of one manifest of ``reference``'s repository (the tag is dropped).

    Raises :class:`InvalidReference` for a malformed reference or digest.
    """
    ref = reference if isinstance(reference, ImageReference) else parse_reference(reference)
    return ref.with_digest(digest)


def manifest_argv(reference: str | ImageReference, digest: str) -> tuple[str, ...]:
    """``buildx imagetools inspect --raw NAME@DIGEST``: one manifest, byte for byte."""
    return (*INSPECT, "--raw", manifest_reference(reference, digest))


def config_argv(reference: str | ImageReference, digest: str) -> tuple[str, ...]:
    """``buildx imagetools inspect NAME@DIGEST --format '{{json .Image}}'``: its image config."""
    return (*INSPECT, manifest_reference(reference, digest), "--format", CONFIG_FORMAT)


# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fetch(Generic[T]):
    """The outcome of one inspect: ``value`` or ``error``.

    ``argv`` is what ran (empty when the reference was refused before running anything);
    ``result`` the command's result (``None`` when nothing ran).
    """

    argv: tuple[str, ...]
    value: T | None = None
    error: InspectError | None = None
    result: CommandResult | None = None

    @property
    def ok(self) -> bool:
        return self.value is not None and self.error is None

    @property
    def ran(self) -> bool:
        return self.result is not None


def reference_error(error: InvalidReference, text: str) -> InspectError:
    """An :class:`InvalidReference` as an :class:`InspectError` (nothing was run)."""
    return InspectError(
        kind=InspectErrorKind.BAD_REFERENCE,
        message=f"invalid image reference {text!r}: {error}",
        hint="Nothing was run. An image reference is host[:port]/repository[:tag][@digest], "
        "e.g. 127.0.0.1:5000/demo:1 or busybox:latest.",
        detail="",
    )


def _failure(result: CommandResult, reference: str) -> InspectError:
    if result.cancelled:
        return InspectError(InspectErrorKind.UNKNOWN, "cancelled", "", "")
    if result.returncode == 127 and not result.stdout:
        return InspectError(
            InspectErrorKind.UNKNOWN,
            result.stderr.strip() or "the docker CLI could not be started",
            "Install the docker CLI with the buildx plugin, or point --docker at it.",
            result.stderr.strip(),
        )
    stderr = result.stderr
    if "timed out after" in stderr and "ERROR:" not in stderr:
        return InspectError(
            InspectErrorKind.TIMEOUT,
            f"no answer about {reference} within {TIMEOUT_S:.0f} s",
            "Check the network, proxies and that the registry is up, then retry (r).",
            stderr.strip(),
        )
    return classify_failure(stderr, reference, result.returncode)


def classify_failure(stderr: str, reference: str, returncode: int = 1) -> InspectError:
    """The failure of an inspect as the user should read it (empty stderr included)."""
    if not stderr.strip():
        return InspectError(
            InspectErrorKind.UNKNOWN,
            f"docker buildx imagetools inspect exited {returncode} without a message",
            "",
            "",
        )
    error = classify_inspect_error(stderr, reference)
    if error.kind is InspectErrorKind.UNKNOWN and error.detail.rstrip().endswith(": EOF"):
        # RECORDED (local/imagetools-err-tls-server.stderr): a TLS-only server on a loopback
        # address, which buildx talks plain HTTP to, hangs up without an answer.
        host = _domain_of(reference)
        return InspectError(
            InspectErrorKind.UNREACHABLE,
            f"the server at {host or 'that address'} closed the connection without answering",
            "Is it a registry? buildx talks plain HTTP to registries on localhost/127.0.0.1, "
            "and a server there that only speaks TLS hangs up like this.",
            error.detail,
        )
    return error


def _domain_of(reference: str) -> str:
    try:
        return parse_reference(reference).domain
    except InvalidReference:
        return ""


def _unexpected(what: str, error: ManifestError) -> InspectError:
    return InspectError(
        InspectErrorKind.UNKNOWN,
        f"buildx printed something that is not {what}: {error}",
        "Is the docker CLI's buildx plugin recent (0.13 or newer)?",
        str(error),
    )


def fetch_index(
    backend: Backend, reference: str, *, timeout: float = TIMEOUT_S
) -> Fetch[ImageIndex | ImageManifest]:
    """The top level of ``reference``: an :class:`ImageIndex`, or the :class:`ImageManifest` of
    a single-platform image. With ``REF@DIGEST`` the bytes are checked against the digest."""
    try:
        ref = parse_reference(reference)
    except InvalidReference as error:
        return Fetch((), error=reference_error(error, reference))
    argv = index_argv(reference)
    result = backend.run(argv, timeout=timeout)
    if not result.ok:
        return Fetch(argv, error=_failure(result, reference), result=result)
    try:
        document = parse_document(result.stdout_bytes, expected_digest=ref.digest)
    except ManifestError as error:
        return Fetch(argv, error=_unexpected("an image index or manifest", error), result=result)
    return Fetch(argv, value=document, result=result)


def fetch_manifest(
    backend: Backend, reference: str | ImageReference, digest: str, *, timeout: float = TIMEOUT_S
) -> Fetch[ImageManifest]:
    """One manifest of the repository (a platform's or an attestation's), digest-checked."""
    try:
        argv = manifest_argv(reference, digest)
    except InvalidReference as error:
        return Fetch((), error=reference_error(error, f"{reference}@{digest}"))
    target = argv[-1]
    result = backend.run(argv, timeout=timeout)
    if not result.ok:
        return Fetch(argv, error=_failure(result, target), result=result)
    try:
        manifest = parse_manifest(result.stdout_bytes, expected_digest=digest)
    except ManifestError as error:
        return Fetch(argv, error=_unexpected("an image manifest", error), result=result)
    return Fetch(argv, value=manifest, result=result)


def fetch_config(
    backend: Backend, reference: str | ImageReference, digest: str, *, timeout: float = TIMEOUT_S
) -> Fetch[ImageConfig]:
    """The image config of the manifest ``digest`` (as buildx prints it with ``.Image``)."""
    try:
        argv = config_argv(reference, digest)
    except InvalidReference as error:
        return Fetch((), error=reference_error(error, f"{reference}@{digest}"))
    target = argv[-3]
    result = backend.run(argv, timeout=timeout)
    if not result.ok:
        return Fetch(argv, error=_failure(result, target), result=result)
    try:
        configs = parse_image_configs(result.stdout_bytes)
    except ManifestError as error:
        return Fetch(argv, error=_unexpected("an image config", error), result=result)
    if len(configs) != 1:
        found = ", ".join(configs) or "none"
        return Fetch(
            argv,
            error=_unexpected("one image config", ManifestError(f"found {found}")),
            result=result,
        )
    return Fetch(argv, value=next(iter(configs.values())), result=result)


class Level(StrEnum):
    """What one inspect fetches."""

    INDEX = "index"
    MANIFEST = "manifest"
    CONFIG = "config"


@dataclass(frozen=True)
class InspectJob:
    """One inspect to run in a worker: the level, the reference and (below the index) the
    digest of the manifest. ``argv()`` is what :meth:`run` will run (empty if it runs nothing)."""

    level: Level
    reference: str
    digest: str | None = None

    def argv(self) -> tuple[str, ...]:
        try:
            if self.level is Level.INDEX:
                parse_reference(self.reference)
                return index_argv(self.reference)
            if self.digest is None:
                return ()
            if self.level is Level.MANIFEST:
                return manifest_argv(self.reference, self.digest)
            return config_argv(self.reference, self.digest)
        except InvalidReference:
            return ()

    def run(self, backend: Backend, *, timeout: float = TIMEOUT_S) -> Fetch[Any]:
        if self.level is Level.INDEX:
            return fetch_index(backend, self.reference, timeout=timeout)
        if self.digest is None:
            error = InspectError(
                InspectErrorKind.UNKNOWN, f"no digest to fetch a {self.level}", "", ""
            )
            return Fetch((), error=error)
        if self.level is Level.MANIFEST:
            return fetch_manifest(backend, self.reference, self.digest, timeout=timeout)
        return fetch_config(backend, self.reference, self.digest, timeout=timeout)


# --------------------------------------------------------------------------------------------
# Single-platform images and the user's platform
# --------------------------------------------------------------------------------------------


def single_platform_index(manifest: ImageManifest, config: ImageConfig | None) -> ImageIndex:
    """A one-entry index standing for a single-platform image (to compare it with an index).

    The platform is the one its config states (``None`` without a config).
    """
    if manifest.digest is None or manifest.size is None:
        raise ValueError("the manifest's digest and size are needed (parse it from its bytes)")
    platform = config.platform if config is not None and config.architecture else None
    descriptor = Descriptor(manifest.media_type, manifest.digest, manifest.size, platform)
    return ImageIndex(
        media_type=manifest.media_type,
        schema_version=manifest.schema_version,
        manifests=(descriptor,),
        platforms=(PlatformEntry(descriptor),),
        digest=manifest.digest,
        size=manifest.size,
    )


_MACHINE_ARCH: Final = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armv7l": "arm/v7",
    "armv6l": "arm/v6",
    "i386": "386",
    "i686": "386",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
}


def local_platform(machine: str | None = None) -> str:
    """The Linux platform containers run natively on this machine: ``linux/arm64`` on Apple
    silicon (Docker Desktop runs a Linux VM), ``linux/amd64`` on x86-64."""
    name = (machine if machine is not None else _host.machine()).lower()
    return "linux/" + _MACHINE_ARCH.get(name, name or "amd64")


@dataclass(frozen=True)
class PlatformNote:
    """A platform the image lacks: ``mine`` when it is the user's own platform."""

    platform: str
    mine: bool
    message: str


def platform_notes(platforms: Sequence[Platform | str], host: str) -> tuple[PlatformNote, ...]:
    """What the image cannot run natively on: the user's ``host`` platform first, then the
    common ones (linux/amd64, linux/arm64). Empty when all of them are covered."""
    notes: list[PlatformNote] = []
    seen: set[str] = set()
    for wanted in (host, *EXPECTED_PLATFORMS):
        try:
            key = str(parse_platform(wanted).normalized())
            message = missing_platform_message(platforms, wanted)
        except InvalidPlatform:
            continue
        if key in seen:
            continue
        seen.add(key)
        if message is not None:
            notes.append(PlatformNote(key, wanted == host, message))
    return tuple(notes)
