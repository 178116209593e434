"""The build form's pre-flight of a push: before a ``--push`` build starts, each tag's registry
is asked as the doctor asks it (core/doctor/push.py: credentials in the docker config, names
only; a loopback registry's answer to GET /v2/; a registry elsewhere is never contacted). A
registry that wants a login docker holds no credentials for, or one that is not reachable,
becomes a warning the build's confirm dialog shows; the build is not stopped."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from buildx_tui.core.build.issue import Issue, Severity
from buildx_tui.core.build.spec import BuildSpec, Output
from buildx_tui.core.doctor.context import default_docker_config
from buildx_tui.core.doctor.model import Status
from buildx_tui.core.doctor.push import push_verdict
from buildx_tui.core.doctor.v2 import V2Answer, probe_v2

#: Seconds to wait for one registry (loopback only).
TIMEOUT_S = 3.0
GROUP = "push-preflight"
#: How a loopback registry is asked (the UI tests answer from a recording instead).
probe: Callable[[str, float], V2Answer] = probe_v2


def needs_preflight(spec: BuildSpec | None) -> bool:
    return spec is not None and spec.output is Output.PUSH and bool(spec.tags)


def push_issues(spec: BuildSpec, config: str | None) -> list[Issue]:
    """The failed push targets as warnings (blocks: from a worker thread)."""
    issues: list[Issue] = []
    for tag in dict.fromkeys(spec.tags):
        verdict = push_verdict(tag, default_docker_config(config), TIMEOUT_S, probe)
        if verdict.status is Status.FAILED:
            fix = f" ({verdict.fix.command or verdict.fix.text})" if verdict.fix else ""
            issues.append(Issue("tags", Severity.WARNING, f"push to {tag}: {verdict.found}{fix}"))
    return issues


def preflight(
    screen: Screen[Any],
    spec: BuildSpec,
    config: str | None,
    done: Callable[[BuildSpec, list[Issue]], None],
) -> None:
    """Run :func:`push_issues` on a thread; ``done`` gets the spec and them on the UI thread.
    A second Build pressed while it runs starts nothing (one build, not two)."""
    if any(w.group == GROUP and w.is_running for w in screen.workers):
        return

    def work() -> None:
        issues = push_issues(spec, config)
        screen.app.call_from_thread(done, spec, issues)

    screen.run_worker(work, thread=True, group=GROUP, exit_on_error=False)
