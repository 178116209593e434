"""core/inspect/manifest tests on recorded `docker buildx imagetools inspect` output.

The recorded fixtures (tests/fixtures/buildx/, copied verbatim from shared/fixtures/buildx/) come
from buildx v0.36.1 pushing to a distribution 2.8 registry: see shared/fixtures/buildx/INDEX.md.
Single image manifests, attestation manifests and Docker manifest lists were not recorded there;
the few documents written by hand below say so and follow the OCI image spec and BuildKit's
attestation-storage document.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from buildx_tui.core.inspect.manifest.compare import (
    DiffStatus,
    compare_indexes,
    missing_platform_message,
)
from buildx_tui.core.inspect.manifest.model import (
    ATTESTATION_MANIFEST,
    DOCKER_MANIFEST,
    DOCKER_MANIFEST_LIST,
    IN_TOTO,
    OCI_INDEX,
    OCI_MANIFEST,
    AttestationKind,
    ImageIndex,
    ImageManifest,
    ManifestError,
    attestation_kind,
    predicate_label,
)
from buildx_tui.core.inspect.manifest.parse import (
    compute_digest,
    parse_config,
    parse_document,
    parse_image_configs,
    parse_index,
    parse_inspect_json,
    parse_manifest,
)
from buildx_tui.core.inspect.manifest.platform import (
    InvalidPlatform,
    Platform,
    native_hosts,
    normalize_platform,
    parse_platform,
    same_platform,
)
from buildx_tui.core.reference import (
    InspectErrorKind,
    InvalidReference,
    classify_inspect_error,
    parse_reference,
    validate_reference,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "buildx"

DEMO_AMD64 = "sha256:08233bfa9209ba1f62201826f95af4ba621eb49e04550996bcbf08b8d04e03ff"
DEMO_ARM64 = "sha256:80d1fea271a6848496d1ed0091c95fce68e0724c5bfc408ca88809f17116c9d9"
DEMO_ATT_AMD64 = "sha256:6870cc86b388c615b515056ccb63c6273f8771755136c437c158b2738952d6e6"
DEMO_ATT_ARM64 = "sha256:24248ec0e8a15820128843aef40a394907b1e4c211bbcfaf2af4d18cc3634576"
DEMO_INDEX = "sha256:494a0d7fb5a541b6e3471602a476e6cd13250e2451ff1479f2607497e1185aef"
FOUR_INDEX = "sha256:1cba3ca8ec352d1d02af585c3333c4796d0b002f7864f4d5d2586f6516959b30"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name))


@pytest.fixture(scope="module")
def demo() -> ImageIndex:
    return parse_index(fixture_bytes("imagetools-inspect-raw.json"))


@pytest.fixture(scope="module")
def four() -> ImageIndex:
    return parse_index(fixture_bytes("imagetools-inspect-4platform-raw.json"))


def parse_inspect_text(text: str) -> dict[str, Any]:
    """The human `imagetools inspect` output, read just enough to cross-check the parser."""
    top = dict(re.findall(r"^(Name|MediaType|Digest):\s+(\S+)$", text, re.MULTILINE))
    manifests: list[dict[str, Any]] = []
    for block in text.split("  Name:")[1:]:
        name = block.split()[0]
        manifests.append(
            {
                "digest": name.split("@", 1)[1],
                "mediaType": re.search(r"MediaType:\s+(\S+)", block).group(1),  # type: ignore[union-attr]
                "platform": re.search(r"Platform:\s+(\S+)", block).group(1),  # type: ignore[union-attr]
                "annotations": dict(re.findall(r"^\s{4}(\S+):\s+(\S+)$", block, re.MULTILINE)),
            }
        )
    return {"top": top, "manifests": manifests}


# ---------------------------------------------------------------------------------------------
# The recorded 2-platform index (127.0.0.1:5000/demo:1)
# ---------------------------------------------------------------------------------------------


def test_demo_index_basics(demo: ImageIndex) -> None:
    assert demo.media_type == OCI_INDEX
    assert not demo.is_docker
    assert demo.schema_version == 2
    assert demo.size == 1607
    assert demo.digest == DEMO_INDEX
    assert len(demo.manifests) == 4
    assert demo.platform_strings() == ["linux/amd64", "linux/arm64"]
    assert [e.digest for e in demo.platforms] == [DEMO_AMD64, DEMO_ARM64]
    assert demo.orphan_attestations == ()
    assert demo.other_manifests == ()


def test_demo_attestations_attached_to_the_platform_they_reference(demo: ImageIndex) -> None:
    amd64, arm64 = demo.platforms
    assert [a.digest for a in amd64.attestations] == [DEMO_ATT_AMD64]
    assert [a.digest for a in arm64.attestations] == [DEMO_ATT_ARM64]
    attestation = amd64.attestations[0]
    assert attestation.is_attestation_manifest
    assert attestation.reference_type == ATTESTATION_MANIFEST
    assert attestation.reference_digest == DEMO_AMD64
    assert attestation.platform == Platform("unknown", "unknown")
    assert attestation.platform.is_unknown
    assert attestation.size == 836
    assert [a.digest for a in demo.attestations] == [DEMO_ATT_AMD64, DEMO_ATT_ARM64]
    assert demo.attestations_for(DEMO_ARM64) == arm64.attestations
    assert demo.attestations_for("sha256:" + "0" * 64) == ()
    # unknown/unknown is never offered as a platform
    assert not any("unknown" in p for p in demo.platform_strings())


def test_demo_descriptor_fields(demo: ImageIndex) -> None:
    amd64 = demo.platforms[0].descriptor
    assert amd64.media_type == OCI_MANIFEST
    assert amd64.size == 856
    assert amd64.platform == Platform("linux", "amd64")
    assert amd64.annotations == {}
    assert amd64.short_digest == "sha256:08233bfa9209"
    assert not amd64.is_attestation_manifest
    assert demo.entry_for_digest(DEMO_ARM64) is demo.platforms[1]


def test_raw_digest_is_sha256_of_the_bytes_and_equals_the_build_metadata_digest(
    demo: ImageIndex, four: ImageIndex
) -> None:
    # INDEX.md: imagetools-inspect*.* and build-metadata-file.metadata.json come from one push
    # (demo:1), the 4-platform ones from another (four:1). The --raw bytes are the registry's
    # document byte for byte: their sha256 and length are the pushed index's digest and size.
    for index, raw_name, metadata_name in (
        (demo, "imagetools-inspect-raw.json", "build-metadata-file.metadata.json"),
        (
            four,
            "imagetools-inspect-4platform-raw.json",
            "build-metadata-file-4platform.metadata.json",
        ),
    ):
        raw = fixture_bytes(raw_name)
        metadata = fixture_json(metadata_name)
        assert compute_digest(raw) == "sha256:" + hashlib.sha256(raw).hexdigest()
        assert index.digest == compute_digest(raw)
        assert index.digest == metadata["containerimage.digest"]
        assert index.digest == metadata["containerimage.descriptor"]["digest"]
        assert index.size == len(raw) == metadata["containerimage.descriptor"]["size"]
        assert index.media_type == metadata["containerimage.descriptor"]["mediaType"]
        # the provenance entries of the metadata name exactly the platforms of the index
        provenance = sorted(
            key.removeprefix("buildx.build.provenance/")
            for key in metadata
            if key.startswith("buildx.build.provenance/")
        )
        assert provenance == sorted(index.platform_strings())


def test_digest_is_not_computed_from_text_but_can_be_checked(demo: ImageIndex) -> None:
    raw = fixture_bytes("imagetools-inspect-raw.json")
    assert parse_index(raw.decode()).digest is None  # text may have lost bytes: no guess
    assert parse_index(raw.decode(), expected_digest=DEMO_INDEX).digest == DEMO_INDEX
    assert parse_index(raw, expected_digest=DEMO_INDEX).digest == DEMO_INDEX
    with pytest.raises(ManifestError, match="digest mismatch"):
        parse_index(raw + b"\n", expected_digest=DEMO_INDEX)
    sha512 = "sha512:" + hashlib.sha512(raw).hexdigest()
    assert parse_index(raw, expected_digest=sha512).digest == sha512
    with pytest.raises(ManifestError, match="expected_digest: invalid digest"):
        parse_index(raw, expected_digest="sha256:nothex")
    # the same document re-serialised is another document, with another digest
    reserialised = json.dumps(json.loads(raw)).encode()
    assert parse_index(reserialised).digest != DEMO_INDEX
    assert parse_index(reserialised).platforms == demo.platforms


@pytest.mark.parametrize(
    ("raw_name", "text_names"),
    [
        (
            "imagetools-inspect-raw.json",
            ["imagetools-inspect.txt", "imagetools-inspect-builder-default.txt"],
        ),
        ("imagetools-inspect-4platform-raw.json", ["imagetools-inspect-4platform.txt"]),
    ],
)
def test_parsed_index_equals_the_human_inspect_output(raw_name: str, text_names: list[str]) -> None:
    index = parse_index(fixture_bytes(raw_name))
    for text_name in text_names:
        text = parse_inspect_text((FIXTURES / text_name).read_text())
        assert text["top"]["MediaType"] == index.media_type
        assert text["top"]["Digest"] == index.digest
        printed = text["manifests"]
        assert [m["digest"] for m in printed] == [d.digest for d in index.manifests]
        assert [m["mediaType"] for m in printed] == [d.media_type for d in index.manifests]
        assert [m["platform"] for m in printed] == [str(d.platform) for d in index.manifests]
        assert [m["annotations"] for m in printed] == [dict(d.annotations) for d in index.manifests]
        runnable = [m for m in printed if m["platform"] != "unknown/unknown"]
        assert [m["platform"] for m in runnable] == index.platform_strings()
        for m in printed:
            if m["platform"] == "unknown/unknown":
                ref = m["annotations"]["vnd.docker.reference.digest"]
                entry = index.entry_for_digest(ref)
                assert entry is not None
                assert m["digest"] in [a.digest for a in entry.attestations]


def test_four_platform_index(four: ImageIndex) -> None:
    assert four.digest == FOUR_INDEX
    assert four.platform_strings() == ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/386"]
    arm = four.find("linux/arm/v7")
    assert arm is not None
    assert arm.platform == Platform("linux", "arm", "v7")
    assert arm.digest == "sha256:b0562eb2f61a82084eebc50209ab3e3c59521352c29237707aff34938e6215f8"
    assert arm.descriptor.size == 667
    assert [a.digest for a in arm.attestations] == [
        "sha256:e754a092c9d609766e12a36097593742422b2d37c2c93dcb93496f4fbdc957dd"
    ]
    for entry in four.platforms:
        assert len(entry.attestations) == 1
        assert entry.attestations[0].reference_digest == entry.digest
    assert four.find("linux/arm") is arm  # bare arm means arm/v7
    assert four.find("linux/i386") is four.platforms[3]
    assert four.find("linux/arm64/v8") is four.platforms[1]
    assert four.find("linux/ppc64le") is None


def test_parse_document_detects_an_index(demo: ImageIndex) -> None:
    document = parse_document(fixture_bytes("imagetools-inspect-raw.json"))
    assert isinstance(document, ImageIndex)
    assert document == demo


def test_index_without_media_type_is_detected_by_shape() -> None:
    doc = fixture_json("imagetools-inspect-raw.json")
    del doc["mediaType"]
    index = parse_index(doc)
    assert index.media_type == OCI_INDEX
    assert index.platform_strings() == ["linux/amd64", "linux/arm64"]
    assert isinstance(parse_document(doc), ImageIndex)


def test_orphan_attestations_are_kept_apart() -> None:
    doc = fixture_json("imagetools-inspect-raw.json")
    doc["manifests"] = [m for m in doc["manifests"] if m["digest"] != DEMO_AMD64]
    index = parse_index(doc)
    assert index.platform_strings() == ["linux/arm64"]
    assert [a.digest for a in index.orphan_attestations] == [DEMO_ATT_AMD64]
    assert [a.digest for a in index.platforms[0].attestations] == [DEMO_ATT_ARM64]


def test_other_reference_types_and_bare_unknown_are_neither_platforms_nor_attestations() -> None:
    doc = fixture_json("imagetools-inspect-raw.json")
    doc["manifests"][2]["annotations"]["vnd.docker.reference.type"] = "something-else"
    doc["manifests"][3].pop("annotations")
    index = parse_index(doc)
    assert index.platform_strings() == ["linux/amd64", "linux/arm64"]
    assert [d.digest for d in index.other_manifests] == [DEMO_ATT_AMD64, DEMO_ATT_ARM64]
    assert index.attestations == ()
    assert all(e.attestations == () for e in index.platforms)


# ---------------------------------------------------------------------------------------------
# `{{json .}}` and `{{json .Image}}`: image configs
# ---------------------------------------------------------------------------------------------


def test_format_json_output(demo: ImageIndex) -> None:
    result = parse_inspect_json(fixture_bytes("imagetools-inspect-format-json.json"))
    assert result.name == "127.0.0.1:5000/demo:1"
    assert result.manifest is None
    index = result.index
    assert index is not None
    # buildx adds digest and size of the index to the `manifest` object: they equal ours
    assert index.digest == demo.digest == DEMO_INDEX
    assert index.size == demo.size == 1607
    assert index.manifests == demo.manifests
    assert index.platforms == demo.platforms
    assert sorted(result.images) == ["linux/amd64", "linux/arm64"]


def test_image_configs(demo: ImageIndex) -> None:
    configs = parse_image_configs(fixture_bytes("imagetools-inspect-format-platform-json.json"))
    everything = parse_inspect_json(fixture_bytes("imagetools-inspect-format-json.json"))
    assert configs == everything.images
    assert sorted(configs) == sorted(demo.platform_strings())
    amd64 = configs["linux/amd64"]
    assert amd64.platform == Platform("linux", "amd64")
    assert amd64.created == "2026-11-22T21:05:42.185325546Z"
    created = amd64.created_at
    assert created is not None
    assert (created.year, created.hour, created.minute) == (2026, 21, 5)
    assert created.microsecond == 185325  # nanoseconds truncated
    assert created.utcoffset() == timedelta(0)
    assert amd64.entrypoint is None
    assert amd64.cmd == ("cat", "/hello.txt")
    assert amd64.command == ("cat", "/hello.txt")
    assert amd64.env == ("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",)
    assert amd64.env_dict["PATH"].startswith("/usr/local/sbin")
    assert amd64.working_dir == "/"
    assert amd64.user == ""
    assert amd64.labels == {}
    assert amd64.exposed_ports == ()
    assert amd64.history_count == 7
    assert sum(not h.empty_layer for h in amd64.history) == len(amd64.diff_ids) == 3
    assert amd64.history[1].created_by == "ADD rootfs-amd64.tar / # buildkit"
    assert amd64.rootfs_type == "layers"
    arm64 = configs["linux/arm64"]
    assert arm64.architecture == "arm64"
    # the base layer differs per architecture, the COPY/RUN layers are the same bytes
    assert arm64.diff_ids[0] != amd64.diff_ids[0]
    assert arm64.diff_ids[1:] == amd64.diff_ids[1:]


def test_single_config_and_docker_style_nulls() -> None:
    # Hand-written, in the shape docker writes configs (nulls for unset fields).
    config = parse_config(
        json.dumps(
            {
                "architecture": "arm",
                "variant": "v7",
                "os": "linux",
                "created": "2024-01-02T03:04:05Z",
                "config": {
                    "User": "app",
                    "Entrypoint": ["/entry.sh"],
                    "Cmd": None,
                    "Env": None,
                    "Labels": {"org.opencontainers.image.source": "https://example.com/x"},
                    "ExposedPorts": {"8080/tcp": {}, "53/udp": {}},
                    "Volumes": None,
                    "WorkingDir": "/app",
                },
                "rootfs": {"type": "layers", "diff_ids": []},
                "history": None,
            }
        )
    )
    assert str(config.platform) == "linux/arm/v7"
    assert config.user == "app"
    assert config.entrypoint == ("/entry.sh",)
    assert config.cmd is None
    assert config.command == ("/entry.sh",)
    assert config.env == ()
    assert config.labels == {"org.opencontainers.image.source": "https://example.com/x"}
    assert config.exposed_ports == ("8080/tcp", "53/udp")
    assert config.history_count == 0
    assert config.created_at is not None
    # the empty config of a BuildKit attestation manifest parses too
    empty = parse_config(b"{}")
    assert (empty.os, empty.architecture, empty.history_count) == ("", "", 0)
    # a single-platform `{{json .Image}}` is the config itself
    assert list(parse_image_configs({"os": "linux", "architecture": "amd64"})) == ["linux/amd64"]


# ---------------------------------------------------------------------------------------------
# Image manifests (hand-written: no single manifest was recorded)
# ---------------------------------------------------------------------------------------------

# An image manifest as BuildKit pushes one for the demo image (OCI, config + 3 layers); the
# digests are made up, the diff_ids of the demo config are the uncompressed ones.
IMAGE_MANIFEST: dict[str, Any] = {
    "schemaVersion": 2,
    "mediaType": OCI_MANIFEST,
    "config": {
        "mediaType": "application/vnd.oci.image.config.v1+json",
        "digest": "sha256:" + "c" * 64,
        "size": 1453,
    },
    "layers": [
        {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": "sha256:" + "1" * 64,
            "size": 1048000,
        },
        {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": "sha256:" + "2" * 64,
            "size": 32,
        },
        {
            "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
            "digest": "sha256:" + "3" * 64,
            "size": 140,
        },
    ],
}

# An attestation manifest as in BuildKit's docs/attestations/attestation-storage.md, with a
# provenance layer as `docker buildx build` adds by default and an SBOM layer (`--sbom=true`).
ATTESTATION: dict[str, Any] = {
    "schemaVersion": 2,
    "mediaType": OCI_MANIFEST,
    "config": {
        "mediaType": "application/vnd.oci.image.config.v1+json",
        "digest": "sha256:" + "a" * 64,
        "size": 167,
    },
    "layers": [
        {
            "mediaType": IN_TOTO,
            "digest": "sha256:" + "b" * 64,
            "size": 1523,
            "annotations": {"in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"},
        },
        {
            "mediaType": IN_TOTO,
            "digest": "sha256:" + "d" * 64,
            "size": 20480,
            "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"},
        },
    ],
}


def test_image_manifest() -> None:
    raw = json.dumps(IMAGE_MANIFEST, indent=2).encode()
    manifest = parse_manifest(raw)
    assert manifest.media_type == OCI_MANIFEST
    assert manifest.digest == compute_digest(raw)
    assert manifest.size == len(raw)
    assert manifest.config.size == 1453
    assert [layer.size for layer in manifest.layers] == [1048000, 32, 140]
    assert manifest.layers_size == 1048172
    assert manifest.total_size == 1048172 + 1453
    assert not manifest.is_attestation
    assert manifest.attestation_kinds == ()
    assert isinstance(parse_document(raw), ImageManifest)
    # a per-platform fetch is checked against the digest the index gave for it
    assert parse_manifest(raw, expected_digest=compute_digest(raw)).digest == compute_digest(raw)
    with pytest.raises(ManifestError, match="digest mismatch"):
        parse_manifest(raw, expected_digest=DEMO_AMD64)


def test_attestation_manifest_layers_have_friendly_kinds() -> None:
    manifest = parse_manifest(ATTESTATION)
    assert manifest.is_attestation
    assert manifest.attestation_kinds == (AttestationKind.PROVENANCE, AttestationKind.SBOM)
    provenance, sbom = manifest.layers
    assert provenance.predicate_type == "https://slsa.dev/provenance/v0.2"
    assert predicate_label(provenance.predicate_type) == "SLSA provenance v0.2"
    assert predicate_label(sbom.predicate_type) == "SBOM (SPDX)"
    assert attestation_kind("https://slsa.dev/provenance/v1") is AttestationKind.PROVENANCE
    assert predicate_label("https://slsa.dev/provenance/v1") == "SLSA provenance v1"
    assert attestation_kind("https://cyclonedx.org/bom") is AttestationKind.SBOM
    assert attestation_kind("https://openvex.dev/ns/v0.2.0") is AttestationKind.VEX
    assert attestation_kind("https://example.com/custom") is AttestationKind.OTHER
    assert predicate_label("https://example.com/custom") == "https://example.com/custom"
    # a layer that is in-toto without the annotation is still an attestation, of unknown kind
    bare = json.loads(json.dumps(ATTESTATION))
    del bare["layers"][0]["annotations"]
    assert parse_manifest(bare).attestation_kinds == (AttestationKind.OTHER, AttestationKind.SBOM)


def test_docker_manifest_list_and_docker_manifest() -> None:
    # Hand-written Docker manifest list with variant, os.version and os.features.
    doc = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST_LIST,
        "manifests": [
            {
                "mediaType": DOCKER_MANIFEST,
                "digest": "sha256:" + "e" * 64,
                "size": 527,
                "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"},
            },
            {
                "mediaType": DOCKER_MANIFEST,
                "digest": "sha256:" + "f" * 64,
                "size": 1162,
                "platform": {
                    "architecture": "amd64",
                    "os": "windows",
                    "os.version": "10.0.17763.5329",
                    "os.features": ["win32k"],
                },
            },
        ],
    }
    index = parse_index(doc)
    assert index.is_docker
    assert index.platform_strings() == ["linux/arm64/v8", "windows/amd64"]
    windows = index.platforms[1].platform
    assert windows is not None
    assert windows.os_version == "10.0.17763.5329"
    assert windows.os_features == ("win32k",)
    assert index.has_platform("linux/arm64")
    assert index.digest is None  # a mapping has no bytes to hash and declares no digest
    manifest = parse_manifest(
        {
            "schemaVersion": 2,
            "config": {
                "mediaType": "application/vnd.docker.container.image.v1+json",
                "digest": "sha256:" + "1" * 64,
                "size": 100,
            },
            "layers": [],
        }
    )
    assert manifest.media_type == DOCKER_MANIFEST  # inferred from the config media type
    assert manifest.is_docker
    assert manifest.total_size == 100


def test_index_and_manifest_are_not_mistaken_for_each_other() -> None:
    with pytest.raises(ManifestError, match="not an index: the image has a single platform"):
        parse_index(IMAGE_MANIFEST)
    with pytest.raises(ManifestError, match="not a manifest"):
        parse_manifest(fixture_bytes("imagetools-inspect-raw.json"))


# ---------------------------------------------------------------------------------------------
# Malformed input: always ManifestError with a readable message
# ---------------------------------------------------------------------------------------------


def _index_with(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = fixture_json("imagetools-inspect-raw.json")
    for key, value in changes.items():
        doc["manifests"][0][key] = value
    return doc


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty input"),
        (b"   \n", "empty input"),
        (b"{", "not valid JSON"),
        (b'{"manifests": [', "not valid JSON"),
        (fixture_bytes("imagetools-inspect-raw.json")[:-1], "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[]", "expected a JSON object, got array"),
        (b"null", "expected a JSON object, got null"),
        (b"42", "expected a JSON object, got number"),
        (b"{}", "neither an image index"),
        (b'{"mediaType": "text/plain"}', "neither an image index nor a manifest"),
        (b'{"schemaVersion": 1, "fsLayers": []}', "schema 1"),
        (
            b'{"mediaType": "application/vnd.docker.distribution.manifest.v1+prettyjws"}',
            "schema 1",
        ),
        (b'{"mediaType": "' + OCI_INDEX.encode() + b'"}', "manifests: missing"),
        (b'{"manifests": {}}', "manifests: expected an array, got object"),
        (b'{"manifests": [], "schemaVersion": "2"}', "schemaVersion: expected an integer"),
        (b'{"manifests": [], "schemaVersion": 3}', "schemaVersion 3 is not supported"),
        (b'{"manifests": [42]}', r"manifests\[0\]: expected a JSON object, got number"),
        (b'{"manifests": [], "annotations": []}', "annotations: expected a JSON object"),
        (b'{"mediaType": "' + OCI_MANIFEST.encode() + b'"}', "config: missing"),
        (
            b'{"config": {"mediaType": "x", "digest": "sha256:' + b"a" * 64 + b'", "size": 1},'
            b' "layers": {}}',
            "layers: expected an array",
        ),
    ],
)
def test_malformed_documents(data: bytes, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_document(data)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"digest": None}, r"manifests\[0\]\.digest: missing"),
        ({"digest": 12}, r"manifests\[0\]\.digest: expected a string, got number"),
        ({"digest": "sha256:abc"}, r"manifests\[0\]\.digest: invalid digest 'sha256:abc'"),
        ({"digest": "sha256:" + "A" * 64}, "invalid digest"),
        ({"digest": "08233bfa"}, "invalid digest"),
        ({"size": "856"}, r"manifests\[0\]\.size: expected an integer, got string"),
        ({"size": 85.6}, r"manifests\[0\]\.size: expected an integer, got number"),
        ({"size": True}, r"manifests\[0\]\.size: expected an integer, got boolean"),
        ({"size": -1}, "must not be negative"),
        ({"size": None}, r"manifests\[0\]\.size: missing"),
        ({"mediaType": None}, r"manifests\[0\]\.mediaType: missing"),
        ({"platform": "linux/amd64"}, r"manifests\[0\]\.platform: expected a JSON object"),
        ({"platform": {"os": "linux"}}, r"manifests\[0\]\.platform\.architecture: missing"),
        ({"platform": {"os": "linux", "architecture": 1}}, "architecture: expected a string"),
        ({"annotations": {"a": 1}}, r"manifests\[0\]\.annotations\['a'\]: expected a string"),
    ],
)
def test_malformed_descriptors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_index(_index_with(**changes))


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"config": []}, "config: expected a JSON object"),
        ({"config": {"Cmd": "cat /hello.txt"}}, r"config\.Cmd: expected an array, got string"),
        ({"config": {"Env": ["A=1", 2]}}, r"config\.Env\[1\]: expected a string"),
        ({"config": {"Labels": ["a"]}}, r"config\.Labels: expected a JSON object"),
        ({"history": {}}, "history: expected an array"),
        ({"history": [{"empty_layer": "yes"}]}, r"history\[0\]\.empty_layer: expected true"),
        ({"rootfs": {"diff_ids": "sha256:x"}}, r"rootfs\.diff_ids: expected an array"),
        ({"architecture": 64}, "architecture: expected a string"),
    ],
)
def test_malformed_configs(doc: dict[str, Any], message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_config(doc)


def test_malformed_inspect_json() -> None:
    with pytest.raises(ManifestError, match="manifest: missing"):
        parse_inspect_json(b'{"name": "x"}')
    doc = fixture_json("imagetools-inspect-format-json.json")
    doc["manifest"]["manifests"][1]["size"] = "856"
    with pytest.raises(ManifestError, match=r"manifest\.manifests\[1\]\.size: expected an integer"):
        parse_inspect_json(doc)
    doc = fixture_json("imagetools-inspect-format-json.json")
    doc["image"]["linux/arm64"] = "oops"
    with pytest.raises(ManifestError, match=r"image\['linux/arm64'\]: expected a JSON object"):
        parse_inspect_json(doc)
    with pytest.raises(ManifestError, match="not valid JSON"):
        parse_image_configs(b"{'linux/amd64': {}}")


def test_manifest_error_is_a_value_error_and_not_a_key_error() -> None:
    with pytest.raises(ValueError) as info:
        parse_index({"manifests": [{"mediaType": OCI_MANIFEST}]})
    assert type(info.value) is ManifestError
    assert str(info.value) == "manifests[0].digest: missing"


# ---------------------------------------------------------------------------------------------
# Platforms, comparison, missing-platform messages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("linux/arm64/v8", "linux/arm64"),
        ("linux/arm64", "linux/arm64"),
        ("linux/aarch64", "linux/arm64"),
        ("linux/amd64/v1", "linux/amd64"),
        ("linux/x86_64", "linux/amd64"),
        ("linux/amd64/v3", "linux/amd64/v3"),
        ("linux/arm", "linux/arm/v7"),
        ("linux/arm/7", "linux/arm/v7"),
        ("linux/armhf", "linux/arm/v7"),
        ("linux/armel", "linux/arm/v6"),
        ("linux/i386", "linux/386"),
        ("Linux/AMD64", "linux/amd64"),
    ],
)
def test_normalize_platform(text: str, normal: str) -> None:
    assert normalize_platform(text) == normal
    assert same_platform(text, normal)


def test_platform_equivalence_and_parsing() -> None:
    assert same_platform("linux/arm64/v8", Platform("linux", "arm64"))
    assert not same_platform("linux/arm64", "linux/arm/v7")
    assert not same_platform("linux/amd64", "linux/amd64/v2")
    assert not same_platform("linux/amd64", "windows/amd64")
    win = parse_platform("windows(10.0.17763)/amd64")
    assert (win.os, win.os_version, str(win)) == ("windows", "10.0.17763", "windows/amd64")
    assert not win.matches("windows(10.0.20348)/amd64")
    assert win.matches("windows/amd64")
    for bad in ("", "linux", "linux/", "/amd64", "linux/arm/v7/extra", "linux amd64", "li nux/x"):
        with pytest.raises(InvalidPlatform):
            parse_platform(bad)


def test_compare_two_recorded_indexes(demo: ImageIndex, four: ImageIndex) -> None:
    comparison = compare_indexes(demo, four)
    assert comparison.same == []
    assert comparison.different == ["linux/amd64", "linux/arm64"]  # two separate builds
    assert comparison.only_left == []
    assert comparison.only_right == ["linux/arm/v7", "linux/386"]
    assert not comparison.identical
    first = comparison.entries[0]
    assert (first.left_digest, first.status) == (DEMO_AMD64, DiffStatus.DIFFERENT)
    reverse = compare_indexes(four, demo)
    assert reverse.only_left == ["linux/arm/v7", "linux/386"]
    assert reverse.only_right == []
    assert reverse.entries[2].right_digest is None
    assert compare_indexes(demo, demo).identical
    assert compare_indexes(demo, demo).same == ["linux/amd64", "linux/arm64"]


def test_compare_matches_platforms_after_normalisation(demo: ImageIndex) -> None:
    doc = fixture_json("imagetools-inspect-raw.json")
    doc["manifests"][1]["platform"]["variant"] = "v8"
    other = parse_index(doc)
    comparison = compare_indexes(demo, other)
    assert comparison.same == ["linux/amd64", "linux/arm64"]
    # attestations are not compared: a new attestation alone does not make a platform differ
    doc["manifests"][2]["digest"] = "sha256:" + "9" * 64
    assert compare_indexes(demo, parse_index(doc)).identical


def test_missing_platform_message(demo: ImageIndex, four: ImageIndex) -> None:
    assert missing_platform_message(demo, "linux/arm64") is None
    assert missing_platform_message(demo, "linux/arm64/v8") is None
    assert missing_platform_message(four, "linux/arm") is None
    amd64_only = parse_index(
        {"manifests": [m for m in fixture_json("imagetools-inspect-raw.json")["manifests"][:1]]}
    )
    message = missing_platform_message(amd64_only, "linux/arm64")
    assert message is not None
    assert message.startswith("no linux/arm64 variant: it will not run natively on Apple silicon")
    assert message.endswith("(has: linux/amd64)")
    message = missing_platform_message(["linux/arm64"], "linux/amd64")
    assert message is not None
    assert "no linux/amd64 variant" in message
    assert "x86-64 servers" in message
    message = missing_platform_message(four, "linux/riscv64")
    assert message is not None
    assert message.endswith("(has: linux/amd64, linux/arm64, linux/arm/v7, linux/386)")
    generic = missing_platform_message(four, "linux/mips64le")
    assert generic is not None and "linux/mips64le machines" in generic
    # an older variant of the same architecture runs natively; another architecture does not
    assert missing_platform_message(demo, "linux/amd64/v3") is None
    assert missing_platform_message(["linux/arm/v6"], "linux/arm/v7") is None
    assert missing_platform_message(["linux/arm/v7"], "linux/arm/v6") is not None
    assert missing_platform_message(["linux/arm/v7"], "linux/arm64") is not None
    assert missing_platform_message(["linux/386"], "linux/amd64") is not None
    with pytest.raises(InvalidPlatform):
        missing_platform_message(demo, "arm64")


def test_runs_natively_and_find_for_host(demo: ImageIndex, four: ImageIndex) -> None:
    amd64 = Platform("linux", "amd64")
    assert amd64.runs_natively_on("linux/amd64/v2")
    assert not Platform("linux", "amd64", "v3").runs_natively_on("linux/amd64")
    assert Platform("linux", "arm64").runs_natively_on("linux/arm64/v8")
    assert not Platform("linux", "arm64").runs_natively_on("darwin/arm64")
    assert demo.find("linux/amd64/v3") is None  # find is exact (after normalisation)
    assert demo.find_for_host("linux/amd64/v3") is demo.platforms[0]
    assert four.find_for_host("linux/arm/v8") is four.platforms[2]  # arm/v7 on an ARMv8 host
    assert four.find_for_host("linux/arm64") is four.platforms[1]
    assert four.find_for_host("linux/s390x") is None
    assert native_hosts("linux/x86_64").startswith("x86-64 servers")
    assert native_hosts("linux/arm64/v8").startswith("Apple silicon")


# ---------------------------------------------------------------------------------------------
# Image references
# ---------------------------------------------------------------------------------------------

SHA = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "domain", "path", "tag", "digest"),
    [
        ("127.0.0.1:5000/demo:1", "127.0.0.1:5000", "demo", "1", None),
        ("busybox", "docker.io", "library/busybox", None, None),
        ("busybox:latest", "docker.io", "library/busybox", "latest", None),
        ("docker.io/library/busybox", "docker.io", "library/busybox", None, None),
        ("index.docker.io/user/app:v1.2", "docker.io", "user/app", "v1.2", None),
        ("user/app", "docker.io", "user/app", None, None),
        ("localhost/app", "localhost", "app", None, None),
        ("localhost:5000/a/b/c:Tag_1.0-rc", "localhost:5000", "a/b/c", "Tag_1.0-rc", None),
        ("[::1]:5000/demo", "[::1]:5000", "demo", None, None),
        ("Registry.Example.com/team/app", "Registry.Example.com", "team/app", None, None),
        (f"ghcr.io/owner/repo@{SHA}", "ghcr.io", "owner/repo", None, SHA),
        (f"ghcr.io/owner/repo:v1@{SHA}", "ghcr.io", "owner/repo", "v1", SHA),
        ("a__b/c-d---e.f_g", "docker.io", "a__b/c-d---e.f_g", None, None),
        ("demo:" + "t" * 128, "docker.io", "library/demo", "t" * 128, None),
    ],
)
def test_valid_references(
    text: str, domain: str, path: str, tag: str | None, digest: str | None
) -> None:
    ref = parse_reference(text)
    assert (ref.domain, ref.path, ref.tag, ref.digest) == (domain, path, tag, digest)
    assert validate_reference(text) is None


def test_reference_helpers() -> None:
    ref = parse_reference("127.0.0.1:5000/demo:1")
    assert ref.name == "127.0.0.1:5000/demo"
    assert str(ref) == "127.0.0.1:5000/demo:1"
    assert ref.explicit_domain
    assert ref.familiar_name == "127.0.0.1:5000/demo"
    assert ref.with_digest(DEMO_AMD64) == f"127.0.0.1:5000/demo@{DEMO_AMD64}"
    with pytest.raises(InvalidReference):
        ref.with_digest("sha256:nothex")
    hub = parse_reference("busybox")
    assert str(hub) == "docker.io/library/busybox"
    assert hub.familiar_name == "busybox"
    assert not hub.explicit_domain
    assert hub.effective_tag == "latest"
    assert parse_reference(f"busybox@{SHA}").effective_tag is None
    assert parse_reference("docker.io/user/app").explicit_domain


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "enter an image reference"),
        ("   ", "enter an image reference"),
        ("127.0.0.1:5000/Demo:1", r"must be lowercase: 'Demo' \(did you mean 'demo'\?\)"),
        ("MyUser/app", "must be lowercase.*read as a registry host"),
        ("Busybox", "must be lowercase"),
        ("demo:1 ", "cannot contain spaces"),
        ("my image", "cannot contain spaces"),
        ("demo:-bad", "invalid tag '-bad'"),
        ("demo:.bad", "invalid tag"),
        ("demo:a+b", "invalid tag 'a\\+b'"),
        ("demo:", "the tag after ':' is empty"),
        ("demo:" + "t" * 129, "the tag is 129 characters long; the limit is 128"),
        ("https://ghcr.io/owner/repo", r"remove the https:// prefix"),
        ("demo@sha256:abc", "expected 64 lowercase hex digits"),
        ("demo@sha256:" + "A" * 64, "expected 64 lowercase hex digits"),
        ("demo@md5", "expected algorithm:hex"),
        (f"demo@{SHA}@{SHA}", "at most one @digest"),
        (f"@{SHA}", "repository name is missing"),
        (":tag", "repository name is missing"),
        ("a//b", "empty component"),
        ("a_/b", "invalid repository path component 'a_'"),
        ("-a", "invalid repository path component '-a'"),
        ("a/b___c", "invalid repository path component"),
        ("ghcr.io/", "repository name is missing"),
        ("bad_host.com/app", "invalid registry host 'bad_host.com'"),
        ("a/" + "b" * 300, "the repository name is 302 characters long; the limit is 255"),
        ("ab" * 32, "looks like an image ID"),
    ],
)
def test_invalid_references(text: str, message: str) -> None:
    with pytest.raises(InvalidReference, match=message):
        parse_reference(text)
    error = validate_reference(text)
    assert error is not None and re.search(message, error)


# ---------------------------------------------------------------------------------------------
# `imagetools inspect` errors
# ---------------------------------------------------------------------------------------------


def test_recorded_not_found_error() -> None:
    stderr = (FIXTURES / "imagetools-inspect-missing.stderr").read_text()
    error = classify_inspect_error(stderr, "127.0.0.1:5000/demo:nosuchtag")
    assert error.kind is InspectErrorKind.NOT_FOUND
    assert error.message.startswith("127.0.0.1:5000/demo:nosuchtag was not found")
    assert error.detail == "127.0.0.1:5000/demo:nosuchtag: not found"
    assert "--push" in error.hint
    # the reference comes from the text even when the caller does not pass it
    assert classify_inspect_error(stderr).message.startswith("127.0.0.1:5000/demo:nosuchtag")


# Assumed texts (not recorded here): the usual Go / containerd / distribution messages that
# buildx prints after "ERROR: ".
@pytest.mark.parametrize(
    ("stderr", "kind"),
    [
        (
            "ERROR: failed to authorize: failed to fetch anonymous token: unexpected status from "
            "GET request to https://auth.docker.io/token?scope=repository%3Auser%2Fprivate%3Apull"
            "&service=registry.docker.io: 401 Unauthorized\n",
            InspectErrorKind.UNAUTHORIZED,
        ),
        (
            "ERROR: unexpected status from HEAD request to https://ghcr.io/v2/o/r/manifests/1: "
            "403 Forbidden\n",
            InspectErrorKind.UNAUTHORIZED,
        ),
        (
            'ERROR: failed to do request: Head "https://nosuch.example/v2/x/manifests/1": dial '
            "tcp: lookup nosuch.example on 127.0.0.53:53: no such host\n",
            InspectErrorKind.UNKNOWN_HOST,
        ),
        (
            'ERROR: failed to do request: Head "https://10.0.0.5:5000/v2/demo/manifests/1": '
            "http: server gave HTTP response to HTTPS client\n",
            InspectErrorKind.HTTP_VS_HTTPS,
        ),
        (
            'ERROR: failed to do request: Head "https://reg.lan/v2/demo/manifests/1": tls: '
            "failed to verify certificate: x509: certificate signed by unknown authority\n",
            InspectErrorKind.TLS,
        ),
        (
            'ERROR: failed to do request: Head "http://127.0.0.1:5001/v2/demo/manifests/1": '
            "dial tcp 127.0.0.1:5001: connect: connection refused\n",
            InspectErrorKind.UNREACHABLE,
        ),
        (
            "ERROR: invalid reference format: repository name (library/Demo) must be lowercase\n",
            InspectErrorKind.BAD_REFERENCE,
        ),
        ("ERROR: invalid reference format\n", InspectErrorKind.BAD_REFERENCE),
        (
            'ERROR: failed to do request: Head "https://reg.lan/v2/x/manifests/1": dial tcp '
            "10.1.1.1:443: i/o timeout\n",
            InspectErrorKind.TIMEOUT,
        ),
        ("ERROR: ghcr.io/o/r:1: manifest unknown\n", InspectErrorKind.NOT_FOUND),
        ("ERROR: something nobody expected\n", InspectErrorKind.UNKNOWN),
        ("", InspectErrorKind.UNKNOWN),
    ],
)
def test_assumed_inspect_errors(stderr: str, kind: InspectErrorKind) -> None:
    error = classify_inspect_error(stderr)
    assert error.kind is kind
    assert error.message
    assert not error.message.startswith("ERROR:")


def test_error_messages_name_the_host() -> None:
    refused = classify_inspect_error(
        "ERROR: dial tcp 127.0.0.1:5001: connect: connection refused", "127.0.0.1:5001/demo:1"
    )
    assert "127.0.0.1:5001" in refused.message
    dns = classify_inspect_error("ERROR: dial tcp: lookup nosuch.example: no such host")
    assert "nosuch.example" in dns.message
    http = classify_inspect_error(
        "ERROR: http: server gave HTTP response to HTTPS client", "reg.lan:5000/demo:1"
    )
    assert "reg.lan:5000" in http.message
    assert "buildkitd.toml" in http.hint and "http = true" in http.hint
    unknown = classify_inspect_error("ERROR: something nobody expected\n")
    assert unknown.message == "something nobody expected"


def _json_paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _json_paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _json_paths(item, (*path, i))
    return found


@pytest.mark.parametrize(
    "name", ["imagetools-inspect-raw.json", "imagetools-inspect-format-json.json"]
)
def test_any_field_of_the_wrong_type_gives_manifest_error(name: str) -> None:
    """Every field of a recorded document, replaced by each JSON type or deleted: the parsers
    either accept the document or raise ManifestError, never KeyError/TypeError/AttributeError."""
    original = fixture_json(name)
    replacements: list[Any] = [None, -1, 1.5, True, "x", [], {}, [1], {"a": 1}, "__delete__"]
    for path in _json_paths(original):
        for replacement in replacements:
            doc = json.loads(json.dumps(original))
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            if replacement == "__delete__":
                del parent[path[-1]]
            else:
                parent[path[-1]] = replacement
            for parse in (parse_document, parse_inspect_json, parse_image_configs):
                with contextlib.suppress(ManifestError):
                    parse(json.dumps(doc).encode())
