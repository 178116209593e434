"""Wizard step 3: where the node's BuildKit is reached, how long buildx waits for it (--timeout),
and for a remote tcp:// node its TLS files (with a connection test that says why a handshake
fails, which buildx does not)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep
from buildx_tui.core.create.drivers import DRIVERS, Driver, parse_driver
from buildx_tui.core.probe import ProbeResult, probe_endpoint
from buildx_tui.ui.create.step_base import StepPanel, hint, line_input, row, set_value, value

PLACEHOLDER = {
    Driver.DOCKER_CONTAINER: "empty: this Docker engine — or a context, ssh://user@host, tcp://host:2376",
    Driver.REMOTE: "tcp://host:1234, unix:///run/buildkit/buildkitd.sock or ssh://user@host",
    Driver.KUBERNETES: "no endpoint: the current kubeconfig context is used",
}


_TLS_INPUTS = (
    ("CA certificate", "the CA that signed the server's certificate (cacert)", "cacert"),
    ("Client cert", "client certificate (cert)", "cert"),
    ("Client key", "client private key (key): not readable by others", "key"),
    ("Server name", "name in the server's certificate, if not the host", "servername"),
)


class EndpointStep(StepPanel):
    step = WizardStep.ENDPOINT
    FIELDS = {
        "endpoint": "#endpoint",
        "cacert": "#cacert",
        "cert": "#cert",
        "key": "#key",
        "timeout": "#timeout",
    }

    @dataclass
    class Probed(Message):
        endpoint: str
        result: ProbeResult | None

    _kind: Driver = Driver.DOCKER_CONTAINER

    def compose(self) -> ComposeResult:
        yield Label("Endpoint", classes="field-label")
        yield Input(id="endpoint")
        yield Static("", id="endpoint-help", classes="hint")
        yield Static("", id="contexts", classes="hint")
        yield row(
            "Timeout",
            # short enough for 80 columns; the help (F1) says what it is
            line_input("20s by default, e.g. 1m30s (--timeout)", "timeout"),
            id="timeout-row",
        )
        with Vertical(id="tls"):
            yield Label("TLS (tcp:// only): absolute paths to PEM files", classes="field-label")
            for label, placeholder, wid in _TLS_INPUTS:
                yield row(label, line_input(placeholder, wid))
            with Horizontal(id="probe-row"):
                yield Button("Test connection", id="probe", compact=True)
                yield Static("", id="probe-result")
        yield hint("", id="kube-note")

    def load(self, draft: CreateDraft, ctx: WizardContext) -> None:
        kind = parse_driver(draft.driver) or Driver.DOCKER_CONTAINER
        box = self.query_one("#endpoint", Input)
        box.placeholder = PLACEHOLDER.get(kind, "")
        box.disabled = kind == Driver.KUBERNETES
        set_value(self, "#endpoint", draft.endpoint)
        set_value(self, "#timeout", draft.timeout)
        self.query_one("#endpoint-help", Static).update(
            Text("Accepted: " + DRIVERS[kind].endpoint_help, "italic")
        )
        self._kind = kind
        self.context_changed(ctx)
        self.query_one("#tls").display = kind == Driver.REMOTE
        for field in ("cacert", "cert", "key", "servername"):
            set_value(self, f"#{field}", getattr(draft, field))
        # Appending to a TLS builder: its node's files are used for a tcp:// endpoint unless
        # others are typed here; the placeholders say which.
        for (_label, placeholder, wid), inherited in zip(
            _TLS_INPUTS, draft.inherited_tls, strict=True
        ):
            box = self.query_one(f"#{wid}", Input)
            box.placeholder = (
                f"{inherited}  (as {draft.tls_source}; tcp:// only)" if inherited else placeholder
            )
        note = self.query_one("#kube-note", Static)
        note.display = kind == Driver.KUBERNETES
        note.update(
            Text(
                "The kubernetes driver talks to the cluster of your current kubeconfig context "
                "(KUBECONFIG); the namespace and replicas are set on the next step.",
                "italic",
            )
        )

    def context_changed(self, ctx: WizardContext) -> None:
        contexts = self.query_one("#contexts", Static)
        contexts.display = self._kind == Driver.DOCKER_CONTAINER and ctx.contexts is not None
        if ctx.contexts is not None:
            contexts.update(Text("Docker contexts: " + (", ".join(ctx.contexts) or "none"), "dim"))

    def store(self, draft: CreateDraft) -> None:
        draft.endpoint = value(self, "#endpoint").strip()
        draft.timeout = value(self, "#timeout").strip()
        for field in ("cacert", "cert", "key", "servername"):
            setattr(draft, field, value(self, f"#{field}").strip())

    # -- connection test ---------------------------------------------------------------------
    @on(Button.Pressed, "#probe")
    def _probe_pressed(self) -> None:
        endpoint = value(self, "#endpoint").strip()
        self.query_one("#probe-result", Static).update(Text(f"connecting to {endpoint}…", "dim"))
        self.query_one("#probe", Button).disabled = True
        files = tuple(value(self, f"#{f}").strip() for f in ("cacert", "cert", "key", "servername"))
        self._probe(endpoint, files)

    @work(thread=True, exclusive=True, group="probe", exit_on_error=False)
    def _probe(self, endpoint: str, files: tuple[str, ...]) -> None:
        cacert, cert, key, servername = files
        result = probe_endpoint(endpoint, cacert=cacert, cert=cert, key=key, servername=servername)
        self.post_message(self.Probed(endpoint, result))

    def on_endpoint_step_probed(self, message: Probed) -> None:
        self.query_one("#probe", Button).disabled = False
        self.query_one("#probe-result", Static).update(probe_text(message.endpoint, message.result))


def probe_text(endpoint: str, result: ProbeResult | None) -> Text:
    if result is None:
        return Text(f"{endpoint or 'this endpoint'} cannot be tested from here", "dim")
    text = Text("✔ " if result.ok else "✖ ", "bold green" if result.ok else "bold red")
    text.append(result.summary)
    if result.fix:
        text.append(f" — {result.fix}", "italic")
    return text
