"""The bake workspace over output recorded on the lab (tests/fixtures/local/bake-*, call-*,
written by scripts/record_bake_fixtures.py), with the workspace the recorder wrote
(tests/fixtures/local/bake-workspace). `BakeBackend` answers the loading commands, the check,
and bake runs: the run's argv holds a temporary `--metadata-file` path, so runs are matched with
it replaced by ``<metadata>``; the recorded stream is fed to ``on_line`` (pausing after
``pause_after`` lines until ``gate`` is set), then the recorded metadata file is written where
buildx would write it. ``cancel`` ends a paused run as SIGINT would (exit 130). Shared by the
bake's unit, Pilot and snapshot tests and tests/helpers/all_screens.py."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from buildx_tui.core.bake.spec import BakeSpec
from buildx_tui.core.docker.types import CommandResult
from buildx_tui.ui.app import BuildxApp
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture

#: Relative to the repository (the tests' current directory: the commands shown stay the same
#: wherever the repository is); tests that change directory use ABS_WORKSPACE.
WORKSPACE = "tests/fixtures/local/bake-workspace"
ABS_WORKSPACE = str(Path(__file__).resolve().parent.parent / "fixtures/local/bake-workspace")
BUILDER = "bake-c"
METADATA = "<metadata>"
#: --list=type=targets of the workspace, without `default` (bake-print-all's arguments)
ALL_NAMES = ("app", "broken", "fails", "outside", "tool", "variant", "variant-big", "variant-small")
PLATFORMS = {"app": ("linux/amd64", "linux/arm64"), "tool": ("linux/amd64",)}


def local(name: str) -> str:
    return fixture(f"local/{name}")


def spec(workspace: str = WORKSPACE, **kw: object) -> BakeSpec:
    """The spec the screen makes for the folder ``workspace``: bake runs there and picks the
    file itself."""
    return BakeSpec(cwd=workspace, builder=BUILDER, **kw)  # type: ignore[arg-type]


def normalise(argv: Sequence[str]) -> tuple[str, ...]:
    out = list(argv)
    if "--metadata-file" in out:
        out[out.index("--metadata-file") + 1] = METADATA
    return tuple(out)


@dataclass
class RunReply:
    stem: str  # bake-run-default: .stderr streamed, .metadata.json written when recorded
    returncode: int = 0
    metadata: bool = True
    pause_after: int | None = None
    gate: threading.Event = field(default_factory=threading.Event)


@dataclass
class BakeBackend(FakeBackend):
    runs: dict[tuple[str, ...], RunReply] = field(default_factory=dict)
    _cancelled: set[int] = field(default_factory=set)
    _running: dict[int, RunReply] = field(default_factory=dict)

    def run(self, argv, *, on_line=None, stdin=None, timeout=None, token=None, keep_tail=None,
            on_start=None, cwd=None) -> CommandResult:  # fmt: skip
        key = normalise(argv)
        reply = self.runs.get(key)
        if reply is None:
            return super().run(argv, on_line=on_line, timeout=timeout, token=token, cwd=cwd)
        if on_start is not None:
            on_start()
        self.calls.append(key)
        self.runs_in.append((key, cwd))
        tid = id(token)
        self._running[tid] = reply
        lines = local(f"{reply.stem}.stderr").splitlines()
        code = reply.returncode
        for i, line in enumerate(lines):
            if reply.pause_after is not None and i == reply.pause_after:
                reply.gate.wait(10)
                if tid in self._cancelled:
                    code = 130
                    break
            if on_line is not None:
                on_line(line)
        self._running.pop(tid, None)
        if code == 0 and reply.metadata:
            meta = list(argv)[list(argv).index("--metadata-file") + 1]
            Path(meta).write_text(local(f"{reply.stem}.metadata.json"), encoding="utf-8")
        return CommandResult(key, self.display(key, cwd), code, "", "\n".join(lines[-50:]), 2.5,
                             cancelled=code == 130)  # fmt: skip

    def cancel(self, token: object) -> bool:
        reply = self._running.get(id(token))
        if reply is None:
            return False
        self._cancelled.add(id(token))
        reply.gate.set()
        return True


def bake_backend(*, broken: str = "", workspace: str = WORKSPACE) -> BakeBackend:
    """The workspace loads (``broken``: the `--print` answers that bad-file recording instead),
    checks (FromAsCasing on app and tool; `outside` asks for fs.read) and runs (default group,
    the `fails` group, `outside` once granted)."""

    def at(**kw: object) -> BakeSpec:
        return spec(workspace, **kw)

    base = at()
    every = at(targets=ALL_NAMES)
    printed = Reply(0, local("bake-print.stdout"), local("bake-print.stderr"))
    if broken:
        printed = Reply(1, "", local(f"{broken}.stderr"))
    replies = {
        tuple(base.print_argv()): printed,
        tuple(base.list_argv("targets")): Reply(0, local("bake-list-targets.stdout")),
        tuple(base.list_argv("variables")): Reply(0, local("bake-list-vars.stdout")),
        tuple(every.print_argv()): Reply(0, local("bake-print-all.stdout")),
        tuple(at(targets=("default",)).check_argv()): Reply(
            1, local("call-bake-check-json.stdout"), local("call-bake-check-json.stderr")
        ),
        tuple(at(targets=("outside",)).check_argv()): Reply(
            1, "", local("bake-check-outside-refused.stderr")
        ),
        tuple(at(targets=("outside",), allow=("fs.read=../outside",)).check_argv()): Reply(
            0, "", local("bake-check-outside-allowed.stderr")
        ),
        tuple(at(targets=("fails",)).check_argv()): Reply(
            1,
            local("call-bake-check-fails-json.stdout"),
            local("call-bake-check-fails-json.stderr"),
        ),
    }
    runs = {
        normalise(at(targets=("default",)).argv(metadata_file="x")): RunReply("bake-run-default"),
        normalise(at(targets=("fails",)).argv(metadata_file="x")): RunReply(
            "bake-run-fail", returncode=1, metadata=False
        ),
        normalise(
            at(targets=("outside",), allow=("fs.read=../outside",)).argv(metadata_file="x")
        ): RunReply("bake-run-outside-allowed"),
    }
    return BakeBackend(ls_output=local("bake-ls.stdout"), replies=replies, runs=runs)


def bake_app(backend: BakeBackend | None = None) -> BuildxApp:
    return BuildxApp(backend or bake_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def open_bake(pilot: Pilot[None], path: str = WORKSPACE):
    from buildx_tui.ui.bake.screen import BakeScreen

    await settle(pilot)
    screen = BakeScreen(path, builder=BUILDER)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


SNAP_META = Path("/tmp/buildx-tui-bake-snapshots")


def stable_metadata_folder(put) -> None:
    """A fixed folder for the run's metadata file, so the command shown is the same every time
    (``put``: monkeypatch.setattr; tempfile.mkdtemp is patched module-wide until undone)."""
    import buildx_tui.core.bake.runner as runner

    def fixed_mkdtemp(*args: object, **kwargs: object) -> str:
        SNAP_META.mkdir(parents=True, exist_ok=True)
        return str(SNAP_META)

    put(runner.tempfile, "mkdtemp", fixed_mkdtemp)
