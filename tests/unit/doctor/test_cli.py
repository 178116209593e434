"""`buildx-tui doctor` as scripts run it: a subprocess, no Textual imported, exit code 1 when a
check failed (here: no docker CLI at all), NO_COLOR and --json honoured."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from buildx_tui.__main__ import main
code = main(sys.argv[1:])
assert "textual" not in sys.modules, "doctor imported Textual"
sys.exit(code)
"""


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_CONFIG": str(tmp_path), "NO_COLOR": "1"}
    env.pop("DOCKER_HOST", None)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, "--docker", str(tmp_path / "no-docker"), "doctor", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_no_docker_fails_in_words_without_textual(tmp_path: Path) -> None:
    proc = _run(tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "✗ failed    docker CLI" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "\033[" not in proc.stdout  # NO_COLOR (and not a terminal)


def test_json(tmp_path: Path) -> None:
    proc = _run(tmp_path, "--json", "--platform", "linux/arm64")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["exit_code"] == 1
    cli = next(r for r in data["results"] if r["key"] == "docker-cli")
    assert cli["status"] == "failed" and cli["fix"]["text"]


def test_push_targets(tmp_path: Path) -> None:
    """--push REF (repeated): each target's verdict; a registry elsewhere is not contacted, a
    bad reference is said in words."""
    (tmp_path / "config.json").write_text('{"credHelpers": {"ghcr.io": "gh"}}')
    proc = _run(tmp_path, "--json", "--push", "ghcr.io/me/app:1", "--push", "Bad/Ref!")
    data = json.loads(proc.stdout)
    got = {r["key"]: r for r in data["results"] if r["check"] == "push"}
    assert got["push:ghcr.io/me/app:1"]["status"] == "passed"
    assert "docker-credential-gh (credHelpers)" in got["push:ghcr.io/me/app:1"]["found"]
    assert "not contacted" in got["push:ghcr.io/me/app:1"]["found"]
    assert got["push:Bad/Ref!"]["status"] == "failed"
    assert got["push:Bad/Ref!"]["found"].startswith("not an image reference")
