"""binfmt_misc entries, read from the lab machine's recorded /proc/sys/fs/binfmt_misc."""

from __future__ import annotations

import shutil
from pathlib import Path

from buildx_tui.core.doctor.binfmt import INSTALL_ARGV, parse_handler, read_binfmt
from buildx_tui.core.doctor.emulation import binfmt_results
from buildx_tui.core.doctor.model import Status
from buildx_tui.core.platforms import parse_platform
from tests.helpers.doctor import BINFMT, doctor_backend, doctor_context


def test_recorded_entries_are_read() -> None:
    binfmt = read_binfmt(str(BINFMT))
    assert not binfmt.error and binfmt.enabled
    arm64 = binfmt.for_platform(parse_platform("linux/arm64"))
    assert arm64 is not None and arm64.name == "qemu-aarch64"
    assert arm64.enabled and arm64.fix_binary and "F" in arm64.flags
    assert arm64.interpreter.endswith("aarch64-binfmt-P")
    assert binfmt.for_platform(parse_platform("linux/arm/v7")) is not None
    assert all(h.name != "register" and h.name != "status" for h in binfmt.handlers)


def test_a_missing_folder_says_so_without_raising(tmp_path: Path) -> None:
    assert "cannot read" in read_binfmt(str(tmp_path / "nope")).error
    assert "not mounted" in read_binfmt(str(tmp_path)).error


def test_parse_handler_without_f_flag() -> None:
    h = parse_handler("qemu-aarch64", "enabled\ninterpreter /usr/bin/qemu-aarch64\nflags: P\n")
    assert h.enabled and not h.fix_binary and h.interpreter == "/usr/bin/qemu-aarch64"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "binfmt"
    shutil.copytree(BINFMT, target)
    return target


def _arm64(tmp_path: Path, folder: Path) -> tuple[Status, str, tuple[str, ...]]:
    ctx = doctor_context(doctor_backend(), tmp_path, binfmt=folder)
    results = {r.key: r for r in binfmt_results(ctx)}
    assert results["binfmt:linux/amd64"].status is Status.PASSED  # native on amd64
    r = results["binfmt:linux/arm64"]
    return r.status, r.found, r.fix.argv if r.fix else ()


def test_the_lab_passes(tmp_path: Path) -> None:
    status, found, _ = _arm64(tmp_path, BINFMT)
    assert status is Status.PASSED and "qemu-aarch64" in found and "PF" in found


def test_no_handler_fails_with_the_seeds_fix(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "qemu-aarch64").unlink()
    status, found, argv = _arm64(tmp_path, folder)
    assert status is Status.FAILED and "no handler for arm64" in found
    assert argv == INSTALL_ARGV == (
        "run", "--privileged", "--rm", "tonistiigi/binfmt", "--install", "all",
    )  # fmt: skip


def test_no_f_flag_or_disabled_fails(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    entry = folder / "qemu-aarch64"
    entry.write_text(entry.read_text().replace("flags: PF", "flags: P"))
    status, found, _ = _arm64(tmp_path, folder)
    assert status is Status.FAILED and "no F flag" in found
    entry.write_text(entry.read_text().replace("enabled", "disabled", 1))
    status, found, _ = _arm64(tmp_path, folder)
    assert status is Status.FAILED and "disabled" in found
