"""Keys typed in one burst — type, Tab, type — land in the fields they were typed for (issue #11
item 22): a terminal delivers a fast typist's keys together, before the app has handled any."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.build.form import BuildFormScreen
from buildx_tui.ui.common.login import LoginScreen
from tests.demo import FIXED_NOW
from tests.helpers.build_backend import form_backend, lab_builders


def burst(app: BuildxApp, text: str) -> None:
    """Queue every key of ``text`` at once ("\\t" is Tab, "\\x19" is Shift+Tab)."""
    for char in text:
        if char == "\t":
            app.post_message(events.Key("tab", "\t"))
        elif char == "\x19":
            app.post_message(events.Key("shift+tab", None))
        else:
            app.post_message(events.Key(char, char))


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    for _ in range(3):
        await pilot.pause()


async def test_login_dialog_fields_get_their_own_keys():
    app = BuildxApp(form_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dialog = LoginScreen("")
        app.push_screen(dialog)
        await settle(pilot)
        assert dialog.focused is not None and dialog.focused.id == "login-registry"
        burst(app, "reg.example\talice\tpw")
        await settle(pilot)
        assert dialog.query_one("#login-registry", Input).value == "reg.example"
        assert dialog.query_one("#login-username", Input).value == "alice"
        assert dialog.query_one("#login-password", Input).value == "pw"


async def test_build_form_fields_get_their_own_keys():
    app = BuildxApp(form_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        form = BuildFormScreen(lab_builders()["lab-container"])
        app.push_screen(form)
        await settle(pilot)
        context = form.query_one("#context", Input)
        context.focus()
        await settle(pilot)
        context.value = ""
        burst(app, "ctx\tDf\tbase\x19\x19")
        await settle(pilot)
        assert context.value == "ctx"
        assert form.query_one("#dockerfile", Input).value == "Df"
        assert form.query_one("#target", Input).value == "base"
        assert form.focused is context  # Shift+Tab twice, back where it started


async def test_doctor_platforms_typed_in_one_burst():
    """`p`, then the platforms and Enter at once: every key lands in the platforms field (what
    it held is selected on focus: typing replaces it; a `p` in ppc64le stays text) and Enter
    applies them."""
    from tests.helpers.doctor import doctor_app, open_doctor

    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot)
        burst(app, "plinux/amd64,linux/ppc64le")
        app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        box = screen.query_one("#doctor-platforms", Input)
        assert box.value == "linux/amd64,linux/ppc64le"
        assert "binfmt:linux/ppc64le" in screen.table.rows
        assert "binfmt:linux/arm64" not in screen.table.rows


async def test_doctor_push_targets_typed_in_one_burst():
    """`t`, then references and Enter at once: a `t` or `p` inside them is text, not a key."""
    from tests.helpers.doctor import doctor_app, open_doctor

    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot)
        burst(app, "t127.0.0.1:5000/tpt:1 ghcr.io/p/t")
        app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        box = screen.query_one("#doctor-push", Input)
        assert box.value == "127.0.0.1:5000/tpt:1 ghcr.io/p/t"
        assert screen.query_one("#doctor-platforms", Input).value == "linux/amd64,linux/arm64"
        assert {"push:127.0.0.1:5000/tpt:1", "push:ghcr.io/p/t"} <= set(screen.table.rows)


async def test_cache_prune_fields_get_their_own_keys():
    from tests.helpers.cache import cache_app, open_cache

    app = cache_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_cache(pilot)
        await pilot.press("p")
        await settle(pilot)
        burst(app, "12h\t\tdeadbeef\t1GB\t2GB")
        await settle(pilot)
        panel = screen.panel
        assert panel.input_for("until").value == "12h"
        assert panel.input_for("id").value == "deadbeef"
        assert panel.input_for("max_used_space").value == "1GB"
        assert panel.input_for("reserved_space").value == "2GB"


async def test_cache_old_builds_fields_get_their_own_keys():
    """`h` then the age, Tab over the status, the count: each in its field (an `h` in 12h is
    text, not the panel's key)."""
    from textual.widgets import Input

    from tests.helpers.cache import history_app, open_cache

    app = history_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_cache(pilot)
        burst(app, "h12h\t\t3")
        await settle(pilot)
        assert screen.query_one("#hist-older", Input).value == "12h"
        assert screen.query_one("#hist-keep", Input).value == "3"
        panel = screen.query_one("#history-panel")
        assert panel.display and panel.plan is not None
        assert panel.plan.criteria == "older than 12h, all but the newest 3"


async def test_replay_and_timeline_keys_in_one_burst():
    """r (reload) typed fast: one command per key, each finished; then Esc goes back."""
    from buildx_tui.core.builds.logs import logs_argv
    from buildx_tui.core.builds.trace import trace_argv
    from buildx_tui.ui.builds.replay import BuildReplayScreen
    from buildx_tui.ui.builds.timeline import BuildTimelineScreen
    from buildx_tui.ui.common.command_log import CommandLog, EntryState
    from tests.helpers.replay import BUILDER, REFS, replay_app

    app = replay_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for screen, argv in (
            (BuildReplayScreen(BUILDER, REFS["cached"]), logs_argv(BUILDER, REFS["cached"])),
            (BuildTimelineScreen(BUILDER, REFS["cached"]), trace_argv(BUILDER, REFS["cached"])),
        ):
            app.push_screen(screen)
            await settle(pilot)
            burst(app, "rrr")
            await settle(pilot)
            runs = app.backend.calls.count(tuple(argv))
            assert 1 < runs <= 4  # a reload while one runs is refused, never queued twice
            entries = screen.query_one(CommandLog).entries
            assert len(entries) == runs
            assert all(e.state is EntryState.OK for e in entries)
            app.post_message(events.Key("escape", None))
            await settle(pilot)
            assert app.screen is not screen


async def test_builds_filter_gets_every_key(tmp_path):
    from textual.widgets import DataTable

    from buildx_tui.ui.builds.screen import BuildsScreen
    from tests.helpers.builds import C, builds_app, builds_backend

    app = builds_app(builds_backend(), tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = BuildsScreen(C)
        app.push_screen(screen)
        await settle(pilot)
        app.post_message(events.Key("slash", "/"))  # focuses the filter before the rest lands
        burst(app, "status:error slow")
        await settle(pilot)
        assert screen.query_one("#builds-filter", Input).value == "status:error slow"
        app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[1]) == "slow"


async def test_the_bake_workspace_path_gets_its_own_keys():
    from tests.helpers.bake import WORKSPACE, bake_app, open_bake

    app = bake_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_bake(pilot)
        path = screen.query_one("#bake-path", Input)
        path.value = ""
        screen.set_focus(path)
        await settle(pilot)
        burst(app, f"{WORKSPACE}/docker-bake.hcl\treg:5000")
        await settle(pilot)
        assert path.value == f"{WORKSPACE}/docker-bake.hcl"  # typed, not opened: no Enter
        assert screen.query_one("#bake-var-REGISTRY", Input).value == "reg:5000"
        assert app.screen is screen


async def test_bake_fields_get_their_own_keys():
    from tests.helpers.bake import bake_app, open_bake

    app = bake_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_bake(pilot)
        first = screen.query_one("#bake-var-REGISTRY", Input)
        first.value = ""
        screen.set_focus(first)
        await settle(pilot)
        burst(app, "reg:5000\t7\tv9\tapp.tags=x")
        await settle(pilot)
        assert first.value == "reg:5000"
        # Tab selects a field's text: what is typed next replaces it
        assert screen.query_one("#bake-var-REPLICAS", Input).value == "7"
        assert screen.query_one("#bake-var-TAG", Input).value == "v9"
        assert screen.query_one("#bake-set", Input).value == "app.tags=x"
        assert screen.var_text == {"REGISTRY": "reg:5000", "REPLICAS": "7", "TAG": "v9"}


async def test_build_form_check_runs_once_for_a_burst(tmp_path, monkeypatch):
    """Build args typed in one burst: the Dockerfile check (issue #13) runs once, for what was
    typed last; the keystrokes before it ran no docker process."""
    from textual.widgets import TextArea

    from buildx_tui.core.build.calls import Call
    from tests.helpers.build_form import calls_run
    from tests.helpers.form_insight import (
        argv,
        insight_backend,
        reply,
        wait_checked,
        write_context,
    )

    monkeypatch.chdir(write_context(tmp_path / "ctx"))
    backend = insight_backend()
    last = argv(Call.CHECK, build_args=(("FAST", "yes"),))
    backend.replies[last] = reply("form-call-check-clean", 0)
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        form = BuildFormScreen(lab_builders()["lab-container"])
        app.push_screen(form)
        await wait_checked(pilot, form)
        before = len(calls_run(backend))
        form.set_focus(form.query_one("#build-args", TextArea))
        await settle(pilot)
        burst(app, "FAST=yes")
        await settle(pilot)
        assert form.query_one("#build-args", TextArea).text == "FAST=yes"
        assert (await wait_checked(pilot, form)).startswith("✔ no problems")
        assert calls_run(backend)[before:] == [last]
