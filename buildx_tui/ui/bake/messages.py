"""What the bake workspace's thread workers answer (handled on the UI thread)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from buildx_tui.core.bake.attribution import BakeSnapshot
from buildx_tui.core.bake.runner import BakeOutcome
from buildx_tui.core.docker.types import CommandResult


@dataclass
class Checked(Message):
    result: CommandResult
    entry: int


@dataclass
class Progressed(Message):
    snapshot: BakeSnapshot


@dataclass
class Finished(Message):
    outcome: BakeOutcome
    entry: int
    history_error: str = ""  # why the run could not be written to the app's history
