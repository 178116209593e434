"""Why a bootstrap failed, when buildx only says "context deadline exceeded".

`docker buildx inspect --bootstrap` of a remote builder whose endpoint does not answer waits 20 s
and prints that bare message (seen on the lab: tests/fixtures/local/bootstrap-err-remote-tls.stderr
has the TLS case). The builder's nodes are probed from here, as the create wizard does
(core/probe.py): a remote driver connects from this machine, so the same address and files tell
"nothing listens", "wrong certificate" and "needs a client certificate" apart.
"""

from __future__ import annotations

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
