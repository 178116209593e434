from __future__ import annotations

import pytest

from buildx_tui.core.platforms import (
    Emulation,
    Platform,
    PlatformError,
    classify_platforms,
    native_platform,
    normalize,
    parse_platform,
    parse_platform_list,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("linux/amd64", Platform("linux", "amd64")),
        ("linux/arm64/v8", Platform("linux", "arm64")),
        ("linux/aarch64", Platform("linux", "arm64")),
        ("Linux/X86_64", Platform("linux", "amd64")),
        ("linux/arm", Platform("linux", "arm", "v7")),
        ("linux/arm/v6", Platform("linux", "arm", "v6")),
        ("linux/amd64/v3", Platform("linux", "amd64", "v3")),
        (" linux/riscv64 ", Platform("linux", "riscv64")),
    ],
)
def test_parse_and_normalise(text, expected):
    assert parse_platform(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty platform"),
        ("linux", "expected os/arch"),
        ("linux/", "expected os/arch"),
        ("linux/amd64/v2/x", "expected os/arch"),
        ("windows/notanarch/v9/x", "expected os/arch"),
        ("beos/amd64", "unknown OS"),
        ("linux/notanarch", "unknown architecture"),
        ("linux/amd 64", "no spaces"),
        ("linux/arm/v7!", "bad variant"),
    ],
)
def test_bad_platforms_have_clear_messages(text, message):
    with pytest.raises(PlatformError, match=message):
        parse_platform(text)


def test_platform_list():
    assert [str(p) for p in parse_platform_list("linux/amd64, linux/arm64")] == [
        "linux/amd64",
        "linux/arm64",
    ]
    with pytest.raises(PlatformError, match="listed twice"):
        parse_platform_list("linux/arm64,linux/arm64/v8")
    with pytest.raises(PlatformError, match="no platform given"):
        parse_platform_list(" , ")


# Real lists from tests/fixtures/buildx/ls.json.
SEEDTEST = [
    "linux/amd64", "linux/arm64", "linux/amd64/v2", "linux/amd64/v3", "linux/amd64/v4",
    "linux/riscv64", "linux/ppc64", "linux/ppc64le", "linux/s390x", "linux/386",
    "linux/loong64", "linux/arm/v7", "linux/arm/v6",
]  # fmt: skip
DEFAULT = [
    "linux/amd64", "linux/arm64", "linux/riscv64", "linux/ppc64le", "linux/s390x",
    "linux/386", "linux/arm/v7", "linux/arm/v6",
]  # fmt: skip


def test_native_is_first_unpinned_platform():
    assert native_platform(DEFAULT) == Platform("linux", "amd64")
    # arm64 pinned first on an x86 host: native is still amd64
    assert native_platform(["linux/arm64", "linux/amd64", "linux/386"], ["linux/arm64"]) == (
        Platform("linux", "amd64")
    )
    # An arm64 host (e.g. a native remote node) lists arm64 first.
    assert native_platform(["linux/arm64", "linux/arm/v7", "linux/amd64"]) == Platform(
        "linux", "arm64"
    )
    assert native_platform([]) is None


def test_classify_native_emulated_pinned():
    info = classify_platforms(SEEDTEST, ["linux/amd64", "linux/arm64"])
    native = [p.name for p in info if p.emulation is Emulation.NATIVE]
    assert native == [
        "linux/amd64",
        "linux/amd64/v2",
        "linux/amd64/v3",
        "linux/amd64/v4",
        "linux/386",
    ]
    assert [p.name for p in info if p.pinned] == ["linux/amd64", "linux/arm64"]
    arm = next(p for p in info if p.name == "linux/arm64")
    assert arm.emulation is Emulation.EMULATED


def test_classify_on_an_arm64_node():
    info = classify_platforms(["linux/arm64", "linux/amd64", "linux/arm/v7"])
    assert [p.emulation for p in info] == [Emulation.NATIVE, Emulation.EMULATED, Emulation.EMULATED]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("arm64", "linux/arm64"),
        ("linux/arm64/v8", "linux/arm64"),
        ("linux/arm/8", "linux/arm/v8"),
        ("linux/armel", "linux/arm/v6"),
        ("LINUX/X86_64", "linux/amd64"),
        ("windows(10.0.17763)/amd64", "windows(10.0.17763)/amd64"),
        ("", ""),
    ],
)
def test_lenient_normalize_never_raises(text, expected):
    assert normalize(text) == expected
