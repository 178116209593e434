"""The app on recorded real buildx output, for screenshots and for looking at it by hand:

.venv/bin/python -m tests.demo [ls|unreachable|daemon-down|no-buildx]
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from buildx_tui.ui.app import BuildxApp
from tests.fakes import FakeBackend, Reply, fixture

# Recorded on 2026-11-22 between 21:02Z and 21:49Z; "last activity" is shown relative to a
# fixed moment after that.
FIXED_NOW = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)

# seedtest was created with `--platform linux/amd64,linux/arm64` (INDEX.md); buildx's store says so.
PINNED = {"seedtest": {"seedtest0": ["linux/amd64", "linux/arm64"]}}

SCENES = {
    "ls": lambda: FakeBackend(ls_output=fixture("buildx/ls.json"), pinned=PINNED),
    "unreachable": lambda: FakeBackend(
        ls_output=fixture("buildx/ls-with-unreachable.json"), pinned=PINNED
    ),
    "daemon-down": lambda: FakeBackend(
        ls_output=fixture("buildx/ls-daemon-down.json"), pinned=PINNED
    ),
    "lab-stopped": lambda: FakeBackend(
        ls_output=fixture("local/ls-lab-stopped.json"),
        pinned={"lab-container": {"lab-container0": ["linux/amd64", "linux/arm64"]}},
    ),
    "no-buildx": lambda: FakeBackend(
        ls_reply=Reply(125, "", fixture("local/ls-json-no-buildx-plugin.stderr"))
    ),
}


def demo_app(scene: str = "unreachable") -> BuildxApp:
    backend = SCENES[scene]()
    return BuildxApp(backend, refresh_interval=0, clock=lambda: FIXED_NOW)


if __name__ == "__main__":
    demo_app(sys.argv[1] if len(sys.argv) > 1 else "unreachable").run()
