"""Log in to a registry with `docker login --password-stdin`.

The password is read from the masked field, cleared from it at once, and written only to the
process' stdin: it is never in argv, the command log, the history or the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, Static

from buildx_tui.core.build.login import LoginSpec, password_stdin, redact, validate_login
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.services import AppModalScreen

if TYPE_CHECKING:
    pass

LOGIN_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class LoginAttempt:
    """One `docker login` run, as the screen that opened the dialog logs it (no secret)."""

    command: str
    ok: bool
    duration_s: float
    error: str  # with the password scrubbed out


class LoginScreen(AppModalScreen[bool]):
    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    #login-box {
        width: 80; max-width: 95%; height: auto;
        border: thick $accent; background: $surface; padding: 1 2;
    }
    #login-box Label { width: 12; padding-top: 1; }
    #login-box .login-row { height: auto; }
    #login-box Input { width: 1fr; }
    #login-status { height: auto; margin-top: 1; }
    #login-buttons { height: auto; margin-top: 1; }
    #login-buttons Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="login.cancel")]

    @dataclass
    class Done(Message):
        result: CommandResult
        secret: str  # only to scrub it from the output shown; never displayed or stored

    def __init__(
        self,
        registry: str = "",
        username: str = "",
        *,
        on_attempt: Callable[[LoginAttempt], None] | None = None,
    ) -> None:
        """``on_attempt`` hears of every login run (the opener puts it in its command log)."""
        super().__init__()
        self.registry = registry
        self.username = username
        self.busy = False
        self._on_attempt = on_attempt

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(
                "Credentials are handed to `docker login --password-stdin` and kept by docker "
                "in its config (or credential helper), as on the command line.",
                classes="login-help",
            )
            with Horizontal(classes="login-row"):
                yield Label("Registry")
                yield Input(
                    self.registry, placeholder="registry.example.com:5000", id="login-registry"
                )
            with Horizontal(classes="login-row"):
                yield Label("Username")
                yield Input(self.username, id="login-username")
            with Horizontal(classes="login-row"):
                yield Label("Password")
                yield Input(
                    password=True, placeholder="password or access token", id="login-password"
                )
            yield Static("", id="login-status")
            with Horizontal(id="login-buttons"):
                yield Button("Log in", id="login-go", variant="primary")
                yield Button("Cancel", id="login-cancel")

    def on_mount(self) -> None:
        self.query_one("#login-box").border_title = "Log in to a registry"
        first = "#login-username" if self.registry else "#login-registry"
        self.query_one(first, Input).focus()
        self._show_command()

    def spec(self) -> LoginSpec:
        return LoginSpec(
            self.query_one("#login-registry", Input).value.strip(),
            self.query_one("#login-username", Input).value.strip(),
        )

    @on(Input.Changed, "#login-registry, #login-username")
    def _show_command(self) -> None:
        command = self.backend.display(self.spec().argv())
        self.query_one("#login-status", Static).update(Text("$ " + command, "dim"))

    @on(Input.Submitted)
    @on(Button.Pressed, "#login-go")
    def _go(self) -> None:
        if self.busy:
            return
        field = self.query_one("#login-password", Input)
        password = field.value
        spec = self.spec()
        problems = validate_login(spec.registry, spec.username, password)
        status = self.query_one("#login-status", Static)
        if problems:
            status.update(Text("\n".join("✖ " + p for p in problems), "red"))
            return
        field.value = ""  # the secret leaves the widget tree now
        self.busy = True
        status.update(Text(f"logging in…  $ {self.backend.display(spec.argv())}", "cyan"))
        self._login(spec, password)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def _login(self, spec: LoginSpec, password: str) -> None:
        result = self.backend.run(
            spec.argv(), stdin=password_stdin(password), timeout=LOGIN_TIMEOUT_S
        )
        self.post_message(self.Done(result, password))

    def on_login_screen_done(self, message: Done) -> None:
        self.busy = False
        result = message.result
        error = "" if result.ok else redact(result.error_text(), message.secret)
        if self._on_attempt is not None:
            self._on_attempt(LoginAttempt(result.command, result.ok, result.duration_s, error))
        if result.ok:
            self.notify(f"Logged in to {self.spec().registry}", timeout=4)
            self.dismiss(True)
            return
        self.query_one("#login-status", Static).update(Text("✖ login failed: " + error, "red"))
        self.query_one("#login-password", Input).focus()

    @on(Button.Pressed, "#login-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
