"""The package as a user installs it: a wheel is built from this tree (`pip wheel --no-deps .`),
installed into a new, empty virtual environment (its dependencies from the package index, as
`pipx install` / `uv tool install` would fetch them), and its console script runs there:
`buildx-tui --version`, `python -m buildx_tui --version`, `--settings`, the plugin's metadata,
and `buildx-tui --demo` on a real pseudo-terminal (the DEMO title is drawn; `q` quits, exit 0)
with a `docker` on PATH that marks being run: the demo must not run it. No lab needed; this test
fails (never skips) when a step cannot run, e.g. without access to the package index."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
import venv
from pathlib import Path

import pytest

from buildx_tui import __version__

REPO = Path(__file__).resolve().parents[2]


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> str:
    """Run ``argv`` outside this checkout (its folder would shadow the installed package)."""
    cwd = env["HOME"] if env else None
    done = subprocess.run(
        argv,
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a new venv holding only the wheel and its dependencies."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)])
    (wheel,) = dist.glob("buildx_tui-*.whl")
    env_dir = root / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bin_dir = env_dir / "bin"
    run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)])
    return bin_dir


def clean_env(tmp: Path) -> dict[str, str]:
    """Nothing of this checkout: no PYTHONPATH, the settings in a temporary file, a `docker` shim
    first on PATH that leaves a mark if run."""
    shim_dir = tmp / "shim"
    shim_dir.mkdir(exist_ok=True)
    shim = shim_dir / "docker"
    shim.write_text(f'#!/bin/sh\necho "$@" >> {tmp / "docker-ran"}\nexit 1\n')
    shim.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = f"{shim_dir}{os.pathsep}{env.get('PATH', os.defpath)}"
    env["BUILDX_TUI_SETTINGS"] = str(tmp / "settings.toml")
    env["TERM"] = "xterm-256color"
    env["HOME"] = str(tmp)
    return env


def test_the_console_script_and_module_run_from_the_wheel(installed: Path, tmp_path: Path):
    env = clean_env(tmp_path)
    assert run([str(installed / "buildx-tui"), "--version"], env).strip() == (
        f"buildx-tui {__version__}"
    )
    assert run([str(installed / "python"), "-m", "buildx_tui", "--version"], env).strip() == (
        f"buildx-tui {__version__}"
    )
    where = run(
        [str(installed / "python"), "-c", "import buildx_tui; print(buildx_tui.__file__)"], env
    )
    assert str(installed.parent) in where  # the wheel's copy, not this checkout
    settings = run([str(installed / "buildx-tui"), "--settings"], env)
    assert settings.startswith(f"# settings file: {tmp_path / 'settings.toml'}")
    meta = run(
        [
            str(installed / "buildx-tui"),
            "__docker-cli-plugin__",
            "tui",
            "docker-cli-plugin-metadata",
        ],
        env,
    )
    assert json.loads(meta)["SchemaVersion"] == "0.1.0"
    assert not (tmp_path / "docker-ran").exists()


def test_the_demo_runs_from_the_wheel_on_a_terminal_and_runs_nothing(
    installed: Path, tmp_path: Path
):
    env = clean_env(tmp_path)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    proc = subprocess.Popen(
        [str(installed / "buildx-tui"), "--demo"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=tmp_path,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"DEMO" not in seen or b"lab-container" not in seen:
            assert time.monotonic() < deadline, seen[-2000:]
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
            assert proc.poll() is None, seen[-2000:]
        os.write(master, b"q")
        deadline = time.monotonic() + 30
        while proc.poll() is None:
            assert time.monotonic() < deadline, "the demo did not quit on q"
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                with contextlib.suppress(OSError):
                    os.read(master, 65536)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    assert proc.returncode == 0
    assert not (tmp_path / "docker-ran").exists()
