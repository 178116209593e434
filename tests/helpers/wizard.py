"""The create wizard on a fake backend replaying real buildx output (the lab's builders before
and after the recorded `create`s), and walking its steps: shared by the wizard's pilot tests, its
snapshot scenes (tests/helpers/create_scenes.py) and the leave-node dialog's tests."""

from __future__ import annotations

from textual.widgets import Input, RadioButton

from buildx_tui.ui.create.wizard import CreateWizardScreen
from tests.fakes import FakeBackend, Reply, fixture

SIZE = (120, 40)
NAME = "wiz-rec-mirror"
LS = ("buildx", "ls", "--format", "json")
CONTEXT_LS = ("context", "ls", "--format", "json")
AFTER = fixture("local/ls-wizard-created.json")
# The lab's builders before the recording's two `create`s: the recorded `ls` without them.
BEFORE = "".join(ln for ln in AFTER.splitlines(True) if '"Name":"wiz-rec-' not in ln)
PINNED = {NAME: {f"{NAME}0": ["linux/amd64", "linux/arm64"]}}


def make_backend(**replies: Reply) -> FakeBackend:
    backend = FakeBackend(
        ls_output=BEFORE,
        pinned=PINNED,
        replies={CONTEXT_LS: Reply(0, fixture("local/context-ls.json"))},
    )
    backend.replies.update({tuple(k.split("|")): v for k, v in replies.items()})

    def after_run(argv: tuple[str, ...]) -> None:
        if argv[:2] == ("buildx", "create") and "--leave" not in argv:
            backend.ls_output = AFTER

    backend.after_run = after_run
    return backend


def bootstrap_ok() -> Reply:
    return Reply(
        0,
        fixture("local/bootstrap-container-ok.stdout"),
        lines=fixture("local/bootstrap-container-ok.stderr").splitlines(),
    )


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def fill(pilot, screen: CreateWizardScreen, **values: str) -> None:
    for wid, val in values.items():
        screen.query_one(f"#{wid.replace('_', '-')}", Input).value = val
    await pilot.pause()


async def next_step(pilot) -> None:
    await pilot.press("ctrl+n")
    await settle(pilot)


async def to_step(pilot, screen: CreateWizardScreen, step: str, *, name: str = NAME,
                  driver: str = "docker-container", endpoint: str = "") -> None:  # fmt: skip
    """Walk with valid input up to ``step``."""
    await fill(pilot, screen, name=name)
    await next_step(pilot)
    if step == "driver":
        return
    screen.query_one(f"#driver-{driver}", RadioButton).value = True
    await next_step(pilot)
    if step == "endpoint":
        return
    await fill(pilot, screen, endpoint=endpoint)
    await next_step(pilot)
    if step == "node":
        return
    await next_step(pilot)
    if step == "registry":
        return
    await next_step(pilot)
    assert screen.step.value == step
