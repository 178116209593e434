"""The doctor screen on the lab's recordings: checks listed as they finish, details of the line
under the cursor, a fix run only after a yes (its exact command in the log), re-runs, the
platforms edited (bad input refused, state kept)."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.text import Text
from textual.widgets import Input, Static

from buildx_tui.core.doctor.binfmt import INSTALL_ARGV
from buildx_tui.core.doctor.context import DoctorContext
from buildx_tui.core.doctor.model import Status
from buildx_tui.ui.common.command_log import CommandLog
from buildx_tui.ui.common.confirm import ConfirmDialog
from buildx_tui.ui.doctor.help import DoctorHelp
from buildx_tui.ui.doctor.screen import DoctorScreen
from tests.helpers.doctor import BINFMT, doctor_app, lab_configure, open_doctor, settle

LS = ("buildx", "ls", "--format", "json")


def plain(widget: Static) -> str:
    content = widget.content
    return content.plain if isinstance(content, Text) else str(content)


def status_of(screen: DoctorScreen, key: str) -> Status:
    for results in screen.results.values():
        for r in results or ():
            if r.key == key:
                return r.status
    raise KeyError(key)


async def go_to(pilot, screen: DoctorScreen, key: str) -> None:
    screen.table.move_cursor(row=screen.table.get_row_index(key))
    await pilot.pause()


async def test_every_check_finishes_and_the_lab_is_told_as_it_is() -> None:
    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot, one_at_a_time=False)  # concurrently, as users get it
        assert all(r is not None for r in screen.results.values())
        assert status_of(screen, "node:lab-dead/lab-dead0") is Status.FAILED
        assert status_of(screen, "node:lab-container/lab-container0") is Status.PASSED
        assert status_of(screen, "platform:linux/arm64") is Status.WARNING  # QEMU only
        assert status_of(screen, "binfmt:linux/arm64") is Status.PASSED
        assert status_of(screen, "probe:lab-container:linux/arm64") is Status.PASSED
        assert app.backend.calls.count(LS) <= 2  # one for the builders list, one shared here
        summary = plain(screen.query_one("#doctor-summary", Static))
        assert "✗ 1 failed" in summary and "overall: ✗ failed" in summary
        await go_to(pilot, screen, "node:lab-dead/lab-dead0")
        detail = plain(screen.query_one("#doctor-detail", Static))
        assert "connection refused" in detail and "By: connect to tcp://127.0.0.1:1299" in detail
        log = screen.query_one(CommandLog)
        assert any("--platform linux/arm64" in e.command for e in log.entries)
        assert all(e.state.value != "running" for e in log.entries)


async def test_a_fix_runs_only_after_yes_and_the_check_runs_again(tmp_path: Path) -> None:
    folder = tmp_path / "binfmt"
    shutil.copytree(BINFMT, folder)
    (folder / "qemu-aarch64").unlink()  # as if the arm64 handler were not registered
    base = lab_configure()

    def configure(ctx: DoctorContext) -> None:
        base(ctx)
        ctx.binfmt_dir = str(folder)

    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot, configure=configure)
        assert status_of(screen, "binfmt:linux/arm64") is Status.FAILED
        await go_to(pilot, screen, "binfmt:linux/arm64")
        detail = plain(screen.query_one("#doctor-detail", Static))
        assert "f runs: $ docker run --privileged --rm tonistiigi/binfmt --install all" in detail
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert INSTALL_ARGV not in app.backend.calls
        shutil.copy(BINFMT / "qemu-aarch64", folder / "qemu-aarch64")  # what the fix does
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert INSTALL_ARGV in app.backend.calls
        log = screen.query_one(CommandLog)
        assert any(e.command.startswith("docker run --privileged") for e in log.entries)
        assert status_of(screen, "binfmt:linux/arm64") is Status.PASSED  # re-run after the fix


async def test_no_fix_to_run_says_so_and_runs_nothing() -> None:
    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot)
        await go_to(pilot, screen, "docker-cli")
        before = list(app.backend.calls)
        await pilot.press("f")
        await settle(pilot)
        assert app.screen is screen and app.backend.calls == before


async def test_rerun_asks_again() -> None:
    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot)
        await go_to(pilot, screen, "node:lab-container/lab-container0")
        before = app.backend.calls.count(LS)
        await pilot.press("r")
        await settle(pilot)
        assert app.backend.calls.count(LS) == before + 1
        await pilot.press("R")
        await settle(pilot)
        assert app.backend.calls.count(LS) == before + 2
        assert all(r is not None for r in screen.results.values())


async def test_platforms_edited_bad_input_keeps_state() -> None:
    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot)
        box = screen.query_one("#doctor-platforms", Input)
        await pilot.press("p")
        await pilot.pause()
        assert screen.focused is box
        box.value = "linux/amd64,linux/nonsense"
        await pilot.press("enter")
        await settle(pilot)
        message = screen.query_one("#doctor-message", Static)
        assert message.has_class("-shown") and "not applied" in plain(message)
        assert "binfmt:linux/arm64" in screen.table.rows  # unchanged
        box.value = "linux/amd64, linux/riscv64"
        await pilot.press("enter")
        await settle(pilot)
        assert not message.has_class("-shown")
        assert "binfmt:linux/riscv64" in screen.table.rows
        assert "binfmt:linux/arm64" not in screen.table.rows
        assert box.value == "linux/amd64,linux/riscv64"


async def test_help_and_back() -> None:
    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, DoctorHelp)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("p")
        await pilot.press("escape")  # first Esc leaves the platforms field
        await pilot.pause()
        assert app.screen is screen and screen.focused is screen.table
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen


async def test_a_long_paste_into_the_platforms_is_refused_in_words() -> None:
    app = doctor_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_doctor(pilot)
        box = screen.query_one("#doctor-platforms", Input)
        await pilot.press("p")
        box.value = ""
        from textual import events

        box.post_message(events.Paste(("x" * 98 + "/é") * 100))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and len(box.value) >= 1000
        assert "not applied" in plain(screen.query_one("#doctor-message", Static))
