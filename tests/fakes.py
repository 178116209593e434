"""The replay backend of the tests: :mod:`buildx_tui.core.replay.backend` (one implementation,
shared with ``buildx-tui --demo``), under the names the tests use, and the recordings of
tests/fixtures.

Used by UI tests, snapshot tests and scripts/screenshots*.py. It never replaces the e2e suite.
"""

from __future__ import annotations

from pathlib import Path

from buildx_tui.core.replay.backend import ReplayBackend as FakeBackend
from buildx_tui.core.replay.backend import Reply

__all__ = ["FIXTURES", "FakeBackend", "Reply", "fixture"]

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    """A recorded output: ``buildx/<file>`` (copied from shared) or ``local/<file>``."""
    return (FIXTURES / name).read_text(encoding="utf-8")
