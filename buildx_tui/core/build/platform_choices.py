"""The platforms to offer for a builder: native, emulated, or not listed with what is known.

What the build form's platform picker shows and what the checks of a spec compare against: the
platforms the builder's nodes list (native wins over emulated), then the common ones it does not
list. A stopped builder lists only its pinned platforms, so its list is ``unknown`` until it
starts.

A platform a running builder does not list may still build: buildx never refuses one (it sends
it to the builder's first node) and BuildKit runs a program of any architecture the kernel of
its host has a binfmt_misc handler for, while ``buildx ls`` shows only the emulators BuildKit
tested (on the lab, linux/arm/v5 and linux/mips64le built under QEMU though not listed). What is
known to fail is said as such (:class:`Unlisted` ``fails``): a Windows platform on a Linux node
(BuildKit cannot run its programs: RUN fails, FROM/COPY-only stages build), an amd64 variant
that is not one (v5 and up) or that the node's CPU lacks (BuildKit refuses to run processes
for it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from buildx_tui.core.builders import Builder, NodeStatus
from buildx_tui.core.platforms import (
    COMMON_PLATFORMS,
    Emulation,
    Platform,
    native_family,
    native_platform,
    os_title,
    try_parse,
    variant_problem,
)


class Support(StrEnum):
    NATIVE = "native"
    EMULATED = "emulated"
    UNLISTED = "unlisted"  # the running builder does not list it: it may build, or not
    UNKNOWN = "unknown"  # the builder is not running: its platforms are not known yet


@dataclass(frozen=True)
class PlatformChoice:
    name: str
    support: Support
    pinned: bool = False
    reason: str = ""  # what is known about it: what to expect, why it may not build
    fix: str = ""  # how to make sure it builds ("" when nothing applies)


@dataclass(frozen=True)
class Unlisted:
    """What is known about a platform the builder does not list."""

    reason: str
    fix: str = ""
    fails: bool = False  # known to fail (RUN steps at least), not merely unknown


def emulator_fix(builder: Builder, arch: str = "all") -> str:
    """How to give ``builder`` QEMU emulators (for one architecture, or all of them)."""
    if builder.driver == "remote":
        what = "QEMU binfmt handlers" if arch == "all" else f"a QEMU binfmt handler for {arch}"
        return f"install {what} on the BuildKit host"
    fix = f"docker run --privileged --rm tonistiigi/binfmt --install {arch}"
    if builder.driver != "docker":
        fix += f", then restart the builder (docker buildx stop {builder.name})"
    return fix


def host_platforms(builder: Builder) -> list[Platform]:
    """The own platform (os/arch) of each running node, as BuildKit lists it first."""
    out: list[Platform] = []
    for node in builder.nodes:
        if node.effective_status is NodeStatus.RUNNING and node.platforms:
            plat = native_platform(node.platforms, node.pinned_platforms)
            if plat is not None and plat not in out:
                out.append(plat)
    return out


def known_failure(name: str, builder: Builder | None) -> Unlisted | None:
    """What is known to fail for ``name`` whether the builder lists it or not (a pinned
    platform is listed too): a variant that is not one; another OS than the running nodes'."""
    plat = try_parse(name)
    if plat is None:
        return None  # the form says what is wrong with it
    bad = variant_problem(plat)
    if bad is not None:
        return Unlisted(
            f"{bad}; BuildKit refuses to run its RUN steps",
            "write linux/amd64, or one of the variants the builder lists",
            fails=True,
        )
    oses = sorted({h.os for h in host_platforms(builder)}) if builder is not None else []
    if oses and plat.os not in oses:
        assert builder is not None
        on = " and ".join(os_title(o) for o in oses)
        them = os_title(plat.os)
        return Unlisted(
            f"{builder.name} runs on {on}: BuildKit there cannot run {them} programs, so RUN "
            f"steps for {name} fail (stages with only FROM and COPY still build)",
            f"build {name} on a builder node that runs on {them}",
            fails=True,
        )
    return None


def unlisted_platform(name: str, builder: Builder) -> Unlisted:
    """What is known about building ``name`` on ``builder``, which does not list it."""
    failure = known_failure(name, builder)
    if failure is not None:
        return failure
    plat = try_parse(name)
    if plat is None:
        return Unlisted(f"{name} is not a platform (os/arch[/variant])", fails=True)
    hosts = host_platforms(builder)
    amd64_host = any(h.arch == "amd64" for h in hosts)
    if plat.arch == "amd64" and plat.variant and plat.variant != "v2" and amd64_host:
        listed = [
            str(p)
            for p in (try_parse(x) for n in builder.nodes for x in n.platforms)
            if p is not None and p.arch == "amd64"
        ]
        return Unlisted(
            f"the CPU of {builder.name} does not run {name} programs (it lists "
            f"{', '.join(dict.fromkeys(listed)) or 'none'}): BuildKit refuses to run RUN "
            "steps for it",
            "pick a variant the builder lists",
            fails=True,
        )
    if any(plat.arch in native_family(h.arch) for h in hosts if h.os == plat.os):
        return Unlisted(
            f"{builder.name} does not list {name}, which its CPU normally runs: not known "
            "until it runs"
        )
    host = "the BuildKit host" if builder.driver == "remote" else "the builder's host"
    return Unlisted(
        f"{builder.name} does not list {name}: it builds if {host} has a QEMU emulator for "
        f"{plat.arch} registered (BuildKit lists only the emulators it tests), which is not "
        "known until it runs; without one, RUN steps fail with exec format error",
        f"to be sure: {emulator_fix(builder, plat.arch)}",
    )


def reported_platforms(builder: Builder) -> dict[str, PlatformChoice]:
    """Every platform the builder's nodes report, normalised; native wins over emulated."""
    reported: dict[str, PlatformChoice] = {}
    for node in builder.nodes:
        for info in node.platform_info():
            plat = try_parse(info.name)
            if plat is None:
                continue
            name = str(plat)
            support = Support.NATIVE if info.emulation is Emulation.NATIVE else Support.EMULATED
            reason = "" if support is Support.NATIVE else "runs under QEMU: several times slower"
            old = reported.get(name)
            if old is None or (old.support is Support.EMULATED and support is Support.NATIVE):
                pinned = info.pinned or (old is not None and old.pinned)
                reported[name] = PlatformChoice(name, support, pinned, reason)
    return reported


def node_for_platform(builder: Builder, platform: str) -> str | None:
    """The node of a several-node builder that builds ``platform``, when that is certain. buildx
    sends a platform to the node it is pinned on (`create --platform`, seed 002's set-up: a
    node per architecture); with no node pinning it, to a node that lists it. None for a
    one-node builder (nothing to tell), and when several nodes could take it (buildx picks;
    the app does not guess)."""
    if len(builder.nodes) < 2:
        return None
    want = try_parse(platform)
    if want is None:
        return None

    def has(platforms: tuple[str, ...]) -> bool:
        return any(try_parse(p) == want for p in platforms)

    pinning = [n.name for n in builder.nodes if has(n.pinned_platforms)]
    if pinning:
        return pinning[0] if len(pinning) == 1 else None
    listing = [n.name for n in builder.nodes if has(n.platforms)]
    return listing[0] if len(listing) == 1 else None


def platform_choices(builder: Builder | None) -> list[PlatformChoice]:
    """The platforms to offer for ``builder``: native first, then emulated, then the common ones
    it does not list (with what is known about them). amd64 micro-architecture variants (v2..v4)
    are left out (they can be typed in the free-text field)."""
    if builder is None:
        why = "no builder selected"
        return [PlatformChoice(p, Support.UNKNOWN, reason=why) for p in COMMON_PLATFORMS]
    reported = {
        name: choice
        for name, choice in reported_platforms(builder).items()
        if not name.startswith("linux/amd64/")
    }
    running = builder_running(builder)
    why = (
        f"builder {builder.name} is not running: its platforms are known once it starts "
        "(buildx starts it for the build)"
    )
    if not reported:
        return [PlatformChoice(p, Support.UNKNOWN, reason=why) for p in COMMON_PLATFORMS]
    order = {Support.NATIVE: 0, Support.EMULATED: 1}
    common = {p: i for i, p in enumerate(COMMON_PLATFORMS)}
    choices = sorted(
        reported.values(),
        key=lambda c: (order[c.support], common.get(c.name, len(common)), c.name),
    )
    for name in COMMON_PLATFORMS:
        if name in reported:
            continue
        if not running:  # a stopped node reports only its pinned platforms
            choices.append(PlatformChoice(name, Support.UNKNOWN, reason=why))
            continue
        known = unlisted_platform(name, builder)
        choices.append(PlatformChoice(name, Support.UNLISTED, reason=known.reason, fix=known.fix))
    return choices


def builder_running(builder: Builder) -> bool:
    """A stopped node reports only its pinned platforms: its list is then incomplete."""
    return any(n.effective_status is NodeStatus.RUNNING for n in builder.nodes)
