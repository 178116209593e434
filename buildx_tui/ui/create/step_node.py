"""Wizard step 4: the node's name, the platforms to pin, driver options and BuildKit flags."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from buildx_tui.core.create.draft import KNOWN_PLATFORMS, CreateDraft, WizardContext, WizardStep
from buildx_tui.core.create.drivers import Driver, parse_driver
from buildx_tui.core.create.names import next_node_name
from buildx_tui.ui.common.toggles import Checkbox, SelectionList
from buildx_tui.ui.create.step_base import StepPanel, hint, line_input, row, set_value, value

# Inputs per driver: (id, draft attribute, label, placeholder)
_CONTAINER_INPUTS = (
    (
        "image",
        "image",
        "BuildKit image",
        "moby/buildkit:buildx-stable-1 (default), moby/buildkit:master",
    ),
    ("memory", "memory", "Memory limit", "e.g. 4g"),
    ("cpuset", "cpuset_cpus", "CPUs", "e.g. 0-3"),
)
_KUBE_INPUTS = (
    ("kimage", "image", "BuildKit image", "moby/buildkit:buildx-stable-1 (default)"),
    ("namespace", "namespace", "Namespace", "default"),
    ("replicas", "replicas", "Replicas", "1"),
)


class NodeStep(StepPanel):
    step = WizardStep.NODE
    FIELDS = {
        "node": "#node",
        "platforms": "#extra-platforms",
        "driver_opts": "#extra-opts",
        "env": "#env",
        "buildkitd_flags": "#flags",
    }

    def compose(self) -> ComposeResult:
        yield row("Node name", line_input("", "node"))
        yield Label("Platforms to pin (--platform)", classes="field-label")
        yield hint(
            "Pinning sends builds for these platforms to this node; it does not make them "
            "native. Platforms the node's CPU cannot run need QEMU there, or they fail with "
            "'exec format error'. Leave all unchecked to let BuildKit report what it can do."
        )
        with Horizontal(id="platform-row"):
            yield SelectionList(*[(p, p) for p in KNOWN_PLATFORMS], id="platforms")
            with Vertical(id="platform-extra"):
                yield Label("Other platforms", classes="field-label")
                yield line_input("comma-separated, e.g. linux/arm/v5", "extra-platforms")
        yield Label("Driver options (--driver-opt)", classes="field-label")
        with Vertical(id="container-opts", classes="opts"):
            yield Checkbox(
                "network=host: lets the builder reach registries on this machine's 127.0.0.1",
                id="network-host",
                compact=True,
            )
            for wid, _attr, label, placeholder in _CONTAINER_INPUTS:
                yield row(label, line_input(placeholder, wid))
        with Vertical(id="kube-opts", classes="opts"):
            for wid, _attr, label, placeholder in _KUBE_INPUTS:
                yield row(label, line_input(placeholder, wid))
        yield Static("", id="remote-note", classes="hint")
        yield row(
            "Environment", line_input("NAME=value NAME2=value (env.NAME)", "env"), id="env-row"
        )
        yield row("Other options", line_input("key=value key2=value", "extra-opts"))
        yield row(
            "BuildKit flags",
            line_input("e.g. --debug (--buildkitd-flags)", "flags"),
            id="flags-row",
        )

    def load(self, draft: CreateDraft, ctx: WizardContext) -> None:
        kind = parse_driver(draft.driver)
        target = ctx.append_target(draft)
        node = self.query_one("#node", Input)
        if target is not None:
            node.placeholder = f"default {next_node_name(target)}"
            if not draft.node:
                draft.node = next_node_name(target)
        else:
            node.placeholder = f"default {draft.name or 'NAME'}0"
        set_value(self, "#node", draft.node)
        platforms = self.query_one("#platforms", SelectionList)
        platforms.deselect_all()
        extra = [p for p in draft.platforms if p not in KNOWN_PLATFORMS]
        for p in draft.platforms:
            if p in KNOWN_PLATFORMS:
                platforms.select(p)
        extra_text = ", ".join([*extra, *filter(None, [draft.extra_platforms])])
        set_value(self, "#extra-platforms", extra_text)
        self.query_one("#container-opts").display = kind == Driver.DOCKER_CONTAINER
        self.query_one("#kube-opts").display = kind == Driver.KUBERNETES
        self.query_one("#env-row").display = kind in (Driver.DOCKER_CONTAINER, Driver.KUBERNETES)
        self.query_one("#flags-row").display = kind != Driver.REMOTE
        note = self.query_one("#remote-note", Static)
        note.display = kind == Driver.REMOTE
        note.update(
            Text(
                "The remote driver's options are its TLS files (endpoint step), servername and "
                "default-load; BuildKit flags belong to the buildkitd you run.",
                "italic",
            )
        )
        self.query_one("#network-host", Checkbox).value = draft.network_host
        inputs = _CONTAINER_INPUTS if kind == Driver.DOCKER_CONTAINER else _KUBE_INPUTS
        for wid, attr, _label, _ph in inputs:
            set_value(self, f"#{wid}", getattr(draft, attr))
        set_value(self, "#env", draft.env)
        set_value(self, "#extra-opts", draft.extra_opts)
        set_value(self, "#flags", draft.buildkitd_flags)

    def store(self, draft: CreateDraft) -> None:
        kind = parse_driver(draft.driver)
        draft.node = value(self, "#node").strip()
        selected = set(self.query_one("#platforms", SelectionList).selected)
        draft.platforms = [p for p in KNOWN_PLATFORMS if p in selected]
        draft.extra_platforms = value(self, "#extra-platforms")
        if kind == Driver.DOCKER_CONTAINER:
            draft.network_host = self.query_one("#network-host", Checkbox).value
            for wid, attr, _label, _ph in _CONTAINER_INPUTS:
                setattr(draft, attr, value(self, f"#{wid}").strip())
        elif kind == Driver.KUBERNETES:
            for wid, attr, _label, _ph in _KUBE_INPUTS:
                setattr(draft, attr, value(self, f"#{wid}").strip())
        draft.env = value(self, "#env")
        draft.extra_opts = value(self, "#extra-opts")
        draft.buildkitd_flags = value(self, "#flags")
