"""`buildx-tui doctor`: every check in plain text (or JSON), exit 0 when none failed, 1 otherwise.

Imports no Textual: scripts and CI run it where no terminal UI is wanted.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from buildx_tui.core.docker.types import ClientOptions
from buildx_tui.core.platforms import PlatformError, parse_platform_list

from .context import (
    DEFAULT_PLATFORMS,
    DEFAULT_PROBE_IMAGE,
    DoctorContext,
    default_docker_config,
)
from .report import json_report, text_report
from .runner import run_all


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--platform",
        default=DEFAULT_PLATFORMS,
        help=f"the platforms you build for, comma-separated (default: {DEFAULT_PLATFORMS})",
    )
    p.add_argument(
        "--builder",
        action="append",
        default=[],
        metavar="NAME",
        help="look at this builder only (repeat for several; probe builds run on these; "
        "default: every builder, probes on the current one)",
    )
    p.add_argument(
        "--buildkitd-config",
        default="",
        metavar="FILE",
        help="the buildkitd.toml your builders should run with (default: the one the app wrote)",
    )
    p.add_argument(
        "--probe-image",
        default=DEFAULT_PROBE_IMAGE,
        metavar="IMAGE",
        help=f"the image probe builds start from (default: {DEFAULT_PROBE_IMAGE})",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="how long to wait for one endpoint to answer (default: 5)",
    )
    p.add_argument(
        "--push",
        action="append",
        default=[],
        metavar="REF",
        help="an image reference you push to (repeat for several): whether its registry "
        "needs a login and docker holds credentials for it (loopback registries are asked)",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")


def engine_target(options: ClientOptions) -> str:
    host = options.host or os.environ.get("DOCKER_HOST", "")
    if host:
        return f"host {host}"
    return f"context {options.context}" if options.context else ""


def local_engine(options: ClientOptions) -> bool:
    """Whether the engine runs on this machine (a unix socket): its binfmt is ours."""
    host = options.host or os.environ.get("DOCKER_HOST", "")
    return not host or host.startswith("unix://") or host.startswith("npipe://")


def doctor_main(args: argparse.Namespace, options: ClientOptions, out: TextIO = sys.stdout) -> int:
    try:
        platforms = tuple(parse_platform_list(args.platform))
    except PlatformError as exc:
        print(f"buildx-tui doctor: --platform: {exc}", file=sys.stderr)
        return 2
    if args.timeout <= 0:
        print("buildx-tui doctor: --timeout must be more than 0 seconds", file=sys.stderr)
        return 2
    from buildx_tui.core.docker.client import BuildxClient

    backend = BuildxClient(options)
    ctx = DoctorContext(
        backend,
        platforms=platforms,
        builders=tuple(args.builder),
        config_path=args.buildkitd_config,
        docker_config=default_docker_config(options.config),
        probe_image=args.probe_image,
        push_targets=tuple(ref.strip() for ref in args.push if ref.strip()),
        connect_timeout_s=args.timeout,
        engine_target=engine_target(options),
        local_engine=local_engine(options),
    )
    done = run_all(ctx)
    flat = [r for _, results in done for r in results]
    if args.json:
        out.write(json_report(done))
    else:
        colour = out.isatty() and not os.environ.get("NO_COLOR")
        out.write(text_report(done, colour=colour, display=backend.display))
    return 1 if any(r.status.value == "failed" for r in flat) else 0
