"""The checks, and running them: each in its own thread with its own timeout (a check that does
not finish in time gives an ``unknown`` result saying so; nothing waits for it longer)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from .context import DoctorContext
from .emulation import binfmt_results, platform_results, probe_results
from .model import Check, CheckResult, Status
from .nodes import node_results, tls_results
from .push import push_results
from .registries import config_results, daemon_json_results, login_results, mirror_results
from .ssh import ssh_results
from .tools import check_buildx, check_docker_cli, check_engine


def checks(ctx: DoctorContext) -> tuple[Check, ...]:
    """Every check, in the order they are shown."""
    short = ctx.command_timeout_s + 5
    nodes = short + 2 * ctx.connect_timeout_s + 15  # an ssh:// node: ssh -G, then connect
    builds = short + 2 * ctx.build_timeout_s + 10  # two platforms' probes, one after the other
    table: tuple[tuple[str, str, Callable[[DoctorContext], tuple[CheckResult, ...]], float], ...]
    table = (
        ("docker-cli", "docker CLI", check_docker_cli, short),
        ("engine", "Docker engine", check_engine, short),
        ("buildx", "buildx", check_buildx, short),
        ("nodes", "Builders' nodes", node_results, nodes),
        ("ssh", "SSH endpoints (your ssh config)", ssh_results, nodes + 10),
        ("tls", "TLS certificates", tls_results, nodes),
        ("platforms", "Platforms (native / QEMU)", platform_results, short),
        ("binfmt", "QEMU handlers on this machine", binfmt_results, short),
        ("probe", "Probe builds", probe_results, builds),
        ("config", "buildkitd.toml applied", config_results, short),
        ("daemon-json", "daemon.json trap", daemon_json_results, short),
        ("reach", "Registries reachable from builders", mirror_results, builds),
        ("login", "Registry logins", login_results, short),
        ("push", "Push targets", push_results, short + 4 * ctx.connect_timeout_s),
    )
    return tuple(Check(id_, title, _bind(fn, ctx), timeout) for id_, title, fn, timeout in table)


def _bind(
    fn: Callable[[DoctorContext], tuple[CheckResult, ...]], ctx: DoctorContext
) -> Callable[[], tuple[CheckResult, ...]]:
    return lambda: fn(ctx)


def run_check(check: Check) -> tuple[CheckResult, ...]:
    """Run one check in a daemon thread; after its timeout, an ``unknown`` result says so (the
    thread is left to end on its own: every command it runs has a timeout too). A check that
    raises gives an ``unknown`` result with the error, never a traceback."""
    box: list[tuple[CheckResult, ...]] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            box.append(check.run())
        except Exception as exc:  # a check's bug must not stop the others
            error.append(exc)

    thread = threading.Thread(target=target, name=f"doctor-{check.id}", daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(check.timeout_s)
    if box:
        return box[0]
    if error:
        found = f"the check itself failed: {type(error[0]).__name__}: {error[0]}"
    else:
        found = f"no answer within {time.monotonic() - started:.0f} s (its timeout)"
    return (CheckResult(check.id, check.title, Status.UNKNOWN, found),)


def run_all(
    ctx: DoctorContext,
    on_done: Callable[[Check, tuple[CheckResult, ...]], None] | None = None,
    only: tuple[str, ...] = (),
) -> list[tuple[Check, tuple[CheckResult, ...]]]:
    """Every check at once (threads); ``on_done`` is called as each finishes (from its thread).
    Returns them in the order of :func:`checks`."""
    todo = [c for c in checks(ctx) if not only or c.id in only]
    results: dict[str, tuple[CheckResult, ...]] = {}
    lock = threading.Lock()

    def one(check: Check) -> None:
        got = run_check(check)
        with lock:
            results[check.id] = got
        if on_done is not None:
            on_done(check, got)

    with ThreadPoolExecutor(max_workers=max(1, len(todo))) as pool:
        list(pool.map(one, todo))
    return [(c, results[c.id]) for c in todo]
