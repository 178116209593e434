"""The Cache screen over output recorded on the lab (tests/fixtures/local/du-*, prune-*, written
by scripts/record_cache_fixtures.py): a fake backend answering `ls`, `du` and `prune` for the
recorder's builder cache-c, the default builder (BuildKit v0.8) and lab-dead. Shared by the
cache's Pilot and snapshot tests and tests/helpers/all_screens.py."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.pilot import Pilot
from textual.widgets import Input

from buildx_tui.core.cache.commands import du_json_argv, du_summary_argv
from buildx_tui.ui.app import BuildxApp
from buildx_tui.ui.cache.screen import CacheScreen
from tests.demo import FIXED_NOW
from tests.fakes import FakeBackend, Reply, fixture

BUILDER = "cache-c"
#: A prune the fake answers with its recording; the du before it is what the screen shows.
PRUNE_ARGV = (
    "buildx",
    "prune",
    "--builder",
    BUILDER,
    "--force",
    "--filter",
    "type=exec.cachemount",
)


def local(name: str) -> str:
    return fixture(f"local/{name}")


def cache_backend(before: str = "du-container.json") -> FakeBackend:
    """cache-c shows ``before`` (with buildx's own totals for du-container.json only: the plain du
    of the other states was not recorded, so the fake fails it and the screen sums itself);
    after the prune above it shows the du of the next recording."""
    summary = Reply(0, local("du-container.stdout")) if before == "du-container.json" else Reply(1)
    backend = FakeBackend(
        ls_output=local("du-ls.json"),
        replies={
            du_json_argv(BUILDER): Reply(0, local(before)),
            du_summary_argv(BUILDER): summary,
            du_json_argv("default"): Reply(0, local("du-default.json")),
            du_summary_argv("default"): Reply(0, local("du-default.stdout")),
            du_json_argv("lab-dead"): Reply(1, "", local("du-dead.stderr")),
            PRUNE_ARGV: Reply(0, local("prune-type-cachemount.stdout")),
        },
    )

    def after(argv: tuple[str, ...]) -> None:
        if argv == PRUNE_ARGV:  # the cache as the next recording found it
            backend.replies[du_json_argv(BUILDER)] = Reply(
                0, local("du-before-type-local-verbose.json")
            )

    backend.after_run = after
    return backend


def cache_app(backend: FakeBackend | None = None) -> BuildxApp:
    return BuildxApp(backend or cache_backend(), refresh_interval=0, clock=lambda: FIXED_NOW)


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def open_cache(pilot: Pilot[None], builder: str = BUILDER) -> CacheScreen:
    await settle(pilot)
    screen = CacheScreen(builder)
    await pilot.app.push_screen(screen)
    await settle(pilot)
    return screen


# -- the old-builds panel (history rm): cache-c answers `history ls` with the lab's recording
# of builds-rec-c (tests/fixtures/local/history-ls-c.json) and `history rm` as recorded (no
# output); after an rm, `history ls` lists the recorded lines minus the removed ids.
#: Two days after those records.
HISTORY_NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def history_backend() -> FakeBackend:
    from buildx_tui.core.builds.commands import LsSpec

    backend = cache_backend()
    ls_argv = LsSpec(BUILDER).argv()
    lines = local("history-ls-c.json").splitlines(keepends=True)
    backend.replies[ls_argv] = Reply(0, "".join(lines))
    backend.replies[LsSpec("default").argv()] = Reply(1, "", local("history-ls-default.stderr"))
    before = backend.after_run

    def after(argv: tuple[str, ...]) -> None:
        if before is not None:
            before(argv)
        if argv[:3] == ("buildx", "history", "rm"):
            gone = set(argv[5:])
            kept = [ln for ln in lines if not any(i in ln for i in gone)]
            backend.replies[ls_argv] = Reply(0, "".join(kept))

    backend.after_run = after
    backend.default_reply = Reply(0, local("history-rm.stdout"), local("history-rm.stderr"))
    return backend


def history_app(backend: FakeBackend | None = None) -> BuildxApp:
    return BuildxApp(backend or history_backend(), refresh_interval=0, clock=lambda: HISTORY_NOW)
