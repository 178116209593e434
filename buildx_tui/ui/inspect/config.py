"""The lines of an image config in the manifest tree: created, platform (as the config states it),
entrypoint/cmd, user, workdir, env, labels, ports, volumes, history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from buildx_tui.core.inspect.manifest.model import ImageConfig
from buildx_tui.core.inspect.manifest.platform import InvalidPlatform
from buildx_tui.ui.inspect import labels as lb
from buildx_tui.ui.inspect.nodes import NodeInfo, NodeKind

if TYPE_CHECKING:
    from textual.widgets.tree import TreeNode

HISTORY_WIDTH = 100


def _info() -> NodeInfo:
    return NodeInfo(NodeKind.FIELD)


def platform_mismatch(config: ImageConfig, index_platform: str) -> str | None:
    """A sentence when the index's platform for a manifest is not the one its config states."""
    if not index_platform or not config.architecture:
        return None
    try:
        if config.platform.matches(index_platform):
            return None
    except InvalidPlatform:
        return None
    return (
        f"the index lists this manifest as {index_platform}, but its config says "
        f"{config.platform}: on {index_platform} it runs under emulation or fails"
    )


def platform_text(config: ImageConfig) -> Text:
    if not config.architecture and not config.os:
        return Text("(not stated)", "dim")
    text = Text(str(config.platform), lb.PLATFORM_STYLE)
    detail = f"  architecture {config.architecture or '?'}, os {config.os or '?'}"
    if config.variant:
        detail += f", variant {config.variant}"
    if config.os_version:
        detail += f", os.version {config.os_version}"
    text.append(detail, "dim")
    return text


def add_config_fields(node: TreeNode[NodeInfo], config: ImageConfig, index_platform: str) -> None:
    def leaf(key: str, value: str | Text, style: str = "") -> None:
        node.add_leaf(lb.field(key, value, style), _info())

    leaf("created", lb.created_text(config))
    leaf("platform", platform_text(config))
    mismatch = platform_mismatch(config, index_platform)
    if mismatch is not None:
        node.add_leaf(Text("⚠ " + mismatch, "bold yellow"), _info())
    leaf("entrypoint", lb.argv_text(config.entrypoint))
    leaf("cmd", lb.argv_text(config.cmd))
    leaf("user", config.user or Text("(not set: root)", "dim"))
    leaf("workdir", config.working_dir or Text("(not set: /)", "dim"))
    if config.exposed_ports:
        leaf("ports", ", ".join(config.exposed_ports))
    if config.volumes:
        leaf("volumes", ", ".join(config.volumes))
    if config.stop_signal:
        leaf("stop signal", config.stop_signal)
    _group(node, "env", list(config.env), expand=True)
    _group(node, "labels", [f"{k}={v}" for k, v in config.labels.items()], expand=True)
    steps = []
    for step in config.history:
        text = step.created_by.replace("\n", " ")
        if len(text) > HISTORY_WIDTH:
            text = text[: HISTORY_WIDTH - 1] + "…"
        steps.append(text + ("" if step.empty_layer else "  [layer]"))
    _group(node, "history", steps, expand=False)


def _group(node: TreeNode[NodeInfo], name: str, lines: list[str], *, expand: bool) -> None:
    title = lb.field(name, f"({len(lines)})" if lines else "(none)", "" if lines else "dim")
    if not lines:
        node.add_leaf(title, _info())
        return
    group = node.add(title, _info(), expand=expand)
    for line in lines:
        group.add_leaf(Text(line), _info())
