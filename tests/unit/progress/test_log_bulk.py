"""The parser keeps a step's log in bulk (core/progress/parser.py `_push_lines`): the same lines,
sizes and counts as adding and trimming one line at a time, on random floods with carriage
returns, over-long lines and both limits."""

from __future__ import annotations

import random
from collections import deque

import pytest

from buildx_tui.core.progress.model import LogLine
from buildx_tui.core.progress.parser import BuildProgress
from buildx_tui.core.progress.state import StepRecord


def one_by_one(
    step: StepRecord, stream: int, text: str, lines_max: int, chars_max: int, line_max: int
) -> None:
    """The parser's former loop, line by line: the oracle."""
    logs = step.logs
    chars = step.log_chars
    lines = text.split("\n") if "\n" in text else (text,)
    for line in lines:
        if "\r" in line:
            line = line.rstrip("\r")
            if "\r" in line:
                line = line.rsplit("\r", 1)[1]
        if len(line) > line_max:
            line = f"{line[:line_max]}… [{len(line) - line_max} more chars]"
        logs.append(LogLine(stream, line))
        chars += len(line) + 1
        while len(logs) > lines_max or (chars > chars_max and len(logs) > 1):
            old = logs.popleft()
            size = len(old.text) + 1
            chars -= size
            step.log_lines_dropped += 1
            step.log_chars_dropped += size
    step.log_chars = chars
    step.log_lines_total += len(lines)


def random_text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.choice([1, 2, 5, 40, 300])):
        kind = rng.random()
        if kind < 0.1:
            parts.append("x" * rng.randint(50, 400))  # over the line limit
        elif kind < 0.2:
            parts.append("10%\r50%\r100%" + "\r" * rng.randint(0, 2))  # a progress bar
        else:
            parts.append(f"line {rng.randint(0, 10**6)}")
    return "\n".join(parts)


def state(step: StepRecord) -> tuple[object, ...]:
    return (
        list(step.logs),
        step.log_chars,
        step.log_lines_dropped,
        step.log_chars_dropped,
        step.log_lines_total,
    )


@pytest.mark.parametrize("seed", range(40))
def test_bulk_equals_one_at_a_time(seed: int):
    rng = random.Random(seed)
    lines_max = rng.choice([1, 3, 50, 2000])
    chars_max = rng.choice([40, 500, 20_000, 512 * 1024])
    line_max = rng.choice([16, 100, 8192])
    progress = BuildProgress(
        max_log_lines=lines_max, max_log_chars=chars_max, max_line_chars=line_max
    )
    bulk, oracle = StepRecord("sha256:a", 0), StepRecord("sha256:b", 0)
    for _ in range(30):
        text = random_text(rng)
        stream = rng.choice([1, 2])
        progress._push_lines(bulk, stream, text)
        one_by_one(oracle, stream, text, lines_max, chars_max, max(16, line_max))
        assert state(bulk) == state(oracle)
    assert isinstance(bulk.logs, deque) and all(type(x) is LogLine for x in bulk.logs)
