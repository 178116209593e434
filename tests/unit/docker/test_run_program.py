"""The gateway's run_program: another program than docker (the doctor's `ssh`) by its exact
argv, no shell, with a timeout; its command line is the argv quoted."""

from __future__ import annotations

import time

from buildx_tui.core.docker.client import BuildxClient, program_display


def test_argv_exactly_no_shell() -> None:
    client = BuildxClient()
    r = client.run_program(["sh", "-c", 'echo "$0 $1"; echo err >&2; exit 3', "a b", "$HOME"],
                           timeout=10)  # fmt: skip
    assert (r.returncode, r.stdout, r.stderr) == (3, "a b $HOME\n", "err\n")
    assert r.command == program_display(r.argv)
    assert r.command.startswith("sh -c ")


def test_timeout_ends_it() -> None:
    started = time.monotonic()
    r = BuildxClient().run_program(["sleep", "30"], timeout=0.5)
    assert time.monotonic() - started < 10
    assert not r.ok and "timed out after" in r.stderr


def test_a_missing_program_is_said() -> None:
    r = BuildxClient().run_program(["no-such-program-d2"], timeout=5)
    assert r.returncode == 127 and "no-such-program-d2" in r.stderr
