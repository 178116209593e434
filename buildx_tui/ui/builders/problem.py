"""The panel above the builders table when the docker set-up has a problem: what is wrong, what
was seen, how to fix it, and (when nothing can be built here yet) the demo."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from buildx_tui.core.docker.types import Problem, ProblemKind


def problem_text(problem: Problem) -> Group:
    return Group(
        Text(("✖ " if problem.fatal else "⚠ ") + problem.title, "bold"),
        Text(problem.detail),
        Text("How to fix: " + problem.fix, "italic"),
        *demo_offer(problem),
    )


def demo_offer(problem: Problem) -> list[Text]:
    """A set-up that cannot build yet (no docker, no buildx, no engine) can still show what
    the app does: the demo replays recorded real output and runs nothing. A failed `ls` of a
    working set-up is not offered it."""
    if problem.kind is ProblemKind.LS_FAILED:
        return []
    return [
        Text(
            "Just looking? Press M for the demo (buildx-tui --demo): every screen on recorded "
            "buildx output; nothing runs, no docker needed.",
            "bold",
        )
    ]
