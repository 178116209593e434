"""Running a create plan on a fake backend that replays real buildx output: the order of the
commands, the config file written only right before `create`, and the undo of every failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from buildx_tui.core.builders import Builder, Node, NodeStatus
from buildx_tui.core.create.buildkitd.config import RegistryConfig, backup_path
from buildx_tui.core.create.draft import CreateDraft
from buildx_tui.core.create.run import (
    ConfigWrite,
    CreatePlan,
    EventKind,
    Phase,
    RunEvent,
    Runner,
    StagedConfig,
    build_plan,
)
from buildx_tui.core.create.spec import CreateSpec
from buildx_tui.core.probe import ProbeResult
from tests.fakes import FakeBackend, Reply, fixture

NAME = "wiz-rec-mirror"
LS = ("buildx", "ls", "--format", "json")


def mirror_draft(tmp_path: Path) -> CreateDraft:
    draft = CreateDraft(name=NAME, network_host=True, platforms=["linux/amd64", "linux/arm64"],
                        config_path=str(tmp_path / "cfg" / f"{NAME}.toml"))  # fmt: skip
    draft.config.registries["docker.io"] = RegistryConfig(mirrors=["127.0.0.1:5000"])
    draft.config.registries["127.0.0.1:5000"] = RegistryConfig(http=True, insecure=True)
    return draft


def run(plan: CreatePlan, backend: FakeBackend, **kw: object) -> tuple[object, list[RunEvent]]:
    events: list[RunEvent] = []
    outcome = Runner(plan, backend, events.append, **kw).run()  # type: ignore[arg-type]
    return outcome, events


def test_success_writes_config_then_creates_bootstraps_uses_and_reports(tmp_path: Path) -> None:
    plan = build_plan(mirror_draft(tmp_path))
    create, bootstrap, use = (argv for _, argv in plan.commands())
    progress = fixture("local/bootstrap-container-ok.stderr").splitlines()
    report = fixture("local/bootstrap-container-ok.stdout")
    backend = FakeBackend(
        ls_output=fixture("local/ls-wizard-created.json"),
        replies={tuple(bootstrap): Reply(0, report, lines=progress)},
    )
    written: list[bool] = []
    backend.after_run = lambda argv: written.append(Path(plan.config.path).exists())  # type: ignore[union-attr]
    outcome, events = run(plan, backend)
    assert create == [
        "buildx", "create", "--name", NAME, "--driver", "docker-container",
        "--platform", "linux/amd64,linux/arm64", "--driver-opt", "network=host",
        "--buildkitd-config", str(tmp_path / "cfg" / f"{NAME}.toml"),
    ]  # fmt: skip
    assert backend.calls == [tuple(create), tuple(bootstrap), tuple(use), LS]
    assert written[0] is True  # the file existed when create ran
    text = (tmp_path / "cfg" / f"{NAME}.toml").read_text()
    assert '[registry."docker.io"]\n  mirrors = ["127.0.0.1:5000"]' in text
    assert not backup_path(tmp_path / "cfg" / f"{NAME}.toml").exists()  # new file: no backup
    assert outcome.ok and outcome.failed is None  # type: ignore[attr-defined]
    builder = outcome.builder  # type: ignore[attr-defined]
    assert builder is not None and builder.status is NodeStatus.RUNNING
    assert "linux/arm64" in builder.nodes[0].platforms
    phases = [(e.phase, e.kind) for e in events if e.kind is not EventKind.LINE]
    assert phases == [
        (Phase.CONFIG, EventKind.START), (Phase.CONFIG, EventKind.OK),
        (Phase.CREATE, EventKind.START), (Phase.CREATE, EventKind.OK),
        (Phase.BOOTSTRAP, EventKind.START), (Phase.BOOTSTRAP, EventKind.OK),
        (Phase.USE, EventKind.START), (Phase.USE, EventKind.OK),
        (Phase.STATUS, EventKind.START), (Phase.STATUS, EventKind.OK),
    ]  # fmt: skip
    lines = [e.text for e in events if e.kind is EventKind.LINE and e.phase is Phase.BOOTSTRAP]
    assert "#1 creating container buildx_buildkit_wiz-rec-mirror0 0.5s done" in lines


def test_create_failure_leaves_no_config_file(tmp_path: Path) -> None:
    plan = build_plan(mirror_draft(tmp_path))
    create = tuple(plan.spec.argv())
    backend = FakeBackend(
        replies={create: Reply(1, "", fixture("local/create-err-toml-type.stderr"))}
    )
    outcome, _ = run(plan, backend)
    assert backend.calls == [create]  # no bootstrap, no use, no rm
    assert not outcome.ok and outcome.failed is Phase.CREATE  # type: ignore[attr-defined]
    assert outcome.explanation.title == "BuildKit cannot read the buildkitd.toml"  # type: ignore[attr-defined]
    assert not Path(plan.config.path).exists()  # type: ignore[union-attr]
    # the folder made for the new file goes too: things are left as they were
    assert list(tmp_path.iterdir()) == []
    assert outcome.rolled_back == (  # type: ignore[attr-defined]
        f"removed {plan.config.path} and the folder made for it",  # type: ignore[union-attr]
    )


def test_failure_restores_an_edited_file_and_its_backup_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    original = '# mine\r\n[registry."docker.io"]\r\n  mirrors = ["a.example"]\r\n'
    path.write_bytes(original.encode())
    path.chmod(0o640)
    backup_path(path).write_bytes(b"older version\n")
    draft = CreateDraft(name=NAME)
    assert draft.load_config(str(path)) == []
    draft.config.registries["docker.io"].mirrors.append("127.0.0.1:5000")
    plan = build_plan(draft)
    assert plan.config is not None and plan.config.previous == original
    bootstrap = ("buildx", "inspect", "--bootstrap", NAME)
    backend = FakeBackend(
        replies={bootstrap: Reply(1, "", fixture("local/bootstrap-err-image-missing.stderr"))}
    )
    seen: list[str] = []
    backend.after_run = lambda argv: (
        seen.append(path.read_bytes().decode()) if argv[1] == "create" else None
    )
    outcome, _ = run(plan, backend)
    assert "127.0.0.1:5000" in seen[0] and seen[0].startswith("# mine\r\n")  # edited, CRLF kept
    assert backend.calls[-1] == ("buildx", "rm", NAME)
    assert outcome.failed is Phase.BOOTSTRAP  # type: ignore[attr-defined]
    assert path.read_bytes() == original.encode()
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert backup_path(path).read_bytes() == b"older version\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.toml", "mine.toml.bak"]
    assert outcome.rolled_back == ("removed the new builder again", f"restored {path}")  # type: ignore[attr-defined]
    assert "cannot be pulled" in outcome.explanation.title  # type: ignore[attr-defined]


def test_success_keeps_the_previous_version_as_backup(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text("debug = false\n")
    draft = CreateDraft(name=NAME)
    draft.load_config(str(path))
    draft.config.debug = True
    outcome, _ = run(build_plan(draft), FakeBackend())
    assert outcome.ok  # type: ignore[attr-defined]
    assert path.read_text() == "debug = true\n"
    assert backup_path(path).read_text() == "debug = false\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".undo")]


def test_unchanged_config_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "same.toml"
    path.write_text("debug = true\n")
    draft = CreateDraft(name=NAME)
    draft.load_config(str(path))
    plan = build_plan(draft)
    assert plan.config is not None and not plan.config.changed
    _, events = run(plan, FakeBackend())
    assert all(e.phase is not Phase.CONFIG for e in events)
    assert not backup_path(path).exists()
    assert plan.spec.buildkitd_config == str(path)


def test_unwritable_config_path_runs_nothing(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    draft = mirror_draft(tmp_path)
    draft.config_path = str(tmp_path / "file" / "sub.toml")
    backend = FakeBackend()
    outcome, _ = run(build_plan(draft), backend)
    assert backend.calls == []
    assert outcome.failed is Phase.CONFIG  # type: ignore[attr-defined]
    assert outcome.explanation.title == "The buildkitd.toml could not be written"  # type: ignore[attr-defined]


def test_failed_bootstrap_of_an_appended_node_makes_only_that_node_leave() -> None:
    target = Builder("wiz-rec-remote", "remote", nodes=(
        Node("wiz-rec-remote0", "tcp://127.0.0.1:1234", NodeStatus.RUNNING),))  # fmt: skip
    draft = CreateDraft(name="wiz-rec-remote", append=True, driver="remote",
                        endpoint="unix:///tmp/buildx-tui-lab/buildkitd.sock")  # fmt: skip
    plan = build_plan(draft, append_to=target)
    assert plan.spec.node == "wiz-rec-remote1"  # named as buildx would, so it can be undone
    bootstrap = ("buildx", "inspect", "--bootstrap", "wiz-rec-remote")
    backend = FakeBackend(
        replies={bootstrap: Reply(1, "", fixture("local/bootstrap-err-remote-tls.stderr"))}
    )
    probe = ProbeResult(False, "there is no socket at /tmp/x.sock", "start buildkitd")
    outcome, _ = run(plan, backend, probe=lambda p: probe)
    assert backend.calls[-1] == (
        "buildx", "create", "--leave", "--name", "wiz-rec-remote", "--node", "wiz-rec-remote1",
    )  # fmt: skip
    explanation = outcome.explanation  # type: ignore[attr-defined]
    assert explanation.title == (
        "unix:///tmp/buildx-tui-lab/buildkitd.sock: there is no socket at /tmp/x.sock"
    )
    assert explanation.fix == "start buildkitd"
    assert outcome.rolled_back == ("removed the new node again",)  # type: ignore[attr-defined]


def test_use_failure_keeps_the_working_builder() -> None:
    plan = CreatePlan(CreateSpec(name="b", driver="remote", endpoint="tcp://h:1"))
    backend = FakeBackend(replies={("buildx", "use", "b"): Reply(1, "", "ERROR: boom")})
    outcome, _ = run(plan, backend)
    assert outcome.ok and outcome.failed is Phase.USE  # type: ignore[attr-defined]
    assert "not the current one" in outcome.warning  # type: ignore[attr-defined]
    assert ("buildx", "rm", "b") not in backend.calls


def test_cancel_after_create_removes_the_builder() -> None:
    plan = CreatePlan(CreateSpec(name="b", driver="remote", endpoint="tcp://h:1"))
    backend = FakeBackend()
    events: list[RunEvent] = []
    runner = Runner(plan, backend, events.append)
    backend.after_run = lambda argv: runner.cancel() if argv[1] == "create" else None
    outcome = runner.run()
    assert backend.calls == [tuple(plan.spec.argv()), ("buildx", "rm", "b")]
    assert outcome.cancelled and outcome.failed is Phase.BOOTSTRAP


def test_undo_of_an_unnamed_appended_node_is_refused() -> None:
    plan = CreatePlan(CreateSpec(name="b", append=True))
    with pytest.raises(ValueError, match="must be named"):
        plan.undo_argv()


def test_staged_config_undo_without_previous_files(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    staged = StagedConfig(ConfigWrite(path, "debug = true\n", None))
    assert staged.apply() == f"wrote {path} (new file)"
    assert path.read_text() == "debug = true\n"
    assert staged.undo() == f"removed {path}"
    assert list(tmp_path.iterdir()) == []


def test_timeout_applies_to_create_and_to_the_bootstrap_inspect() -> None:
    draft = CreateDraft(name="b", endpoint="ssh://root@127.0.0.1:2222", timeout="1m30s")
    (_, create), (_, bootstrap), (_, use) = build_plan(draft).commands()
    assert create[-3:] == ["--timeout", "1m30s", "ssh://root@127.0.0.1:2222"]
    assert bootstrap == ["buildx", "inspect", "--bootstrap", "--timeout", "1m30s", "b"]
    assert use == ["buildx", "use", "b"]
    draft.timeout = ""
    (_, create), (_, bootstrap), _ = build_plan(draft).commands()
    assert "--timeout" not in create
    assert bootstrap == ["buildx", "inspect", "--bootstrap", "b"]
