"""Leaving the create wizard: with nothing entered it closes at once; otherwise it asks whether
to discard the draft, keep it (the app keeps it per target, `c` or `a` resumes it) or go back to
it (issue #11 item 12)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from buildx_tui.ui.common.discard import DiscardDialog, LeaveChoice
from buildx_tui.ui.services import KeptWizard

if TYPE_CHECKING:
    from buildx_tui.ui.create.wizard import CreateWizardScreen


def ask_before_leaving(wizard: CreateWizardScreen) -> None:
    if not wizard.unsaved_input():
        wizard.dismiss(None)
        return

    def chosen(choice: LeaveChoice | None) -> None:
        drafts = wizard.services.drafts
        if choice is LeaveChoice.KEEP:
            drafts.keep_wizard(wizard.draft_key, KeptWizard(wizard.current_draft(), wizard.index))
        elif choice is LeaveChoice.DISCARD:
            drafts.drop_wizard(wizard.draft_key)
        else:
            return
        wizard.dismiss(None)

    again = wizard.reopen_hint()
    dialog = DiscardDialog(
        "Leave the wizard?",
        f"What you entered is lost unless you keep it: {again} opens it again where you left.",
        keep="Keep draft",
    )
    wizard.app.push_screen(dialog, chosen)
