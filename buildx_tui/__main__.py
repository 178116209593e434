"""`buildx-tui` / `python -m buildx_tui`: argument parsing, then the app.

The first `docker buildx ls` is started before Textual and python-on-whales are imported, so
the builders table is ready about when the first frame is (see bench/bench_startup.py). The
settings (settings.toml) are read after it started and before Textual is imported: the colour
setting becomes Textual's environment (NO_COLOR, TEXTUAL_COLOR_SYSTEM).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from buildx_tui import __version__

if TYPE_CHECKING:
    from buildx_tui.core.settings.load import Loaded
    from buildx_tui.ui.settings_app import Notice


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="buildx-tui",
        description="A terminal UI for docker buildx: builders, multi-platform builds, manifests.",
        epilog="Keys: ? help, / filter, r refresh, u use, b bootstrap, s stop, d remove, q quit. "
        "Settings: settings.toml (buildx-tui --settings prints where and what is in use). "
        "No docker yet? buildx-tui --demo.",
    )
    p.add_argument("--version", action="version", version=f"buildx-tui {__version__}")
    p.add_argument(
        "--demo",
        action="store_true",
        help="the whole app on recorded real buildx output shipped with it: no docker needed, "
        "nothing is run",
    )
    p.add_argument(
        "--settings",
        action="store_true",
        help="print the settings file's path and the values in use (defaults marked), then exit",
    )
    p.add_argument(
        "--docker",
        default="docker",
        metavar="PATH",
        help="docker CLI binary to run (default: docker on PATH)",
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
        default=None,
        metavar="SECONDS",
        help="auto-refresh interval of the builders list; 0 turns it off (default: settings.toml "
        "[builders] refresh, else 10)",
    )
    p.add_argument(
        "--bake",
        nargs="?",
        const="",
        default=None,
        metavar="PATH",
        help="open the bake workspace at PATH (a folder, or a bake file) on top of the builders "
        "list; without PATH, the current directory",
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
        "NO_COLOR turns colour off. --platform defaults to settings.toml [doctor] platforms.",
    )
    from buildx_tui.core.doctor.cli import add_arguments

    add_arguments(doctor)
    from buildx_tui.core.plugin.cli import add_plugin_commands

    add_plugin_commands(sub)
    return p


def _given(argv: Sequence[str], flag: str) -> bool:
    return any(a == flag or a.startswith(flag + "=") for a in argv)


def load_settings() -> Loaded:
    from buildx_tui.core.settings.load import load_settings as load
    from buildx_tui.core.settings.store import settings_path

    return load(settings_path())


def apply_color(loaded: Loaded) -> Loaded:
    """The colour setting as Textual's environment (what the user's environment says wins);
    a 16-colour terminal gets the theme of the terminal's own colours unless one is set."""
    from buildx_tui.core.settings.model import ANSI_THEME, ColorMode

    settings = loaded.settings
    if settings.color is ColorMode.NONE:
        os.environ.setdefault("NO_COLOR", "1")
    system = settings.color.textual_color_system
    if system is not None:
        os.environ.setdefault("TEXTUAL_COLOR_SYSTEM", system)
    if os.environ.get("TEXTUAL_COLOR_SYSTEM") == "standard" and "ui.theme" not in loaded.from_file:
        return replace(loaded, settings=replace(settings, theme=ANSI_THEME))
    return loaded


def settings_notices(loaded: Loaded) -> list[Notice]:
    from buildx_tui.ui.settings_app import Notice

    if not loaded.problems:
        return []
    lines = "\n".join(str(p) for p in loaded.problems)
    return [Notice("Settings: defaults used", lines, "warning", timeout=20)]


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    from buildx_tui.core.plugin.cli import PLUGIN_ENTRY, plugin_main

    if args_list[:1] == [PLUGIN_ENTRY]:  # run by the docker CLI as `docker <name> …`
        return plugin_main(args_list[1:], main)
    args = build_parser().parse_args(args_list)
    if args.refresh is not None and args.refresh < 0:
        print("buildx-tui: --refresh must be 0 or more seconds", file=sys.stderr)
        return 2
    if args.settings:  # plain text: Textual is never imported
        from buildx_tui.core.settings.store import describe

        print(describe(load_settings()), end="")
        return 0
    if args.command == "plugin":
        from buildx_tui.core.plugin.cli import plugin_command

        return plugin_command(args)

    from buildx_tui.core.docker.types import ClientOptions

    options = ClientOptions(
        docker=args.docker, context=args.context, host=args.host, config=args.config
    )
    if args.command == "doctor":  # plain text for scripts: Textual is never imported
        from buildx_tui.core.doctor.cli import doctor_main

        if not _given(args_list, "--platform"):
            loaded = load_settings()
            args.platform = ",".join(loaded.settings.doctor_platforms)
            for problem in loaded.problems:
                print(f"buildx-tui: settings: {problem}", file=sys.stderr)
        return doctor_main(args, options)

    if args.demo:
        return run_demo(args.refresh)
    if args.bake:  # a path that cannot be a workspace is said before anything starts
        from buildx_tui.core.bake.workspace import WorkspaceError, open_workspace

        try:
            open_workspace(args.bake)
        except WorkspaceError as e:
            print(f"buildx-tui: --bake: {e}", file=sys.stderr)
            return 2

    from buildx_tui.core.docker.client import start_prefetch

    prefetch = start_prefetch(options)
    loaded = apply_color(load_settings())
    refresh = args.refresh if args.refresh is not None else loaded.settings.refresh

    from buildx_tui.ui.app import make_app

    app = make_app(
        options,
        prefetch=prefetch,
        refresh_interval=refresh,
        settings=loaded.settings,
        settings_path=loaded.path,
        notices=settings_notices(loaded),
        bake=args.bake,
    )
    app.run()
    if app.wants_demo:  # chosen in the palette (e.g. on the "Docker unreachable" screen)
        return run_demo(args.refresh)
    return app.return_code or 0


def run_demo(refresh: float | None) -> int:
    loaded = apply_color(load_settings())
    from buildx_tui.demo.app import make_demo_app

    demo = make_demo_app(
        refresh_interval=loaded.settings.refresh if refresh is None else refresh,
        settings=loaded.settings,
        notices=settings_notices(loaded),
    )
    demo.run()
    return demo.return_code or 0


if __name__ == "__main__":
    raise SystemExit(main())
