"""Pilot tests of the create wizard on a fake backend replaying real buildx output.

Every bad input of every step gives its message, keeps the step, runs nothing and writes
nothing; the runs write the config only right before `create` and undo a failed attempt.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from textual.widgets import Checkbox, Input, RadioButton, SelectionList, Static

from buildx_tui.core.create.run import Phase
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.common.command_log import CommandLog, EntryState
from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture
from tests.helpers.render import plain
from tests.helpers.wizard import (
    CONTEXT_LS,
    LS,
    NAME,
    SIZE,
    bootstrap_ok,
    fill,
    make_backend,
    next_step,
    settle,
    to_step,
)


@contextlib.asynccontextmanager
async def wizard(
    backend: FakeBackend, config_dir: Path, append_to: str | None = None
) -> AsyncIterator[tuple[BuildxApp, object, CreateWizardScreen, list[str | None]]]:
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)
    results: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = CreateWizardScreen(app.screen.ls, append_to, config_dir=config_dir)  # type: ignore[attr-defined]
        app.push_screen(screen, results.append)
        await settle(pilot)
        yield app, pilot, screen, results


def problems(screen: CreateWizardScreen) -> str:
    box = screen.query_one("#wizard-problems", Static)
    return plain(box.content) if box.display else ""


def nothing_ran(backend: FakeBackend) -> bool:
    return all(call in (LS, CONTEXT_LS) for call in backend.calls)


# --- step 1: name ------------------------------------------------------------------------


async def test_name_step_rejects_bad_names_and_offers_append(tmp_path: Path) -> None:
    backend = make_backend()
    async with wizard(backend, tmp_path) as (_app, pilot, screen, _):
        cases = {
            "": "a builder name is required",
            "1abc": "must start with a letter",
            "default": '"default" is reserved',
            "lab-remote": 'a builder named "lab-remote" already exists (remote; nodes: '
            "lab-remote0). Choose another name, or append a node to it (--append)",
        }
        for name, message in cases.items():
            await fill(pilot, screen, name=name)
            await next_step(pilot)
            assert screen.step.value == "name", name
            assert message in problems(screen)
            assert screen.query_one("#name", Input).has_class("-invalid")
        append = screen.query_one("#append", Checkbox)
        assert append.display
        assert "Append a node to lab-remote (remote, 1 node)" in str(append.label)
        append.value = True
        await next_step(pilot)
        assert screen.step.value == "driver"
        # Appending: only the builder's own driver can be chosen.
        assert screen.query_one("#driver-remote", RadioButton).value
        assert screen.query_one("#driver-docker-container", RadioButton).disabled
        assert nothing_ran(backend)
        assert list(tmp_path.iterdir()) == []


async def test_a_late_context_list_does_not_wipe_what_was_typed(tmp_path: Path) -> None:
    gate = threading.Event()
    backend = make_backend()
    backend.replies[CONTEXT_LS] = Reply(0, fixture("local/context-ls.json"), gate=gate)
    app = BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = CreateWizardScreen(app.screen.ls, config_dir=tmp_path)  # type: ignore[attr-defined]
        app.push_screen(screen)
        await pilot.pause()
        await pilot.press(*"typed-before")
        gate.set()  # `docker context ls` answers only now
        await settle(pilot)
        assert screen.ctx.contexts == ["default"]
        assert screen.query_one("#name", Input).value == "typed-before"


async def test_lower_case_warning_does_not_block(tmp_path: Path) -> None:
    async with wizard(make_backend(), tmp_path) as (_app, pilot, screen, _):
        await fill(pilot, screen, name="MyBuilder")
        await next_step(pilot)
        assert screen.step.value == "driver"


# --- step 2: driver ----------------------------------------------------------------------


async def test_docker_driver_is_explained_and_refused(tmp_path: Path) -> None:
    backend = make_backend()
    async with wizard(backend, tmp_path) as (_app, pilot, screen, _):
        await to_step(pilot, screen, "driver")
        screen.query_one("#driver-docker", RadioButton).value = True
        await pilot.pause()
        info = plain(screen.query_one("#driver-info", Static).content)
        assert "cannot build several platforms at once" in info
        await next_step(pilot)
        assert screen.step.value == "driver"
        assert "cannot create builders with the docker driver" in problems(screen)
        assert nothing_ran(backend)


async def test_enter_on_the_driver_list_chooses_and_moves_on(tmp_path: Path) -> None:
    async with wizard(make_backend(), tmp_path) as (_app, pilot, screen, _):
        await to_step(pilot, screen, "driver")
        screen.query_one("#driver").focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.step.value == "endpoint"
        assert screen.draft.driver == "remote"


# --- step 3: endpoint and TLS ------------------------------------------------------------


async def test_endpoint_rules_per_driver(tmp_path: Path) -> None:
    backend = make_backend()
    async with wizard(backend, tmp_path) as (_app, pilot, screen, _):
        await to_step(pilot, screen, "endpoint", driver="remote")
        for endpoint, message in {
            "": "the remote driver needs the address of a running buildkitd",
            "http://127.0.0.1:1234": "http:// is not a BuildKit address",
            "tcp://127.0.0.1": "add the port buildkitd listens on",
        }.items():
            await fill(pilot, screen, endpoint=endpoint)
            await next_step(pilot)
            assert screen.step.value == "endpoint"
            assert message in problems(screen)
        await pilot.press("ctrl+b")
        await settle(pilot)
        screen.query_one("#driver-docker-container", RadioButton).value = True
        await next_step(pilot)
        # The Docker contexts were read with `docker context ls` (recorded on the lab).
        assert "Docker contexts: default" in plain(screen.query_one("#contexts", Static).content)
        await fill(pilot, screen, endpoint="nosuchcontext")
        await next_step(pilot)
        assert 'there is no Docker context "nosuchcontext" (contexts: default)' in problems(screen)
        await pilot.press("ctrl+b")
        await settle(pilot)
        screen.query_one("#driver-kubernetes", RadioButton).value = True
        await next_step(pilot)
        assert screen.query_one("#endpoint", Input).disabled
        await fill(pilot, screen, endpoint="")
        await next_step(pilot)
        assert screen.step.value == "node"
        assert nothing_ran(backend)


async def test_timeout_is_a_go_duration_and_reaches_create_and_bootstrap(tmp_path: Path) -> None:
    endpoint = "ssh://root@127.0.0.1:2222"
    bootstrap = ("buildx", "inspect", "--bootstrap", "--timeout", "1m30s", NAME)
    backend = make_backend(**{"|".join(bootstrap): bootstrap_ok()})
    async with wizard(backend, tmp_path / "cfg") as (_app, pilot, screen, _):
        await to_step(pilot, screen, "endpoint")
        timeout = screen.query_one("#timeout", Input)
        for bad, message in {
            "90": 'missing unit in duration "90": write it like 20s, 90s, 1m30s or 2m',
            "0s": 'a timeout of "0s" makes buildx give up at once',
            "1m 30s": 'unknown unit "m " in duration "1m 30s"',
        }.items():
            await fill(pilot, screen, endpoint=endpoint, timeout=bad)
            await next_step(pilot)
            assert screen.step.value == "endpoint"
            assert message in problems(screen)
            assert timeout.has_class("-invalid")
            assert screen.focused is timeout
        assert nothing_ran(backend)
        await fill(pilot, screen, timeout="1m30s")
        await next_step(pilot)
        assert screen.step.value == "node", problems(screen)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert timeout.value == "1m30s" and not timeout.has_class("-invalid")
        await next_step(pilot)
        await next_step(pilot)
        await next_step(pilot)
        assert screen.step.value == "review", problems(screen)
        commands = plain(screen.query_one("#review-commands", Static).content)
        assert f"--timeout 1m30s {endpoint}" in commands
        assert f"docker buildx inspect --bootstrap --timeout 1m30s {NAME}" in commands
        screen.query_one("#do-use", Checkbox).value = False
        await pilot.pause()
        await next_step(pilot)  # Create
        assert screen.outcome is not None and screen.outcome.ok
        create = ("buildx", "create", "--name", NAME, "--driver", "docker-container",
                  "--timeout", "1m30s", endpoint)  # fmt: skip
        assert backend.calls[-3:] == [create, bootstrap, LS]


async def test_tls_files_are_checked(tmp_path: Path) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    (certs / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n")
    (certs / "cert.pem").write_text("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n")
    key = certs / "key.pem"
    key.write_text("-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n")
    key.chmod(0o644)
    backend = make_backend()
    config_dir = tmp_path / "cfg"
    async with wizard(backend, config_dir) as (_app, pilot, screen, _):
        await to_step(pilot, screen, "endpoint", driver="remote")
        assert screen.query_one("#tls").display
        await fill(pilot, screen, endpoint="tcp://127.0.0.1:1234", cacert=str(certs / "ca.pem"),
                   cert=str(certs / "cert.pem"), key=str(key))  # fmt: skip
        await next_step(pilot)
        assert f"the private key {key} is readable by every user" in problems(screen)
        assert f"chmod 600 {key}" in problems(screen)
        assert screen.query_one("#key", Input).has_class("-invalid")
        key.chmod(0o600)
        await fill(pilot, screen, cacert="")
        await next_step(pilot)
        assert "missing keys cacert" in problems(screen)
        await fill(pilot, screen, cacert="certs/ca.pem")
        await next_step(pilot)
        assert "buildx needs an absolute path for cacert" in problems(screen)
        await fill(pilot, screen, cacert=str(certs / "nope.pem"))
        await next_step(pilot)
        assert "does not exist" in problems(screen)
        await fill(pilot, screen, cacert=str(certs / "ca.pem"))
        await next_step(pilot)
        assert screen.step.value == "node"
        assert nothing_ran(backend)
        assert not config_dir.exists()


async def test_connection_test_says_nothing_listens(tmp_path: Path) -> None:
    import socket

    unused = socket.socket()
    unused.bind(("127.0.0.1", 0))  # bound, never listening
    port = unused.getsockname()[1]
    try:
        async with wizard(make_backend(), tmp_path) as (_app, pilot, screen, _):
            await to_step(pilot, screen, "endpoint", driver="remote")
            await fill(pilot, screen, endpoint=f"tcp://127.0.0.1:{port}")
            await pilot.click("#probe")
            await settle(pilot)
            result = plain(screen.query_one("#probe-result", Static).content)
            assert f"nothing listens on 127.0.0.1:{port} (connection refused)" in result
    finally:
        unused.close()


# --- step 4: node ------------------------------------------------------------------------


async def test_node_step_checks_platforms_options_and_flags(tmp_path: Path) -> None:
    backend = make_backend()
    async with wizard(backend, tmp_path) as (_app, pilot, screen, _):
        await to_step(pilot, screen, "node")
        assert screen.query_one("#node", Input).placeholder == f"default {NAME}0"
        cases = [
            ({"extra_platforms": "linux/sparc"}, "unknown architecture 'sparc'"),
            ({"extra_platforms": "", "node": "0node"}, "invalid node name"),
            ({"node": "", "memory": "lots"}, "memory: 'lots' is not a size like 512m or 2g"),
            ({"memory": "", "extra_opts": "memroy=2g"},
             'the docker-container driver has no option "memroy"'),
            ({"extra_opts": "", "env": "JUSTANAME"}, '"JUSTANAME" is not NAME=value'),
            ({"env": "", "flags": "--debug 'x"}, "cannot split the flags"),
        ]  # fmt: skip
        for values, message in cases:
            await fill(pilot, screen, **values)
            await next_step(pilot)
            assert screen.step.value == "node", values
            assert message in problems(screen), values
        await fill(pilot, screen, flags="--debug", image="moby/buildkit:master", memory="4g")
        screen.query_one("#platforms", SelectionList).select("linux/arm64")
        screen.query_one("#network-host", Checkbox).value = True
        await next_step(pilot)
        assert screen.step.value == "registry"
        assert screen.draft.driver_opt_items() == [
            "image=moby/buildkit:master", "network=host", "memory=4g",
        ]  # fmt: skip
        assert nothing_ran(backend)


# --- step 5: registries ------------------------------------------------------------------


async def test_registry_step_validates_hosts_files_and_paths(tmp_path: Path) -> None:
    backend = make_backend()
    config_dir = tmp_path / "cfg"
    async with wizard(backend, config_dir) as (_app, pilot, screen, _):
        await to_step(pilot, screen, "registry")
        trap = plain(screen.query_one("#trap", Static).content)
        assert "never reads the engine's /etc/docker/daemon.json" in trap
        path = screen.query_one("#config-path", Input).value
        assert path == str(config_dir / "buildkitd" / f"{NAME}.toml")
        await fill(pilot, screen, new_host="https://myregistry")
        await pilot.click("#registry-add")
        await pilot.pause()
        hint = plain(screen.query_one("#registry-hint", Static).content)
        assert "https://myregistry" not in screen.query_one("#registry-list").options[-1].prompt  # type: ignore[attr-defined]
        assert "✖" in hint
        await fill(pilot, screen, mirrors="127.0.0.1:5000", ca="/no/such/ca.pem")
        await next_step(pilot)
        assert screen.step.value == "registry"
        assert '"/no/such/ca.pem" does not exist' in problems(screen)
        await fill(pilot, screen, ca="")
        await fill(pilot, screen, config_path="relative.toml")
        await next_step(pilot)  # a changed path is read first (it does not exist: nothing)
        await next_step(pilot)
        assert "use an absolute path" in problems(screen)
        assert nothing_ran(backend)
        assert not config_dir.exists()


async def test_preview_and_an_existing_file_is_edited_keeping_comments(tmp_path: Path) -> None:
    config_dir = tmp_path / "cfg"
    path = config_dir / "buildkitd" / f"{NAME}.toml"
    path.parent.mkdir(parents=True)
    original = (
        "# my notes about this builder\n"
        "[worker.oci]\n  max-parallelism = 4\n\n"
        '[registry."docker.io"]\n  mirror = ["typo.example"]  # a typo BuildKit ignores\n'
    )
    path.write_text(original)
    backend = make_backend(**{f"buildx|inspect|--bootstrap|{NAME}": bootstrap_ok()})
    async with wizard(backend, config_dir) as (_app, pilot, screen, results):
        await to_step(pilot, screen, "registry")
        status = plain(screen.query_one("#config-status", Static).content)
        assert f"Editing {path}: your comments, order and other keys are kept" in status
        await fill(pilot, screen, mirrors="127.0.0.1:5000")
        preview = plain(screen.query_one("#toml-preview", Static).content)
        assert "# my notes about this builder" in preview
        assert 'mirrors = ["127.0.0.1:5000"]' in preview
        await next_step(pilot)
        assert screen.step.value == "review"
        review = plain(screen.query_one("#review-warnings", Static).content)
        assert (
            'BuildKit ignores "mirror" in [registry."docker.io"] (did you mean "mirrors"?)'
            in review
        )
        assert path.read_text() == original  # nothing written before Create
        await next_step(pilot)
        assert results == [None] or results == []
        text = path.read_text()
        assert text.startswith("# my notes about this builder\n[worker.oci]\n  max-parallelism = 4")
        assert 'mirrors = ["127.0.0.1:5000"]' in text
        assert (path.parent / f"{NAME}.toml.bak").read_text() == original


async def test_choosing_an_existing_file_reads_it_before_anything_else(tmp_path: Path) -> None:
    mine = tmp_path / "my-buildkitd.toml"
    mine.write_text('# mine\n[registry."docker.io"]\n  mirrors = ["mirror.example"]\n')
    backend = make_backend()
    async with wizard(backend, tmp_path / "cfg") as (_app, pilot, screen, _):
        await to_step(pilot, screen, "registry")
        await fill(pilot, screen, mirrors="127.0.0.1:5000", config_path=str(mine))
        await next_step(pilot)
        # Not overwritten blind: the file is read, its settings shown, Next is needed again.
        assert screen.step.value == "registry"
        assert f"Loaded {mine}: check its settings" in problems(screen)
        assert screen.query_one("#mirrors", Input).value == "mirror.example"
        await next_step(pilot)
        assert screen.step.value == "review"
        config = plain(screen.query_one("#review-config", Static).content)
        assert f"buildkitd.toml: {mine} (used as it is, unchanged)" in config
        assert mine.read_text().startswith("# mine\n")
        assert nothing_ran(backend)


async def test_a_broken_file_at_the_path_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "cfg" / "buildkitd" / f"{NAME}.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[registry."docker.io"]\n  mirrors = "not-a-list"\n')
    backend = make_backend()
    async with wizard(backend, tmp_path / "cfg") as (_app, pilot, screen, _):
        await to_step(pilot, screen, "registry")
        await fill(pilot, screen, mirrors="127.0.0.1:5000")
        await next_step(pilot)
        assert screen.step.value == "registry"
        assert f"{path} cannot be edited" in problems(screen)
        assert 'write mirrors = ["not-a-list"]' in problems(screen)
        assert path.read_text() == '[registry."docker.io"]\n  mirrors = "not-a-list"\n'
        assert nothing_ran(backend)


async def test_an_unexpected_error_in_the_run_is_reported(tmp_path: Path) -> None:
    backend = make_backend()

    def boom(argv: tuple[str, ...]) -> None:
        raise RuntimeError("simulated bug")

    async with wizard(backend, tmp_path / "cfg") as (_app, pilot, screen, _):
        await to_step(pilot, screen, "review")
        backend.after_run = boom
        await next_step(pilot)
        await settle(pilot)
        assert not screen.running
        result = plain(screen.query_one("#run-result", Static).content)
        assert "✖ buildx-tui failed while carrying out the plan" in result
        assert "RuntimeError: simulated bug" in result


# --- review and run ----------------------------------------------------------------------


async def _walk_mirror_setup(pilot, screen: CreateWizardScreen) -> None:
    await to_step(pilot, screen, "node")
    screen.query_one("#platforms", SelectionList).select("linux/amd64")
    screen.query_one("#platforms", SelectionList).select("linux/arm64")
    screen.query_one("#network-host", Checkbox).value = True
    await next_step(pilot)
    await fill(pilot, screen, mirrors="127.0.0.1:5000", new_host="127.0.0.1:5000")
    await pilot.click("#registry-add")
    await pilot.pause()
    screen.query_one("#http", Checkbox).value = True
    screen.query_one("#insecure", Checkbox).value = True
    await pilot.pause()
    await next_step(pilot)
    assert screen.step.value == "review"


async def test_create_bootstrap_use_then_done(tmp_path: Path) -> None:
    backend = make_backend(**{f"buildx|inspect|--bootstrap|{NAME}": bootstrap_ok()})
    config_dir = tmp_path / "cfg"
    path = config_dir / "buildkitd" / f"{NAME}.toml"
    async with wizard(backend, config_dir) as (app, pilot, screen, results):
        await _walk_mirror_setup(pilot, screen)
        commands = plain(screen.query_one("#review-commands", Static).content)
        create = (
            f"docker buildx create --name {NAME} --driver docker-container --platform "
            f"linux/amd64,linux/arm64 --driver-opt network=host --buildkitd-config {path}"
        )
        assert create in commands.replace("\n", " ").replace("  ", " ")
        assert f"docker buildx inspect --bootstrap {NAME}" in commands
        assert f"docker buildx use {NAME}" in commands
        assert not path.exists()
        await next_step(pilot)  # Create
        assert backend.calls[-4:] == [
            tuple(create.split()[1:]),
            ("buildx", "inspect", "--bootstrap", NAME),
            ("buildx", "use", NAME),
            LS,
        ]
        assert path.read_text().count("[registry.") == 2
        result = plain(screen.query_one("#run-result", Static).content)
        assert f"✔ {NAME} (docker-container) is running" in result
        assert "linux/amd64*" in result and "linux/arm64*" in result
        log = [(e.command, e.state) for e in screen.query_one(CommandLog).entries]
        assert (f"docker buildx use {NAME}", EntryState.OK) in log
        await pilot.press("escape")
        await settle(pilot)
        assert results == [NAME]
        assert app.screen is not screen


async def test_failed_create_is_explained_and_leaves_no_file(tmp_path: Path) -> None:
    config_dir = tmp_path / "cfg"
    path = config_dir / "buildkitd" / f"{NAME}.toml"
    backend = make_backend()
    async with wizard(backend, config_dir) as (_app, pilot, screen, results):
        await _walk_mirror_setup(pilot, screen)
        create = next(a for p, a in screen.plan.commands() if p is Phase.CREATE)  # type: ignore[union-attr]
        backend.replies[tuple(create)] = Reply(1, "", fixture("local/create-err-toml-type.stderr"))
        await next_step(pilot)
        assert screen.outcome is not None and not screen.outcome.ok
        result = plain(screen.query_one("#run-result", Static).content)
        assert "✖ BuildKit cannot read the buildkitd.toml" in result
        assert "cannot decode TOML string into struct field config.Config.Debug" in result
        assert f"↩ removed {path}" in result
        assert not path.exists()
        assert backend.calls[-1] == tuple(create)
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert screen.step.value == "review"
        assert results == []


async def test_failed_bootstrap_removes_the_builder_again(tmp_path: Path) -> None:
    backend = make_backend(**{
        f"buildx|inspect|--bootstrap|{NAME}":
            Reply(1, "", fixture("local/bootstrap-err-image-missing.stderr")),
    })  # fmt: skip
    async with wizard(backend, tmp_path / "cfg") as (_app, pilot, screen, _):
        await to_step(pilot, screen, "node")
        await fill(pilot, screen, image="127.0.0.1:5000/no-such-buildkit:1")
        screen.query_one("#network-host", Checkbox).value = True
        await next_step(pilot)
        await next_step(pilot)
        await next_step(pilot)
        assert backend.calls[-1] == ("buildx", "rm", NAME)
        assert ("buildx", "use", NAME) not in backend.calls
        result = plain(screen.query_one("#run-result", Static).content)
        assert "✖ The BuildKit image 127.0.0.1:5000/no-such-buildkit:1 cannot be pulled" in result
        assert "↩ removed the new builder again" in result
        steps = plain(screen.query_one("#run-steps", Static).content)
        assert "✖ bootstrap" in steps and "manifest unknown" in steps


async def test_append_a_node_and_undo_it_when_bootstrap_fails(tmp_path: Path) -> None:
    sock = "unix:///tmp/buildx-tui-lab/buildkitd.sock"
    backend = make_backend(**{
        "buildx|inspect|--bootstrap|lab-remote":
            Reply(1, "", fixture("local/bootstrap-err-remote-tls.stderr")),
    })  # fmt: skip
    async with wizard(backend, tmp_path, append_to="lab-remote") as (_app, pilot, screen, _):
        assert screen.query_one("#name", Input).value == "lab-remote"
        await next_step(pilot)
        await next_step(pilot)  # remote, locked
        await fill(pilot, screen, endpoint="tcp://127.0.0.1:1234")
        await next_step(pilot)
        assert "already uses tcp://127.0.0.1:1234" in problems(screen)
        await fill(pilot, screen, endpoint=sock)
        await next_step(pilot)
        assert screen.query_one("#node", Input).value == "lab-remote1"
        await next_step(pilot)
        assert "buildx hands it no buildkitd.toml" in plain(
            screen.query_one("#remote-config-note", Static).content
        )
        await next_step(pilot)
        screen.query_one("#do-use", Checkbox).value = False
        await pilot.pause()
        await next_step(pilot)
        create = ("buildx", "create", "--append", "--name", "lab-remote", "--node", "lab-remote1",
                  "--driver", "remote", sock)  # fmt: skip
        leave = ("buildx", "create", "--leave", "--name", "lab-remote", "--node", "lab-remote1")
        assert backend.calls[-3:] == [create, ("buildx", "inspect", "--bootstrap", "lab-remote"),
                                      leave]  # fmt: skip
        result = plain(screen.query_one("#run-result", Static).content)
        assert "↩ removed the new node again" in result


async def test_escape_cancels_without_running_anything(tmp_path: Path) -> None:
    backend = make_backend()
    async with wizard(backend, tmp_path) as (_app, pilot, screen, results):
        await to_step(pilot, screen, "node")
        await pilot.press("escape")
        await settle(pilot)
        assert results == []  # something was entered: it asks first (test_create_keep.py)
        await pilot.press("d")  # discard
        await settle(pilot)
        assert results == [None]
        assert nothing_ran(backend)
        assert os.listdir(tmp_path) == []
