"""Issue #11: what a user types into the create wizard becomes names, paths and file names; a
10,000-character paste (or a link loop, a file used as a folder, a NUL character) gives a
message in the step's problems, never an exception."""

from __future__ import annotations

import pytest

from buildx_tui.core.builders import Builder, Node, NodeStatus
from buildx_tui.core.commands import MAX_NAME_LENGTH
from buildx_tui.core.create.draft import CreateDraft, WizardContext, WizardStep, check_step
from buildx_tui.core.create.names import check_name, check_node_name
from buildx_tui.core.create.problem import CreateProblem, errors_in

LONG = 10_000
REMOTE = Builder(
    "lab-remote", "remote", nodes=(Node("lab-remote0", "tcp://127.0.0.1:1234", NodeStatus.RUNNING),)
)


def _one_error(problems: list[CreateProblem], field: str) -> str:
    errors = [p for p in errors_in(problems) if p.field == field]
    assert errors, problems
    assert all(len(p.message) < 400 for p in problems)  # the paste is not echoed back whole
    return errors[0].message


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [MAX_NAME_LENGTH + 1, 300, LONG])
def test_a_builder_name_too_long_is_a_name_problem(length: int) -> None:
    message = _one_error(check_name("b" * length, [], append=False), "name")
    assert f"{length} characters long; at most {MAX_NAME_LENGTH}" in message
    assert check_name("b" * MAX_NAME_LENGTH, [], append=False) == []


@pytest.mark.parametrize("length", [MAX_NAME_LENGTH + 1, LONG])
def test_a_node_name_too_long_is_a_node_problem(length: int) -> None:
    for target in (None, REMOTE):
        message = _one_error(check_node_name("n" * length, target), "node")
        assert message.startswith(f"the node name is {length} characters long")
    assert check_node_name("n" * MAX_NAME_LENGTH, None) == []


def test_every_step_of_a_draft_with_a_pasted_name_gives_problems() -> None:
    draft = CreateDraft(name="b" * LONG, node="n" * LONG)
    problems = check_step(WizardStep.REVIEW, draft, WizardContext())
    assert "characters long" in _one_error(problems, "name")
    assert "characters long" in _one_error(problems, "node")
