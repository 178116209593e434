"""Running a recreate plan (issue #11 item 24) on a fake backend replaying the recorded lab
run (scripts/record_recreate_fixtures.py): rm [--keep-state], create, bootstrap; and every
failure undone — the half-made builder removed, the config file put back, the original created
again with its own buildkitd.toml."""

from __future__ import annotations

from pathlib import Path

from buildx_tui.core.builders import Builder, parse_ls_json
from buildx_tui.core.create.buildkitd.config import RegistryConfig
from buildx_tui.core.create.recreate import RecreateSource, build_recreate_plan, read_builder
from buildx_tui.core.create.run import CreatePlan, EventKind, Phase, RunEvent, Runner, RunOutcome
from tests.fakes import FakeBackend, Reply, fixture

NAME = "recreate-rec"
LS = ("buildx", "ls", "--format", "json")
PINNED = {NAME: {f"{NAME}0": ["linux/amd64", "linux/arm64"]}}
BOOTSTRAP = ("buildx", "inspect", "--bootstrap", NAME)


def source(tmp_path: Path) -> RecreateSource:
    ls = parse_ls_json(fixture("local/recreate-ls-before.json"), PINNED)
    builder = ls.get(NAME)
    assert isinstance(builder, Builder)
    return read_builder(builder, config_dir=tmp_path)


def with_mirror(src: RecreateSource, keep_state: bool = True, extra_opts: str = "") -> CreatePlan:
    draft = src.new_draft()
    draft.config.registries["ghcr.io"] = RegistryConfig(mirrors=["127.0.0.1:5000"])
    draft.extra_opts = extra_opts  # as recorded; the wizard's own checks refuse "memroy"
    return build_recreate_plan(src, draft, keep_state)


def backend_for(plan: CreatePlan, **replies: Reply) -> FakeBackend:
    """`ls` as recorded at each point of the lab run: the builder, gone after rm, back after a
    create."""
    backend = FakeBackend(ls_output=fixture("local/recreate-ls-before.json"), pinned=PINNED)
    backend.replies.update({tuple(k.split("|")): v for k, v in replies.items()})

    def after_run(argv: tuple[str, ...]) -> None:
        if argv[:2] == ("buildx", "rm"):
            backend.ls_output = fixture("local/recreate-ls-failed-create.json")
        elif argv[:2] == ("buildx", "create") and not backend.replies.get(argv, Reply()).returncode:
            backend.ls_output = fixture("local/recreate-ls-after.json")

    backend.after_run = after_run
    return backend


def run(plan: CreatePlan, backend: FakeBackend) -> tuple[RunOutcome, list[RunEvent]]:
    events: list[RunEvent] = []
    return Runner(plan, backend, events.append).run(), events


def test_recreate_writes_the_config_removes_keeping_state_creates_and_bootstraps(
    tmp_path: Path,
) -> None:
    src = source(tmp_path)
    plan = with_mirror(src)
    path = src.config_path
    assert path is not None and not path.exists()
    rm, create, bootstrap = (tuple(argv) for _, argv in plan.commands())
    assert rm == ("buildx", "rm", "--keep-state", NAME)
    backend = backend_for(plan)
    written: list[str] = []
    backend.after_run = (lambda old: lambda argv: (written.append(path.read_text()), old(argv)))(
        backend.after_run
    )
    outcome, events = run(plan, backend)
    assert backend.calls == [rm, create, bootstrap, LS]
    assert outcome.ok and outcome.builder is not None and outcome.builder.current
    assert '[registry."ghcr.io"]' in written[0]  # written before rm
    assert '[registry."ghcr.io"]' in path.read_text()
    phases = [(e.phase, e.kind) for e in events if e.kind is not EventKind.LINE]
    assert phases[:4] == [
        (Phase.CONFIG, EventKind.START), (Phase.CONFIG, EventKind.OK),
        (Phase.REMOVE, EventKind.START), (Phase.REMOVE, EventKind.OK),
    ]  # fmt: skip


def test_a_failed_create_is_undone_by_creating_the_original_with_its_own_config(
    tmp_path: Path,
) -> None:
    src = source(tmp_path)
    plan = with_mirror(src, keep_state=False, extra_opts="memroy=2g")
    rm, create, _ = (tuple(argv) for _, argv in plan.commands())
    assert rm == ("buildx", "rm", NAME)
    original = tuple(src.draft.spec().argv())
    path = src.config_path
    assert path is not None
    error = fixture("local/recreate-create-err-driver-opt.stderr")
    backend = backend_for(plan, **{"|".join(create): Reply(1, "", error)})
    seen: dict[tuple[str, ...], str] = {}
    old = backend.after_run
    assert old is not None

    def look(argv: tuple[str, ...]) -> None:
        seen[argv] = path.read_text() if path.exists() else "<none>"
        old(argv)

    backend.after_run = look
    outcome, events = run(plan, backend)
    # rm, the failed create (buildx left no builder: nothing to remove), the original again
    assert backend.calls == [rm, create, original, BOOTSTRAP]
    assert '[registry."ghcr.io"]' in seen[create]
    assert seen[original] == src.draft.config_text  # the config the node ran with
    assert not path.exists() and not path.parent.exists()  # as before the run
    assert not outcome.ok and outcome.failed is Phase.CREATE and outcome.restored
    assert outcome.rolled_back == (
        f"removed {path} and the folder made for it",
        f"created {NAME} again as it was",
    )
    assert outcome.explanation is not None and "memroy" in outcome.explanation.detail
    starts = [(e.phase, e.text) for e in events if e.kind is EventKind.START]
    assert starts[-3:] == [
        (Phase.CONFIG, f"write {path}"),  # the node's own settings, for its create only
        (Phase.RESTORE, backend.display(original)),
        (Phase.RESTORE, backend.display(BOOTSTRAP)),
    ]


def test_a_failed_bootstrap_removes_the_new_builder_then_restores(tmp_path: Path) -> None:
    src = source(tmp_path)
    draft = src.new_draft()
    draft.network_host, draft.extra_opts = False, "network=recreate-no-such-net"
    plan = build_recreate_plan(src, draft, keep_state=True)
    rm, create, bootstrap = (tuple(argv) for _, argv in plan.commands())
    assert "network=recreate-no-such-net" in create
    error = fixture("local/recreate-bootstrap-err-network.stderr")
    backend = backend_for(plan)
    original = tuple(src.draft.spec().argv())
    # the same bootstrap command fails for the new builder, then works for the original
    replies = iter([Reply(1, "", error), Reply(0, "")])
    old = backend.after_run
    assert old is not None

    def answer(argv: tuple[str, ...]) -> None:
        if argv == BOOTSTRAP:
            backend.replies[BOOTSTRAP] = next(replies, Reply())
        old(argv)

    backend.replies[BOOTSTRAP] = next(replies)
    backend.after_run = answer
    outcome, events = run(plan, backend)
    rm_new = ("buildx", "rm", NAME)
    assert backend.calls == [rm, create, bootstrap, rm_new, original, BOOTSTRAP]
    assert outcome.failed is Phase.BOOTSTRAP and outcome.restored
    assert outcome.rolled_back == (
        "removed the new builder again",
        f"removed {src.config_path} and the folder made for it",
        f"created {NAME} again as it was",
    )
    assert outcome.explanation is not None
    assert outcome.explanation.title == 'The Docker network "recreate-no-such-net" does not exist'
    assert "network recreate-no-such-net not found" in outcome.explanation.detail
    rollback = [e for e in events if e.phase is Phase.ROLLBACK and e.kind is EventKind.START]
    assert [e.text for e in rollback] == [backend.display(rm_new)]


def test_a_failed_rm_that_left_the_builder_restores_only_the_config(tmp_path: Path) -> None:
    src = source(tmp_path)
    plan = with_mirror(src)
    rm = tuple(plan.commands()[0][1])
    backend = backend_for(plan, **{"|".join(rm): Reply(1, "", "ERROR: boom\n")})
    backend.after_run = None  # the builder is still listed
    outcome, _ = run(plan, backend)
    assert backend.calls == [rm, LS]
    assert outcome.failed is Phase.REMOVE and not outcome.restored
    assert src.config_path is not None and not src.config_path.exists()


def test_a_failed_rm_that_dropped_the_builder_creates_it_again(tmp_path: Path) -> None:
    src = source(tmp_path)
    plan = with_mirror(src)
    rm = tuple(plan.commands()[0][1])
    backend = backend_for(plan, **{"|".join(rm): Reply(1, "", "failed to remove recreate-rec\n")})
    outcome, _ = run(plan, backend)
    original = tuple(src.draft.spec().argv())
    assert backend.calls == [rm, LS, original, BOOTSTRAP]
    assert outcome.restored


def test_an_original_that_cannot_be_created_again_is_said_with_its_command(
    tmp_path: Path,
) -> None:
    src = source(tmp_path)
    plan = with_mirror(src)
    rm, create, _ = (tuple(argv) for _, argv in plan.commands())
    original = tuple(src.draft.spec().argv())
    error = fixture("local/recreate-create-err-driver-opt.stderr")
    backend = backend_for(
        plan, **{"|".join(create): Reply(1, "", error), "|".join(original): Reply(1, "", "nope")}
    )
    outcome, _ = run(plan, backend)
    assert backend.calls == [rm, create, original]
    assert not outcome.restored
    assert outcome.rolled_back[-1] == (
        f"could not create {NAME} again (nope); by hand: {backend.display(original)}"
    )


def test_a_cancelled_recreate_is_undone_and_the_restore_cannot_be_cancelled(
    tmp_path: Path,
) -> None:
    src = source(tmp_path)
    plan = with_mirror(src)
    rm, create, _ = (tuple(argv) for _, argv in plan.commands())
    backend = backend_for(plan)
    events: list[RunEvent] = []
    runner = Runner(plan, backend, events.append)
    tokens: list[object | None] = []
    run_ = backend.run

    def run_with_token(argv, **kw):  # type: ignore[no-untyped-def]
        tokens.append(kw.get("token"))
        return run_(argv, **kw)

    backend.run = run_with_token  # type: ignore[method-assign]
    old = backend.after_run
    assert old is not None

    def stop(argv: tuple[str, ...]) -> None:
        old(argv)
        if argv == create:
            runner.cancel()  # Stop while create runs

    backend.after_run = stop
    outcome = runner.run()
    original = tuple(src.draft.spec().argv())
    assert backend.calls == [rm, create, ("buildx", "rm", NAME), original, BOOTSTRAP]
    assert outcome.cancelled and outcome.restored
    assert tokens[:2] == [runner.token, runner.token] and tokens[2:] == [None, None, None]
