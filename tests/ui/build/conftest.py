"""Fixtures of the build launcher's UI tests (the only ones that use them)."""

from __future__ import annotations

import pytest

from buildx_tui.core.build.history import History
from tests.helpers.build_scenes import freeze_build_clock, make_context


@pytest.fixture
def frozen_build_clock(monkeypatch) -> None:
    """Build times from the recorded stream only (use with pytest.mark.usefixtures)."""
    freeze_build_clock(monkeypatch)


@pytest.fixture
def history() -> History:
    """The app's own history: BUILDX_TUI_DATA_DIR points every test at its tmp_path/data."""
    return History()


@pytest.fixture
def context(tmp_path, monkeypatch):
    return make_context(tmp_path, monkeypatch)
