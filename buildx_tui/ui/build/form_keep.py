"""What the build form keeps of what was typed (issue #11 item 12): leaving it changed asks
first (discard, keep for later, keep editing); `n` opens it again with the values last built or
kept for the builder (Services.drafts), or else with the builder's last build in the history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from buildx_tui.core.build.history import History
from buildx_tui.core.build.spec import BuildSpec
from buildx_tui.ui.common.discard import DiscardDialog, LeaveChoice

if TYPE_CHECKING:
    from buildx_tui.ui.build.form import BuildFormScreen


def last_builds(history: History, display: Callable[[Sequence[str]], str]) -> dict[str, BuildSpec]:
    """The last build of each builder in ``history`` that ran through this Docker context or
    host: its command is the one ``display`` (the backend's) shows for its spec. File I/O: call
    it from a worker thread."""
    try:
        entries = history.load()  # oldest first
    except OSError:
        return {}
    return {e.spec.builder: e.spec for e in entries if e.command == display(e.spec.argv())}


def ask_before_leaving(form: BuildFormScreen) -> None:
    """Leave at once when nothing changed; else ask."""
    if not form.changed:
        form.app.pop_screen()
        return

    def chosen(choice: LeaveChoice | None) -> None:
        if choice is LeaveChoice.STAY or choice is None:
            return
        if choice is LeaveChoice.KEEP:
            form.services.drafts.keep_form(form.values())
        form.app.pop_screen()

    what = (
        "What you changed is lost unless you keep it: n opens the form again with it (for the "
        "same builder)."
    )
    form.app.push_screen(DiscardDialog("Leave the build form?", what), chosen)
