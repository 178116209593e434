"""Installing and removing the plugin executable ``docker-NAME`` in the user's cli-plugins folder.

The docker CLI looks for user plugins in ``$DOCKER_CONFIG/cli-plugins`` (``~/.docker/cli-plugins``
without DOCKER_CONFIG). A plugin is an executable named ``docker-NAME`` (NAME: ``[a-z][a-z0-9]*``)
that answers ``docker-cli-plugin-metadata`` with a JSON object and otherwise runs the command. Ours
is a small shell script that runs this Python with ``-m buildx_tui`` (see :mod:`.entry`); its
second line marks it as ours, so install never replaces, and uninstall never removes, a file
that another tool put there.
"""

from __future__ import annotations

import os
import re
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from buildx_tui.core.atomic import replace_file
from buildx_tui.core.docker.store import docker_config_dir
from buildx_tui.core.paths import reason, shown

DEFAULT_NAME = "tui"
MARK = "# buildx-tui docker CLI plugin"
#: The first argument the script passes to ``python -m buildx_tui``.
PLUGIN_ENTRY = "__docker-cli-plugin__"
_NAME = re.compile(r"^[a-z][a-z0-9]*$")
#: Names the docker CLI has itself or ships as plugins: a plugin of that name would be hidden.
TAKEN = frozenset(
    (
        "attach",
        "build",
        "builder",
        "buildx",
        "checkpoint",
        "commit",
        "compose",
        "config",
        "container",
        "context",
        "cp",
        "create",
        "diff",
        "events",
        "exec",
        "export",
        "help",
        "history",
        "image",
        "images",
        "import",
        "info",
        "init",
        "inspect",
        "kill",
        "load",
        "login",
        "logout",
        "logs",
        "manifest",
        "network",
        "node",
        "pause",
        "plugin",
        "port",
        "ps",
        "pull",
        "push",
        "rename",
        "restart",
        "rm",
        "rmi",
        "run",
        "save",
        "scan",
        "scout",
        "search",
        "secret",
        "service",
        "stack",
        "start",
        "stats",
        "stop",
        "swarm",
        "system",
        "tag",
        "top",
        "trust",
        "unpause",
        "update",
        "version",
        "volume",
        "wait",
        "debug",
        "sbom",
    )
)
EXEC_MODE = 0o755
#: Longer names are refused (the executable's name must fit the file system).
MAX_NAME = 64


class PluginError(Exception):
    """Installing or removing failed; the message says why (nothing was changed)."""


@dataclass(frozen=True)
class PluginFile:
    name: str
    path: Path


def name_problem(name: str) -> str | None:
    if len(name) > MAX_NAME:
        return f"a plugin name of {len(name)} characters: at most {MAX_NAME} (e.g. tui)"
    if not _NAME.match(name):
        return (
            f"{name[:60]!r} is not a docker CLI plugin name: lower-case letters and digits, "
            "starting with a letter (e.g. tui)"
        )
    if name in TAKEN:
        return f"`docker {name}` is a command of the docker CLI: choose another name (e.g. tui)"
    return None


def plugins_dir(config: str | None = None) -> Path:
    """``<docker config dir>/cli-plugins`` (``--config``, $DOCKER_CONFIG, else ~/.docker)."""
    return docker_config_dir(config) / "cli-plugins"


def plugin_file(name: str = DEFAULT_NAME, config: str | None = None) -> PluginFile:
    problem = name_problem(name)
    if problem:
        raise PluginError(problem)
    return PluginFile(name, plugins_dir(config) / f"docker-{name}")


def script(name: str, python: str | None = None) -> str:
    """The plugin executable's text: runs ``python -m buildx_tui`` with every argument."""
    exe = shlex.quote(python or sys.executable)
    return (
        "#!/bin/sh\n"
        f"{MARK} (`buildx-tui plugin uninstall --name {name}` removes it)\n"
        f'exec {exe} -m buildx_tui {PLUGIN_ENTRY} {shlex.quote(name)} "$@"\n'
    )


def is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return MARK.encode() in head


def install(target: PluginFile, python: str | None = None) -> Path:
    """Write the plugin executable (a previous one of ours is replaced). Raises PluginError."""
    path = target.path
    if os.path.lexists(path) and not is_ours(path):
        raise PluginError(
            f"{shown(path)} exists and was not written by buildx-tui: it is left alone "
            "(choose another --name, or remove that file yourself)"
        )
    try:
        replace_file(path, script(target.name, python), backup=False)
        os.chmod(path, EXEC_MODE)
    except (OSError, ValueError) as exc:
        raise PluginError(f"cannot write {shown(path)} ({reason(exc)})") from exc
    return path


def uninstall(target: PluginFile) -> bool:
    """Remove our plugin executable; False when there was none. Raises PluginError when the
    file is not ours or cannot be removed."""
    path = target.path
    if not os.path.lexists(path):
        return False
    if not is_ours(path):
        raise PluginError(f"{shown(path)} was not written by buildx-tui: it is left alone")
    try:
        path.unlink()
    except OSError as exc:
        raise PluginError(f"cannot remove {shown(path)} ({reason(exc)})") from exc
    return True


def executable(path: Path) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IXUSR)
    except OSError:
        return False
