"""The docker CLI plugin: the metadata the docker CLI requires, the docker CLI's global options
followed, install/uninstall in $DOCKER_CONFIG/cli-plugins, other tools' files left alone."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from buildx_tui import __version__
from buildx_tui.__main__ import main
from buildx_tui.core.plugin.cli import plugin_main
from buildx_tui.core.plugin.entry import PluginArgsError, metadata, parse_plugin_args
from buildx_tui.core.plugin.install import (
    PluginError,
    install,
    is_ours,
    plugin_file,
    plugins_dir,
    uninstall,
)


def test_metadata_is_what_the_docker_cli_requires():
    data = json.loads(metadata())
    assert data["SchemaVersion"] == "0.1.0"
    assert data["Vendor"] and data["Version"] == __version__ and data["ShortDescription"]


@pytest.mark.parametrize(
    ("argv", "global_args", "args"),
    [
        (["tui"], [], []),
        (["tui", "--refresh", "0"], [], ["--refresh", "0"]),
        (["--context", "lab", "tui"], ["--context", "lab"], []),
        (["-c=lab", "-D", "tui", "doctor"], ["--context", "lab"], ["doctor"]),
        (
            ["-H", "tcp://127.0.0.1:2375", "-l", "debug", "tui"],
            ["--host", "tcp://127.0.0.1:2375"],
            [],
        ),
        (["--config", "/tmp/dc", "tui", "--demo"], ["--config", "/tmp/dc"], ["--demo"]),
        (["tui", "--context", "x"], [], ["--context", "x"]),  # after the name: the app's own
    ],
)
def test_the_docker_cli_global_options_are_followed(argv, global_args, args):
    call = parse_plugin_args("tui", argv)
    assert (call.global_args, call.args) == (global_args, args)


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--tlsverify", "tui"], "TLS settings in a docker context"),
        (["--tlscacert", "/ca.pem", "tui"], "TLS settings in a docker context"),
        (["--context"], "has no value"),
        (["--bogus", "tui"], "unexpected argument"),
        (["--context", "x"], "did not pass the plugin's name"),
    ],
)
def test_what_cannot_be_followed_is_said(argv, words):
    with pytest.raises(PluginArgsError, match=words):
        parse_plugin_args("tui", argv)


def test_the_plugin_runs_the_app_with_the_docker_cli_that_ran_it(monkeypatch):
    seen: list[list[str]] = []
    monkeypatch.setenv("DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND", "/usr/local/bin/docker")
    code = plugin_main(
        ["tui", "--context", "lab", "tui", "--refresh", "0"], lambda a: seen.append(list(a)) or 7
    )
    assert code == 7
    assert seen == [["--docker", "/usr/local/bin/docker", "--context", "lab", "--refresh", "0"]]


def test_metadata_through_main(capsys):
    assert main(["__docker-cli-plugin__", "tui", "docker-cli-plugin-metadata"]) == 0
    assert json.loads(capsys.readouterr().out)["SchemaVersion"] == "0.1.0"


def test_tls_flags_exit_2_with_a_message(capsys):
    assert main(["__docker-cli-plugin__", "tui", "--tls", "tui"]) == 2
    assert "docker tui: docker --tls is not supported" in capsys.readouterr().err


def test_plugins_dir_follows_docker_config(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "dc"))
    assert plugins_dir() == tmp_path / "dc" / "cli-plugins"
    assert plugins_dir(str(tmp_path / "other")) == tmp_path / "other" / "cli-plugins"
    monkeypatch.delenv("DOCKER_CONFIG")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert plugins_dir() == tmp_path / ".docker" / "cli-plugins"


@pytest.mark.parametrize(
    "name",
    ["", "Tui", "1tui", "my-tui", "build", "buildx", "x" * 10000],
    ids=["empty", "upper", "digit-first", "dash", "build", "buildx", "10000-chars"],
)
def test_bad_or_taken_names_are_refused(name):
    with pytest.raises(PluginError):
        plugin_file(name)


def test_install_writes_an_executable_that_answers_metadata_and_uninstall_removes_it(tmp_path):
    target = plugin_file("tui", str(tmp_path / "dc"))
    path = install(target)
    assert path == tmp_path / "dc" / "cli-plugins" / "docker-tui"
    assert os.stat(path).st_mode & stat.S_IXUSR and is_ours(path)
    out = subprocess.run(
        [str(path), "docker-cli-plugin-metadata"], capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout)["Version"] == __version__
    assert sys.executable in path.read_text()
    install(target)  # again: ours is replaced
    assert uninstall(target) is True
    assert not path.exists()
    assert uninstall(target) is False


def test_another_tools_file_is_never_replaced_nor_removed(tmp_path):
    target = plugin_file("tui", str(tmp_path))
    target.path.parent.mkdir(parents=True)
    target.path.write_text("#!/bin/sh\necho someone else's\n")
    with pytest.raises(PluginError, match="not written by buildx-tui"):
        install(target)
    with pytest.raises(PluginError, match="not written by buildx-tui"):
        uninstall(target)
    assert "someone else's" in target.path.read_text()


def test_the_command_line(tmp_path, capsys):
    config = str(tmp_path / "dc")
    assert main(["--config", config, "plugin", "install", "--name", "bxt"]) == 0
    assert "`docker bxt` opens buildx-tui" in capsys.readouterr().out
    assert main(["--config", config, "plugin", "status", "--name", "bxt"]) == 0
    assert "installed:" in capsys.readouterr().out
    assert main(["--config", config, "plugin", "uninstall", "--name", "bxt"]) == 0
    assert "removed" in capsys.readouterr().out
    assert main(["--config", config, "plugin", "install", "--name", "build"]) == 1
    assert "command of the docker CLI" in capsys.readouterr().err
