"""The manifest inspector against the real lab: images built and pushed here, inspected through the
app, and every digest and platform checked against what the registry serves (skopeo, not buildx).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.core.inspect.manifest.model import ImageIndex, ImageManifest
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.inspect.compare import ManifestCompare
from buildx_tui.ui.inspect.nodes import NodeKind
from buildx_tui.ui.inspect.screen import InspectorScreen
from tests.helpers.e2e_lab import client_for
from tests.helpers.inspector import find, label, message_text, walk
from tests.helpers.render import plain

from .conftest import Lab

SIZE = (120, 40)
DOCKERFILE = """\
FROM {registry}/busybox:latest
ARG TARGETARCH
COPY files/${{TARGETARCH}}.txt /etc/release
RUN echo "built for $TARGETARCH" > /arch.txt
LABEL org.opencontainers.image.title="inspector e2e"
ENV INSPECTOR_E2E=1
USER nobody
ENTRYPOINT ["cat"]
CMD ["/etc/release"]
"""


@dataclass(frozen=True)
class Images:
    name: str  # 127.0.0.1:5000/inspector-e2e
    one: str  # linux/amd64 + linux/arm64, provenance
    two: str  # the same but for files/arm64.txt
    single: str  # linux/amd64 only, no attestation: a manifest, no index


def _build(lab: Lab, context: Path, ref: str, *flags: str) -> None:
    proc = lab.docker(
        "buildx", "build", "--builder", lab.builders.container, "--push", "--progress=plain",
        "--build-arg", "SOURCE_DATE_EPOCH=1700000000", "-t", ref, *flags, str(context),
        timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module")
def images(lab: Lab, tmp_path_factory: pytest.TempPathFactory) -> Images:
    context = tmp_path_factory.mktemp("inspector-e2e")
    (context / "Dockerfile").write_text(DOCKERFILE.format(registry=lab.registry))
    files = context / "files"
    files.mkdir()
    (files / "amd64.txt").write_text("amd64 release 1\n")
    (files / "arm64.txt").write_text("arm64 release 1\n")
    name = f"{lab.registry}/inspector-e2e"
    run = uuid.uuid4().hex[:8]
    images = Images(name, f"{name}:one-{run}", f"{name}:two-{run}", f"{name}:single-{run}")
    both = "linux/amd64,linux/arm64"
    _build(lab, context, images.one, "--platform", both, "--provenance=mode=min")
    _build(lab, context, images.single, "--platform", "linux/amd64", "--provenance=false")
    (files / "arm64.txt").write_text("arm64 release 2\n")
    _build(lab, context, images.two, "--platform", both, "--provenance=mode=min")
    return images


# -- the registry's own answer (skopeo, not buildx) ----------------------------------------------


def skopeo(*args: str) -> bytes:
    proc = subprocess.run(
        ["skopeo", "inspect", "--tls-verify=false", *args],
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


def raw(ref: str) -> bytes:
    return skopeo("--raw", f"docker://{ref}")


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def registry_platforms(ref: str) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """(index digest, [(platform, digest)], {attestation digest: digest it describes})."""
    data = raw(ref)
    index = json.loads(data)
    platforms, attestations = [], {}
    for m in index["manifests"]:
        annotations = m.get("annotations", {})
        if annotations.get("vnd.docker.reference.type") == "attestation-manifest":
            attestations[m["digest"]] = annotations["vnd.docker.reference.digest"]
        else:
            p = m["platform"]
            platforms.append((f"{p['os']}/{p['architecture']}", m["digest"]))
    return digest_of(data), platforms, attestations


# -- driving the app -----------------------------------------------------------------------------


def make_app(lab: Lab) -> tuple[BuildxApp, BuildxClient]:
    client = client_for(lab)
    return BuildxApp(client, refresh_interval=0), client


async def settle(pilot, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
        if not any(w.is_running for w in pilot.app.workers):
            return
        assert time.monotonic() < deadline, "the app did not settle"
        await asyncio.sleep(0.05)


async def open_inspector(
    pilot, reference: str | None, host: str = "linux/amd64"
) -> InspectorScreen:
    await settle(pilot)
    screen = InspectorScreen(reference, host_platform=host)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


async def expand(pilot, screen: InspectorScreen, kind: NodeKind, digest: str) -> None:
    tree = screen.manifest_tree
    tree.focus()
    tree.move_cursor(find(tree, kind, digest))
    await pilot.press("enter")
    await settle(pilot)


# -- tests ---------------------------------------------------------------------------------------


async def test_index_platforms_and_attestations_are_what_the_registry_serves(lab, images):
    index_digest, platforms, attestations = registry_platforms(images.one)
    assert [p for p, _ in platforms] == ["linux/amd64", "linux/arm64"]
    assert len(attestations) == 2
    app, _ = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, images.one)
        tree = screen.manifest_tree
        index = tree.document
        assert isinstance(index, ImageIndex)
        assert index.digest == index_digest
        assert [(e.platform_string, e.digest) for e in index.platforms] == platforms
        assert tree.root.data.digest == index_digest
        assert index_digest[:19] in label(tree.root)
        shown = [(label(n).split()[0], n.data.digest) for n in tree.root.children]
        assert shown == platforms  # attestations are not platforms
        for attestation, described in attestations.items():
            node = find(tree, NodeKind.ATTESTATION, attestation)
            assert node.parent.parent.data.digest == described
        assert not any("unknown" in label(n) for n in walk(tree.root))
        log = screen.query_one(CommandLog)
        assert [e.state for e in log.entries] == [EntryState.OK]
        assert log.entries[0].command.endswith(f"buildx imagetools inspect --raw {images.one}")


async def test_an_expanded_platform_matches_its_manifest_and_config(lab, images):
    _, platforms, attestations = registry_platforms(images.one)
    arm64 = dict(platforms)["linux/arm64"]
    manifest_bytes = raw(f"{images.name}@{arm64}")
    manifest = json.loads(manifest_bytes)
    config = json.loads(skopeo("--config", f"docker://{images.name}@{arm64}"))
    app, _ = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, images.one)
        await expand(pilot, screen, NodeKind.PLATFORM, arm64)
        tree = screen.manifest_tree
        node = find(tree, NodeKind.MANIFEST, arm64)  # the digest of the bytes buildx printed
        assert digest_of(manifest_bytes) == arm64
        layers = [n.data.digest for n in walk(tree.root) if n.data.kind is NodeKind.LAYER]
        assert layers == [layer["digest"] for layer in manifest["layers"]]
        config_node = find(tree, NodeKind.CONFIG)
        assert config_node.data.digest == manifest["config"]["digest"]
        text = "\n".join(label(n) for n in walk(node.parent))
        assert config["architecture"] == "arm64" and config["config"]["User"] == "nobody"
        assert "linux/arm64  architecture arm64, os linux" in text
        assert "nobody" in text and '["cat"]' in text and "INSPECTOR_E2E=1" in text
        total = manifest["config"]["size"] + sum(layer["size"] for layer in manifest["layers"])
        assert screen.manifest_tree._parts[arm64].manifest.total_size == total
        # the provenance of arm64, from its attestation manifest
        (attestation,) = [a for a, d in attestations.items() if d == arm64]
        await expand(pilot, screen, NodeKind.ATTESTATION, attestation)
        predicate = json.loads(raw(f"{images.name}@{attestation}"))["layers"][0]["annotations"]
        assert predicate["in-toto.io/predicate-type"].startswith("https://slsa.dev/provenance/")
        assert "attestation: SLSA provenance" in label(
            find(tree, NodeKind.ATTESTATION, attestation)
        )
        commands = [e.command for e in screen.query_one(CommandLog).entries]
        assert [c.split(" buildx ", 1)[1] for c in commands] == [
            f"imagetools inspect --raw {images.one}",
            f"imagetools inspect --raw {images.name}@{arm64}",
            f"imagetools inspect {images.name}@{arm64} --format '{{{{json .Image}}}}'",
            f"imagetools inspect --raw {images.name}@{attestation}",
        ]


async def test_compare_two_tags_by_platform(lab, images):
    _, one, _ = registry_platforms(images.one)
    _, two, _ = registry_platforms(images.two)
    one, two = dict(one), dict(two)
    assert one["linux/amd64"] == two["linux/amd64"] and one["linux/arm64"] != two["linux/arm64"]
    app, _ = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, None)
        screen.compare(images.one, images.two)
        await settle(pilot)
        view = screen.query_one(ManifestCompare)
        assert view.comparison is not None
        got = [
            (e.platform, e.status.value, e.left_digest, e.right_digest)
            for e in view.comparison.entries
        ]
        assert got == [
            ("linux/amd64", "same", one["linux/amd64"], two["linux/amd64"]),
            ("linux/arm64", "different", one["linux/arm64"], two["linux/arm64"]),
        ]
        summary = plain(view.query_one("#compare-summary").content)
        assert "linux/arm64: differs; linux/amd64: the same" in summary


async def test_a_single_platform_image_lacking_arm64(lab, images):
    data = raw(images.single)
    assert json.loads(data)["mediaType"] == "application/vnd.oci.image.manifest.v1+json"
    app, _ = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, images.single, host="linux/arm64")
        document = screen.manifest_tree.document
        assert isinstance(document, ImageManifest) and document.digest == digest_of(data)
        text = message_text(screen)
        assert "single-platform image (a manifest, no index): only linux/amd64." in text
        assert "✖ your platform: no linux/arm64 variant: it will not run natively on Apple" in text


async def test_errors_on_the_real_registry(lab, images):
    app, client = make_app(lab)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, None)
        before = client.processes_started
        screen.inspect(f"{lab.registry}/Inspector-E2E:1")
        await settle(pilot)
        assert client.processes_started == before  # nothing ran
        assert "repository names must be lowercase" in message_text(screen)
        cases = {
            f"{images.name}:no-such-tag": f"{images.name}:no-such-tag was not found",
            f"{lab.registry}/inspector-e2e-nothing:1": "was not found",
            "127.0.0.1:5999/inspector-e2e:1": "cannot connect to the registry 127.0.0.1:5999",
            "nosuchhost.invalid:5000/x:1": "unknown registry host nosuchhost.invalid",
        }
        for reference, expected in cases.items():
            screen.inspect(reference)
            await settle(pilot)
            text = " ".join(message_text(screen).split())
            assert expected in text, (reference, text)
            assert screen.query_one(CommandLog).entries[-1].state is EntryState.FAILED
