"""The interface the UI needs from docker. `BuildxClient` is the real one; tests pass a fake."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from buildx_tui.core.docker.types import ClientOptions, CommandResult, Refresh


class Backend(Protocol):
    #: Where docker is pointed (--host, --context, --config): what the docker CLI is given.
    options: ClientOptions

    def list_builders(self) -> Refresh:
        """One `buildx ls --format json`, parsed (or the problem that prevented it)."""
        ...

    def prefetched(self) -> Refresh | None:
        """A refresh already available without blocking (the early `ls`), else None."""
        ...

    def run(
        self,
        argv: Sequence[str],
        *,
        on_line: Callable[[str], None] | None = None,
        stdin: bytes | None = None,
        timeout: float | None = None,
        token: object | None = None,
        keep_tail: int | None = None,
        on_start: Callable[[], None] | None = None,
        cwd: str | None = None,
    ) -> CommandResult:
        """Run ``docker … <argv>`` to completion; stream output lines to ``on_line``; with
        ``keep_tail``, the result holds only about the last that many bytes of each stream;
        ``on_start`` is called once the process exists (or could not be started); ``cwd``: the
        folder it runs in (None: the app's), said in the command shown when it is another."""
        ...

    def run_program(
        self, argv: Sequence[str], *, timeout: float, stdin: bytes | None = None
    ) -> CommandResult:
        """Run another program than docker (``ssh``: what docker's ssh:// helper runs) by its
        exact argv, found on PATH, with a timeout; its result's ``command`` is the argv
        shell-quoted."""
        ...

    def cancel(self, token: object) -> bool:
        """Cancel the run started with ``token``."""
        ...

    def cancel_all(self) -> int:
        """Cancel every run still going (the app is quitting); how many there were."""
        ...

    def display(self, argv: Sequence[str], cwd: str | None = None) -> str:
        """The command line the user is shown for ``argv`` run in ``cwd``."""
        ...
