"""Pilot tests of the build form's Advanced section (--secret, --ssh, --cache-from/--cache-to,
--label, --annotation) and of its help: each bad value blocks the build with its message, warnings
are shown or asked about, the command follows, and a secret's value is never shown or stored."""

from __future__ import annotations

import pytest
from textual.widgets import Input, RadioButton, Static, TextArea

from buildx_tui.core.build.history import History, HistoryEntry
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.ui.build.advanced_options import AdvancedOptions
from buildx_tui.ui.build.confirm import BuildConfirmScreen
from buildx_tui.ui.build.help import BuildFormHelp
from buildx_tui.ui.build.history import BuildHistoryScreen
from buildx_tui.ui.build.progress import BuildProgressScreen
from buildx_tui.ui.common.command_log import CommandLog
from tests.demo import FIXED_NOW
from tests.helpers.build_backend import (
    META,
    MULTI,
    BuildReply,
    build_key,
    form_backend,
    lab_builders,
)
from tests.helpers.build_form import SIZE, builds_run, check_blocks, open_form, text, type_into
from tests.helpers.build_scenes import make_app
from tests.helpers.render import plain

pytestmark = pytest.mark.usefixtures("frozen_build_clock")


@pytest.fixture(autouse=True)
def _no_agent(monkeypatch):
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)


def advanced(screen) -> AdvancedOptions:
    return screen.query_one(AdvancedOptions)


# -- the section -----------------------------------------------------------------------------------


async def test_advanced_is_collapsed_until_a_spec_uses_it(history, context):
    spec = BuildSpec(builder="lab-container", labels=(("a", "1"),), cache_from=("r:cache",))
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        plain_form = await open_form(pilot, app, lab_builders()["lab-container"])
        assert advanced(plain_form).collapsed
        assert not plain_form.query_one("#secrets", TextArea).is_on_screen
        app.pop_screen()
        form = await open_form(pilot, app, lab_builders()["lab-container"], spec=spec)
        assert not advanced(form).collapsed
        assert form.query_one("#labels", TextArea).text == "a=1"
        assert form.query_one("#cache-from", TextArea).text == "r:cache"
        assert "(2 set)" in str(advanced(form).title)
        assert "--label a=1 --cache-from r:cache ." in text(app, "#command")


async def test_edit_from_history_fills_and_opens_the_advanced_section(history, context):
    spec = BuildSpec(
        builder="lab-container",
        secrets=("id=tok,env=HOME",),
        ssh=("default",),
        cache_to=("type=inline",),
        annotations=("manifest:k=v",),
    )
    history.append(
        HistoryEntry(spec=spec, command="x", started_at=FIXED_NOW, result="success", duration_s=1)
    )
    app = make_app(form_backend())
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        assert advanced(form).collapsed
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, BuildHistoryScreen)
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is form and not advanced(form).collapsed
        assert form.query_one("#secrets", TextArea).text == "id=tok,env=HOME"
        assert form.query_one("#annotations", TextArea).text == "manifest:k=v"
        assert form.spec is not None and form.spec.argv() == spec.argv()


# -- every validation: message under the field, in the checks, nothing runs -----------------------


async def test_each_bad_option_blocks_the_build_with_its_message(history, context):
    (context / "afile").write_text("x")
    (context / "id.pub").write_text("ssh-ed25519 AAAA")
    backend = form_backend()
    app = make_app(backend)
    cases = [  # (widget, value, field, message, parsed: the command can still be shown)
        ("#secrets", "src=/x", "secrets", "--secret line 1: a secret needs id=NAME", False),
        ("#secrets", "id=a b,src=x", "secrets", "id 'a b' cannot contain spaces", False),
        ("#secrets", "id=a,env=1X", "secrets", "env='1X' is not an environment variable", False),
        ("#secrets", "id=s,src=gone", "secrets", "--secret id=s: file 'gone' does not exist",
         True),
        ("#secrets", f"id=s,src={context}", "secrets", "is a directory, not a file", True),
        ("#ssh", "=/k", "ssh", "--ssh line 1: empty id before '='", False),
        ("#ssh", "gh=id.pub", "ssh", "--ssh gh: 'id.pub' looks like a public key", True),
        ("#ssh", "gh=nokey", "ssh", "--ssh gh: file 'nokey' does not exist", True),
        ("#cache-from", "type=inline", "cache_from", "type=inline is only for --cache-to", False),
        ("#cache-from", "User/App:c", "cache_from", "repository names must be lowercase", False),
        ("#cache-from", "type=local", "cache_from", "type=local needs src=DIR", False),
        ("#cache-from", "type=local,src=afile", "cache_from", "'afile' is not a folder", True),
        ("#cache-to", "type=floppy", "cache_to", "unknown cache type 'floppy'", False),
        ("#cache-to", "type=registry,ref=r:1,mode=maximum", "cache_to", "mode='maximum'", False),
        ("#cache-to", "type=gha,token=t0k", "cache_to", "token= would put a credential", False),
        ("#cache-to", "type=local,dest=afile", "cache_to", "'afile' exists and is not a folder",
         True),
        ("#labels", "nokey", "labels", "--label line 1: 'nokey' has no '='", False),
        ("#labels", "a=1\na=2", "labels", "--label line 2: a given twice", False),
        ("#annotations", "layer:k=v", "annotations", "unknown annotation type 'layer'", False),
    ]  # fmt: skip
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        for n, (selector, value, field, message, parsed) in enumerate(cases):
            await type_into(pilot, screen, selector, value)
            if n == 0:  # typed while collapsed: Build opens the section on the bad field
                assert advanced(screen).collapsed
            await check_blocks(pilot, app, backend, screen, field, message)
            assert not advanced(screen).collapsed
            assert app.focused is screen.query_one(selector)
            assert screen.query_one(selector).has_class("-invalid")
            assert ("fix the errors above" in text(app, "#command")) is not parsed
            await type_into(pilot, screen, selector, "")
            assert "✔ ready to build" in text(app, "#checks")
            assert not screen.query_one(selector).has_class("-invalid")


# -- warnings --------------------------------------------------------------------------------------


async def test_unset_secret_variable_is_a_note_and_the_build_runs(history, context, monkeypatch):
    monkeypatch.delenv("BXT_UNSET_VAR", raising=False)
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        await type_into(pilot, screen, "#secrets", "id=tok,env=BXT_UNSET_VAR")
        checks = text(app, "#checks")
        assert "✔ ready to build" in checks
        note = "• --secret id=tok: $BXT_UNSET_VAR is not set here, so the secret will be empty"
        assert note in checks
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BuildProgressScreen)
        await app.workers.wait_for_complete()
        assert builds_run(backend)[0][-3:] == ("--secret", "id=tok,env=BXT_UNSET_VAR", ".")


async def test_ssh_agent_without_ssh_auth_sock_is_asked_about(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        await type_into(pilot, screen, "#ssh", "default")
        assert (
            "⚠ buildx will refuse: --ssh default forwards your agent, but SSH_AUTH_SOCK is not set"
            in text(app, "#checks")
        )
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BuildConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and builds_run(backend) == []


async def test_docker_driver_cache_export_refused_inline_explained(history, context):
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["default"])
        await type_into(pilot, screen, "#cache-to", "type=local,dest=cache\ntype=inline")
        checks = text(app, "#checks")
        assert (
            "⚠ buildx will refuse: the docker driver cannot export cache (--cache-to type=local)"
            in checks
        )
        assert "type=inline embeds the cache in the image itself" in checks
        await type_into(pilot, screen, "#annotations", "index:k=v")
        assert "the docker driver cannot write index annotations" in text(app, "#checks")
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert isinstance(app.screen, BuildConfirmScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert builds_run(backend) == []


# -- the command -----------------------------------------------------------------------------------


async def test_command_follows_the_options_and_the_build_gets_the_exact_argv(history, context):
    (context / "npmrc").write_text("x")
    backend = form_backend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_form(pilot, app, lab_builders()["lab-container"])
        await type_into(pilot, screen, "#tags", "127.0.0.1:5000/app:1")
        await type_into(pilot, screen, "#secrets", "id=npm,src=npmrc")
        await type_into(pilot, screen, "#cache-from", "127.0.0.1:5000/app:cache")
        await type_into(
            pilot, screen, "#cache-to", "type=registry,ref=127.0.0.1:5000/app:cache,mode=max"
        )
        await type_into(pilot, screen, "#labels", "org.opencontainers.image.title=my app")
        await type_into(pilot, screen, "#annotations", "manifest:k=v")
        screen.query_one("#out-push", RadioButton).value = True
        await pilot.pause()
        expected = (
            "docker buildx build --builder lab-container -t 127.0.0.1:5000/app:1 "
            "--label 'org.opencontainers.image.title=my app' --annotation manifest:k=v "
            "--secret id=npm,src=npmrc --cache-from 127.0.0.1:5000/app:cache "
            "--cache-to type=registry,ref=127.0.0.1:5000/app:cache,mode=max --push ."
        )
        assert "$ " + expected in text(app, "#command")
        assert "(5 set)" in str(advanced(screen).title)
        assert "✔ ready to build" in text(app, "#checks")
        await pilot.press("ctrl+b")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert builds_run(backend) == [
            ("buildx", "build", "--builder", "lab-container", "--progress=rawjson",
             "--metadata-file", "<metadata>", "-t", "127.0.0.1:5000/app:1",
             "--label", "org.opencontainers.image.title=my app",
             "--annotation", "manifest:k=v", "--secret", "id=npm,src=npmrc",
             "--cache-from", "127.0.0.1:5000/app:cache",
             "--cache-to", "type=registry,ref=127.0.0.1:5000/app:cache,mode=max", "--push", ".")
        ]  # fmt: skip


# -- a secret's value: never on screen, in the command log or the history --------------------------

FILE_VALUE = "file-secret-VALUE-4711"
ENV_VALUE = "env-secret-VALUE-0815"


def screens_text(app) -> str:
    logs = [e.command for s in app.screen_stack for log in s.query(CommandLog) for e in log.entries]
    return app.export_screenshot() + "\n".join(logs)


async def test_a_secret_value_never_appears_anywhere(history: History, context, monkeypatch):
    secret_file = context / "token.txt"
    secret_file.write_text(FILE_VALUE)
    monkeypatch.setenv("BXT_TOKEN", ENV_VALUE)
    spec = BuildSpec(
        builder="lab-container",
        tags=("127.0.0.1:5000/app:1",),
        output=Output.PUSH,
        secrets=(f"id=npm,src={secret_file}", "id=tok,env=BXT_TOKEN"),
    )
    backend = form_backend()
    backend.builds[build_key(spec)] = BuildReply(MULTI, 0, META)
    app = make_app(backend)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        await type_into(pilot, form, "#tags", "127.0.0.1:5000/app:1")
        await type_into(pilot, form, "#secrets", f"id=npm,src={secret_file}\nid=tok,env=BXT_TOKEN")
        form.query_one("#out-push", RadioButton).value = True
        await pilot.pause()
        assert form.spec == spec
        advanced(form).collapsed = False
        form.query_one("#secrets", TextArea).focus()
        await pilot.pause()
        await pilot.press("ctrl+o")
        seen += [screens_text(app), app.clipboard]
        assert f"id=npm,src={secret_file}" in seen[0]  # the field is on screen, not its value
        await pilot.press("ctrl+b")
        await app.workers.wait_for_complete()  # the push pre-flight (each tag's registry)
        await pilot.pause()
        progress = app.screen
        assert isinstance(progress, BuildProgressScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert progress.outcome is not None and progress.outcome.result.returncode == 0
        seen.append(screens_text(app))
        app.push_screen(BuildHistoryScreen())
        await app.workers.wait_for_complete()
        await pilot.pause()
        seen.append(screens_text(app))
        details = plain(app.screen.query_one("#history-details", Static).content)
    saved = history.path.read_text()
    seen += [saved, details, repr(backend.calls)]
    # The secret went through: its id and file are in the command, the history and the argv…
    assert f"--secret id=npm,src={secret_file} --secret id=tok,env=BXT_TOKEN" in details
    assert f"id=npm,src={secret_file}" in saved and "BXT_TOKEN" in saved
    assert ("--secret", f"id=npm,src={secret_file}") == builds_run(backend)[0][-6:-4]
    # …its value nowhere.
    for where in seen:
        assert FILE_VALUE not in where and ENV_VALUE not in where


# -- help ------------------------------------------------------------------------------------------


async def test_f1_opens_the_form_help_even_from_a_text_field(history, context):
    app = make_app(form_backend())
    async with app.run_test(size=(120, 60)) as pilot:
        form = await open_form(pilot, app, lab_builders()["lab-container"])
        assert isinstance(app.focused, Input)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, BuildFormHelp)
        help_text = plain(app.screen.query_one("#help-keys", Static).content)
        for words in (
            "ctrl+b, F5",
            "Build",
            "F1, ?",
            "--secret",
            "never the value",
            "--ssh",
            "SSH_AUTH_SOCK",
            "--cache-from",
            "--cache-to",
            "type=inline",
            "--label",
            "--annotation",
            "Build args",
            "--build-arg",
            "-t: [registry/]name[:tag]",  # not eaten as markup
            "[TYPE:]KEY=VALUE",
        ):
            assert words in help_text, words
        legend = plain(app.screen.query_one("#help-legend", Static).content)
        assert "⚠ buildx will refuse" in legend and "QEMU · slower" in legend
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form
        # ? opens it too when the focus is not in a text field (there it types a '?').
        form.query_one("#no-cache").focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, BuildFormHelp)
