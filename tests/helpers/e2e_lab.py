"""Driving the app against the real e2e lab (tests/e2e): a client on the lab engine, buildx's own
`ls` read apart from the app, and waiting on a condition with a deadline. Shared by the e2e test
modules (never test modules themselves)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from buildx_tui.core.docker.client import BuildxClient
from buildx_tui.core.docker.types import ClientOptions

if TYPE_CHECKING:
    from tests.e2e.conftest import Lab


def client_for(lab: Lab, config: str | None = None) -> BuildxClient:
    """A client on the lab's engine, with the lab's DOCKER_CONFIG unless ``config`` is given."""
    return BuildxClient(
        ClientOptions(
            docker=lab.docker_cli, host=lab.docker_host, config=config or lab.docker_config
        )
    )


def ls_json(lab: Lab) -> dict[str, dict]:
    """`docker buildx ls --format json` run directly, parsed with plain json (not our parser)."""
    proc = lab.docker("buildx", "ls", "--format", "json", timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {b["Name"]: b for b in map(json.loads, proc.stdout.splitlines())}


async def wait_for(pilot, predicate: Callable[[], object], timeout: float, what: str) -> None:
    """Let the app run until ``predicate()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.1)
