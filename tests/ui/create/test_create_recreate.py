"""Recreate a builder with changes (issue #11 item 24), Pilot tests on the lab run recorded by
scripts/record_recreate_fixtures.py: `e` on the builders list opens the create wizard filled
from the builder as it is; the review shows both commands and buildkitd.toml files and what is
lost (with the --keep-state choice); the run removes and creates it again; a failure is undone
(the original created again); builders that cannot be recreated say why."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, SelectionList, Static

from buildx_tui.core.create.run import Phase
from buildx_tui.ui.builders.screen import BuildersScreen
from buildx_tui.ui.builders.table import BuildersTable, RowRef
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.common.discard import DiscardDialog
from buildx_tui.ui.create.recreate import RecreateWizardScreen
from buildx_tui.ui.create.step_review import RunPanel
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.recreate import (
    BOOTSTRAP,
    NAME,
    make_app,
    make_backend,
    open_recreate,
)
from tests.helpers.render import plain
from tests.helpers.wizard import CONTEXT_LS, LS, SIZE, fill, next_step, settle

CONFIG = Path(".config") / "buildx-tui" / "buildkitd" / f"{NAME}.toml"


def text(screen: RecreateWizardScreen, selector: str) -> str:
    return plain(screen.query_one(selector, Static).content)


async def to_review(pilot, wizard: RecreateWizardScreen, *, network_host: bool = False,
                    extra_opts: str = "", mirror: bool = True) -> None:  # fmt: skip
    """Endpoint (as it is) -> node (network=host off, extra options) -> registries (a mirror
    for ghcr.io) -> review."""
    await next_step(pilot)
    assert wizard.step.value == "node"
    wizard.query_one("#network-host", Checkbox).value = network_host
    await fill(pilot, wizard, extra_opts=extra_opts)
    await next_step(pilot)
    assert wizard.step.value == "registry", wizard.query_one("#wizard-problems", Static).content
    if mirror:
        await fill(pilot, wizard, new_host="ghcr.io")
        await pilot.click("#registry-add")
        await fill(pilot, wizard, mirrors="127.0.0.1:5000")
    await next_step(pilot)
    assert wizard.step.value == "review"


async def test_e_opens_the_wizard_filled_from_the_builder_as_it_is(tmp_path: Path) -> None:
    backend = make_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_recreate(pilot, app)
        assert wizard.step.value == "endpoint"  # name and driver stay
        assert wizard.sub_title == f"recreate {NAME} with changes"
        assert (
            wizard.query_one("#endpoint", Input).value == "unix:///tmp/buildx-tui-lab/docker.sock"
        )
        await pilot.press("ctrl+b")  # no way back to the name: it stays
        assert wizard.step.value == "endpoint"
        await next_step(pilot)
        assert wizard.query_one("#node", Input).value == f"{NAME}0"
        assert wizard.query_one("#network-host", Checkbox).value is True
        assert wizard.query_one("#env", Input).value == "BUILDKIT_STEP_LOG_MAX_SIZE=10485760"
        flags = wizard.query_one("#flags", Input).value
        assert flags == "--debug --allow-insecure-entitlement security.insecure"
        pinned = wizard.query_one("#platforms", SelectionList).selected
        assert pinned == ["linux/amd64", "linux/arm64"]
        await next_step(pilot)
        assert wizard.query_one("#config-path", Input).value == str(tmp_path / "home" / CONFIG)
        assert wizard.query_one("#mirrors", Input).value == "127.0.0.1:5000"  # docker.io
        assert backend.calls == [LS, CONTEXT_LS]  # nothing ran


async def test_review_shows_both_commands_the_toml_and_what_is_lost(tmp_path: Path) -> None:
    backend = make_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_recreate(pilot, app)
        await to_review(pilot, wizard)
        diff = text(wizard, "#recreate-diff")
        assert "- --driver-opt network=host" in diff
        assert '+ [registry."ghcr.io"]' in diff and '+ mirrors = ["127.0.0.1:5000"]' in diff
        assert "  --node recreate-rec0" in diff  # unchanged lines are shown too
        assert f"Kept:\n  ✔ its build cache: --keep-state keeps buildx_buildkit_{NAME}0_state" in (
            text(wizard, "#recreate-loss")
        )
        more = text(wizard, "#recreate-more")
        assert "--timeout: buildx does not store it" in more
        assert f"{NAME} created again as it is" in more
        commands = text(wizard, "#review-commands")
        assert f"docker buildx rm --keep-state {NAME}" in commands
        assert plain(wizard.query_one("#wizard-next").label).strip() == "Recreate"  # type: ignore[attr-defined]
        # without --keep-state the cache is lost, and rm says so
        keep = wizard.query_one("#keep-state", Checkbox)
        assert keep.display and keep.value
        keep.focus()
        await pilot.press("space")
        await settle(pilot)
        assert wizard.keep_state is False
        assert f"docker buildx rm {NAME}" in text(wizard, "#review-commands")
        loss = text(wizard, "#recreate-loss")
        assert f"its build cache: the volume buildx_buildkit_{NAME}0_state is removed" in loss
        assert backend.calls == [LS, CONTEXT_LS]


async def test_recreate_runs_rm_create_bootstrap_and_shows_the_builder(tmp_path: Path) -> None:
    backend = make_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_recreate(pilot, app)
        await to_review(pilot, wizard)
        await pilot.press("ctrl+n")
        await settle(pilot)
        create = next(c for c in backend.calls if c[:2] == ("buildx", "create"))
        assert backend.calls[2:] == [("buildx", "rm", "--keep-state", NAME), create, BOOTSTRAP, LS]
        assert "network=host" not in create
        written = (tmp_path / "home" / CONFIG).read_text()
        assert '[registry."ghcr.io"]' in written
        assert wizard.outcome is not None and wizard.outcome.ok
        steps = plain(wizard.query_one("#run-steps", Static).content)
        assert "✔ remove" in steps and "✔ create" in steps and "✔ bootstrap" in steps
        log = wizard.query_one(CommandLog)
        assert [e.command for e in log.entries][:1] == [f"docker buildx rm --keep-state {NAME}"]
        await pilot.press("ctrl+n")  # Done
        await settle(pilot)
        assert isinstance(app.screen, BuildersScreen)


async def test_a_failed_bootstrap_is_undone_and_the_builder_made_again(tmp_path: Path) -> None:
    error = fixture("local/recreate-bootstrap-err-network.stderr")
    backend = make_backend()
    backend.replies[BOOTSTRAP] = Reply(1, "", error)
    old = backend.after_run
    assert old is not None

    def once(argv: tuple[str, ...]) -> None:  # the original's own bootstrap works
        old(argv)
        if argv == BOOTSTRAP:
            backend.replies.pop(BOOTSTRAP, None)

    backend.after_run = once
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_recreate(pilot, app)
        missing = "network=recreate-no-such-net"
        await to_review(pilot, wizard, extra_opts=missing, mirror=False)
        await pilot.press("ctrl+n")
        await settle(pilot)
        outcome = wizard.outcome
        assert outcome is not None and not outcome.ok and outcome.failed is Phase.BOOTSTRAP
        assert outcome.restored
        calls = backend.calls[2:]
        new, original = (c for c in calls if c[:2] == ("buildx", "create"))
        assert "network=recreate-no-such-net" in new and "network=host" in original
        assert calls == [("buildx", "rm", "--keep-state", NAME), new, BOOTSTRAP,
                         ("buildx", "rm", NAME), original, BOOTSTRAP]  # fmt: skip
        steps = plain(wizard.query_one(RunPanel).query_one("#run-steps", Static).content)
        assert "✖ bootstrap" in steps and "✔ undo" in steps
        assert steps.count("✔ restore") == 2  # create, bootstrap
        result = plain(wizard.query_one("#run-result", Static).content)
        assert 'The Docker network "recreate-no-such-net" does not exist' in result
        assert f"↩ created {NAME} again as it was" in result
        states = [e.state for e in wizard.query_one(CommandLog).entries]
        assert states.count(EntryState.FAILED) == 1
        assert not (tmp_path / "home" / CONFIG).exists()  # put back: there was none


async def test_builders_that_cannot_be_recreated_say_why() -> None:
    backend = FakeBackend(ls_output=fixture("local/ls-wizard-created.json"))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        builders = app.screen
        assert isinstance(builders, BuildersScreen)
        for name, why in (("wiz-rec-remote", "has 2 nodes"), ("default", "docker driver")):
            builders.query_one(BuildersTable).select(RowRef(name))
            await pilot.pause()
            await pilot.press("e")
            await settle(pilot)
            assert app.screen is builders
            shown = [n.message for n in app._notifications]
            assert any(why in m for m in shown), shown
        assert all(c == LS for c in backend.calls)


async def test_the_key_is_in_the_palette_and_the_help() -> None:
    backend = make_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        builders = app.screen
        assert isinstance(builders, BuildersScreen)
        titles = [title for title, _, _ in builders.palette_commands()]
        assert "Recreate builder with changes" in titles
        keys = {b.key: b.description for b in builders.BINDINGS}  # type: ignore[union-attr]
        assert keys["e"] == "Edit: recreate with changes"


async def test_leaving_asks_only_after_a_change_and_a_kept_draft_comes_back_with_e() -> None:
    backend = make_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_recreate(pilot, app)
        await pilot.press("escape")  # filled from the builder, nothing changed: closes at once
        await settle(pilot)
        assert isinstance(app.screen, BuildersScreen)
        wizard = await open_recreate(pilot, app)
        await next_step(pilot)
        wizard.query_one("#network-host", Checkbox).value = False
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DiscardDialog)
        assert f"e on {NAME} opens it again" in dialog.what
        await pilot.press("k")  # keep for later
        await settle(pilot)
        again = await open_recreate(pilot, app)
        assert again is not wizard and again.resumed and again.step.value == "node"
        assert again.query_one("#network-host", Checkbox).value is False
        assert backend.calls == [LS, CONTEXT_LS, CONTEXT_LS, CONTEXT_LS]  # nothing ran


async def test_the_wizard_checks_unix_sockets_with_the_apps_check(tmp_path: Path) -> None:
    """The machine facts come from the app's services (they did not: these tests failed on a
    machine where the lab was down, the wizard looking at this machine's /tmp)."""
    from buildx_tui.ui.app import BuildxApp
    from tests.demo import FIXED_NOW

    app = BuildxApp(
        make_backend(),
        refresh_interval=0,
        clock=lambda: FIXED_NOW,
        socket_check=lambda path: f"{path} is not a socket (the test's check)",
    )
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_recreate(pilot, app)
        assert wizard.step.value == "endpoint"
        await next_step(pilot)
        assert wizard.step.value == "endpoint"  # refused: the socket "does not listen"
        shown = str(wizard.query_one("#wizard-problems").render())
        assert "is not a socket (the test's check)" in shown
