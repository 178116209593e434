"""Issue #11: the buildkitd.toml through a symbolic link, temporary files a killed writer left,
the folders a new path needs, and names too long for the temporary copies. Real symlinks in
tmp_path; the create runs on the fake backend."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from buildx_tui.core.create.buildkitd.config import (
    backup_path,
    config_name_problem,
    resolve_config_path,
    write_atomic,
    write_config,
)
from buildx_tui.core.create.buildkitd.files import STALE_TEMP_S, TEMP_NAME_EXTRA
from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep, check_step
from buildx_tui.core.create.run import (
    ConfigWrite,
    CreatePlan,
    EventKind,
    Phase,
    RunEvent,
    Runner,
    RunOutcome,
    StagedConfig,
    build_plan,
)
from tests.fakes import FakeBackend, Reply, fixture

NAME = "wiz-link"
BOOTSTRAP = ("buildx", "inspect", "--bootstrap", NAME)


def failing_bootstrap() -> FakeBackend:
    return FakeBackend(
        replies={BOOTSTRAP: Reply(1, "", fixture("local/bootstrap-err-image-missing.stderr"))}
    )


def run(plan: CreatePlan, backend: FakeBackend) -> tuple[RunOutcome, list[RunEvent]]:
    events: list[RunEvent] = []
    return Runner(plan, backend, events.append).run(), events


def linked(tmp_path: Path, text: str | None = "debug = false\n") -> tuple[Path, Path]:
    """``cfg/b.toml`` -> ``dotfiles/b.toml`` (which holds ``text`` unless None)."""
    real = tmp_path / "dotfiles" / "b.toml"
    real.parent.mkdir()
    if text is not None:
        real.write_text(text)
        real.chmod(0o640)
    link = tmp_path / "cfg" / "b.toml"
    link.parent.mkdir()
    link.symlink_to(real)
    return link, real


def edited_plan(link: Path) -> CreatePlan:
    draft = CreateDraft(name=NAME)
    assert draft.load_config(str(link)) == []
    draft.config.debug = True
    return build_plan(draft)


# --- a config path that is a symlink -----------------------------------------------------


def test_resolve_follows_the_link_once(tmp_path: Path) -> None:
    link, real = linked(tmp_path)
    found = resolve_config_path(link)
    assert (found.path, found.target, found.link, found.exists) == (link, real, True, True)
    assert found.describe() == f"{link} (a link to {real})"
    plain = resolve_config_path(real)
    assert not plain.link and plain.describe() == str(real)


def test_failed_create_restores_the_file_behind_the_link(tmp_path: Path) -> None:
    # issue #11: the undo looked for the .bak beside the link; the target stayed edited and the
    # screen said "could not restore"
    link, real = linked(tmp_path)
    backup_path(real).write_text("older\n")
    plan = edited_plan(link)
    assert plan.config is not None and plan.config.target == real
    assert plan.spec.buildkitd_config == str(link)  # the command names what the user typed
    seen: list[str] = []
    backend = failing_bootstrap()
    backend.after_run = lambda argv: seen.append(real.read_text()) if argv[1] == "create" else None
    outcome, events = run(plan, backend)
    assert seen == ["debug = true\n"]  # the file behind the link was edited for create
    assert outcome.failed is Phase.BOOTSTRAP
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "debug = false\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert backup_path(real).read_text() == "older\n"
    assert outcome.rolled_back[-1] == f"restored {real} (through the link {link})"
    assert sorted(p.name for p in link.parent.iterdir()) == ["b.toml"]  # nothing beside the link
    assert sorted(p.name for p in real.parent.iterdir()) == ["b.toml", "b.toml.bak"]
    config_events = [e.text for e in events if e.phase is Phase.CONFIG]
    assert config_events[0] == f"write {link} (a link to {real})"
    assert config_events[1] == (
        f"wrote {real} (through the link {link}) (previous version kept as b.toml.bak)"
    )


def test_an_old_backup_beside_the_link_is_left_alone(tmp_path: Path) -> None:
    # issue #11: with an old .bak beside the link, the undo replaced the link itself with it
    link, real = linked(tmp_path)
    backup_path(link).write_text("an old backup beside the link\n")
    outcome, _ = run(edited_plan(link), failing_bootstrap())
    assert outcome.failed is Phase.BOOTSTRAP
    assert link.is_symlink() and link.read_text() == "debug = false\n"
    assert backup_path(link).read_text() == "an old backup beside the link\n"
    assert not backup_path(real).exists()  # there was none before the run


def test_success_through_the_link_keeps_the_backup_beside_the_file(tmp_path: Path) -> None:
    link, real = linked(tmp_path)
    outcome, _ = run(edited_plan(link), FakeBackend())
    assert outcome.ok and link.is_symlink()
    assert (
        real.read_text() == "debug = true\n" and backup_path(real).read_text() == "debug = false\n"
    )
    assert not backup_path(link).exists()


def test_a_dangling_link_creates_the_file_it_points_to_and_says_so(tmp_path: Path) -> None:
    link, real = linked(tmp_path, text=None)
    found = resolve_config_path(link)
    assert found.dangling and found.target == real
    assert found.describe() == (
        f"{link} (a link to {real}, which does not exist yet: it will be created there)"
    )
    draft = CreateDraft(name=NAME)
    assert draft.load_config(str(link)) == [] and not draft.config_exists
    draft.config.debug = True
    warnings = check_step(WizardStep.REGISTRY, draft, WizardContext())
    assert [(p.severity, p.message) for p in warnings] == [("warning", found.describe())]
    outcome, events = run(build_plan(draft), FakeBackend())
    assert outcome.ok and link.is_symlink()
    assert real.read_text().endswith("debug = true\n")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    note = [e.text for e in events if e.phase is Phase.CONFIG and e.kind is EventKind.OK]
    assert note == [f"wrote {real} (through the link {link}) (new file, where the link pointed)"]


def test_undo_through_a_dangling_link_removes_the_file_and_its_folders(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "buildkitd" / "b.toml"
    link = tmp_path / "b.toml"
    link.symlink_to(real)
    plan = edited_plan(link)
    assert plan.config is not None
    assert plan.config.new_dirs == (tmp_path / "dotfiles", tmp_path / "dotfiles" / "buildkitd")
    outcome, _ = run(plan, failing_bootstrap())
    assert outcome.failed is Phase.BOOTSTRAP
    assert outcome.rolled_back[-1] == (
        f"removed {real} (through the link {link}) and the folders made for it"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.toml"]
    assert link.is_symlink()


def test_a_link_loop_is_refused_on_the_registry_step(tmp_path: Path) -> None:
    loop = tmp_path / "b.toml"
    loop.symlink_to("b.toml")
    draft = CreateDraft(name=NAME, config_path=str(loop))
    draft.config.debug = True
    [problem] = check_step(WizardStep.REGISTRY, draft, WizardContext())
    assert problem.severity == "error" and "too many levels of symbolic links" in problem.message


# --- folders a new path needs ------------------------------------------------------------


def test_the_plan_and_the_write_name_the_folders_they_create(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c.toml"
    draft = CreateDraft(name=NAME, config_path=str(path))
    draft.config.debug = True
    plan = build_plan(draft)
    assert plan.config is not None and plan.config.file is not None
    assert plan.config.new_dirs == (tmp_path / "a", tmp_path / "a" / "b")
    assert plan.config.file.creates() == f"creates the folders {tmp_path / 'a'}, {path.parent}"
    staged = StagedConfig(plan.config)
    old = os.umask(0o022)
    try:
        note = staged.apply()
    finally:
        os.umask(old)
    assert note == f"wrote {path} (new file; created the folders {tmp_path / 'a'}, {path.parent})"
    assert staged.created_dirs == plan.config.new_dirs
    for d in staged.created_dirs:
        assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert staged.undo() == f"removed {path} and the folders made for it"
    assert list(tmp_path.iterdir()) == []


def test_existing_folders_are_not_listed_nor_removed(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    assert resolve_config_path(path).new_dirs == ()
    assert resolve_config_path(path).creates() == ""
    staged = StagedConfig(ConfigWrite(path, "debug = true\n", None))
    assert staged.apply() == f"wrote {path} (new file)"
    assert staged.undo() == f"removed {path}"
    assert tmp_path.is_dir()


def test_write_config_reports_created_folders(tmp_path: Path) -> None:
    path = tmp_path / "x" / "y.toml"
    result = write_config(path, "debug = true\n")
    assert (result.target, result.backup, result.created_dirs) == (path, None, (path.parent,))
    again = write_config(path, "debug = false\n")
    assert again.created_dirs == () and again.backup == backup_path(path)


def test_a_failed_write_removes_the_folders_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(OSError, match="No space"):
        write_atomic(tmp_path / "new" / "deeper" / "b.toml", "debug = true\n")
    assert list(tmp_path.iterdir()) == []


# --- temporary files left by a writer that was killed ------------------------------------


def test_stale_temporary_files_of_the_same_file_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "b.toml"
    path.write_text("debug = false\n")
    old = time.time() - STALE_TEMP_S - 60
    stale = [tmp_path / ".b.toml.0123456789ab.tmp", tmp_path / ".b.toml.bak.ba9876543210.tmp"]
    fresh = tmp_path / ".b.toml.aaaaaaaaaaaa.tmp"  # a concurrent writer's: not touched
    others = [
        tmp_path / ".other.toml.0123456789ab.tmp",  # another file's
        tmp_path / ".b.toml.notes.tmp",  # not the pattern write_atomic uses
        tmp_path / ".b.toml.0123456789ab.tmp.keep",
        tmp_path / "b.toml.0123456789ab.tmp",
    ]
    for p in [*stale, fresh, *others]:
        p.write_text("partial")
    for p in [*stale, *others]:
        os.utime(p, (old, old))
    write_atomic(path, "debug = true\n")
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"b.toml", "b.toml.bak", fresh.name, *(p.name for p in others)}


def test_a_stale_temporary_folder_with_the_pattern_is_not_removed(tmp_path: Path) -> None:
    odd = tmp_path / ".b.toml.0123456789ab.tmp"
    odd.mkdir()
    old = time.time() - STALE_TEMP_S - 60
    os.utime(odd, (old, old))
    write_atomic(tmp_path / "b.toml", "debug = true\n")
    assert odd.is_dir()


# --- names too long for the temporary copies ---------------------------------------------


def test_a_config_name_that_leaves_no_room_for_the_temporary_names(tmp_path: Path) -> None:
    limit = os.pathconf(tmp_path, "PC_NAME_MAX") - TEMP_NAME_EXTRA
    assert config_name_problem(tmp_path / ("n" * (limit - 5) + ".toml")) is None
    problem = config_name_problem(tmp_path / ("n" * limit + "x.toml"))
    assert problem is not None and f"at most {limit} fit" in problem
    draft = CreateDraft(name=NAME, config_path=str(tmp_path / ("n" * 240 + ".toml")))
    draft.config.debug = True
    [error] = check_step(WizardStep.REGISTRY, draft, WizardContext())
    assert "245 characters long" in error.message and len(error.message) < 1000


def test_a_config_path_too_long_for_the_temporary_names(tmp_path: Path) -> None:
    deep = tmp_path
    while len(str(deep)) < 4096 - 200:
        deep = deep / ("d" * 200)
    problem = config_name_problem(deep / "b.toml")
    assert problem is not None and "must stay under 4096 characters" in problem
