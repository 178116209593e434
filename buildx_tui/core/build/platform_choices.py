"""The platforms to offer for a builder: native, emulated, or missing with the reason and fix.

What the build form's platform picker shows and what the checks of a spec compare against: the
platforms the builder's nodes report (native wins over emulated), then the common ones it lacks.
A stopped builder reports only its pinned platforms, so its list is ``unknown`` until it starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from buildx_tui.core.builders import Builder, NodeStatus
from buildx_tui.core.platforms import COMMON_PLATFORMS, Emulation, try_parse


class Support(StrEnum):
    NATIVE = "native"
    EMULATED = "emulated"
    MISSING = "missing"  # the builder does not report it
    UNKNOWN = "unknown"  # the builder is not running: its platforms are not known yet


@dataclass(frozen=True)
class PlatformChoice:
    name: str
    support: Support
    pinned: bool = False
    reason: str = ""  # why it is disabled, or what to expect
    fix: str = ""  # how to make a missing platform available

    @property
    def selectable(self) -> bool:
        return self.support is not Support.MISSING


def emulator_fix(builder: Builder, arch: str = "all") -> str:
    """How to give ``builder`` QEMU emulators (for one architecture, or all of them)."""
    if builder.driver == "remote":
        what = "QEMU binfmt handlers" if arch == "all" else f"a QEMU binfmt handler for {arch}"
        return f"install {what} on the BuildKit host"
    fix = f"docker run --privileged --rm tonistiigi/binfmt --install {arch}"
    if builder.driver != "docker":
        fix += f", then restart the builder (docker buildx stop {builder.name})"
    return fix


def missing_platform(name: str, builder: Builder) -> tuple[str, str]:
    """Why ``builder`` cannot build ``name``, and the fix."""
    plat = try_parse(name)
    arch = plat.arch if plat else name
    if builder.driver == "remote":
        return f"the remote BuildKit does not offer {name}", emulator_fix(builder, arch)
    return f"no emulator for {name}: install binfmt", emulator_fix(builder, arch)


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


def platform_choices(builder: Builder | None) -> list[PlatformChoice]:
    """The platforms to offer for ``builder``: native first, then emulated, then the common ones
    it lacks (disabled, with the reason). amd64 micro-architecture variants (v2..v4) are left
    out (they can be typed in the free-text field)."""
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
        reason, fix = missing_platform(name, builder)
        choices.append(PlatformChoice(name, Support.MISSING, reason=reason, fix=fix))
    return choices


def builder_running(builder: Builder) -> bool:
    """A stopped node reports only its pinned platforms: its list is then incomplete."""
    return any(n.effective_status is NodeStatus.RUNNING for n in builder.nodes)
