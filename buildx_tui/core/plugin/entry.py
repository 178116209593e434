"""What the plugin executable runs: ``python -m buildx_tui __docker-cli-plugin__ NAME ARGS…``.

The docker CLI runs a plugin as ``docker-NAME docker-cli-plugin-metadata`` (answer with the
metadata JSON, nothing else, exit 0) or ``docker-NAME [GLOBAL OPTIONS] NAME [ARGS]``: the global
options the user gave the docker CLI (``docker --context x tui``) come first, and its
environment (DOCKER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG…) is inherited. It also sets
``DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND`` to the docker binary that ran the plugin. The app is
then run with that binary and those options, so it talks to what that docker CLI would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from buildx_tui import __version__

METADATA_COMMAND = "docker-cli-plugin-metadata"
ORIGINAL_CLI = "DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND"


def metadata() -> str:
    """The JSON the docker CLI requires of a plugin (SchemaVersion must be exactly 0.1.0)."""
    return json.dumps(
        {
            "SchemaVersion": "0.1.0",
            "Vendor": "buildx-tui",
            "Version": __version__,
            "ShortDescription": "A terminal UI for docker buildx (builders, builds, manifests)",
        }
    )


#: The docker CLI's global options that take a value, and the ones that do not.
_WITH_VALUE = {
    "--config": "config",
    "-c": "context",
    "--context": "context",
    "-H": "host",
    "--host": "host",
    "-l": None,
    "--log-level": None,
    "--tlscacert": "tls",
    "--tlscert": "tls",
    "--tlskey": "tls",
}
_FLAGS = {"-D": None, "--debug": None, "--tls": "tls", "--tlsverify": "tls"}


class PluginArgsError(ValueError):
    """The docker CLI's arguments cannot be followed; the message says why."""


@dataclass
class PluginCall:
    """The app's own arguments, from what the docker CLI passed."""

    global_args: list[str] = field(default_factory=list)  # --config/--context/--host for the app
    args: list[str] = field(default_factory=list)  # what the user typed after `docker NAME`


def parse_plugin_args(name: str, argv: list[str]) -> PluginCall:
    """``argv`` is ``[GLOBAL OPTIONS] NAME [ARGS]`` as the docker CLI passes it."""
    call = PluginCall()
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == name:
            call.args = argv[i + 1 :]
            return call
        flag, eq, inline = arg.partition("=")
        if flag in _WITH_VALUE:
            if eq:
                value = inline
            elif i + 1 < len(argv):
                i += 1
                value = argv[i]
            else:
                raise PluginArgsError(f"the docker CLI option {flag} has no value")
            kind = _WITH_VALUE[flag]
            if kind == "tls":
                raise _tls(flag)
            if kind is not None:
                call.global_args += [f"--{kind}", value]
        elif flag in _FLAGS:
            if _FLAGS[flag] == "tls":
                raise _tls(flag)
        else:
            raise PluginArgsError(f"unexpected argument {arg[:80]!r} before {name!r}")
        i += 1
    raise PluginArgsError(f"the docker CLI did not pass the plugin's name {name!r}")


def _tls(flag: str) -> PluginArgsError:
    return PluginArgsError(
        f"docker {flag} is not supported by buildx-tui: put the TLS settings in a docker "
        "context (docker context create … --docker host=…,ca=…,cert=…,key=…) and use "
        "--context"
    )
