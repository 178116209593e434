"""`buildx-tui` / `python -m buildx_tui`: argument parsing, then the app.

The first `docker buildx ls` is started before Textual and python-on-whales are imported, so
the builders table is ready about when the first frame is (see bench/bench_startup.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from buildx_tui import __version__


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="buildx-tui",
        description="A terminal UI for docker buildx: builders, multi-platform builds, manifests.",
        epilog="Keys: ? help, / filter, r refresh, u use, b bootstrap, s stop, d remove, q quit.",
    )
    p.add_argument("--version", action="version", version=f"buildx-tui {__version__}")
    p.add_argument(
        "--docker",
        default="docker",
        metavar="PATH",
        help="docker CLI binary to run (default: docker on PATH)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="the whole app on recorded real buildx output shipped with it: no docker needed, "
        "nothing is run",
    )
    p.add_argument("--context", "-c", help="docker context to use (docker --context)")
    p.add_argument("--host", "-H", help="docker daemon socket, e.g. unix:///run/docker.sock")
    p.add_argument(
        "--config",
        metavar="DIR",
        help="docker CLI config dir (docker --config; default $DOCKER_CONFIG or ~/.docker)",
    )
    p.add_argument(
        "--refresh",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="auto-refresh interval of the builders list; 0 turns it off (default: 10)",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    doctor = sub.add_parser(
        "doctor",
        help="check this machine for multi-platform builds, in plain text (exit 1 if a check "
        "failed)",
        description="Check the docker CLI, the engine, buildx, every builder's nodes, emulation "
        "(QEMU) for the platforms you build for, the config each builder runs with, registries "
        "reachable from the builders and your registry logins. Prints each check with a mark and "
        "a word (✓ passed, ! warning, ✗ failed, ? unknown), what it found, the command that "
        "found it, why it matters and the fix. Exits 0 when no check failed, 1 otherwise. "
        "NO_COLOR turns colour off.",
    )
    from buildx_tui.core.doctor.cli import add_arguments

    add_arguments(doctor)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.refresh < 0:
        print("buildx-tui: --refresh must be 0 or more seconds", file=sys.stderr)
        return 2

    from buildx_tui.core.docker.types import ClientOptions

    options = ClientOptions(
        docker=args.docker, context=args.context, host=args.host, config=args.config
    )
    if args.command == "doctor":  # plain text for scripts: Textual is never imported
        from buildx_tui.core.doctor.cli import doctor_main

        return doctor_main(args, options)

    if args.demo:
        return run_demo(args.refresh)

    from buildx_tui.core.docker.client import start_prefetch

    prefetch = start_prefetch(options)

    from buildx_tui.ui.app import make_app

    app = make_app(options, prefetch=prefetch, refresh_interval=args.refresh)
    app.run()
    if app.wants_demo:  # chosen in the palette (e.g. on the "Docker unreachable" screen)
        return run_demo(args.refresh)
    return app.return_code or 0


def run_demo(refresh: float) -> int:
    from buildx_tui.demo.app import make_demo_app

    demo = make_demo_app(refresh_interval=refresh)
    demo.run()
    return demo.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
