"""The lab itself works: registry with a 2-platform base image, the four builders, QEMU builds."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from .conftest import Lab

PLATFORMS = {"linux/amd64", "linux/arm64"}


def skopeo_index(lab: Lab, ref: str) -> dict:
    """The raw manifest of ref, read by skopeo from the registry (independent of buildx)."""
    skopeo = shutil.which("skopeo")
    assert skopeo, "skopeo is installed by scripts/lab up"
    proc = subprocess.run(
        [skopeo, "inspect", "--raw", "--tls-verify=false", f"docker://{lab.registry}/{ref}"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def index_platforms(index: dict) -> set[str]:
    """Platforms of an image index, attestation manifests (unknown/unknown) left out."""
    return {
        f"{m['platform']['os']}/{m['platform']['architecture']}"
        for m in index.get("manifests", [])
        if m.get("platform", {}).get("os") not in (None, "unknown")
    }


@pytest.mark.parametrize("ref", ["busybox:latest", "library/busybox:latest"])
def test_registry_holds_two_platform_busybox(lab: Lab, ref: str) -> None:
    index = skopeo_index(lab, ref)
    assert index["mediaType"] in (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    )
    assert index_platforms(index) == PLATFORMS


def test_buildx_ls_lists_the_lab_builders(lab: Lab) -> None:
    proc = lab.docker("buildx", "ls", "--format", "json", timeout=120)
    assert proc.returncode == 0, proc.stderr
    builders = {b["Name"]: b for b in map(json.loads, proc.stdout.splitlines())}
    assert {"default", lab.builders.container, lab.builders.remote, lab.builders.dead} <= set(
        builders
    )
    assert builders["default"]["Driver"] == "docker"
    assert builders["default"]["Current"] is True

    container = builders[lab.builders.container]
    assert container["Driver"] == "docker-container"
    node = container["Nodes"][0]
    assert node["Status"] == "running"
    assert node["DriverOpts"]["network"] == "host"
    assert set(node["Platforms"]) >= PLATFORMS

    remote = builders[lab.builders.remote]
    assert remote["Driver"] == "remote"
    assert remote["Nodes"][0]["Status"] == "running"
    assert remote["Nodes"][0]["Endpoint"] == lab.buildkitd_tcp

    dead = builders[lab.builders.dead]
    assert dead["Driver"] == "remote"
    assert dead["Nodes"][0]["Status"] == "inactive"


def test_two_platform_build_runs_arm64_under_qemu(lab: Lab, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM busybox\nRUN uname -m > /arch\n")
    # A fresh tag per run: the registry outlives test sessions.
    tag = f"labtest:1-{uuid.uuid4().hex[:8]}"
    proc = lab.docker(
        "buildx", "build", "--builder", lab.builders.container,
        "--platform", "linux/amd64,linux/arm64", "--no-cache", "--progress", "plain",
        "-t", f"{lab.registry}/labtest:1", "-t", f"{lab.registry}/{tag}", "--push",
        str(tmp_path), timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    # The RUN step really ran once per platform (arm64 under QEMU: `uname -m` would fail otherwise).
    assert "[linux/arm64 2/2] RUN uname -m > /arch" in proc.stderr
    assert "[linux/amd64 2/2] RUN uname -m > /arch" in proc.stderr
    for ref in ("labtest:1", tag):
        assert index_platforms(skopeo_index(lab, ref)) == PLATFORMS


def test_arm64_container_reports_aarch64(lab: Lab, tmp_path: Path) -> None:
    """The arm64 image half really is arm64 code, and QEMU runs it (uname -m says aarch64)."""
    (tmp_path / "Dockerfile").write_text(
        "FROM busybox\nRUN uname -m > /arch\nFROM scratch\nCOPY --from=0 /arch /arch\n"
    )
    out = tmp_path / "out"
    proc = lab.docker(
        "buildx", "build", "--builder", lab.builders.remote, "--platform", "linux/arm64",
        "--progress", "plain", "--output", f"type=local,dest={out}", str(tmp_path),
        timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "arch").read_text().strip() == "aarch64"


def test_engine_stop_and_start(lab: Lab) -> None:
    """engine_stop() makes docker unreachable (buildx ls still exits 0, errors in Err fields);
    engine_start() brings it back with lab-container running again."""
    lab.engine_stop()
    try:
        assert lab.docker("version", "--format", "{{.Server.Version}}").returncode != 0
        proc = lab.docker("buildx", "ls", "--format", "json", timeout=120)
        assert proc.returncode == 0
        assert any(json.loads(line).get("Err") for line in proc.stdout.splitlines())
    finally:
        lab.engine_start()
    assert lab.docker("version").returncode == 0
    proc = lab.docker("buildx", "inspect", lab.builders.container)
    assert proc.returncode == 0
    assert "running" in proc.stdout
