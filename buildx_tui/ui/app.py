"""BuildxApp: the one owner of navigation and of the services; make_app() builds the real one.

Screens never import each other: they post a message from :mod:`buildx_tui.ui.navigation` and
the handlers here import the target screen when first needed (the first frame loads only the
builders list) and push or switch. The backend is injected: tests pass a fake.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

from buildx_tui.core import heap
from buildx_tui.core.docker.backend import Backend
from buildx_tui.core.docker.client import BuildxClient, Prefetch
from buildx_tui.core.docker.types import ClientOptions
from buildx_tui.core.settings.model import Settings
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.screen_opener import ScreenOpener
from buildx_tui.ui.services import AppScreen, Services, utc_now
from buildx_tui.ui.settings_app import Notice

if TYPE_CHECKING:
    from buildx_tui.core.build.history import History
    from buildx_tui.core.builders import Builder
    from buildx_tui.ui.build.progress import BuildProgressScreen

#: Quitting while builds run: how long to wait for them to stop and be recorded (a cancelled
#: build ends in ~0.1 s; a stuck one is killed with its process group after this).
QUIT_WAIT_S = 10.0
#: After a screen closes, when its widgets have been removed (see _forget_closed_watchers).
RELEASE_AFTER_S = 0.5
#: Closing the terminal (SIGHUP) or SIGTERM: treated like a cancel, then quit.
QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class BuildxApp(ScreenOpener):
    CSS_PATH = "app.tcss"
    TITLE = "buildx-tui"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # Textual's footer shows its own ctrl+p item; this entry is for the help screen.
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.palette"),
        # priority: focus moves as the key arrives, so the keys typed after Tab in one burst
        # reach the next field (Textual's own Tab binding runs after they were handed out).
        Binding("tab", "focus_next", "Next field", show=False, priority=True, id="app.next"),
        Binding(
            "shift+tab",
            "focus_previous",
            "Previous field",
            show=False,
            priority=True,
            id="app.previous",
        ),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        refresh_interval: float = 10.0,
        clock: Callable[[], datetime] = utc_now,
        history: History | None = None,
        subtitle: str = "",
        socket_check: Callable[[str], str | None] | None = None,
        title: str | None = None,
        notices: Sequence[Notice] = (),
        demo: bool = False,
        settings: Settings | None = None,
        settings_path: Path | None = None,
        bake: str | None = None,
    ) -> None:
        """``socket_check``: how the wizard tells that a unix socket listens (default: this
        machine's; tests replaying the lab's recordings give their own); ``bake``: a bake
        workspace to open over the builders list (``buildx-tui --bake PATH``; "": here)."""
        super().__init__(
            Services(
                backend=backend,
                given_history=history,
                clock=clock,
                refresh_interval=refresh_interval,
                socket_check=socket_check,
                settings=settings or Settings(),
                settings_path=settings_path,
            )
        )
        notices = [*notices, *self.apply_settings()]
        self.sub_title = subtitle
        if title is not None:
            self.title = title
        self._notices = tuple(notices)
        #: This app replays recordings (``--demo``).
        self.demo = demo
        #: The user asked for the demo: the command line starts it once this app has ended.
        self.wants_demo = False
        self._quitting = False
        self._signals: list[signal.Signals] = []
        self._bake = bake

    @property
    def backend(self) -> Backend:
        """The docker gateway (tests and scripts read it here; screens use ``services``)."""
        return self.services.backend

    def on_mount(self) -> None:
        from buildx_tui.ui.builders.screen import BuildersScreen

        self._install_signal_handlers()
        self.mount_settings()
        self.push_screen(BuildersScreen())
        if self._bake is not None:
            self.post_message(nav.OpenBake(self._bake or None))
        for notice in self._notices:
            self.notify(
                notice.message, title=notice.title, severity=notice.severity, timeout=notice.timeout
            )

    # -- quitting: never leave a build (or any docker process) behind ---------------------------
    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in QUIT_SIGNALS:
            try:
                loop.add_signal_handler(sig, self.quit_on_signal, sig)
            except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
                continue
            self._signals.append(sig)

    def on_ready(self) -> None:
        heap.freeze_baseline()  # what the app made to start is never walked by the gc again

    def on_unmount(self) -> None:
        heap.forget()
        loop = asyncio.get_running_loop()
        for sig in self._signals:
            loop.remove_signal_handler(sig)
        self._signals.clear()

    def running_builds(self) -> list[BuildProgressScreen]:
        from buildx_tui.ui.build.progress import BuildProgressScreen

        return [s for s in self.screen_stack if isinstance(s, BuildProgressScreen) and s.running]

    def unsaved_input(self) -> list[str]:
        """What quitting would lose that the user typed (a changed build form, a wizard)."""
        found = (s.unsaved_input() for s in self.screen_stack if isinstance(s, AppScreen))
        return [what for what in found if what]

    async def action_quit(self) -> None:
        """`q`: quits at once, unless builds are running (then asks, and cancels them first) or
        input would be lost (then asks)."""
        from buildx_tui.ui.common.confirm import ConfirmDialog

        confirm = self.services.settings.confirm
        builds = self.running_builds()
        losing = " and ".join(self.unsaved_input()) if confirm.quit_with_input else ""
        if builds and not confirm.quit_while_building:
            self.quit_cancelling("you quit")
            return
        if not builds:
            if not losing:
                self._quit_now()
                return

            def discard(yes: bool | None) -> None:
                if yes:
                    self._quit_now()

            self.push_screen(
                ConfirmDialog(
                    "Quit and lose your input?",
                    f"Quitting loses {losing}: nothing of it is kept once the app ends.",
                    yes="Discard and quit",
                    no="Keep editing",
                ),
                discard,
            )
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.quit_cancelling("you quit")

        what = "A build is" if len(builds) == 1 else f"{len(builds)} builds are"
        self.push_screen(
            ConfirmDialog(
                "Quit while building?",
                f"{what} still running. Quitting cancels it as Ctrl-C would (the docker process "
                "stops; nothing is left running) and records it as cancelled in the history."
                + (f" It also loses {losing}." if losing else ""),
                yes="Cancel the build and quit",
                no="Keep building",
            ),
            answered,
        )

    # -- memory: what a closed screen leaves behind --------------------------------------------
    def pop_screen(self) -> AwaitComplete:
        done = super().pop_screen()
        self.set_timer(RELEASE_AFTER_S, self._after_close)
        return done

    def switch_screen(self, screen: Screen[Any] | str) -> AwaitComplete:
        done = super().switch_screen(screen)
        self.set_timer(RELEASE_AFTER_S, self._after_close)
        return done

    def _after_close(self) -> None:
        self._forget_closed_watchers()
        self._refreeze_at_home()

    def _refreeze_at_home(self) -> None:
        """Back on the home screen with every other screen closed: if a run unfroze the gc's
        baseline (core/heap.py), one collection frees the closed screens and what is left is
        frozen again."""
        from buildx_tui.ui.builders.screen import BuildersScreen

        stack = self.screen_stack  # empty while the app ends
        if stack and len(stack) <= 2 and isinstance(stack[-1], BuildersScreen):
            heap.refreeze()

    def _forget_closed_watchers(self) -> None:
        """Textual drops a closed widget's watchers only when the watched value changes: each
        closed screen's Header stayed alive through its watch of the app's title, and each
        Footer refresh left its old keys alive through their bindings to the Footer's
        `compact` (22 widgets every time the builders list came back). Over a session of
        builds, memory only grew. Drop the watchers of widgets no longer in the app. (Textual
        keeps them in the private attribute ``__watchers`` of the watched node.)"""
        nodes: list[DOMNode] = [self]
        for screen in self.screen_stack:
            nodes.append(screen)
            nodes.extend(screen.walk_children())
        for watched in nodes:
            watchers = getattr(watched, "__watchers", None)
            if not isinstance(watchers, dict):
                continue
            for name, entries in watchers.items():
                watchers[name] = [
                    (node, callback)
                    for node, callback in entries
                    if node is self or getattr(node, "is_attached", True)
                ]

    def quit_on_signal(self, sig: signal.Signals) -> None:
        self.quit_cancelling(f"{sig.name} received")

    def quit_cancelling(self, reason: str) -> None:
        """Cancel every running build, wait (at most QUIT_WAIT_S) until each has ended and been
        recorded, end any other docker process, then exit."""
        if self._quitting:
            return
        self._quitting = True
        builds = self.running_builds()
        for build in builds:
            build.cancel_build(reason)
        deadline = time.monotonic() + QUIT_WAIT_S

        def check() -> None:
            if self.running_builds() and time.monotonic() < deadline:
                return
            self._quit_now()

        if builds:
            self.set_interval(0.05, check)
        else:
            self._quit_now()

    def action_open_demo(self) -> None:
        """End this app and start the demo (``buildx-tui --demo``); not while builds run or
        typed input would be lost (quitting would ask first: the user quits, then runs it)."""
        busy = ["builds are running"] if self.running_builds() else []
        busy += self.unsaved_input()
        if busy:
            self.notify(
                f"Not now: {' and '.join(busy)}. Quit (q) first, then run buildx-tui --demo.",
                title="Demo",
                severity="warning",
            )
            return
        self.wants_demo = True
        self._quit_now()

    def _quit_now(self) -> None:
        self.services.backend.cancel_all()
        self.exit()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers the actions of the screen it was opened on, then Textual's own."""
        if isinstance(screen, AppScreen):
            for title, help_text, callback in screen.palette_commands():
                yield SystemCommand(title, help_text, callback)
        yield SystemCommand(
            "About: versions", "docker CLI, engine, buildx, each node's BuildKit", self._open_about
        )
        if not self.demo:
            yield SystemCommand(
                "Demo: the app on recorded output",
                "leave, and look around on recorded real buildx output (no docker needed; "
                "nothing is run): what buildx-tui --demo opens",
                self.action_open_demo,
            )
        yield from super().get_system_commands(screen)

    # -- navigation: every move between features goes through here ------------------------------
    @on(nav.OpenBuildForm)
    def _open_build_form(self, message: nav.OpenBuildForm) -> None:
        from buildx_tui.ui.build.form import BuildFormScreen

        kept = None  # the values last built or kept for later with this builder
        if message.spec is None and message.builder is not None:
            kept = self.services.drafts.form(message.builder.name)
            platforms = self.services.settings.build_platforms
            if kept is None and platforms:  # settings.toml: [build] platforms
                from buildx_tui.core.build.form import FormValues
                from buildx_tui.core.build.platform_choices import platform_choices
                from buildx_tui.core.build.spec import BuildSpec

                offered = [c.name for c in platform_choices(message.builder)]
                spec = BuildSpec(message.builder.name, platforms=platforms)
                kept = FormValues.from_spec(spec, offered)
        self.push_screen(BuildFormScreen(message.builder, spec=message.spec, kept=kept))

    @on(nav.StartBuild)
    def _start_build(self, message: nav.StartBuild) -> None:
        """Check -> confirm what buildx will refuse or is known to fail -> the live build
        screen."""
        from buildx_tui.core.build.checks import BuildEnv, check_spec
        from buildx_tui.core.build.issue import Severity

        issues = message.issues
        if issues is None:
            issues = tuple(check_spec(message.spec, BuildEnv()))
        errors = [i.message for i in issues if i.severity is Severity.ERROR]
        if errors:
            self.notify("\n".join(errors), title="Cannot run it again", severity="error")
            return
        refusals = [i.message for i in issues if i.severity is Severity.REFUSAL]
        failures = [i.message for i in issues if i.severity is Severity.WARNING]
        if not refusals and not failures:
            self._open_build(message)
            return
        from buildx_tui.ui.build.confirm import BuildConfirmScreen

        def confirmed(go: bool | None) -> None:
            if go:
                self._open_build(message)

        self.push_screen(
            BuildConfirmScreen(refusals, message.command, failures=failures), confirmed
        )

    def _open_build(self, message: nav.StartBuild) -> None:
        from buildx_tui.ui.build.progress import BuildProgressScreen

        # A re-run from the history names its builder only: the builders list knows it (its
        # platforms give the lanes their native / QEMU badges).
        builder = message.builder or self._known_builder(message.spec.builder)
        screen = BuildProgressScreen(message.spec, builder=builder)
        if message.replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _known_builder(self, name: str) -> Builder | None:
        """The builder called ``name`` as the builders list last saw it (None if unknown)."""
        from buildx_tui.ui.builders.screen import BuildersScreen

        for screen in self.screen_stack:
            if isinstance(screen, BuildersScreen) and screen.ls is not None:
                return screen.ls.get(name) if name else screen.ls.current
        return None

    @on(nav.EditBuild)
    def _edit_build(self, message: nav.EditBuild) -> None:
        from buildx_tui.ui.build.form import BuildFormScreen

        stack = self.screen_stack
        below = stack[-2] if len(stack) > 1 else None
        if isinstance(below, BuildFormScreen):
            self.pop_screen()
            if below.spec != message.spec:  # from the history; a build's own form is as it was
                below.load_spec(message.spec)
        else:
            self.switch_screen(BuildFormScreen(message.builder, spec=message.spec))

    @on(nav.OpenCreateWizard)
    def _open_create_wizard(self, message: nav.OpenCreateWizard) -> None:
        from buildx_tui.ui.create.wizard import CreateWizardScreen

        key = CreateWizardScreen.draft_key_for(message.append_to)
        kept = self.services.drafts.wizard(key)  # a draft closed with "keep"
        screen = CreateWizardScreen(message.ls, append_to=message.append_to, kept=kept)
        self.push_screen(screen, self._builders_changed)

    @on(nav.OpenRecreateWizard)
    def _open_recreate_wizard(self, message: nav.OpenRecreateWizard) -> None:
        """The wizard filled from the builder, or why it cannot be recreated."""
        from buildx_tui.core.create.recreate import refusal

        why = refusal(message.builder)
        if why:
            title = f"Cannot recreate {message.builder.name}"
            self.notify(why, title=title, severity="warning", timeout=10)
            return
        from buildx_tui.ui.create.recreate import RecreateWizardScreen

        key = RecreateWizardScreen.draft_key_for(message.builder.name)
        kept = self.services.drafts.wizard(key)  # a draft of this recreate closed with "keep"
        screen = RecreateWizardScreen(message.ls, message.builder, kept=kept)
        self.push_screen(screen, self._builders_changed)

    @on(nav.OpenLeaveNode)
    def _open_leave_node(self, message: nav.OpenLeaveNode) -> None:
        from buildx_tui.ui.create.leave import LeaveNodeScreen

        self.push_screen(LeaveNodeScreen(message.builder, message.node), self._builders_changed)

    def _builders_changed(self, name: str | None) -> None:
        """A wizard or the node dialog ended: tell the builders screen (it refreshes)."""
        from buildx_tui.ui.builders.screen import BuildersScreen

        if name:
            for screen in self.screen_stack:
                if isinstance(screen, BuildersScreen):
                    screen.post_message(nav.BuildersChanged(name))


def describe_target(options: ClientOptions) -> str:
    if options.host:
        return f"host {options.host}"
    if options.context:
        return f"context {options.context}"
    return ""


def make_app(
    options: ClientOptions | None = None,
    *,
    prefetch: Prefetch | None = None,
    refresh_interval: float = 10.0,
    settings: Settings | None = None,
    settings_path: Path | None = None,
    notices: Sequence[Notice] = (),
    bake: str | None = None,
) -> BuildxApp:
    options = options or ClientOptions()
    client = BuildxClient(options, prefetch=prefetch)
    return BuildxApp(
        client,
        refresh_interval=refresh_interval,
        subtitle=describe_target(options),
        settings=settings,
        settings_path=settings_path,
        notices=notices,
        bake=bake,
    )
