"""Pilot tests of the build history (list, re-run, edit) and of the registry login form."""

from __future__ import annotations

import json

import pytest
from textual.widgets import DataTable, Input, Static

from buildx_tui.core.build.history import History, HistoryEntry
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.ui.build.form import BuildFormScreen
from buildx_tui.ui.build.history import BuildHistoryScreen
from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.common.login import LoginScreen
from tests.demo import FIXED_NOW
from tests.fakes import Reply
from tests.helpers.build_backend import META, MULTI, BuildReply, build_key, form_backend
from tests.helpers.build_scenes import make_app
from tests.helpers.render import plain

SIZE = (120, 36)
pytestmark = pytest.mark.usefixtures("frozen_build_clock")
LOGIN = ("login", "--username", "alice", "--password-stdin", "127.0.0.1:5000")


def spec_of(n: int, **kw) -> BuildSpec:
    base: dict = dict(
        builder="lab-container",
        platforms=("linux/amd64", "linux/arm64"),
        tags=(f"127.0.0.1:5000/app:{n}",),
        output=Output.PUSH,
    )
    base.update(kw)
    return BuildSpec(**base)


def add(history: History, n: int, result: str = "success", **kw) -> HistoryEntry:
    spec = kw.pop("spec", spec_of(n))
    entry = HistoryEntry(
        spec=spec,
        command=f"docker buildx build … app:{n}",
        started_at=FIXED_NOW.replace(minute=n),
        result=result,
        duration_s=1.0 + n,
        id=f"e{n}",
        **kw,
    )
    history.append(entry)
    return entry


async def open_history(pilot, app, history) -> BuildHistoryScreen:
    await pilot.pause()
    screen = BuildHistoryScreen()
    app.push_screen(screen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


# -- history --------------------------------------------------------------------------------------


async def test_history_lists_newest_first_with_details(history, context):
    add(history, 1)
    add(history, 2, "failed", error="boom: exit code 3")
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, app, history)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        first = [str(c) for c in table.get_row_at(0)]
        assert first[:4] == ["2026-11-22 22:02:00", "build", "✖ failed", "3.0s"]
        assert first[4] == "127.0.0.1:5000/app:2"
        assert first[6] == "amd64, arm64"
        details = plain(screen.query_one("#history-details", Static).content)
        assert "$ docker buildx build … app:2" in details and "error: boom: exit code 3" in details
        await pilot.press("down")
        details = plain(screen.query_one("#history-details", Static).content)
        assert "app:1" in details


async def test_empty_and_damaged_history_do_not_break_the_screen(history, context):
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, app, history)
        assert "No builds yet" in plain(screen.query_one("#history-details", Static).content)
        await pilot.press("r")  # nothing to run: no crash
        assert app.screen is screen
    add(history, 1)
    add(history, 1)  # the same id twice (a hand-edited file)
    with open(history.path, "a") as f:
        f.write("{garbage\n")
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, app, history)
        assert screen.query_one(DataTable).row_count == 2
        assert any("1 damaged history lines" in str(n.message) for n in app._notifications)


async def test_rerun_from_history_runs_the_same_argv(history, context):
    spec = spec_of(7, platforms=("linux/amd64", "linux/arm64"), tags=("127.0.0.1:5000/demo:1",))
    add(history, 7, spec=spec)
    backend = form_backend()
    backend.builds[build_key(spec)] = BuildReply(MULTI, 0, META)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot, app, history)
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BuildProgressScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.outcome is not None and screen.outcome.snapshot.result == "success"
        assert [c for c in backend.calls if c[:2] == ("buildx", "build")] == [build_key(spec)]
        assert len(history.load()) == 2  # the re-run is recorded too


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"context": "/nonexistent/ctx"}, "context '/nonexistent/ctx' does not exist"),
        (
            {"secrets": ("id=npm,src=/nonexistent/npmrc",)},
            "--secret id=npm: file '/nonexistent/npmrc' does not exist",
        ),
    ],
    ids=["context-gone", "secret-file-gone"],
)
async def test_rerun_refuses_what_is_gone(history, context, changes, message):
    add(history, 1, spec=spec_of(1, **changes))
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot, app, history)
        await pilot.press("r")
        await pilot.pause()
        assert app.screen is screen
        assert any(message in str(n.message) for n in app._notifications)
        assert not any(c[:2] == ("buildx", "build") for c in backend.calls)


async def test_edit_from_history_fills_the_form(history, context):
    spec = spec_of(3, build_args=(("A", "1"),), target="base", no_cache=True)
    add(history, 3, spec=spec)
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = BuildFormScreen()
        app.push_screen(form)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BuildHistoryScreen)
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#tags", Input).value == "127.0.0.1:5000/app:3"
        assert form.spec is not None
        assert form.spec.argv() == spec.argv()


async def test_question_mark_opens_the_history_help(history, context):
    from buildx_tui.ui.build.help import BuildHistoryHelp

    add(history, 1)
    app = make_app(form_backend())
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_history(pilot, app, history)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, BuildHistoryHelp)
        keys = plain(app.screen.query_one("#help-keys", Static).content)
        for words in ("enter, r", "Run again", "Edit in form", "Inspect manifest", "Copy cmd"):
            assert words in keys, words
        legend = plain(app.screen.query_one("#help-legend", Static).content)
        assert "✖ failed" in legend and "⊘ cancelled" in legend
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen is screen


# -- login ----------------------------------------------------------------------------------------


async def login_screen(pilot, app, registry="127.0.0.1:5000"):
    await pilot.pause()
    results: list[bool | None] = []
    app.push_screen(LoginScreen(registry), results.append)
    await pilot.pause()
    return app.screen, results


async def test_login_sends_the_password_on_stdin_only(context):
    backend = form_backend()
    backend.replies[LOGIN] = Reply(0, "Login Succeeded\n")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen, results = await login_screen(pilot, app)
        assert "$ docker login --username '' --password-stdin 127.0.0.1:5000" in plain(
            screen.query_one("#login-status", Static).content
        )
        screen.query_one("#login-username", Input).value = "alice"
        screen.query_one("#login-password", Input).value = "s3cr3t-pw"
        await pilot.pause(0.3)  # a button ignores a press while it still shows the last one
        await pilot.click("#login-go")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert results == [True]
        assert LOGIN in backend.calls
        assert backend.stdins[-1] == b"s3cr3t-pw"
        assert not any("s3cr3t" in arg for call in backend.calls for arg in call)
        assert "s3cr3t" not in app.export_screenshot()


async def test_login_validation_and_failure_are_shown_without_the_secret(context):
    backend = form_backend()
    # The docker CLI never echoes the password; this fake does, to prove it is scrubbed anyway.
    backend.replies[LOGIN] = Reply(1, "", "Error response from daemon: bad credentials s3cr3t-pw\n")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen, results = await login_screen(pilot, app)
        await pilot.click("#login-go")
        await pilot.pause()
        status = plain(screen.query_one("#login-status", Static).content)
        assert "✖ username is required" in status
        assert "✖ password (or access token) is required" in status
        assert LOGIN not in backend.calls
        screen.query_one("#login-username", Input).value = "alice"
        screen.query_one("#login-password", Input).value = "s3cr3t-pw"
        await pilot.pause(0.3)  # a button ignores a press while it still shows the last one
        await pilot.click("#login-go")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert results == []
        assert screen.query_one("#login-password", Input).value == ""
        status = plain(screen.query_one("#login-status", Static).content)
        assert "✖ login failed: Error response from daemon: bad credentials ********" in status
        assert "s3cr3t" not in app.export_screenshot()
        await pilot.press("escape")
        assert results == [False]


async def test_a_login_from_the_form_is_in_its_command_log_without_the_secret(context):
    """Issue #11 item 22: every command the app runs is shown; the login was not."""
    from buildx_tui.ui.common.command_log import CommandLog, EntryState

    backend = form_backend()
    backend.replies[LOGIN] = Reply(1, "", "Error response from daemon: bad credentials s3cr3t-pw\n")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        form = BuildFormScreen()
        app.push_screen(form)
        await app.workers.wait_for_complete()
        await pilot.pause()
        form.query_one("#tags", Input).value = "127.0.0.1:5000/app:1"
        await pilot.pause()
        await pilot.press("ctrl+l")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LoginScreen)
        dialog.query_one("#login-username", Input).value = "alice"
        dialog.query_one("#login-password", Input).value = "s3cr3t-pw"
        await pilot.pause(0.3)
        await pilot.click("#login-go")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        [entry] = [e for e in form.query_one(CommandLog).entries if "login" in e.command]
        assert entry.command == "docker login --username alice --password-stdin 127.0.0.1:5000"
        assert entry.state is EntryState.FAILED
        assert "bad credentials ********" in "\n".join(entry.tail)
        assert "s3cr3t" not in app.export_screenshot()


def test_history_file_never_holds_a_login_secret(tmp_path):
    # The history records builds only; a login is not a build. A sanity check on what is written.
    history = History(tmp_path)
    add(history, 1)
    record = json.loads(history.path.read_text())
    assert set(record) == {
        "version", "id", "started_at", "command", "result", "duration_s", "exit_code",
        "spec", "outputs", "lanes", "error",
    }  # fmt: skip
