"""THE gateway to docker. Every docker/buildx call of the program goes through here.

python-on-whales provides the client configuration (which docker binary, --config, --context,
--host): its `ClientConfig.docker_cmd` is the prefix of every command we run. Its own buildx
wrappers fall short for us (`list()` drops `Current`/`Err`, `inspect()` scrapes text, nothing can
be cancelled), so we run the exact buildx argv ourselves, here and nowhere else, and parse JSON.

The very first `ls` is started before python-on-whales (and Textual) are even imported: see
`start_prefetch`. `ls_argv` builds that argv without importing python-on-whales; a unit test
keeps it identical to what python-on-whales builds.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from buildx_tui.core.builders import LsParseError, parse_ls_json
from buildx_tui.core.commands import LS_ARGV, VERSION_ARGV, display
from buildx_tui.core.docker.problems import diagnose_ls_failure, diagnose_ls_result
from buildx_tui.core.docker.store import Pinned, docker_config_dir, read_pinned_platforms
from buildx_tui.core.docker.types import ClientOptions, CommandResult, Refresh
from buildx_tui.core.paths import look, shown

if TYPE_CHECKING:
    from python_on_whales.client_config import ClientConfig

LS_TIMEOUT_S = 60.0


def resolve_docker(options: ClientOptions) -> str | None:
    return shutil.which(options.docker)


def ls_argv(options: ClientOptions) -> list[str] | None:
    """The full argv of one `buildx ls --format json`, or None when docker is not found."""
    docker = resolve_docker(options)
    if docker is None:
        return None
    return [docker, *options.global_args(), *LS_ARGV]


def cwd_problem(cwd: str) -> str:
    """Why a command cannot run in the folder ``cwd`` ('' when it can)."""
    found = look(cwd)
    if found.error is not None:
        return found.problem("the folder", quote=True)
    if found.missing:
        return f"cannot run in {shown(cwd, quote=True)}: no such folder"
    if not found.is_dir:
        return f"cannot run in {shown(cwd, quote=True)}: it is not a folder"
    if not os.access(cwd, os.X_OK):
        return f"cannot run in {shown(cwd, quote=True)}: permission denied"
    return ""


def program_display(argv: Sequence[str]) -> str:
    """The command line shown for a program's argv (``ssh -G -- host``), shell-quoted."""
    return shlex.join(argv)


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DOCKER_CLI_EXPERIMENTAL"] = "enabled"  # as python-on-whales does for buildx
    return env


class Prefetch:
    """A `buildx ls` started early, before heavy imports, collected by the first refresh."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.started = time.perf_counter()
        self.proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=subprocess_env(),
        )

    def done(self) -> bool:
        return self.proc is None or self.proc.poll() is not None

    def collect(self) -> tuple[int, str, str, float]:
        assert self.proc is not None
        try:
            out, err = self.proc.communicate(timeout=LS_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        rc = self.proc.returncode
        self.proc = None
        return (
            rc,
            out.decode("utf-8", "replace"),
            err.decode("utf-8", "replace"),
            time.perf_counter() - self.started,
        )


def start_prefetch(options: ClientOptions) -> Prefetch | None:
    argv = ls_argv(options)
    if argv is None:
        return None
    try:
        return Prefetch(argv)
    except OSError:
        return None


LineCallback = Callable[[str], None]


@dataclass
class _Running:
    proc: subprocess.Popen[bytes]
    cancelled: bool = False


#: After the first frame: loading python-on-whales then does not compete with drawing it.
WARM_DELAY_S = 1.0


@dataclass
class BuildxClient:
    """Runs docker buildx commands for the UI. Thread-safe; every method blocks: call it from
    worker threads."""

    options: ClientOptions = field(default_factory=ClientOptions)
    prefetch: Prefetch | None = None
    processes_started: int = 0
    _config: ClientConfig | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _running: dict[int, _Running] = field(default_factory=dict, init=False, repr=False)

    # -- python-on-whales client configuration -------------------------------------------------
    def client_config(self) -> ClientConfig:
        """python-on-whales' ClientConfig for our options (imported lazily: it costs ~0.25 s)."""
        if self._config is None:
            from python_on_whales.client_config import ClientConfig

            self._config = ClientConfig(
                client_call=[self.options.docker],
                config=self.options.config,
                context=self.options.context,
                host=self.options.host,
            )
        return self._config

    def _warm_later(self, delay_s: float = WARM_DELAY_S) -> None:
        """The early `ls` ran without python-on-whales; the next command would pay its import
        (~0.15-0.25 s: `h` on the list waited for it). Load it on a side thread once the first
        frame is drawn, so the user's first action does not."""

        def warm() -> None:
            try:
                self.docker_cmd()
            except Exception:  # the command that needs it will say what is wrong
                return

        timer = threading.Timer(delay_s, warm)
        timer.daemon = True
        timer.start()

    def docker_cmd(self) -> list[str] | None:
        from python_on_whales.client_config import ClientNotFoundError

        try:
            return [str(x) for x in self.client_config().docker_cmd]
        except ClientNotFoundError:
            return None

    def display(self, argv: Sequence[str], cwd: str | None = None) -> str:
        return display(self.options.display_prefix(), argv, cwd)

    # -- running commands ----------------------------------------------------------------------
    def run(
        self,
        argv: Sequence[str],
        *,
        on_line: LineCallback | None = None,
        stdin: bytes | None = None,
        timeout: float | None = None,
        token: object | None = None,
        keep_tail: int | None = None,
        on_start: Callable[[], None] | None = None,
        cwd: str | None = None,
    ) -> CommandResult:
        """Run ``docker <global flags> <argv>``; stream stderr+stdout lines to ``on_line``.

        ``stdin`` is written to the process (secrets go there, never in argv). ``token`` lets
        another thread cancel the run with `cancel(token)`: the whole process group ends.
        ``keep_tail`` (with ``on_line``): the result keeps only about the last that many bytes
        of each stream (whole lines), so a long build's output is not held twice in memory.
        ``on_start`` is called once the process exists (or could not be started).
        ``cwd``: the folder it runs in (bake reads its files and contexts from there); the
        command shown says so when it is not the app's. A folder that cannot be used is said,
        as the result of a command that could not start (exit 127).
        """
        command = self.display(argv, cwd)
        prefix = self.docker_cmd()
        started = time.perf_counter()
        refused = cwd_problem(cwd) if cwd is not None else ""
        if prefix is None or refused:
            if on_start is not None:
                on_start()
            why = refused or f"docker CLI not found: {self.options.docker!r}"
            return CommandResult(tuple(argv), command, 127, "", why, 0.0)
        try:
            proc = subprocess.Popen(
                [*prefix, *argv],
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=subprocess_env(),
                start_new_session=True,
                cwd=cwd,
            )
        except OSError as e:
            if on_start is not None:
                on_start()
            return CommandResult(tuple(argv), command, 127, "", str(e), 0.0)
        with self._lock:
            self.processes_started += 1
        running = _Running(proc)
        key = id(token) if token is not None else id(running)
        self._running[key] = running
        if on_start is not None:
            on_start()
        try:
            out, err = _communicate(proc, stdin, on_line, timeout, keep_tail)
        finally:
            self._running.pop(key, None)
        return _result(argv, command, running, out, err, started)

    def run_program(
        self, argv: Sequence[str], *, timeout: float, stdin: bytes | None = None
    ) -> CommandResult:
        """Run a program other than docker (the doctor's ``ssh``) by its exact argv, found on
        PATH, no shell, with a timeout (its whole process group ends then); cancelled with
        the others by :meth:`cancel_all`."""
        command = program_display(argv)
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=subprocess_env(),
                start_new_session=True,
            )
        except OSError as e:
            return CommandResult(tuple(argv), command, 127, "", str(e), 0.0)
        with self._lock:
            self.processes_started += 1
        running = _Running(proc)
        self._running[id(running)] = running
        try:
            out, err = _communicate(proc, stdin, None, timeout)
        finally:
            self._running.pop(id(running), None)
        return _result(argv, command, running, out, err, started)

    def cancel(self, token: object) -> bool:
        """End the process group of the run started with ``token`` (SIGINT, then SIGKILL)."""
        running = self._running.get(id(token))
        if running is None:
            return False
        running.cancelled = True
        _kill_group(running.proc)
        return True

    def cancel_all(self) -> int:
        """Cancel every run still going, each as :meth:`cancel` does (the app is quitting: no
        docker process may outlive it). Returns how many there were."""
        runs = list(self._running.values())
        for running in runs:
            running.cancelled = True
        threads = [threading.Thread(target=_kill_group, args=(r.proc,)) for r in runs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        return len(runs)

    # -- builders ------------------------------------------------------------------------------
    def list_builders(self) -> Refresh:
        """One `docker buildx ls --format json`: exactly one process per refresh."""
        command = self.display(LS_ARGV)
        if self.prefetch is not None:
            prefetch, self.prefetch = self.prefetch, None
            with self._lock:
                self.processes_started += 1
            rc, out, err, duration = prefetch.collect()
            self._warm_later()
        else:
            result = self.run(LS_ARGV, timeout=LS_TIMEOUT_S)
            rc, out, err, duration = (
                result.returncode,
                result.stdout,
                result.stderr,
                result.duration_s,
            )
        return self.interpret_ls(command, rc, out, err, duration)

    def prefetched(self) -> Refresh | None:
        """The early `ls`, if it has already finished (never blocks); else None."""
        if self.prefetch is None or not self.prefetch.done():
            return None
        return self.list_builders()

    def interpret_ls(
        self,
        command: str,
        rc: int,
        out: str,
        err: str,
        duration: float,
        pinned: Pinned | None = None,
    ) -> Refresh:
        """Turn one `ls` run into builders or a problem; ``pinned`` defaults to buildx's store."""
        if rc != 0:
            return Refresh(command, duration, problem=diagnose_ls_failure(rc, err, self.options))
        if pinned is None:
            pinned = read_pinned_platforms(docker_config_dir(self.options.config))
        try:
            ls = parse_ls_json(out, pinned)
        except LsParseError as e:
            return Refresh(command, duration, problem=diagnose_ls_failure(rc, str(e), self.options))
        return Refresh(command, duration, ls=ls, problem=diagnose_ls_result(ls, self.options))

    def buildx_version(self) -> str:
        result = self.run(VERSION_ARGV, timeout=30)
        return result.stdout.strip() if result.ok else ""


def _result(
    argv: Sequence[str], command: str, running: _Running, out: bytes, err: bytes, started: float
) -> CommandResult:
    """What a process that ran said: its exit code (-1 when unknown), both streams, how long it
    took since ``started`` and whether it was cancelled."""
    code = running.proc.returncode
    return CommandResult(
        tuple(argv),
        command,
        code if code is not None else -1,
        out.decode("utf-8", "replace"),
        err.decode("utf-8", "replace"),
        time.perf_counter() - started,
        cancelled=running.cancelled,
        stdout_bytes=out,
    )


def _communicate(
    proc: subprocess.Popen[bytes],
    stdin: bytes | None,
    on_line: LineCallback | None,
    timeout: float | None,
    keep_tail: int | None = None,
) -> tuple[bytes, bytes]:
    """Wait for ``proc``; return its stdout and stderr. With ``on_line``, every line of either
    stream is passed to it as it arrives (one call at a time, never concurrently); with
    ``keep_tail`` too, only the last lines of each stream that fit in that many bytes (at least
    the last line) are returned."""
    if on_line is None:
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            out, err = proc.communicate()
            err += f"\ntimed out after {timeout:.0f} s".encode()
        return out, err

    if stdin is not None and proc.stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    chunks: dict[str, deque[bytes]] = {"out": deque(), "err": deque()}
    serial = threading.Lock()

    def pump(name: str, stream: IO[bytes]) -> None:
        kept = chunks[name]
        size = 0
        for raw in iter(stream.readline, b""):
            kept.append(raw)
            if keep_tail is not None:
                size += len(raw)
                while size > keep_tail and len(kept) > 1:
                    size -= len(kept.popleft())
            with serial:
                on_line(raw.decode("utf-8", "replace").rstrip("\n"))

    assert proc.stdout is not None and proc.stderr is not None
    threads = [
        threading.Thread(target=pump, args=("out", proc.stdout), daemon=True),
        threading.Thread(target=pump, args=("err", proc.stderr), daemon=True),
    ]
    for t in threads:
        t.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.wait()
        chunks["err"].append(f"timed out after {timeout:.0f} s\n".encode())
    for t in threads:
        t.join(timeout=5)
    return b"".join(chunks["out"]), b"".join(chunks["err"])


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Cancel like Ctrl-C: SIGINT to the docker CLI (it forwards to the buildx plugin, which
    cancels the build cleanly), then SIGKILL whatever is left of the process group."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
