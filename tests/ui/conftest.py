"""Fixtures shared by the build-launcher UI tests (test_build_*.py)."""

from __future__ import annotations

import pytest

from buildx_tui.core.build.history import History
from tests.ui.build.test_build_scenes import freeze_build_clock, make_context


@pytest.fixture
def frozen_build_clock(monkeypatch) -> None:
    """Build times from the recorded stream only (use with pytest.mark.usefixtures)."""
    freeze_build_clock(monkeypatch)


@pytest.fixture
def history(tmp_path) -> History:
    return History(tmp_path / "data")


@pytest.fixture
def context(tmp_path, monkeypatch):
    return make_context(tmp_path, monkeypatch)
