"""The build form's Dockerfile insight on recorded output (tests/fixtures/local/form-call-*,
scripts/record_form_call_fixtures.py): the Dockerfile the calls were recorded on, written as
the build context, and a backend answering each call's exact argv with its recording. Shared by
tests/ui/build/test_build_form_insight*.py and the e2e test's expectations."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from buildx_tui.core.build.calls import Call, call_argv
from buildx_tui.core.build.spec import BuildSpec
from tests.fakes import FIXTURES, Reply, fixture
from tests.helpers.build_backend import BuildBackend, form_backend

BUILDER = "lab-container"


def recorded_dockerfile(stem: str = "form-call-check-warnings") -> str:
    """The Dockerfile a check was recorded on (its JSON carries it, base64)."""
    data = json.loads(fixture(f"local/{stem}.stdout"))
    return base64.b64decode(data["sources"][0]["data"]).decode()


def write_context(ctx: Path, stem: str = "form-call-check-warnings") -> Path:
    ctx.mkdir(parents=True, exist_ok=True)
    (ctx / "Dockerfile").write_text(recorded_dockerfile(stem), encoding="utf-8")
    return ctx


def reply(stem: str, returncode: int, **kw) -> Reply:
    def stream(ext: str) -> str:
        path = FIXTURES / "local" / f"{stem}.{ext}"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    return Reply(returncode, stream("stdout"), stream("stderr"), **kw)


def argv(call: Call, **kw) -> tuple[str, ...]:
    spec = BuildSpec(kw.pop("builder", BUILDER), **kw)
    return tuple(call_argv(spec, call))


def insight_backend(check: str = "form-call-check-warnings", code: int = 1, **spec) -> BuildBackend:
    """The form's backend; the check of ``spec`` (builder lab-container, context '.') answers
    the recording ``check``; its outline and targets answer theirs."""
    backend = form_backend()
    backend.replies[argv(Call.CHECK, **spec)] = reply(check, code)
    backend.replies[argv(Call.OUTLINE, **spec)] = reply("form-call-outline", 0)
    backend.replies[argv(Call.TARGETS, **spec)] = reply("form-call-targets", 0)
    return backend


async def wait_checked(pilot, form, tries: int = 100) -> str:
    """Until the form's Dockerfile insight shows a check's result (the first check starts once
    the form has its builder: after the `ls` worker and the platforms); returns its text."""
    from tests.helpers.render import plain

    for _ in range(tries):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)
        found = form.query("#dockerfile-insight")
        if not found:
            continue
        insight = found.first()
        shown = plain(insight.content)
        if not insight.pending and shown[:1] in ("✔", "⚠", "✖"):
            return shown
    raise AssertionError("no check result shown")


def form_busy(app) -> bool:
    """A build form on the screen stack has not settled: its builders are not loaded, one of its
    workers runs, or its Dockerfile check is asked for and not shown yet (snapshots wait for it: the
    check starts only once the form has its builder, after the `ls` worker)."""
    from buildx_tui.ui.build.form import BuildFormScreen
    from buildx_tui.ui.build.insight import DockerfileInsight

    for screen in app.screen_stack:
        if not isinstance(screen, BuildFormScreen):
            continue
        found = screen.query(DockerfileInsight)
        if not found or screen.ls is None or found.first().pending:
            return True
        mine = (screen, found.first())
        if any(w.is_running and w.node in mine for w in app.workers):
            return True
    return False
