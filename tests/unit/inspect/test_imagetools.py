"""core/imagetools: argv specs and fetches through a Backend, on outputs recorded on the lab.

The recordings (tests/fixtures/local/imagetools-*, INDEX.md) are of 127.0.0.1:5000/inspector-demo:1
and :2 (linux/amd64 + linux/arm64 with provenance attestations; :2 differs only on arm64) and
:amd64 (one manifest, no index). The build printed the index digests checked below.
"""

from __future__ import annotations

import hashlib

import pytest

from buildx_tui.core.inspect.imagetools import (
    CONFIG_FORMAT,
    InspectJob,
    Level,
    config_argv,
    fetch_config,
    fetch_index,
    fetch_manifest,
    index_argv,
    local_platform,
    manifest_argv,
    platform_notes,
    single_platform_index,
)
from buildx_tui.core.inspect.manifest.compare import DiffStatus, compare_indexes
from buildx_tui.core.inspect.manifest.model import ImageIndex, ImageManifest
from buildx_tui.core.reference import InspectErrorKind, InvalidReference
from tests.fakes import FIXTURES, FakeBackend, Reply, fixture

NAME = "127.0.0.1:5000/inspector-demo"
INDEX1 = "sha256:d2b39305607a1321806897ca1e38c409dedaefc10f6a39cb7c7390b75bcb29cb"
INDEX2 = "sha256:d08156ea886dda4ee8d2e8ef49b4c20398388feb25e610bddf0fd82bcf1a456b"
AMD64 = "sha256:414abe43eb9af763132372e39a8720abc3926779627dd0499e0f6ef4ae870663"
ARM64_1 = "sha256:86987919a3c88f9fc324d7a067813e340a9844217f86a95cd4276ffc528a52e4"
ARM64_2 = "sha256:87e1b25d36c5655aea4271ddf02cdd87e22f6630ef8d1f16763075e860508f37"
ATT_AMD64 = "sha256:c89ba0564aa50f894f311f094056828b3d505652a089fe573aa2faba07919722"
ATT_ARM64 = "sha256:6059705a298ddb0877b0f6a62bd4894668051a6c7b8d7f2a4af61b0f3fdd5daf"
INSPECT = ("buildx", "imagetools", "inspect")


def local(name: str) -> str:
    return fixture(f"local/{name}")


def test_argv_specs():
    assert index_argv(f"{NAME}:1") == (*INSPECT, "--raw", f"{NAME}:1")
    # the tag is dropped: a manifest is addressed by digest in its repository
    assert manifest_argv(f"{NAME}:1", AMD64) == (*INSPECT, "--raw", f"{NAME}@{AMD64}")
    assert config_argv(f"{NAME}:1", AMD64) == (
        *INSPECT,
        f"{NAME}@{AMD64}",
        "--format",
        CONFIG_FORMAT,
    )
    assert CONFIG_FORMAT == "{{json .Image}}"
    assert manifest_argv("busybox", AMD64)[-1] == f"docker.io/library/busybox@{AMD64}"
    with pytest.raises(InvalidReference):
        manifest_argv(f"{NAME}:1", "sha256:abc")


def test_fetch_index_of_a_two_platform_image():
    fake = FakeBackend(
        replies={index_argv(f"{NAME}:1"): Reply(0, local("imagetools-demo1-raw.json"))}
    )
    fetch = fetch_index(fake, f"{NAME}:1")
    assert fetch.ok and fetch.ran
    index = fetch.value
    assert isinstance(index, ImageIndex)
    raw = (FIXTURES / "local" / "imagetools-demo1-raw.json").read_bytes()
    assert index.digest == INDEX1 == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert index.size == len(raw)
    assert index.platform_strings() == ["linux/amd64", "linux/arm64"]
    assert [e.digest for e in index.platforms] == [AMD64, ARM64_1]
    assert [a.digest for a in index.platforms[0].attestations] == [ATT_AMD64]
    assert [a.digest for a in index.platforms[1].attestations] == [ATT_ARM64]
    assert fake.calls == [index_argv(f"{NAME}:1")]


def test_fetch_index_of_a_single_platform_image_gives_its_manifest():
    fake = FakeBackend(
        replies={index_argv(f"{NAME}:amd64"): Reply(0, local("imagetools-demo-amd64-raw.json"))}
    )
    fetch = fetch_index(fake, f"{NAME}:amd64")
    assert isinstance(fetch.value, ImageManifest)
    assert fetch.value.digest == AMD64
    assert len(fetch.value.layers) == 4


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1:5000/Inspector-Demo:1",
        "",
        "http://127.0.0.1:5000/demo:1",
        "demo:1 2",
        "x@sha256:1",
    ],
)
def test_a_bad_reference_runs_nothing(text):
    fake = FakeBackend()
    fetch = fetch_index(fake, text)
    assert fake.calls == []
    assert not fetch.ok and not fetch.ran and fetch.argv == ()
    assert fetch.error is not None and fetch.error.kind is InspectErrorKind.BAD_REFERENCE
    assert "Nothing was run" in fetch.error.hint


RECORDED_ERRORS = {
    "tag-not-found": (f"{NAME}:nosuchtag", "NOT_FOUND", "was not found"),
    "repo-not-found": ("127.0.0.1:5000/nosuchrepo:1", "NOT_FOUND", "not found"),
    "unauthorized": (
        "127.0.0.1:5001/inspector-probe:1",
        "UNAUTHORIZED",
        "docker login 127.0.0.1:5001",
    ),
    "unknown-host": ("nosuchhost.invalid:5000/demo:1", "UNKNOWN_HOST", "host nosuchhost.invalid"),
    "connection-refused": ("127.0.0.1:5999/demo:1", "UNREACHABLE", "registry 127.0.0.1:5999"),
    "http-vs-https": ("192.0.2.2:5002/inspector-probe:1", "HTTP_VS_HTTPS", "speaks plain HTTP"),
    "tls-server": ("127.0.0.1:1234/demo:1", "UNREACHABLE", "127.0.0.1:1234 closed the connection"),
}


@pytest.mark.parametrize("case", sorted(RECORDED_ERRORS))
def test_recorded_failures_are_classified(case):
    reference, kind, words = RECORDED_ERRORS[case]
    stderr = local(f"imagetools-err-{case}.stderr")
    fake = FakeBackend(replies={index_argv(reference): Reply(1, "", stderr)})
    fetch = fetch_index(fake, reference)
    assert fetch.ran and not fetch.ok
    assert fetch.error is not None
    assert fetch.error.kind is InspectErrorKind[kind]
    assert words in fetch.error.message + " " + fetch.error.hint


def test_a_failure_without_stderr_and_a_timeout_are_told():
    fake = FakeBackend(replies={index_argv("a/b:1"): Reply(1, "", "")})
    assert "without a message" in fetch_index(fake, "a/b:1").error.message
    fake = FakeBackend(replies={index_argv("a/b:1"): Reply(-9, "", "\ntimed out after 60 s")})
    error = fetch_index(fake, "a/b:1").error
    assert error.kind is InspectErrorKind.TIMEOUT and "within 60 s" in error.message


def test_output_that_is_not_a_document_is_an_error_not_an_exception():
    fake = FakeBackend(replies={index_argv("a/b:1"): Reply(0, "Name: a/b:1\n", "")})
    fetch = fetch_index(fake, "a/b:1")
    assert fetch.error is not None and "not an image index or manifest" in fetch.error.message


def test_a_reference_with_a_digest_is_checked_against_the_bytes():
    good = f"{NAME}@{INDEX1}"
    fake = FakeBackend(replies={index_argv(good): Reply(0, local("imagetools-demo1-raw.json"))})
    assert fetch_index(fake, good).ok
    liar = f"{NAME}@{INDEX2}"  # answers with :1's bytes
    fake = FakeBackend(replies={index_argv(liar): Reply(0, local("imagetools-demo1-raw.json"))})
    error = fetch_index(fake, liar).error
    assert error is not None and "digest mismatch" in error.message


def test_fetch_manifest_checks_the_digest_and_sums_the_layers():
    argv = manifest_argv(f"{NAME}:1", AMD64)
    fake = FakeBackend(replies={argv: Reply(0, local("imagetools-demo1-amd64-manifest.json"))})
    fetch = fetch_manifest(fake, f"{NAME}:1", AMD64)
    manifest = fetch.value
    assert manifest is not None and manifest.digest == AMD64
    assert [layer.size for layer in manifest.layers] == [1068918, 147, 120, 96]
    assert manifest.total_size == 2347 + 1068918 + 147 + 120 + 96
    assert fake.calls == [argv]
    wrong = FakeBackend(replies={argv: Reply(0, local("imagetools-demo1-arm64-manifest.json"))})
    error = fetch_manifest(wrong, f"{NAME}:1", AMD64).error
    assert error is not None and "digest mismatch" in error.message


def test_fetch_manifest_of_an_attestation():
    argv = manifest_argv(f"{NAME}:1", ATT_AMD64)
    fake = FakeBackend(replies={argv: Reply(0, local("imagetools-demo1-amd64-attestation.json"))})
    manifest = fetch_manifest(fake, f"{NAME}:1", ATT_AMD64).value
    assert manifest is not None and manifest.is_attestation
    assert manifest.subject is not None and manifest.subject.digest == AMD64
    assert [layer.predicate_type for layer in manifest.layers] == ["https://slsa.dev/provenance/v1"]


def test_fetch_manifest_with_a_bad_digest_runs_nothing():
    fake = FakeBackend()
    fetch = fetch_manifest(fake, f"{NAME}:1", "sha256:nothex")
    assert fake.calls == [] and fetch.error.kind is InspectErrorKind.BAD_REFERENCE


def test_fetch_config():
    argv = config_argv(f"{NAME}:1", ARM64_1)
    fake = FakeBackend(replies={argv: Reply(0, local("imagetools-demo1-arm64-config.json"))})
    config = fetch_config(fake, f"{NAME}:1", ARM64_1).value
    assert config is not None
    assert str(config.platform) == "linux/arm64"
    assert config.entrypoint == ("cat",) and config.cmd == ("/etc/demo-release",)
    assert config.user == "nobody" and config.working_dir == "/srv"
    assert "DEMO_MODE=inspect" in config.env
    assert config.labels["org.opencontainers.image.title"] == "inspector demo"
    assert config.created == "2023-11-14T22:13:20Z"  # SOURCE_DATE_EPOCH=1700000000


def test_fetch_config_of_something_with_several_configs_is_an_error():
    argv = config_argv(f"{NAME}:1", ARM64_1)
    several = fixture("buildx/imagetools-inspect-format-platform-json.json")  # an index's .Image
    fake = FakeBackend(replies={argv: Reply(0, several)})
    error = fetch_config(fake, f"{NAME}:1", ARM64_1).error
    assert error is not None and "linux/amd64, linux/arm64" in error.message


def test_jobs_run_what_their_argv_says():
    fake = FakeBackend()
    jobs = [
        InspectJob(Level.INDEX, f"{NAME}:1"),
        InspectJob(Level.MANIFEST, f"{NAME}:1", AMD64),
        InspectJob(Level.CONFIG, f"{NAME}:1", AMD64),
    ]
    for job in jobs:
        job.run(fake)
    assert fake.calls == [job.argv() for job in jobs]
    assert InspectJob(Level.INDEX, "Bad/Ref").argv() == ()
    assert InspectJob(Level.MANIFEST, f"{NAME}:1").argv() == ()


def test_a_single_platform_image_compares_as_a_one_entry_index():
    raw = {
        "1": local("imagetools-demo1-raw.json"),
        "amd64": local("imagetools-demo-amd64-raw.json"),
    }
    fake = FakeBackend(replies={index_argv(f"{NAME}:{t}"): Reply(0, v) for t, v in raw.items()})
    index = fetch_index(fake, f"{NAME}:1").value
    manifest = fetch_index(fake, f"{NAME}:amd64").value
    argv = config_argv(NAME, AMD64)
    fake.replies[argv] = Reply(0, local("imagetools-demo-amd64-config.json"))
    config = fetch_config(fake, NAME, AMD64).value
    single = single_platform_index(manifest, config)
    assert single.platform_strings() == ["linux/amd64"] and single.digest == AMD64
    comparison = compare_indexes(index, single)
    assert [(e.platform, e.status) for e in comparison.entries] == [
        ("linux/amd64", DiffStatus.SAME),
        ("linux/arm64", DiffStatus.ONLY_LEFT),
    ]


def test_two_tags_that_differ_on_one_platform():
    fake = FakeBackend(
        replies={
            index_argv(f"{NAME}:1"): Reply(0, local("imagetools-demo1-raw.json")),
            index_argv(f"{NAME}:2"): Reply(0, local("imagetools-demo2-raw.json")),
        }
    )
    one, two = fetch_index(fake, f"{NAME}:1").value, fetch_index(fake, f"{NAME}:2").value
    comparison = compare_indexes(one, two)
    assert comparison.same == ["linux/amd64"] and comparison.different == ["linux/arm64"]
    assert comparison.entries[1].right_digest == ARM64_2


@pytest.mark.parametrize(
    ("machine", "platform"),
    [("x86_64", "linux/amd64"), ("arm64", "linux/arm64"), ("aarch64", "linux/arm64"),
     ("armv7l", "linux/arm/v7"), ("s390x", "linux/s390x")],
)  # fmt: skip
def test_local_platform(machine, platform):
    assert local_platform(machine) == platform


def test_platform_notes():
    assert platform_notes(["linux/amd64", "linux/arm64"], "linux/amd64") == ()
    on_mac = platform_notes(["linux/amd64"], "linux/arm64")
    assert [(n.platform, n.mine) for n in on_mac] == [("linux/arm64", True)]
    assert "Apple silicon" in on_mac[0].message
    on_pc = platform_notes(["linux/amd64"], "linux/amd64")
    assert [(n.platform, n.mine) for n in on_pc] == [("linux/arm64", False)]
    odd = platform_notes(["linux/arm64"], "linux/s390x")
    assert [(n.platform, n.mine) for n in odd] == [("linux/s390x", True), ("linux/amd64", False)]
