"""Why a bootstrap failed, when buildx does not say.

* A remote builder whose endpoint does not answer: buildx waits 20 s and prints a bare "context
  deadline exceeded" (tests/fixtures/local/bootstrap-err-remote-tls.stderr). The builder's nodes
  are probed from here, as the create wizard does (core/probe.py): a remote driver connects from
  this machine, so the same address and files tell "nothing listens", "wrong certificate" and
  "needs a client certificate" apart.
* A docker-container builder whose buildkitd refuses to start (an unknown flag, a bad config):
  buildx says only that the container "is restarting" (bootstrap-err-unknown-flag.stderr); the
  container's own log has buildkitd's words (buildkitd-log-unknown-flag.*), read with
  `docker logs` (:func:`logs_argv`, :func:`buildkitd_complaints`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from buildx_tui.core.builders import Builder
from buildx_tui.core.probe import ProbeResult, probe_endpoint

#: buildx's words when a node did not answer within its timeout.
DEADLINE = "context deadline exceeded"

Probe = Callable[..., ProbeResult | None]


def explain_bootstrap_failure(
    builder: Builder | None, error_text: str, probe: Probe = probe_endpoint
) -> list[str]:
    """One line per node whose endpoint was probed and found wrong; [] when there is nothing
    more to say (not a deadline, no node that can be probed, or every probe connected). Blocks
    up to a few seconds per node: call it from a worker thread."""
    if builder is None or DEADLINE not in error_text:
        return []
    lines = []
    for node in builder.nodes:
        opts = node.driver_opts
        result = probe(
            node.endpoint,
            cacert=opts.get("cacert", ""),
            cert=opts.get("cert", ""),
            key=opts.get("key", ""),
            servername=opts.get("servername", ""),
            timeout=3.0,
        )
        if result is None or result.ok:
            continue
        line = f"{node.name} ({node.endpoint}): {result.summary}"
        if result.fix:
            line += f" — {result.fix}"
        lines.append(line)
    return lines


#: How many of the container's last log lines are read (buildkitd prints its whole usage, ~190
#: lines, before the line that names a bad flag; the container restarts and prints it again).
LOG_TAIL = 200
_COMPLAINT = re.compile(r"^(buildkitd: |Incorrect Usage: |.*level=(error|fatal))")


def container_name(node: str) -> str:
    """The container buildx runs a docker-container node's buildkitd in."""
    return f"buildx_buildkit_{node}"


def logs_argv(node: str) -> list[str]:
    return ["logs", "--tail", str(LOG_TAIL), container_name(node)]


def buildkitd_complaints(stdout: str, stderr: str, limit: int = 3) -> list[str]:
    """buildkitd's own error lines from its container's log, each once, the last ``limit``."""
    seen: dict[str, None] = {}
    for line in (stderr + "\n" + stdout).splitlines():
        line = line.strip()
        if line and _COMPLAINT.match(line):
            seen.pop(line, None)
            seen[line] = None
    return list(seen)[-limit:]
