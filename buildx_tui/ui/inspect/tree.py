"""The manifest tree: index -> platforms -> manifest, config, layers, attestations.

Platforms and attestation manifests are loaded when first expanded: the tree posts
:class:`ManifestTree.LoadRequested` and shows "loading…" in their place; the screen runs the
commands and hands the results back with :meth:`set_manifest` / :meth:`set_config`. Expanding a
level that failed asks again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from buildx_tui.core.inspect.imagetools import Fetch, manifest_argv
from buildx_tui.core.inspect.manifest.model import (
    Descriptor,
    ImageConfig,
    ImageIndex,
    ImageManifest,
)
from buildx_tui.core.reference import InspectError, InvalidReference
from buildx_tui.ui.inspect import labels as lb
from buildx_tui.ui.inspect.config import add_config_fields
from buildx_tui.ui.inspect.nodes import NodeInfo, NodeKind

MANIFEST = "manifest"
CONFIG = "config"


@dataclass
class _Part:
    """A manifest loaded on demand: a platform's (manifest + config) or an attestation's."""

    digest: str
    descriptor: Descriptor
    node: TreeNode[NodeInfo]
    attestation: bool = False
    platform: str = ""  # as the index states it
    manifest: ImageManifest | None = None
    config: ImageConfig | None = None
    slots: dict[str, TreeNode[NodeInfo]] = field(default_factory=dict)
    layers: TreeNode[NodeInfo] | None = None
    pending: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)

    def wanted(self) -> tuple[str, ...]:
        parts = (MANIFEST,) if self.attestation else (MANIFEST, CONFIG)
        have = {MANIFEST: self.manifest is not None, CONFIG: self.config is not None}
        return tuple(p for p in parts if not have[p] and p not in self.pending)


def _loading(what: str) -> Text:
    return Text(f"⟳ loading {what}…", "dim italic")


def _failed(what: str, error: InspectError) -> Text:
    return Text.assemble(
        (f"✖ {what}: ", "bold red"), (error.message, "red"), ("  (expand again to retry)", "dim")
    )


class ManifestTree(Tree[NodeInfo]):
    """Shows one image; knows nothing about docker: the screen fetches, the tree displays."""

    @dataclass
    class LoadRequested(Message):
        digest: str
        parts: tuple[str, ...]  # "manifest", "config"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("no image", "dim"), NodeInfo(NodeKind.NOTE), id=id)
        self.reference = ""
        self.document: ImageIndex | ImageManifest | None = None
        self._parts: dict[str, _Part] = {}
        self._width = 0

    # -- whole documents -------------------------------------------------------------------------
    def show_note(self, text: Text | str) -> None:
        self.document = None
        self._parts.clear()
        label = text if isinstance(text, Text) else Text(text, "dim")
        self.reset(label, NodeInfo(NodeKind.NOTE))
        self.root.allow_expand = False

    def show_document(
        self, reference: str, document: ImageIndex | ImageManifest, argv: tuple[str, ...]
    ) -> None:
        self.reference = reference
        self.document = document
        self._parts.clear()
        self.root.allow_expand = True
        if isinstance(document, ImageIndex):
            self._show_index(reference, document, argv)
        else:
            self._show_image(reference, document, argv)
        self.root.expand()
        self.move_cursor(self.root)

    def _show_index(self, reference: str, index: ImageIndex, argv: tuple[str, ...]) -> None:
        self.reset(
            lb.index_label(reference, index), NodeInfo(NodeKind.INDEX, index.digest, "index", argv)
        )
        self._width = max((len(e.platform_string) for e in index.platforms), default=0)
        for entry in index.platforms:
            info = NodeInfo(
                NodeKind.PLATFORM,
                entry.digest,
                f"{entry.platform_string} manifest",
                self._argv(entry.digest),
                entry.digest,
            )
            node = self.root.add(Text(), info)
            part = _Part(entry.digest, entry.descriptor, node, platform=entry.platform_string)
            self._parts[entry.digest] = part
            if entry.attestations:
                self._add_attestations(node, entry.attestations, "attestations")
            self._label_platform(part)
        if index.orphan_attestations:
            self._add_attestations(
                self.root,
                index.orphan_attestations,
                "attestations of no platform listed here",
            )
        if index.other_manifests:
            group = self.root.add(
                Text(f"other manifests ({len(index.other_manifests)})", "italic"),
                NodeInfo(NodeKind.NOTE),
            )
            for d in index.other_manifests:
                group.add_leaf(
                    Text.assemble(
                        (str(d.platform) if d.platform else "(no platform)", lb.PLATFORM_STYLE),
                        "  ",
                        (lb.media_name(d.media_type), "magenta"),
                        "  ",
                        (lb.short_digest(d.digest), lb.DIGEST_STYLE),
                        "  ",
                        lb.size_text(d.size),
                    ),
                    NodeInfo(NodeKind.NOTE, d.digest, "manifest", self._argv(d.digest)),
                )

    def _add_attestations(
        self, parent: TreeNode[NodeInfo], descriptors: tuple[Descriptor, ...], title: str
    ) -> None:
        group = parent.add(
            Text(f"{title} ({len(descriptors)})", "italic magenta"),
            NodeInfo(NodeKind.ATTESTATIONS),
            expand=True,
        )
        for d in descriptors:
            info = NodeInfo(
                NodeKind.ATTESTATION,
                d.digest,
                "attestation manifest",
                self._argv(d.digest),
                d.digest,
            )
            node = group.add(lb.attestation_label(d, None), info)
            self._parts[d.digest] = _Part(d.digest, d, node, attestation=True)

    def _show_image(self, reference: str, manifest: ImageManifest, argv: tuple[str, ...]) -> None:
        digest = manifest.digest or ""
        info = NodeInfo(NodeKind.IMAGE, digest, "manifest", argv, digest)
        self.reset(lb.image_label(reference, manifest, None), info)
        descriptor = Descriptor(manifest.media_type, digest, manifest.size or 0)
        part = _Part(digest, descriptor, self.root)
        self._parts[digest] = part
        self._fill_manifest(part, Fetch(argv, value=manifest))

    def _argv(self, digest: str) -> tuple[str, ...]:
        try:
            return manifest_argv(self.reference, digest)
        except InvalidReference:
            return ()

    # -- lazy levels -----------------------------------------------------------------------------
    def on_tree_node_expanded(self, event: Tree.NodeExpanded[NodeInfo]) -> None:
        info = event.node.data
        if info is None or info.part is None:
            return
        part = self._parts.get(info.part)
        if part is None or part.node is not event.node:
            return
        for what in sorted(part.failed):
            slot = part.slots.get(what)
            if slot is not None:
                slot.set_label(_loading(what))
        part.failed.clear()
        wanted = part.wanted()
        if not wanted:
            return
        for what in wanted:
            part.pending.add(what)
            self._slot(part, what).set_label(_loading(what))
        self.post_message(self.LoadRequested(part.digest, wanted))

    def _slot(self, part: _Part, what: str) -> TreeNode[NodeInfo]:
        """The line of ``part`` that shows its manifest or config (created in order)."""
        slot = part.slots.get(what)
        if slot is not None:
            return slot
        info = NodeInfo(NodeKind.NOTE, part=part.digest)
        if what == MANIFEST:
            slot = part.node.add_leaf(_loading(what), info, before=0)
        else:
            after = part.slots.get(MANIFEST)
            if after is not None:
                slot = part.node.add(_loading(what), info, after=after, allow_expand=False)
            else:
                slot = part.node.add(_loading(what), info, before=0, allow_expand=False)
        part.slots[what] = slot
        return slot

    def set_manifest(self, digest: str, fetch: Fetch[ImageManifest]) -> None:
        part = self._parts.get(digest)
        if part is None:
            return
        part.pending.discard(MANIFEST)
        self._fill_manifest(part, fetch)

    def _fill_manifest(self, part: _Part, fetch: Fetch[ImageManifest]) -> None:
        slot = self._slot(part, MANIFEST)
        manifest = fetch.value
        if fetch.error is not None or manifest is None:
            if fetch.error is not None:
                slot.set_label(_failed(MANIFEST, fetch.error))
            slot.data = NodeInfo(NodeKind.NOTE, argv=fetch.argv, part=part.digest)
            part.failed.add(MANIFEST)
            return
        part.manifest = manifest
        slot.set_label(lb.manifest_line(manifest))
        slot.data = NodeInfo(
            NodeKind.MANIFEST, manifest.digest, "manifest", fetch.argv, part.digest
        )
        if part.attestation:
            for layer in manifest.layers:
                what = lb.predicate_label_of(layer)
                part.node.add_leaf(
                    lb.statement_line(layer),
                    NodeInfo(NodeKind.LAYER, layer.digest, f"{what} statement", fetch.argv),
                )
            if manifest.subject is not None:
                part.node.add_leaf(
                    lb.subject_line(manifest.subject),
                    NodeInfo(NodeKind.FIELD, manifest.subject.digest, "subject manifest"),
                )
            part.node.set_label(lb.attestation_label(part.descriptor, manifest))
            return
        anchor = part.slots.get(CONFIG) or slot
        layers = part.node.add(
            lb.layers_header(manifest),
            NodeInfo(NodeKind.LAYERS, None, "", fetch.argv),
            after=anchor,
            expand=True,
        )
        width = len(str(len(manifest.layers)))
        for number, layer in enumerate(manifest.layers, 1):
            layers.add_leaf(
                lb.layer_line(number, width, layer),
                NodeInfo(NodeKind.LAYER, layer.digest, f"layer #{number}", fetch.argv),
            )
        part.layers = layers
        self._label_platform(part)
        self._label_config(part)

    def set_config(self, digest: str, fetch: Fetch[ImageConfig]) -> None:
        part = self._parts.get(digest)
        if part is None:
            return
        part.pending.discard(CONFIG)
        slot = self._slot(part, CONFIG)
        if fetch.error is not None or fetch.value is None:
            if fetch.error is not None:
                slot.set_label(_failed(CONFIG, fetch.error))
            slot.data = NodeInfo(NodeKind.NOTE, argv=fetch.argv, part=part.digest)
            part.failed.add(CONFIG)
            return
        part.config = fetch.value
        slot.data = NodeInfo(NodeKind.CONFIG, None, "config", fetch.argv, part.digest)
        slot.remove_children()
        add_config_fields(slot, part.config, part.platform)
        slot.allow_expand = True
        slot.expand()
        self._label_config(part)
        self._label_platform(part)

    def _label_config(self, part: _Part) -> None:
        slot = part.slots.get(CONFIG)
        if slot is None or part.config is None or slot.data is None:
            return
        descriptor = part.manifest.config if part.manifest is not None else None
        slot.data.digest = descriptor.digest if descriptor is not None else None
        slot.set_label(lb.config_header(descriptor))

    def _label_platform(self, part: _Part) -> None:
        if part.attestation:
            return
        if part.node.is_root:
            assert part.manifest is not None
            platform = str(part.config.platform) if part.config is not None else None
            part.node.set_label(lb.image_label(self.reference, part.manifest, platform))
            return
        n_att = sum(
            1
            for p in self._parts.values()
            if p.attestation and p.node.parent and p.node.parent.parent is part.node
        )
        label = lb.platform_label(part.platform, self._width, part.descriptor, part.manifest)
        if n_att and part.manifest is None:
            label.append("  + " + lb.plural(n_att, "attestation"), "magenta")
        part.node.set_label(label)

    # -- what the cursor is on -------------------------------------------------------------------
    def _lookup(self, attr: str) -> tuple[NodeInfo, NodeInfo] | None:
        node = self.cursor_node
        first = node.data if node is not None else None
        while node is not None:
            info = node.data
            if info is not None and getattr(info, attr):
                return (first or info), info
            node = node.parent
        return None

    def selected_digest(self) -> tuple[str, str] | None:
        """``(what, digest)`` under the cursor (or of the nearest level above it)."""
        found = self._lookup("digest")
        if found is None:
            return None
        _, info = found
        assert info.digest is not None
        return info.what or info.kind.value, info.digest

    def selected_argv(self) -> tuple[str, ...]:
        """The command whose output the cursor's line shows."""
        found = self._lookup("argv")
        return found[1].argv if found is not None else ()
