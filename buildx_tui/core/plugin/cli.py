"""``buildx-tui plugin install|uninstall|status`` and the plugin's entry point (plain text; no
Textual)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from buildx_tui.core.plugin.entry import (
    METADATA_COMMAND,
    ORIGINAL_CLI,
    PluginArgsError,
    metadata,
    parse_plugin_args,
)
from buildx_tui.core.plugin.install import (
    DEFAULT_NAME,
    PLUGIN_ENTRY,
    PluginError,
    executable,
    install,
    is_ours,
    plugin_file,
    uninstall,
)

__all__ = ["PLUGIN_ENTRY", "add_plugin_commands", "plugin_command", "plugin_main"]


def add_plugin_commands(sub: Any) -> None:
    """The ``plugin`` command on the program's subparsers."""
    plugin = sub.add_parser(
        "plugin",
        help="make `docker NAME` open buildx-tui (a docker CLI plugin), or remove it",
        description="Writes (install) or removes (uninstall) the executable docker-NAME in your "
        "docker CLI plugins folder ($DOCKER_CONFIG/cli-plugins, else ~/.docker/cli-plugins): "
        "then `docker NAME` opens buildx-tui on the context and config that docker command "
        "uses, and `docker info` lists it.",
    )
    actions = plugin.add_subparsers(dest="plugin_action", metavar="ACTION", required=True)
    for action, text in (
        ("install", "write docker-NAME (replacing one written by buildx-tui)"),
        ("uninstall", "remove docker-NAME (only one written by buildx-tui)"),
        ("status", "say whether docker-NAME is installed, and where"),
    ):
        p = actions.add_parser(action, help=text, description=text)
        p.add_argument(
            "--name",
            default=DEFAULT_NAME,
            help=f"the docker subcommand: `docker NAME` (default: {DEFAULT_NAME})",
        )


def plugin_command(args: argparse.Namespace) -> int:
    try:
        target = plugin_file(args.name, args.config)
        if args.plugin_action == "install":
            path = install(target)
            print(f"installed {path}: `docker {target.name}` opens buildx-tui")
            return 0
        if args.plugin_action == "uninstall":
            if uninstall(target):
                print(f"removed {target.path}")
            else:
                print(f"nothing to remove: {target.path} does not exist")
            return 0
        if os.path.lexists(target.path):
            whose = "buildx-tui's" if is_ours(target.path) else "NOT buildx-tui's"
            ready = "" if executable(target.path) else " (not executable)"
            print(f"installed: {target.path} ({whose}){ready}")
        else:
            print(f"not installed: {target.path} does not exist")
        return 0
    except PluginError as exc:
        print(f"buildx-tui plugin: {exc}", file=sys.stderr)
        return 1


def plugin_main(argv: Sequence[str], main: Callable[[Sequence[str]], int]) -> int:
    """Run as the plugin: ``argv`` is ``NAME`` then what the docker CLI passed."""
    if len(argv) < 1:
        print("buildx-tui: the plugin executable passed no name", file=sys.stderr)
        return 2
    name, rest = argv[0], list(argv[1:])
    if rest[:1] == [METADATA_COMMAND]:
        print(metadata())
        return 0
    try:
        call = parse_plugin_args(name, rest)
    except PluginArgsError as exc:
        print(f"docker {name}: {exc}", file=sys.stderr)
        return 2
    docker = os.environ.get(ORIGINAL_CLI) or "docker"
    return main(["--docker", docker, *call.global_args, *call.args])
