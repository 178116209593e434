"""`buildx-tui doctor` in plain text (for scripts and CI) or JSON: a mark and a word per result
(never colour alone; colour only on a terminal and without NO_COLOR), and the exit code."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from .model import MARK, Check, CheckResult, Status

_COLOUR = {
    Status.PASSED: "\033[32m",
    Status.WARNING: "\033[33m",
    Status.FAILED: "\033[31m",
    Status.UNKNOWN: "\033[2m",
}
_RESET = "\033[0m"


def exit_code(results: Sequence[CheckResult]) -> int:
    """0 when no check failed, 1 otherwise (warnings and unknowns do not fail a run)."""
    return 1 if any(r.status is Status.FAILED for r in results) else 0


def status_word(status: Status, colour: bool = False) -> str:
    word = f"{MARK[status]} {status.value}"
    return f"{_COLOUR[status]}{word}{_RESET}" if colour else word


def text_report(
    done: Sequence[tuple[Check, tuple[CheckResult, ...]]],
    *,
    colour: bool = False,
    display: Callable[[Sequence[str]], str] | None = None,
) -> str:
    """One block per result: status, title, what was found, the command, why, the fix (with the
    exact command when the app could run it: ``display`` maps its argv to the command line)."""
    lines: list[str] = []
    counts = dict.fromkeys(Status, 0)
    for check, results in done:
        lines.append(f"== {check.title}")
        for r in results:
            counts[r.status] += 1
            lines.append(f"{status_word(r.status, colour):<10}  {r.title}: {r.found}")
            if r.command:
                lines.append(f"            found by: {r.command}")
            if r.status is not Status.PASSED and r.why:
                lines.append(f"            why: {r.why}")
            if r.fix is not None and r.status is not Status.PASSED:
                lines.append(f"            fix: {r.fix.text}")
                run = display(r.fix.argv) if display is not None and r.fix.argv else ""
                command = run or r.fix.command
                if command:
                    lines.append(f"                 $ {command}")
        lines.append("")
    summary = ", ".join(f"{counts[s]} {s.value}" for s in Status)
    lines.append(f"Summary: {summary}")
    return "\n".join(lines) + "\n"


def json_report(done: Sequence[tuple[Check, tuple[CheckResult, ...]]]) -> str:
    """The results as JSON: ``{"exit_code": 0|1, "results": [{check, key, status, …}]}``."""
    rows = []
    flat: list[CheckResult] = []
    for check, results in done:
        for r in results:
            flat.append(r)
            rows.append(
                {
                    "check": check.id,
                    "key": r.key,
                    "title": r.title,
                    "status": r.status.value,
                    "found": r.found,
                    "command": r.command,
                    "why": r.why,
                    "fix": None
                    if r.fix is None
                    else {"text": r.fix.text, "argv": list(r.fix.argv), "command": r.fix.command},
                }
            )
    return json.dumps({"exit_code": exit_code(flat), "results": rows}, indent=2) + "\n"
