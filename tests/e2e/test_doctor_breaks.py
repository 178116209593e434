"""The doctor on a lab broken on purpose, each break named with its fix (issue #14):
the arm64 QEMU handler disabled, then unregistered; the registry stopped. Every break is undone
in ``finally`` (the handler re-enabled / registered again exactly as it was; the registry started
again by `scripts/lab up`, which starts only what is not running).

They break the lab for a moment: the e2e suite runs its tests one after another, so nothing
else builds meanwhile (do not run them while someone else uses the same lab by hand).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from buildx_tui.core.doctor.binfmt import INSTALL_ARGV, parse_handler

from .conftest import LAB_SCRIPT, Lab
from .test_doctor import doctor_cli, results

BINFMT = Path("/proc/sys/fs/binfmt_misc")
ARM64 = BINFMT / "qemu-aarch64"


@pytest.fixture
def breaking_allowed() -> None:
    """Nothing to check: kept as the one place that names what these tests break."""


def registration(entry: str) -> str:
    """The line that registers a handler again as /proc shows it (``:name:M:offset:magic:mask:
    interpreter:flags``, magic and mask as \\xHH escapes)."""
    fields: dict[str, str] = {}
    for line in entry.splitlines():
        key, _, value = line.partition(" ")
        fields[key.rstrip(":")] = value.strip()
    esc = lambda hexes: "".join(f"\\x{hexes[i : i + 2]}" for i in range(0, len(hexes), 2))  # noqa: E731
    handler = parse_handler(ARM64.name, entry)
    return (
        f":{ARM64.name}:M:{fields.get('offset', '0')}:{esc(fields['magic'])}:"
        f"{esc(fields['mask'])}:{handler.interpreter}:{handler.flags}"
    )


@pytest.fixture
def arm64_entry(breaking_allowed: None) -> Iterator[str]:
    """The arm64 handler as it is; registered and enabled again afterwards, whatever happened."""
    entry = ARM64.read_text()
    line = registration(entry)
    try:
        yield entry
    finally:
        if not ARM64.exists():
            (BINFMT / "register").write_text(line)
        ARM64.write_text("1")
        assert ARM64.read_text() == entry, "the arm64 handler was not restored as it was"


def _arm64_failures(lab: Lab) -> dict[str, dict[str, str]]:
    code, data, _ = doctor_cli(lab, "--builder", lab.builders.container)
    got = results(data)
    assert code == 1
    binfmt = got["binfmt:linux/arm64"]
    assert binfmt["status"] == "failed" and binfmt["fix"]["argv"] == list(INSTALL_ARGV)
    return got


def test_disabled_arm64_handler_is_named_with_the_seeds_fix(lab: Lab, arm64_entry: str) -> None:
    ARM64.write_text("0")
    got = _arm64_failures(lab)
    assert "disabled" in got["binfmt:linux/arm64"]["found"]
    probe = got[f"probe:{lab.builders.container}:linux/arm64"]
    assert probe["status"] == "failed" and "exec format error" in probe["found"], probe


def test_unregistered_arm64_handler_is_named_with_the_seeds_fix(lab: Lab, arm64_entry: str) -> None:
    ARM64.write_text("-1")
    assert not ARM64.exists()
    got = _arm64_failures(lab)
    assert "no handler for arm64" in got["binfmt:linux/arm64"]["found"]
    probe = got[f"probe:{lab.builders.container}:linux/arm64"]
    assert probe["status"] == "failed" and "exec format error" in probe["found"], probe


@pytest.fixture
def registry_stopped(lab: Lab, breaking_allowed: None) -> Iterator[None]:
    pid = int((Path(lab.lab_dir) / "run" / "registry.pid").read_text().strip())
    os.kill(pid, signal.SIGTERM)
    try:
        for _ in range(50):
            if subprocess.run(["kill", "-0", str(pid)], capture_output=True).returncode != 0:
                break
            time.sleep(0.1)
        yield
    finally:
        up = subprocess.run([str(LAB_SCRIPT), "up"], capture_output=True, text=True, timeout=600)
        assert up.returncode == 0, up.stderr


def test_stopped_registry_is_named(lab: Lab, registry_stopped: None) -> None:
    code, data, _ = doctor_cli(lab, "--builder", lab.builders.container)
    got = results(data)
    assert code == 1
    reach = got[f"reach:{lab.builders.container}:{lab.registry}"]
    assert reach["status"] == "failed" and "connection refused" in reach["found"]
    assert reach["fix"] and lab.registry in reach["fix"]["text"]
    probe = got[f"probe:{lab.builders.container}:linux/arm64"]
    assert probe["status"] == "failed" and lab.registry in probe["found"]  # its base image
