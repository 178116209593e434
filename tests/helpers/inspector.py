"""The manifest inspector on imagetools output recorded on the lab (tests/fixtures/local/INDEX.md):
127.0.0.1:5000/inspector-demo:1 and :2 (linux/amd64 + linux/arm64, provenance attestations; :2
differs on arm64 only), :amd64 (single manifest) and the errors, as a fake backend; and reading
the screen (its message, its tree). Shared by the inspector's pilot and snapshot tests, e2e
test_inspector.py and scripts/screenshots_inspector.py.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.widgets import Static
from textual.widgets.tree import TreeNode

from buildx_tui.core.inspect.imagetools import config_argv, index_argv, manifest_argv
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.inspect.nodes import NodeInfo, NodeKind
from buildx_tui.ui.inspect.screen import InspectorScreen
from buildx_tui.ui.inspect.tree import ManifestTree
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.render import plain

NAME = "127.0.0.1:5000/inspector-demo"
REF1, REF2, SINGLE = f"{NAME}:1", f"{NAME}:2", f"{NAME}:amd64"
INDEX1 = "sha256:d2b39305607a1321806897ca1e38c409dedaefc10f6a39cb7c7390b75bcb29cb"
AMD64 = "sha256:414abe43eb9af763132372e39a8720abc3926779627dd0499e0f6ef4ae870663"
ARM64_1 = "sha256:86987919a3c88f9fc324d7a067813e340a9844217f86a95cd4276ffc528a52e4"
ARM64_2 = "sha256:87e1b25d36c5655aea4271ddf02cdd87e22f6630ef8d1f16763075e860508f37"
ATT_AMD64 = "sha256:c89ba0564aa50f894f311f094056828b3d505652a089fe573aa2faba07919722"
ATT_ARM64 = "sha256:6059705a298ddb0877b0f6a62bd4894668051a6c7b8d7f2a4af61b0f3fdd5daf"
LAYER1 = "sha256:0c5191c23468903b3c63c54ce4acbc3b20979b6c36fc95afb44f315bb64ebb85"
ERRORS = {
    "tag-not-found": f"{NAME}:nosuchtag",
    "repo-not-found": "127.0.0.1:5000/nosuchrepo:1",
    "unauthorized": "127.0.0.1:5001/inspector-probe:1",
    "unknown-host": "nosuchhost.invalid:5000/demo:1",
    "connection-refused": "127.0.0.1:5999/demo:1",
    "http-vs-https": "192.0.2.2:5002/inspector-probe:1",
    "tls-server": "127.0.0.1:1234/demo:1",
}


def local(name: str) -> str:
    return fixture(f"local/imagetools-{name}")


def inspector_backend() -> FakeBackend:
    ok = {
        index_argv(REF1): "demo1-raw.json",
        index_argv(REF2): "demo2-raw.json",
        index_argv(SINGLE): "demo-amd64-raw.json",
        manifest_argv(NAME, AMD64): "demo1-amd64-manifest.json",
        manifest_argv(NAME, ARM64_1): "demo1-arm64-manifest.json",
        manifest_argv(NAME, ARM64_2): "demo2-arm64-manifest.json",
        manifest_argv(NAME, ATT_AMD64): "demo1-amd64-attestation.json",
        manifest_argv(NAME, ATT_ARM64): "demo1-arm64-attestation.json",
        config_argv(NAME, AMD64): "demo1-amd64-config.json",
        config_argv(NAME, ARM64_1): "demo1-arm64-config.json",
        config_argv(NAME, ARM64_2): "demo2-arm64-config.json",
    }
    replies = {argv: Reply(0, local(name)) for argv, name in ok.items()}
    for case, reference in ERRORS.items():
        replies[index_argv(reference)] = Reply(1, "", local(f"err-{case}.stderr"))
    return FakeBackend(ls_output=fixture("buildx/ls.json"), replies=replies)


def inspector_app(backend: FakeBackend | None = None) -> BuildxApp:
    return BuildxApp(backend or inspector_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def message_text(screen: InspectorScreen) -> str:
    panel = screen.query_one("#inspect-message", Static)
    return plain(panel.content) if panel.has_class("-shown") else ""


def walk(node: TreeNode[NodeInfo]) -> Iterator[TreeNode[NodeInfo]]:
    yield node
    for child in node.children:
        yield from walk(child)


def label(node: TreeNode[NodeInfo]) -> str:
    return str(node.label)


def find(tree: ManifestTree, kind: NodeKind, digest: str | None = None) -> TreeNode[NodeInfo]:
    for node in walk(tree.root):
        if node.data and node.data.kind is kind and (digest is None or node.data.digest == digest):
            return node
    raise AssertionError(f"no {kind} {digest} in the tree")
