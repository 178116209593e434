"""Pilot tests of the manifest inspector on imagetools output recorded on the lab
(tests/fixtures/local/INDEX.md): 127.0.0.1:5000/inspector-demo:1 and :2 (linux/amd64 + linux/arm64,
provenance attestations; :2 differs on arm64 only), :amd64 (single manifest) and the errors.

The fake backend, the references and the tree helpers are in tests/helpers/inspector.py.
"""

from __future__ import annotations

import threading

from textual.widgets import Input, Static
from textual.widgets.tree import TreeNode

from buildx_tui.core.inspect.imagetools import config_argv, index_argv, manifest_argv
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.inspect.compare import ManifestCompare
from buildx_tui.ui.inspect.nodes import NodeInfo, NodeKind
from buildx_tui.ui.inspect.screen import InspectorHelp, InspectorScreen
from buildx_tui.ui.inspect.tree import ManifestTree
from tests.fakes import FakeBackend, Reply
from tests.helpers.inspector import (
    AMD64,
    ARM64_1,
    ARM64_2,
    ATT_AMD64,
    ATT_ARM64,
    ERRORS,
    INDEX1,
    LAYER1,
    NAME,
    REF1,
    REF2,
    SINGLE,
    find,
    inspector_app,
    inspector_backend,
    label,
    local,
    message_text,
    settle,
    walk,
)
from tests.helpers.render import plain

SIZE = (120, 40)


async def open_inspector(
    pilot, reference: str | None = None, host: str = "linux/amd64"
) -> InspectorScreen:
    await settle(pilot)
    screen = InspectorScreen(reference, host_platform=host)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


def preview(screen: InspectorScreen) -> str:
    return plain(screen.query_one("#inspect-preview", Static).content).strip()


def inspects(backend: FakeBackend) -> list[tuple[str, ...]]:
    return [c for c in backend.calls if c[:2] == ("buildx", "imagetools")]


async def expand(pilot, tree: ManifestTree, node: TreeNode[NodeInfo]) -> None:
    tree.focus()
    tree.move_cursor(node)
    await pilot.press("enter")
    await settle(pilot)


# -- the index -----------------------------------------------------------------------------------


async def test_index_shows_platforms_and_loads_nothing_else():
    backend = inspector_backend()
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, REF1)
        tree = screen.manifest_tree
        root = label(tree.root)
        assert REF1 in root and "OCI image index" in root and "sha256:d2b39305607a" in root
        assert "2 platforms · 2 attestations" in root
        platforms = [c for c in tree.root.children if c.data.kind is NodeKind.PLATFORM]
        assert [label(p).split()[0] for p in platforms] == ["linux/amd64", "linux/arm64"]
        assert [p.data.digest for p in platforms] == [AMD64, ARM64_1]
        assert not any("unknown/unknown" in label(n) for n in walk(tree.root))
        # lazily: one command for the whole index
        assert inspects(backend) == [index_argv(REF1)]
        log = screen.query_one(CommandLog)
        assert [(e.command, e.state) for e in log.entries] == [
            (f"docker buildx imagetools inspect --raw {REF1}", EntryState.OK)
        ]
        assert preview(screen) == f"$ docker buildx imagetools inspect --raw {REF1}"
        assert "✔ runs natively on your platform (linux/amd64) and on linux/arm64" in (
            message_text(screen)
        )


async def test_arriving_from_a_build_with_name_at_digest():
    """The build screen pushes InspectorScreen(reference=NAME@DIGEST): the bytes are checked."""
    backend = inspector_backend()
    pinned = f"{NAME}@{INDEX1}"
    backend.replies[index_argv(pinned)] = Reply(0, local("demo1-raw.json"))
    wrong = f"{NAME}@{ARM64_1}"  # answers with the index: not what that digest names
    backend.replies[index_argv(wrong)] = Reply(0, local("demo1-raw.json"))
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, pinned)
        assert screen.manifest_tree.document.digest == INDEX1
        assert [c.data.digest for c in screen.manifest_tree.root.children] == [AMD64, ARM64_1]
        screen.inspect(wrong)
        await settle(pilot)
        assert "digest mismatch" in message_text(screen)


async def test_attestations_hang_under_the_platform_they_describe():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        tree = (await open_inspector(pilot, REF1)).manifest_tree
        for platform, attestation in ((AMD64, ATT_AMD64), (ARM64_1, ATT_ARM64)):
            node = find(tree, NodeKind.ATTESTATION, attestation)
            assert node.parent.data.kind is NodeKind.ATTESTATIONS
            assert node.parent.parent.data.digest == platform


async def test_expanding_a_platform_loads_its_manifest_and_config_only():
    backend = inspector_backend()
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, REF1)
        tree = screen.manifest_tree
        arm = find(tree, NodeKind.PLATFORM, ARM64_1)
        await expand(pilot, tree, arm)
        assert inspects(backend) == [
            index_argv(REF1),
            manifest_argv(NAME, ARM64_1),
            config_argv(NAME, ARM64_1),
        ]
        assert "total 1012.9 KiB (config + 4 layers)" in label(arm)
        lines = [label(n) for n in walk(arm)]
        text = "\n".join(lines)
        for expected in (
            "OCI image manifest",
            "2023-11-14 22:13:20 UTC",
            "linux/arm64  architecture arm64, os linux",
            '["cat"]',
            '["/etc/demo-release"]',
            "nobody",
            "/srv",
            "DEMO_MODE=inspect",
            "org.opencontainers.image.title=inspector demo",
            "4 layers · ",
            "tar+gzip",
        ):
            assert expected in text, expected
        assert "loading" not in text
        # the other platform is still not loaded
        assert manifest_argv(NAME, AMD64) not in backend.calls
        # expanding again (collapse + expand) runs nothing more
        await expand(pilot, tree, arm)
        await expand(pilot, tree, arm)
        assert len(inspects(backend)) == 3


async def test_expanding_an_attestation_tells_what_it_is():
    backend = inspector_backend()
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        tree = (await open_inspector(pilot, REF1)).manifest_tree
        await expand(pilot, tree, find(tree, NodeKind.PLATFORM, AMD64))
        node = find(tree, NodeKind.ATTESTATION, ATT_AMD64)
        await expand(pilot, tree, node)
        assert manifest_argv(NAME, ATT_AMD64) in backend.calls
        assert "attestation: SLSA provenance v1" in label(node)
        children = "\n".join(label(c) for c in node.children)
        assert "SLSA provenance v1  in-toto statement" in children
        assert "describes   sha256:414abe43eb9a" in children


async def test_the_preview_follows_the_cursor_and_y_copies_its_digest():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, REF1)
        tree = screen.manifest_tree
        amd = find(tree, NodeKind.PLATFORM, AMD64)
        await expand(pilot, tree, amd)
        assert preview(screen) == f"$ docker buildx imagetools inspect --raw {NAME}@{AMD64}"
        await pilot.press("y")
        assert app.clipboard == AMD64
        tree.move_cursor(find(tree, NodeKind.LAYER, LAYER1))
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == LAYER1
        config = find(tree, NodeKind.CONFIG)
        tree.move_cursor(config.children[0])  # "created": copies the config's digest
        await pilot.pause()
        assert preview(screen) == (
            f"$ docker buildx imagetools inspect {NAME}@{AMD64} --format '{{{{json .Image}}}}'"
        )
        await pilot.press("y")
        assert app.clipboard.startswith("sha256:329d3206e1d7")
        await pilot.press("Y")
        assert app.clipboard == f"docker buildx imagetools inspect {NAME}@{AMD64} --format " + (
            "'{{json .Image}}'"
        )
        tree.move_cursor(tree.root)
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == INDEX1


# -- what the image lacks ------------------------------------------------------------------------


async def test_a_single_platform_image_is_told_plainly():
    backend = inspector_backend()
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, SINGLE, host="linux/arm64")
        text = message_text(screen)
        assert "single-platform image (a manifest, no index): only linux/amd64." in text
        assert "✖ your platform: no linux/arm64 variant: it will not run natively on Apple" in text
        assert screen.query_one("#inspect-message").has_class("-error")
        root = label(screen.manifest_tree.root)
        assert "single-platform image (no index)" in root and "linux/amd64" in root
        assert inspects(backend) == [index_argv(SINGLE), config_argv(NAME, AMD64)]
        assert "4 layers" in "\n".join(label(n) for n in walk(screen.manifest_tree.root))


async def test_missing_arm64_on_an_amd64_machine_is_a_warning_not_an_error():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, SINGLE, host="linux/amd64")
        text = message_text(screen)
        assert "⚠ no linux/arm64 variant" in text and "your platform" not in text
        assert screen.query_one("#inspect-message").has_class("-warning")


async def test_a_single_platform_image_whose_config_fails_claims_no_platform():
    backend = inspector_backend()
    backend.replies[config_argv(NAME, AMD64)] = Reply(1, "", local("err-connection-refused.stderr"))
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, SINGLE, host="linux/arm64")
        text = message_text(screen)
        assert "its config could not be read, so its platform is unknown" in text
        assert "variant" not in text
        config = "\n".join(label(n) for n in walk(screen.manifest_tree.root))
        assert "✖ config: cannot connect to the registry 127.0.0.1:5999" in config


# -- errors --------------------------------------------------------------------------------------


async def test_a_bad_reference_is_explained_and_runs_nothing():
    backend = inspector_backend()
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot)
        assert isinstance(app.focused, Input) and app.focused.id == "reference"
        await pilot.press(*"127.0.0.1:5000/Inspector-Demo:1")
        await pilot.pause()
        assert "repository names must be lowercase" in preview(screen)
        await pilot.press("enter")
        await settle(pilot)
        text = message_text(screen)
        assert "invalid image reference '127.0.0.1:5000/Inspector-Demo:1'" in text
        assert "Nothing was run" in text
        assert inspects(backend) == []
        assert screen.query_one(CommandLog).entries == type(screen.query_one(CommandLog).entries)()


EXPECTED = {
    "tag-not-found": f"{NAME}:nosuchtag was not found",
    "repo-not-found": "127.0.0.1:5000/nosuchrepo:1 was not found",
    "unauthorized": "docker login 127.0.0.1:5001",
    "unknown-host": "unknown registry host nosuchhost.invalid",
    "connection-refused": "cannot connect to the registry 127.0.0.1:5999",
    "http-vs-https": "the registry 192.0.2.2:5002 speaks plain HTTP",
    "tls-server": "the server at 127.0.0.1:1234 closed the connection without answering",
}


async def test_recorded_failures_give_clear_messages():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot)
        log = screen.query_one(CommandLog)
        for case, reference in ERRORS.items():
            screen.inspect(reference)
            await settle(pilot)
            text = message_text(screen)
            assert text.startswith("✖"), case
            assert EXPECTED[case] in " ".join(text.split()), (case, text)
            assert screen.query_one("#inspect-message").has_class("-error")
            assert log.entries[-1].state is EntryState.FAILED
            assert "nothing to show" in label(screen.manifest_tree.root)


async def test_a_platform_that_fails_to_load_says_so_and_retries_on_expand():
    backend = inspector_backend()
    failing = manifest_argv(NAME, AMD64)
    backend.replies[failing] = Reply(1, "", local("err-connection-refused.stderr"))
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        tree = (await open_inspector(pilot, REF1)).manifest_tree
        amd = find(tree, NodeKind.PLATFORM, AMD64)
        await expand(pilot, tree, amd)
        text = "\n".join(label(c) for c in amd.children)
        assert "✖ manifest: cannot connect to the registry" in text
        assert "config      image config" in text  # the config came anyway
        assert backend.calls.count(failing) == 1
        backend.replies[failing] = Reply(0, local("demo1-amd64-manifest.json"))
        await expand(pilot, tree, amd)  # collapse
        await expand(pilot, tree, amd)  # expand: retry
        assert backend.calls.count(failing) == 2
        assert backend.calls.count(config_argv(NAME, AMD64)) == 1
        text = "\n".join(label(c) for c in amd.children)
        assert "✖" not in text and "4 layers" in text


async def test_results_of_an_older_inspection_are_dropped():
    backend = inspector_backend()
    gate = threading.Event()
    slow = backend.replies[index_argv(REF1)]
    slow.gate = gate
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot)
        screen.inspect(REF1)
        await pilot.pause()
        screen.inspect(REF2)  # the UI is not blocked by the first one
        for _ in range(50):
            await pilot.pause(0.02)
            if screen.manifest_tree.document is not None:
                break
        assert REF2 in label(screen.manifest_tree.root)
        gate.set()
        await settle(pilot)
        assert REF2 in label(screen.manifest_tree.root)
        assert screen.reference == REF2


# -- compare -------------------------------------------------------------------------------------


async def test_compare_two_tags():
    backend = inspector_backend()
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, REF1)
        await pilot.press("c")
        box = screen.query_one("#compare-ref", Input)
        assert app.focused is box and box.value == REF1
        box.value = REF2
        await pilot.press("enter")
        await settle(pilot)
        view = screen.query_one(ManifestCompare)
        assert screen.has_class("-compare") and view.display
        table = view.table
        rows = [[plain(c).strip() for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows == [
            ["linux/amd64", "sha256:414abe43eb9a", "sha256:414abe43eb9a", "= same"],
            ["linux/arm64", "sha256:86987919a3c8", "sha256:87e1b25d36c5", "≠ differs"],
        ]
        summary = plain(view.query_one("#compare-summary", Static).content)
        assert "≠ linux/arm64: differs; linux/amd64: the same" in summary
        assert index_argv(REF2) in backend.calls
        table.move_cursor(row=1, column=2)
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == ARM64_2
        assert preview(screen) == f"$ docker buildx imagetools inspect --raw {REF2}"
        table.move_cursor(row=1, column=1)
        await pilot.pause()
        await pilot.press("y")
        assert app.clipboard == ARM64_1
        await pilot.press("escape")  # leaves compare mode, keeps the inspection
        assert not screen.has_class("-compare") and REF1 in label(screen.manifest_tree.root)
        await pilot.press("escape")  # back to the builders
        assert isinstance(app.screen, BuildersScreen)


async def test_compare_an_index_with_a_single_platform_image():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot)
        screen.compare(REF1, SINGLE)
        await settle(pilot)
        view = screen.query_one(ManifestCompare)
        statuses = [plain(view.table.get_row_at(i)[3]).strip() for i in range(2)]
        assert statuses == ["= same", "only in A"]
        summary = plain(view.query_one("#compare-summary", Static).content)
        assert "single-platform image" in summary


async def test_the_same_reference_twice_is_identical():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot)
        screen.compare(REF1, REF1)
        await settle(pilot)
        summary = plain(screen.query_one("#compare-summary", Static).content)
        assert "✔ identical: both resolve to the same digest" in summary


async def test_compare_with_a_bad_reference_runs_nothing():
    backend = inspector_backend()
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot)
        screen.compare(REF1, "127.0.0.1:5000/demo:bad tag")
        await settle(pilot)
        summary = plain(screen.query_one("#compare-summary", Static).content)
        assert "B  127.0.0.1:5000/demo:bad tag  ✖ invalid image reference" in summary
        assert inspects(backend) == []
        # A is not left "loading…" for ever (issue #11): it says why it was not inspected.
        assert f"A  {REF1}  · not inspected: fix the other reference first" in summary
        assert "loading" not in summary


async def test_compare_with_a_missing_tag_says_which_side_failed():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot)
        screen.compare(REF1, ERRORS["tag-not-found"])
        await settle(pilot)
        summary = plain(screen.query_one("#compare-summary", Static).content)
        assert "A  127.0.0.1:5000/inspector-demo:1  OCI image index" in summary
        assert f"B  {NAME}:nosuchtag  ✖ {NAME}:nosuchtag was not found" in summary
        assert screen.query_one(ManifestCompare).table.row_count == 0


# -- the rest ------------------------------------------------------------------------------------


async def test_help_is_the_apps_with_the_inspector_keys():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, REF1)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, InspectorHelp)
        text = plain(app.screen.query_one("#help-keys", Static).content)
        for words in ("Copy digest", "Compare", "Copy cmd", "Expand / collapse"):
            assert words in text
        await pilot.press("escape")
        assert app.screen is screen


async def test_reload_runs_the_index_again():
    backend = inspector_backend()
    app = inspector_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_inspector(pilot, REF1)
        await pilot.press("r")
        await settle(pilot)
        assert inspects(backend) == [index_argv(REF1), index_argv(REF1)]


async def test_palette_commands_are_the_screens_actions():
    app = inspector_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_inspector(pilot, REF1)
        titles = [title for title, _, _ in screen.palette_commands()]
        assert titles[:2] == ["Inspect an image", "Compare with another reference"]
        dict((t, c) for t, _, c in screen.palette_commands())["Compare with another reference"]()
        await pilot.pause()
        assert screen.has_class("-compare")
