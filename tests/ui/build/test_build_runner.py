"""The build worker's logic without a screen: coalescing, the exact argv, metadata, cancel."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from buildx_tui.core.build.runner import BuildRunner
from buildx_tui.core.progress.model import ProgressSnapshot
from tests.helpers.build_backend import META, MULTI, BuildBackend, BuildReply, build_key, push_spec


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class SteppingBackend(BuildBackend):
    """Advances the fake clock by ``step`` before each streamed line."""

    def __init__(self, clock: FakeClock, step: float, **kw) -> None:
        super().__init__(**kw)
        self.clock = clock
        self.step = step

    def run(self, argv, *, on_line=None, **kw):
        def ticking(line: str) -> None:
            self.clock.now += self.step
            assert on_line is not None
            on_line(line)

        return super().run(argv, on_line=ticking if on_line else None, **kw)


def runner_for(backend, spec, posted: list[ProgressSnapshot], clock) -> BuildRunner:
    # tick=1e9: only changes are posted (the once-a-second clock refresh never fires here).
    return BuildRunner(backend, spec, posted.append, clock=clock, tick=1e9, progress_clock=None)


def test_updates_are_coalesced_to_one_per_100_ms_and_only_when_something_changed():
    spec = push_spec()
    clock = FakeClock()
    backend = SteppingBackend(clock, 0.010, builds={build_key(spec): BuildReply(MULTI, 0, META)})
    posted: list[ProgressSnapshot] = []
    outcome = runner_for(backend, spec, posted, clock).run()
    # 66 lines, 10 ms apart = 660 ms of stream: at most one update per 100 ms (buildx's own
    # display rate), never one per line.
    assert outcome.lines == 66
    assert 4 <= len(posted) <= 660 // 100 + 1
    assert outcome.posts == len(posted)
    versions = [s.version for s in posted]
    assert versions == sorted(set(versions))  # each post carries something new
    assert outcome.snapshot.result == "success" and outcome.snapshot.ended


def test_a_burst_is_one_update_and_the_final_state_comes_with_the_outcome():
    spec = push_spec()
    clock = FakeClock()
    backend = SteppingBackend(clock, 0.0, builds={build_key(spec): BuildReply(MULTI, 0, META)})
    posted: list[ProgressSnapshot] = []
    outcome = runner_for(backend, spec, posted, clock).run()
    assert len(posted) == 1  # the first line; the other 65 arrived within the same 100 ms
    assert outcome.snapshot.lines == 66


def test_exact_argv_metadata_read_and_temporary_folder_removed():
    spec = push_spec()
    backend = BuildBackend(builds={build_key(spec): BuildReply(MULTI, 0, META)})
    runner = BuildRunner(backend, spec, lambda s: None)
    argv = runner.prepare()
    assert argv[:7] == ["buildx", "build", "--builder", "seedtest", "--progress=rawjson",
                        "--metadata-file", argv[6]]  # fmt: skip
    assert argv[7:] == spec.argv()[4:]
    folder = Path(argv[6]).parent
    assert folder.is_dir()
    outcome = runner.run()
    assert outcome.outputs.digest.startswith("sha256:494a0d7f")
    assert not folder.exists()
    assert gc.get_freeze_count() == 0  # the collector is back to normal after the build


def test_failed_build_outcome_carries_buildx_error():
    spec = push_spec(tags=("127.0.0.1:5000/demo:fail",), no_cache=True)
    reply = BuildReply("buildx/build-onefails-rawjson.stderr", 1)
    outcome = BuildRunner(BuildBackend(builds={build_key(spec): reply}), spec, lambda s: None).run()
    assert outcome.snapshot.result == "failed" and not outcome.cancelled
    assert outcome.error_text.startswith("failed to build: failed to solve: process")
    assert outcome.outputs.digest == ""


def test_cancel_before_the_process_starts_runs_nothing():
    spec = push_spec()
    backend = BuildBackend(builds={build_key(spec): BuildReply(MULTI, 0, META)})
    runner = BuildRunner(backend, spec, lambda s: None)
    runner._cancel.set()  # as cancel() does first, before the process is even registered
    outcome = runner.run()
    assert outcome.cancelled and outcome.result.returncode == 130
    assert outcome.snapshot.result == "cancelled"
    assert backend.calls == []


def test_cancel_while_running_reaches_the_backend_with_the_runs_token():
    spec = push_spec(tags=("127.0.0.1:5000/demo:cancel",), no_cache=True)
    reply = BuildReply("buildx/build-cancelled-rawjson.stderr", 130, pause_after=10)
    backend = BuildBackend(builds={build_key(spec): reply})
    runner = BuildRunner(backend, spec, lambda s: None)
    result: list = []
    worker = threading.Thread(target=lambda: result.append(runner.run()))
    worker.start()
    while not backend._running:  # the process is running (and frozen at the gate)
        threading.Event().wait(0.005)
    runner.cancel()
    worker.join(5)
    [outcome] = result
    assert outcome.cancelled and outcome.snapshot.result == "cancelled"
    assert id(runner.token) in backend._cancelled


def test_with_ui_wait_the_reader_pauses_after_a_post_until_the_ui_has_drawn():
    spec = push_spec()
    clock = FakeClock()
    backend = SteppingBackend(clock, 0.110, builds={build_key(spec): BuildReply(MULTI, 0, META)})
    acks: list[int] = []
    seen: list[tuple[int, int]] = []  # (line number, acknowledgements so far) at each post
    runner: BuildRunner

    def post(snapshot: ProgressSnapshot) -> None:
        n = runner.pump.lines
        seen.append((n, len(acks)))
        # The UI draws on its own thread a little later, then says so.
        threading.Timer(0.002, lambda: (acks.append(n), runner.drawn())).start()

    runner = BuildRunner(backend, spec, post, clock=clock, tick=1e9, progress_clock=None,
                         ui_wait_s=5.0)  # fmt: skip
    outcome = runner.run()
    # Lines are 110 ms apart: every line is posted, and no line was parsed before the UI had
    # drawn the previous post (at line k, k-1 posts were acknowledged).
    assert outcome.posts == outcome.lines == 66
    assert seen == [(k, k - 1) for k in range(1, 67)]


def test_ui_wait_is_bounded_when_the_ui_never_answers():
    spec = push_spec()
    clock = FakeClock()
    backend = SteppingBackend(clock, 0.060, builds={build_key(spec): BuildReply(MULTI, 0, META)})
    runner = BuildRunner(backend, spec, lambda s: None, clock=clock, tick=1e9,
                         progress_clock=None, ui_wait_s=0.005)  # fmt: skip
    outcome = runner.run()
    assert outcome.snapshot.result == "success" and outcome.lines == 66


def test_keep_frozen_leaves_the_collector_frozen_until_release():
    spec = push_spec()
    backend = BuildBackend(builds={build_key(spec): BuildReply(MULTI, 0, META)})
    runner = BuildRunner(backend, spec, lambda s: None, keep_frozen=True)
    try:
        runner.run()
        assert gc.get_freeze_count() > 0
    finally:
        runner.release_gc()
    assert gc.get_freeze_count() == 0
