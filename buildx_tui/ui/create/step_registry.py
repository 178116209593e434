"""Wizard step 5: the builder's buildkitd.toml — registry mirrors, plain-HTTP and insecure
registries, CA files, a client keypair, debug — with a live preview of the file.

An existing file is edited in place (comments, order and other keys kept, see
core.buildkitd_config); nothing is written here: the file is written right before `create`.
"""

from __future__ import annotations

import copy

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, OptionList, Static

from buildx_tui.core.create.buildkitd.config import (
    DAEMON_JSON_TRAP,
    DOCKER_HUB,
    ConfigError,
    KeyPair,
    RegistryConfig,
    check_hosts,
    host_syntax_error,
)
from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep
from buildx_tui.ui.common.toggles import Checkbox
from buildx_tui.ui.create.step_base import StepPanel, line_input, row, set_value, value


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


class RegistryStep(StepPanel):
    step = WizardStep.REGISTRY
    FIELDS = {"config": "#config-path"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._draft = CreateDraft()
        self._regs: dict[str, RegistryConfig] = {}
        self._original: set[str] = set()
        self._current: str | None = None
        self._loading = False
        self.hold: str | None = None  # a notice that stops "Next" once

    def compose(self) -> ComposeResult:
        yield Static(Text("⚠ " + DAEMON_JSON_TRAP), id="trap")
        yield Static("", id="remote-config-note", classes="hint")
        with Vertical(id="config-area"):
            with Horizontal(id="config-row", classes="opt-row"):
                yield Label("buildkitd.toml", classes="opt-label")
                yield line_input("empty: no buildkitd.toml", "config-path")
                yield Button("Load", id="config-load", compact=True)
            yield Static("", id="config-status", classes="hint")
            yield Checkbox("debug = true (verbose BuildKit logs)", id="debug", compact=True)
            with Horizontal(id="registries"):
                with Vertical(id="registry-side"):
                    yield OptionList(id="registry-list")
                    yield line_input("add: host[:port]", "new-host")
                    with Horizontal(id="registry-buttons"):
                        yield Button("Add", id="registry-add", compact=True)
                        yield Button("Remove", id="registry-remove", compact=True)
                with Vertical(id="registry-form"):
                    yield Static("", id="registry-title")
                    yield row(
                        "Mirrors", line_input("comma-separated host[:port][/path]", "mirrors")
                    )
                    yield Checkbox("http = true: plain HTTP, no TLS", id="http", compact=True)
                    yield Checkbox(
                        "insecure = true: TLS without certificate checks",
                        id="insecure",
                        compact=True,
                    )
                    yield row("CA files", line_input("comma-separated absolute paths (ca)", "ca"))
                    yield row("Client cert", line_input("keypair cert", "kp-cert"))
                    yield row("Client key", line_input("keypair key", "kp-key"))
                    yield Static("", id="registry-hint", classes="hint")
            yield Static("", id="toml-preview")

    # -- step API ----------------------------------------------------------------------------
    def load(self, draft: CreateDraft, ctx: WizardContext) -> None:
        self._draft = draft
        supported = draft.config_supported
        self.query_one("#config-area").display = supported
        self.query_one("#trap").display = supported
        note = self.query_one("#remote-config-note", Static)
        note.display = not supported
        note.update(
            Text(
                "The remote driver connects to a buildkitd you run, so buildx hands it no "
                "buildkitd.toml: set mirrors, http/insecure registries and certificates in that "
                "daemon's own config (its --config). Nothing to do here.",
                "italic",
            )
        )
        if supported:
            self._take_config()

    def first_input(self) -> Widget | None:
        if self.query_one("#config-area").display:
            return self.query_one("#mirrors", Input)
        return None

    def store(self, draft: CreateDraft) -> None:
        self.hold = None
        if not draft.config_supported:
            return
        self._save_form()
        path = value(self, "#config-path").strip()
        if path != draft.config_path.strip():
            # A new path: read that file first (its settings are shown), never overwrite it blind.
            problems = draft.load_config(path)
            self._take_config()
            if problems:
                self.hold = "; ".join(p.message for p in problems)
            elif draft.config_exists:
                self.hold = f"Loaded {draft.config_file()}: check its settings, then press Next."
            return
        draft.config.debug = self._debug_value()
        draft.config.registries = self._kept()

    def store_copy(self, draft: CreateDraft) -> None:
        path = value(self, "#config-path").strip()
        if path != draft.config_path.strip():
            draft.config_path = path  # a new path, not read yet (store reads it)
            return
        hold = self.hold
        self.store(draft)
        self.hold = hold

    def _debug_value(self) -> bool | None:
        return _tri(self.query_one("#debug", Checkbox).value, self._draft.config.debug)

    # -- loading the draft's config into the form ----------------------------------------------
    def _take_config(self) -> None:
        draft = self._draft
        self._loading = True
        set_value(self, "#config-path", draft.config_path)
        self.query_one("#debug", Checkbox).value = bool(draft.config.debug)
        self._regs = copy.deepcopy(draft.config.registries)
        self._original = set(self._regs) if draft.config_exists else set()
        if DOCKER_HUB not in self._regs:
            self._regs = {DOCKER_HUB: RegistryConfig(), **self._regs}
        self._current = None
        self._rebuild_list(select=DOCKER_HUB)
        self._loading = False
        self._show_status()
        self._refresh_preview()

    def _rebuild_list(self, select: str | None) -> None:
        view = self.query_one("#registry-list", OptionList)
        view.clear_options()
        hosts = list(self._regs)
        view.add_options([_host_label(h) for h in hosts])
        if select in hosts:
            self._show_host(select)
            view.highlighted = hosts.index(select)

    def _show_status(self) -> None:
        draft = self._draft
        status = self.query_one("#config-status", Static)
        if not draft.config_path.strip():
            status.update(Text("No buildkitd.toml: BuildKit's defaults apply.", "dim"))
        elif draft.config_exists:
            status.update(
                Text(
                    f"Editing {draft.config_file()}: your comments, order and other keys are "
                    f"kept; the previous version is saved as {draft.config_file().name}.bak.",
                    "dim",
                )
            )
        else:
            status.update(
                Text(f"New file {draft.config_file()}, written only when you create.", "dim")
            )

    # -- the registry list and form ----------------------------------------------------------
    def _kept(self) -> dict[str, RegistryConfig]:
        """The registries to write: an untouched placeholder (docker.io) is left out."""
        return {
            h: copy.deepcopy(r)
            for h, r in self._regs.items()
            if not r.is_empty() or h in self._original
        }

    def _show_host(self, host: str) -> None:
        self._current = host
        reg = self._regs[host]
        self._loading = True
        self.query_one("#registry-title", Static).update(
            Text.assemble(("[registry.", "dim"), (f'"{host}"', "bold"), ("]", "dim"))
        )
        set_value(self, "#mirrors", ", ".join(reg.mirrors))
        self.query_one("#http", Checkbox).value = bool(reg.http)
        self.query_one("#insecure", Checkbox).value = bool(reg.insecure)
        set_value(self, "#ca", ", ".join(reg.ca))
        first = reg.keypairs[0] if reg.keypairs else KeyPair("", "")
        set_value(self, "#kp-cert", first.cert)
        set_value(self, "#kp-key", first.key)
        more = len(reg.keypairs) - 1
        notes = []
        if more > 0:
            notes.append(f"{more} more keypair(s) in the file are kept as they are.")
        if host == DOCKER_HUB:
            notes.append(
                "Docker Hub: put mirrors here; a mirror's own http/insecure settings go under "
                "the mirror's host."
            )
        self.query_one("#registry-hint", Static).update(Text(" ".join(notes), "italic"))
        self._loading = False

    def _save_form(self) -> None:
        host = self._current
        if host is None or host not in self._regs or self._loading:
            return
        reg = self._regs[host]
        reg.mirrors = _split(value(self, "#mirrors"))
        reg.http = _tri(self.query_one("#http", Checkbox).value, reg.http)
        reg.insecure = _tri(self.query_one("#insecure", Checkbox).value, reg.insecure)
        reg.ca = _split(value(self, "#ca"))
        cert, key = value(self, "#kp-cert").strip(), value(self, "#kp-key").strip()
        rest = reg.keypairs[1:]
        reg.keypairs = ([KeyPair(key=key, cert=cert)] if (cert or key) else []) + rest

    @on(OptionList.OptionHighlighted, "#registry-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        hosts = list(self._regs)
        index = event.option_index
        if not self._loading and 0 <= index < len(hosts) and hosts[index] != self._current:
            self._save_form()
            self._show_host(hosts[index])

    @on(Input.Changed, "#registry-form Input")
    @on(Checkbox.Changed, "#registry-form Checkbox")
    @on(Checkbox.Changed, "#debug")
    def _form_changed(self) -> None:
        if self._loading:
            return
        self._save_form()
        self._refresh_preview()

    @on(Button.Pressed, "#registry-add")
    @on(Input.Submitted, "#new-host")
    def _add(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        host = value(self, "#new-host").strip()
        message = (
            host_syntax_error(host) if host else "type a registry host first, e.g. 127.0.0.1:5000"
        )
        if message is None:
            dup = check_hosts([*self._regs, host])
            message = dup[0].message if dup else None
        box = self.query_one("#new-host", Input)
        box.set_class(message is not None, "-invalid")
        if message is not None:
            self.query_one("#registry-hint", Static).update(Text("✖ " + message, "bold red"))
            return
        self._save_form()
        self._regs[host] = RegistryConfig()
        box.value = ""
        self._rebuild_list(select=host)
        self.query_one("#mirrors", Input).focus()
        self._refresh_preview()

    @on(Button.Pressed, "#registry-remove")
    def _remove(self) -> None:
        if self._current is None:
            return
        self._regs.pop(self._current, None)
        self._original.discard(self._current)
        if not self._regs:
            self._regs[DOCKER_HUB] = RegistryConfig()
        self._current = None
        self._rebuild_list(select=next(iter(self._regs)))
        self._refresh_preview()

    @on(Button.Pressed, "#config-load")
    @on(Input.Submitted, "#config-path")
    def _load_pressed(self, event: Button.Pressed | Input.Submitted) -> None:
        event.stop()
        problems = self._draft.load_config(value(self, "#config-path").strip())
        self._take_config()
        if problems:
            self.query_one("#config-status", Static).update(
                Text("✖ " + "; ".join(p.message for p in problems), "bold red")
            )

    # -- preview -----------------------------------------------------------------------------
    def _refresh_preview(self) -> None:
        preview = self.query_one("#toml-preview", Static)
        draft = copy.copy(self._draft)
        draft.config = copy.deepcopy(self._draft.config)
        draft.config.registries = self._kept()
        draft.config.debug = self._debug_value()
        if not draft.wants_config():
            preview.update(Text("(no buildkitd.toml will be given to the builder)", "dim"))
            return
        try:
            text = draft.config_new_text()
        except ConfigError as exc:
            preview.update(Text(f"✖ {exc}", "bold red"))
            return
        title = Text("Preview of " + str(draft.config_file()), "bold dim")
        preview.update(Group(title, toml_text(text)))


def toml_text(text: str) -> Text:
    """A buildkitd.toml, lightly coloured: comments dim, table headers bold, keys cyan."""
    out = Text()
    for i, line in enumerate(text.rstrip("\n").splitlines()):
        if i:
            out.append("\n")
        stripped = line.lstrip()
        if stripped.startswith("#"):
            out.append(line, "dim")
        elif stripped.startswith("["):
            out.append(line, "bold")
        elif "=" in line:
            key, _, rest = line.partition("=")
            out.append(key, "cyan")
            out.append("=" + rest)
        else:
            out.append(line)
    return out


def _tri(checked: bool, before: bool | None) -> bool | None:
    """A checkbox over an optional setting: unchecked keeps "not set" when it was not set."""
    if checked:
        return True
    return None if before is None else False


def _host_label(host: str) -> str:
    return f"{host} (Docker Hub)" if host == DOCKER_HUB else host
