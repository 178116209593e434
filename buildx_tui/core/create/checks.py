"""The create wizard's checks of the driver, platforms, driver options, BuildKit flags,
buildkitd.toml and ``--timeout``, with messages for the user.

The rules are buildx v0.36's (commands/create.go, driver/*): the docker driver cannot be created;
a node appended to a builder uses its driver; ``--driver-opt`` values are CSV (a comma splits
options unless quoted) of keys the driver knows; the remote driver takes no BuildKit flags and no
buildkitd.toml; ``--timeout`` is a Go duration (``20s``, ``1m30s``; default 20s). Names are
checked in :mod:`.names`, the endpoint in :mod:`.endpoint`, TLS files in :mod:`.tls`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence

from buildx_tui.core.builders import Builder
from buildx_tui.core.create.drivers import (
    DRIVER_OPTIONS,
    DRIVERS,
    ENV_OPTION_DRIVERS,
    Driver,
    parse_driver,
)
from buildx_tui.core.create.problem import CreateProblem
from buildx_tui.core.create.spec import split_driver_opt
from buildx_tui.core.platforms import (
    KNOWN_ARCH,
    PlatformError,
    os_title,
    parse_platform,
    variant_problem,
)


def check_driver(driver: str, append_to: Builder | None) -> list[CreateProblem]:
    d = parse_driver(driver)
    if d is None:
        known = ", ".join(x.value for x in Driver if DRIVERS[x].creatable)
        return [CreateProblem("driver", f'unknown driver "{driver}" (buildx knows {known})')]
    if not DRIVERS[d].creatable:
        return [
            CreateProblem(
                "driver",
                "buildx cannot create builders with the docker driver: each Docker context "
                "already has one, named after the context. For another engine run "
                "`docker context create NAME --docker host=ssh://user@host`; for multi-platform "
                "builds and cache export choose docker-container",
            )
        ]
    if append_to is not None and append_to.driver != d:
        return [
            CreateProblem(
                "driver",
                f'"{append_to.name}" uses the {append_to.driver} driver; a node appended to it '
                f"must use {append_to.driver} too",
            )
        ]
    return []


# --- platforms, driver options, BuildKit flags --------------------------------------------


def check_platforms(items: Sequence[str], driver: str = "") -> list[CreateProblem]:
    """``--platform`` values as buildx accepts them; repeats (after normalising) are warned, and
    so is what is known to fail: an amd64 variant that is not one (BuildKit refuses to run
    processes for it) and another OS than Linux on a driver that runs BuildKit's Linux image
    (buildx pins it all the same, then sends those builds to this node)."""
    d = parse_driver(driver)
    out: list[CreateProblem] = []
    seen: dict[str, str] = {}
    for raw in items:
        item = raw.strip()
        if not item:
            continue
        if "/" not in item and item.lower() in KNOWN_ARCH | {"x86_64", "aarch64", "armhf"}:
            out.append(
                CreateProblem(
                    "platforms",
                    f'"{item}" has no OS: buildx fills in the OS of this machine (linux/{item} '
                    "on Linux); write the full os/arch to be sure",
                    "warning",
                )
            )
            item = f"linux/{item}"
        try:
            parsed = parse_platform(item)
        except PlatformError as exc:
            out.append(CreateProblem("platforms", str(exc)))
            continue
        plat = str(parsed)
        bad = variant_problem(parsed)
        if bad:
            out.append(
                CreateProblem(
                    "platforms", f"{bad}; BuildKit refuses to run RUN steps for it", "warning"
                )
            )
        if parsed.os != "linux" and d in (Driver.DOCKER_CONTAINER, Driver.KUBERNETES):
            out.append(
                CreateProblem(
                    "platforms",
                    f"{plat}: the {d.value} driver runs BuildKit's Linux image, which cannot run "
                    f"{os_title(parsed.os)} programs: builds for {plat} sent to this node fail "
                    "at RUN steps (stages with only FROM and COPY still build)",
                    "warning",
                )
            )
        elif parsed.os != "linux" and d == Driver.REMOTE:
            out.append(
                CreateProblem(
                    "platforms",
                    f"{plat}: buildx sends builds for it to this node; their RUN steps work only "
                    f"if that BuildKit runs on {os_title(parsed.os)} (one on Linux cannot run "
                    "them)",
                    "warning",
                )
            )
        if plat in seen:
            out.append(
                CreateProblem(
                    "platforms",
                    f'"{raw.strip()}" is the same platform as "{seen[plat]}" ({plat}); buildx '
                    "keeps one",
                    "warning",
                )
            )
        else:
            seen[plat] = raw.strip()
    return out


def check_driver_opts(driver: str, opts: Sequence[str]) -> list[CreateProblem]:
    """Every ``--driver-opt`` argument: CSV of ``key=value``, keys the driver knows, values it
    can parse. buildx keeps only the last value of a key given twice (builder.csvToMap), with
    no word: two different values are an error (one of them would be dropped silently, e.g. a
    ticked network=host lost to a typed network=bridge), the same one twice a warning."""
    d = parse_driver(driver)
    if d is None:
        return []
    known = DRIVER_OPTIONS[d]
    out: list[CreateProblem] = []
    seen: dict[str, str] = {}
    for raw in opts:
        pairs = split_driver_opt(raw)
        if isinstance(pairs, str):
            out.append(CreateProblem("driver_opts", pairs))
            continue
        for key, value in pairs:
            out.extend(_check_one_opt(d, known, key, value))
            if key in seen and seen[key] != value:
                out.append(
                    CreateProblem(
                        "driver_opts",
                        f"{key} is given twice, {key}={seen[key]} and {key}={value}: buildx "
                        f"would keep only the last ({key}={value}) without a word; keep the one "
                        "you mean",
                    )
                )
            elif key in seen:
                out.append(
                    CreateProblem(
                        "driver_opts", f"{key}={value} is given twice; buildx keeps one", "warning"
                    )
                )
            seen[key] = value
    return out


def _check_one_opt(
    d: Driver, known: dict[str, Callable[[str], str | None]], key: str, value: str
) -> list[CreateProblem]:
    if key.startswith("env.") and d in ENV_OPTION_DRIVERS:
        if key == "env.":
            return [CreateProblem("driver_opts", "env. needs a variable name: env.NAME=value")]
        return []
    check = known.get(key)
    if check is None:
        names = ", ".join(sorted(known)) + (", env.NAME" if d in ENV_OPTION_DRIVERS else "")
        return [
            CreateProblem(
                "driver_opts",
                f'the {d.value} driver has no option "{key}" (it has: {names})',
            )
        ]
    err = check(value)
    return [CreateProblem("driver_opts", f"{key}: {err}")] if err else []


def check_buildkitd_flags(driver: str, flags: str) -> list[CreateProblem]:
    flags = flags.strip()
    if not flags:
        return []
    if parse_driver(driver) == Driver.REMOTE:
        return [
            CreateProblem(
                "buildkitd_flags",
                "the remote driver takes no BuildKit flags (buildx refuses them): set them "
                "where you start that buildkitd",
            )
        ]
    try:
        words = shlex.split(flags)
    except ValueError as exc:
        return [CreateProblem("buildkitd_flags", f"cannot split the flags: {exc}")]
    if words and not words[0].startswith("-"):
        return [
            CreateProblem(
                "buildkitd_flags",
                f'"{words[0]}" is not a flag; BuildKit flags look like --debug or '
                "--allow-insecure-entitlement security.insecure",
            )
        ]
    return []


def check_config_allowed(driver: str, has_config: bool) -> list[CreateProblem]:
    if has_config and parse_driver(driver) == Driver.REMOTE:
        return [
            CreateProblem(
                "config",
                "the remote driver takes no buildkitd.toml (buildx: setting config file is not "
                "supported for remote driver): configure the buildkitd you run",
            )
        ]
    return []


# --- --timeout: a Go duration ---------------------------------------------------------------

DEFAULT_TIMEOUT = "20s"
# Go's time.ParseDuration units, in seconds (µs: MICRO SIGN and GREEK SMALL LETTER MU).
_DURATION_UNITS = {
    "ns": 1e-9, "us": 1e-6, "\u00b5s": 1e-6, "\u03bcs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0,
    "h": 3600.0,
}  # fmt: skip
_DURATION_PART = re.compile(r"([0-9]*\.?[0-9]*)([^0-9.]*)")


def parse_go_duration(text: str) -> float:
    """Seconds in a Go duration as buildx's ``--timeout`` reads it (time.ParseDuration:
    ``20s``, ``1m30s``, ``1.5h``, ``300ms``; ``0`` alone; an optional sign). Raises ValueError
    with Go's reason."""
    s = text
    sign = 1.0
    if s[:1] in ("-", "+"):
        sign, s = (-1.0 if s[0] == "-" else 1.0), s[1:]
    if s == "0":
        return 0.0
    if not s:
        raise ValueError(f'invalid duration "{text}"')
    total, pos = 0.0, 0
    while pos < len(s):
        m = _DURATION_PART.match(s, pos)
        assert m is not None  # the pattern matches the empty string
        number, unit = m.group(1), m.group(2)
        if not number.strip(".") or number.count(".") > 1:
            raise ValueError(f'invalid duration "{text}"')
        if not unit:
            raise ValueError(f'missing unit in duration "{text}"')
        if unit not in _DURATION_UNITS:
            raise ValueError(f'unknown unit "{unit}" in duration "{text}"')
        total += float(number) * _DURATION_UNITS[unit]
        pos = m.end()
    return sign * total


def check_timeout(text: str) -> list[CreateProblem]:
    """``--timeout``: empty (buildx's default, 20s) or a positive Go duration."""
    value = text.strip()
    if not value:
        return []
    example = "write it like 20s, 90s, 1m30s or 2m"
    try:
        seconds = parse_go_duration(value)
    except ValueError as exc:
        return [CreateProblem("timeout", f"{exc}: {example}")]
    if seconds <= 0:
        return [
            CreateProblem(
                "timeout",
                f'a timeout of "{value}" makes buildx give up at once; {example} (or leave it '
                f"empty for buildx's {DEFAULT_TIMEOUT})",
            )
        ]
    if seconds < 1:
        return [
            CreateProblem(
                "timeout",
                f'"{value}" is under a second: buildx will likely give up before a node answers',
                "warning",
            )
        ]
    return []
