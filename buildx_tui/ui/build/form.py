"""The build launcher: a form that shows the exact `docker buildx build` command as it changes,
checks everything before anything runs, and starts the build screen."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import (
    Button,
    Header,
    Input,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from buildx_tui.core.build.calls import Call
from buildx_tui.core.build.checks import (
    STORE_PROBE_ARGV,
    BuildEnv,
    check_spec,
    containerd_store,
)
from buildx_tui.core.build.form import FormValues, compile_form, registry_of
from buildx_tui.core.build.history import History
from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.platform_choices import emulator_fix, platform_choices
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.builders import Builder, LsResult
from buildx_tui.core.docker.types import CommandResult, Refresh
from buildx_tui.ui import navigation as nav
from buildx_tui.ui.build.advanced_options import OPTION_WIDGET, AdvancedOptions
from buildx_tui.ui.build.form_checks import (
    checks_text,
    command_text,
    show_field_errors,
    sort_issues,
)
from buildx_tui.ui.build.form_fields import (
    FIELD_WIDGET,
    builder_label,
    main_fields,
    row,
)
from buildx_tui.ui.build.form_keep import ask_before_leaving, last_builds
from buildx_tui.ui.build.form_values import read_values, show_values
from buildx_tui.ui.build.insight import INSIGHT_FIELDS, DockerfileInsight
from buildx_tui.ui.build.pickers import open_picker
from buildx_tui.ui.build.push_preflight import needs_preflight, preflight
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.footer import AppFooter
from buildx_tui.ui.common.format import shorten
from buildx_tui.ui.common.platform_picker import PlatformPicker
from buildx_tui.ui.common.toggles import Checkbox
from buildx_tui.ui.services import AppScreen

BUTTON_NAME_MAX = 24  # a longer builder name is cut in the Build button (whole in the title)

if TYPE_CHECKING:
    from buildx_tui.ui.common.login import LoginAttempt


class BuildFormScreen(AppScreen[None]):
    """``builder`` preselects a builder (the builders screen passes the selected one); ``spec``
    fills the form (editing a past build); else ``kept`` does (the values last built or kept
    for that builder, Services.drafts); else the builder's last build in the history does.
    Leaving it changed asks first."""

    CSS_PATH = "build.tcss"
    #: Classes for build.tcss: one column under 110 columns, less around the form under 30 lines.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    BINDINGS = [
        Binding("ctrl+b,f5", "build", "Build", id="build_form.build"),
        Binding("ctrl+o", "copy_command", "Copy cmd", id="build_form.copy"),
        Binding("ctrl+l", "login", "Log in", id="build_form.login"),
        Binding("ctrl+r", "history", "History", id="build_form.history"),
        Binding("ctrl+t", "targets", "Targets", id="build_form.targets"),
        Binding("ctrl+g", "build_args", "Args", id="build_form.build_args"),
        Binding("f1,question_mark", "help", "Help", key_display="F1", id="build_form.help"),
        Binding("escape", "back", "Back", id="build_form.back"),
    ]

    @dataclass
    class BuildersLoaded(Message):
        refresh: Refresh
        #: The last spec built with each builder (from the history, this Docker context only).
        last: dict[str, BuildSpec] = dataclasses.field(default_factory=dict)

    @dataclass
    class StoreProbed(Message):
        result: CommandResult

    def __init__(
        self,
        builder: Builder | None = None,
        *,
        spec: BuildSpec | None = None,
        kept: FormValues | None = None,
    ) -> None:
        super().__init__()
        self.builder = builder
        self.ls: LsResult | None = None
        self.store: bool | None = None
        self.issues: list[Issue] = []
        self.spec: BuildSpec | None = None
        #: What the Dockerfile insight reads (None while its fields have errors).
        self.insight_spec: BuildSpec | None = None
        #: What the checks last put on screen (revalidate redraws only when it changes).
        self._shown: tuple[object, ...] | None = None
        name = builder.name if builder else (spec.builder if spec else "")
        choices = platform_choices(builder)
        if spec is not None:
            self.initial = FormValues.from_spec(spec, [c.name for c in choices])
        elif kept is not None:
            self.initial = replace(kept, builder=name or kept.builder)
        else:
            self.initial = FormValues(builder=name)
        #: What the form showed before any typing (with the builder and platforms it picked
        #: itself, the values last built): leaving asks first only when the values differ.
        self.baseline = self.initial
        #: Nothing was given: the builder's last build in the history may fill the form.
        self._from_history = spec is None and kept is None
        self._log_ids: dict[str, int] = {}

    @property
    def history(self) -> History:
        return self.services.history

    # -- layout ------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        v = self.initial
        yield Header()
        with Horizontal(id="form-columns"):
            with VerticalScroll(id="form-left", can_focus=False):
                yield from main_fields(v)
            with VerticalScroll(id="form-right", can_focus=False):
                yield PlatformPicker(
                    platform_choices(self.builder),
                    v.platforms,
                    note=self._emulator_note(),
                    id="platforms",
                )
                yield row(
                    "Other",
                    Input(
                        v.extra_platforms,
                        placeholder="e.g. linux/amd64/v3, linux/mips64le",
                        compact=True,
                        id="extra-platforms",
                    ),
                    "platforms",
                )
                yield AdvancedOptions(v, id="advanced")
        yield Static("", id="checks")
        yield Static("", id="command")
        with Horizontal(id="form-buttons"):
            yield Button("Build", id="do-build", variant="primary", compact=True)
            yield Button("Copy command", id="do-copy", compact=True)
            yield Button("Log in…", id="do-login", compact=True)
            yield Button("History", id="do-history", compact=True)
        yield CommandLog(id="command-log")
        yield AppFooter()

    def on_mount(self) -> None:
        self._title_platforms()
        self.query_one("#command").border_title = "Command  (ctrl+o copies)"
        self.query_one("#checks").border_title = "Checks"
        self.query_one("#context", Input).focus()
        self.baseline = replace(self.values(), builder=self.initial.builder)
        self._load_builders()
        self._probe_store()
        self.revalidate()

    def _emulator_note(self) -> str:
        if self.builder is None:
            return ""
        return (
            f"not listed by {self.builder.name}: they build if its host has QEMU emulators for "
            f"them (not known until it runs); to be sure: {emulator_fix(self.builder)}"
        )

    def _title_platforms(self) -> None:
        """Where the eye falls first (the panel's title, the Build button) names the builder
        this build will run on: one keystroke must never build on another machine unseen."""
        b = self.builder
        title = f"Platforms · {b.name} ({b.driver})" if b else "Platforms"
        self.query_one("#form-right").border_title = title
        self.query_one("#form-left").border_title = f"Build on {b.name}" if b else "Build"
        self.query_one("#do-build", Button).label = (
            f"Build on {shorten(b.name, BUTTON_NAME_MAX)}" if b else "Build"
        )

    # -- background probes -------------------------------------------------------------------------
    def _log_start(self, key: str, argv: tuple[str, ...]) -> None:
        self._log_ids[key] = self.query_one(CommandLog).start(self.backend.display(argv))

    def _log_finish(
        self, key: str, ok: bool, duration: float, tail: str = "", note: str = ""
    ) -> None:
        entry = self._log_ids.pop(key, None)
        if entry is not None:
            state = EntryState.OK if ok else EntryState.FAILED
            self.query_one(CommandLog).finish(entry, state, duration, tail=tail, note=note)

    def _load_builders(self) -> None:
        self._log_start("ls", ("buildx", "ls", "--format", "json"))
        self._ls_worker()

    @work(thread=True, exclusive=True, group="form-ls", exit_on_error=False)
    def _ls_worker(self) -> None:
        refresh = self.backend.list_builders()
        last = last_builds(self.history, self.backend.display) if self._from_history else {}
        self.post_message(self.BuildersLoaded(refresh, last))

    @work(thread=True, exclusive=True, group="form-store", exit_on_error=False)
    def _store_worker(self) -> None:
        self.post_message(self.StoreProbed(self.backend.run(STORE_PROBE_ARGV, timeout=30)))

    def _probe_store(self) -> None:
        self._log_start("store", STORE_PROBE_ARGV)
        self._store_worker()

    def on_build_form_screen_store_probed(self, message: StoreProbed) -> None:
        result = message.result
        self.store = containerd_store(result.stdout) if result.ok else None
        note = {True: "containerd image store", False: "classic image store", None: "unknown"}
        self._log_finish(
            "store",
            result.ok,
            result.duration_s,
            result.error_text() if not result.ok else "",
            note[self.store],
        )
        self.revalidate()

    def on_build_form_screen_builders_loaded(self, message: BuildersLoaded) -> None:
        refresh = message.refresh
        fatal = refresh.problem is not None and refresh.problem.fatal
        self._log_finish(
            "ls",
            not fatal,
            refresh.duration_s,
            refresh.problem.detail if fatal and refresh.problem else "",
        )
        self.ls = refresh.ls
        if self.ls is None:
            return
        select = self.query_one("#builder", Select)
        wanted = self.builder.name if self.builder else self.initial.builder
        chosen = self.ls.get(wanted) if wanted else None
        if chosen is None and not wanted:
            chosen = self.ls.current or (self.ls.builders[0] if self.ls.builders else None)
        options = [(builder_label(b), b.name) for b in self.ls.builders]
        if wanted and chosen is None:
            options.append((f"{wanted}  (not found)", wanted))
        last = message.last.get(chosen.name) if chosen is not None else None
        if last is not None and chosen is not None and not self.changed:
            self._fill(FormValues.from_spec(last, [c.name for c in platform_choices(chosen)]))
        with self.prevent(Select.Changed):
            select.set_options(options)
            if chosen is not None:
                select.value = chosen.name
            elif wanted:
                select.value = wanted
        if isinstance(select.value, str):  # the form's own pick, not a change of the user's
            self.baseline = replace(self.baseline, builder=select.value)
        if chosen is not None:
            self._use_builder(chosen, picked=True)

    # -- builder -----------------------------------------------------------------------------------
    @on(Select.Changed, "#builder")
    def _builder_changed(self, event: Select.Changed) -> None:
        if self.ls is not None and isinstance(event.value, str):
            builder = self.ls.get(event.value)
            if builder is not None:
                self._use_builder(builder)
                return
        self.revalidate()

    @work(exclusive=True, group="form-picker")
    async def _use_builder(self, builder: Builder, picked: bool = False) -> None:
        """``picked``: the form chose the builder itself (the one asked for, or the current)."""
        self.builder = builder
        picker = self.query_one(PlatformPicker)
        untouched = picker.selected == self.baseline.platforms
        keep = picker.selected or self.initial.platforms
        await picker.set_choices(platform_choices(builder), keep, self._emulator_note())
        if picked and untouched:
            self.baseline = replace(self.baseline, platforms=picker.selected)
        self._title_platforms()
        self.revalidate()

    # -- values and checks -------------------------------------------------------------------------
    def values(self) -> FormValues:
        return read_values(self)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(PlatformPicker.Changed)
    def _changed(self) -> None:
        self.revalidate()

    def revalidate(self) -> None:
        values = self.values()
        spec, issues = compile_form(values)
        parsed = not any(i.severity is Severity.ERROR for i in issues)
        issues = issues + check_spec(spec, BuildEnv(self.builder, self.store))
        sort_issues(issues)
        self.spec, self.issues = (spec if parsed else None), issues
        command = self.user_command()
        # Each update re-lays out the form and paints a frame: only when what they show
        # changed (not for a key that changes nothing, nor for Build's own re-check, whose
        # frame was painted while the build's process was being started).
        dest = values.output in (Output.OCI, Output.TAR)
        shown = (dest, spec.advanced, tuple(issues), command)
        if shown != self._shown:
            self._shown = shown
            self.query_one("#row-dest").display = dest
            self.query_one(AdvancedOptions).show_count(spec.advanced)
            show_field_errors(self, issues)
            self.query_one("#checks", Static).update(checks_text(issues))
            self.query_one("#command", Static).update(command_text(command))
        blocked = any(i.severity is Severity.ERROR and i.field in INSIGHT_FIELDS for i in issues)
        self.insight_spec = None if blocked else spec
        self.query_one(DockerfileInsight).want(self.insight_spec, self.builder)

    def user_command(self) -> str | None:
        return self.backend.display(self.spec.argv()) if self.spec is not None else None

    # -- actions -----------------------------------------------------------------------------------
    @on(Button.Pressed, "#do-build")
    def action_build(self) -> None:
        self.revalidate()
        errors = [i for i in self.issues if i.severity is Severity.ERROR]
        if errors or self.spec is None:
            first = errors[0] if errors else None
            self.notify(
                (first.message if first else "the form is incomplete")
                + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""),
                title="Fix the form first",
                severity="error",
            )
            if first is not None:
                if first.field in OPTION_WIDGET:
                    self.query_one(AdvancedOptions).collapsed = False
                self.query_one(FIELD_WIDGET.get(first.field, "#context")).focus()
            return
        if needs_preflight(self.spec):  # each tag's registry asked first (push_preflight)
            preflight(self, self.spec, self.backend.options.config, self._start_build)
        else:
            self._start_build(self.spec, [])

    def _start_build(self, spec: BuildSpec, extra: list[Issue]) -> None:
        self.baseline = self.values()  # built: the values used, what `n` shows next time
        self.services.drafts.keep_form(self.baseline)
        issues = (*self.issues, *extra)
        command = self.user_command() or ""
        self.post_message(nav.StartBuild(spec, command, builder=self.builder, issues=issues))

    @on(Button.Pressed, "#do-copy")
    def action_copy_command(self) -> None:
        command = self.user_command()
        if command is None:
            self.notify("Fix the form first: there is no command yet.", severity="warning")
            return
        self.app.copy_to_clipboard(command)
        self.notify(f"Copied: {command}", timeout=3)

    @on(Button.Pressed, "#do-login")
    def action_login(self) -> None:
        from buildx_tui.ui.common.login import LoginScreen

        tags = self.spec.tags if self.spec is not None else ()
        registry = registry_of(tags[0]) if tags else ""

        def done(ok: bool | None) -> None:
            if ok:
                self.notify("Logged in.", timeout=4)

        self.app.push_screen(LoginScreen(registry, on_attempt=self._logged), done)

    def _logged(self, attempt: LoginAttempt) -> None:
        state = EntryState.OK if attempt.ok else EntryState.FAILED
        self.query_one(CommandLog).record(attempt.command, state, attempt.duration_s, attempt.error)

    @on(Button.Pressed, "#do-history")
    def action_history(self) -> None:
        self.post_message(nav.OpenBuildHistory())

    @on(Button.Pressed, "#do-targets")
    def action_targets(self) -> None:
        self._ask(Call.TARGETS)

    @on(Button.Pressed, "#do-outline")
    def action_build_args(self) -> None:
        self._ask(Call.OUTLINE)

    def _ask(self, call: Call) -> None:
        if self.insight_spec is None:
            self.notify(
                "buildx reads the builder, context, Dockerfile, target and build args: fix them.",
                title="Fix the form first",
                severity="warning",
            )
            return
        self.query_one(DockerfileInsight).ask(self.insight_spec, call)

    def on_dockerfile_insight_listed(self, message: DockerfileInsight.Listed) -> None:
        open_picker(self, message)

    def load_spec(self, spec: BuildSpec) -> None:
        """Fill the form with a past build's settings."""
        values = FormValues.from_spec(spec, self.query_one(PlatformPicker).offered)
        self._fill(values)
        builder = self.ls.get(spec.builder) if self.ls is not None else None
        if builder is not None:
            self.query_one("#builder", Select).value = builder.name
            self.baseline = replace(self.baseline, builder=builder.name)
        picker = self.query_one(PlatformPicker)
        self._reset_picker(picker, values.platforms)

    def _fill(self, values: FormValues) -> None:
        """Show ``values`` (all but the builder and the platforms' boxes) as the form's own."""
        self.initial = self.baseline = values
        show_values(self, values)

    @work(exclusive=True, group="form-picker")
    async def _reset_picker(self, picker: PlatformPicker, platforms: tuple[str, ...]) -> None:
        await picker.set_choices(platform_choices(self.builder), platforms, self._emulator_note())
        self.baseline = replace(self.baseline, platforms=picker.selected)
        self.revalidate()

    def action_help(self) -> None:
        from buildx_tui.ui.build.help import BuildFormHelp

        self.app.push_screen(BuildFormHelp.for_form(self.BINDINGS, self.app.BINDINGS))

    # -- leaving: never throw the input away without asking ----------------------------------------
    @property
    def changed(self) -> bool:
        """The user changed something since the form opened, was filled or last built."""
        now = self.values()
        if self.ls is None:  # the form has not picked its builder yet
            now = replace(now, builder=self.baseline.builder)
        return now != self.baseline

    def unsaved_input(self) -> str:
        return "the build form's changes" if self.changed else ""

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            ask_before_leaving(self)
