"""`?` on the doctor: the app's help with the doctor's marks."""

from __future__ import annotations

from textual.binding import BindingType

from buildx_tui.ui.common.help import HelpScreen

LEGEND = [
    ("✓ passed", "bold green", "the check found nothing wrong"),
    (
        "! warning",
        "bold yellow",
        "it works, but slowly or lacking a feature (QEMU, an old BuildKit)",
    ),
    ("✗ failed", "bold red", "a build would fail: the fix says what to do (f runs it when it can)"),
    ("? unknown", "dim", "the check could not tell (not reached, not started, no answer in time)"),
    ("⟳ running", "cyan", "the check is still running (each has its own timeout)"),
    (
        "SSH to ssh://…",
        "bold",
        "an ssh:// node reached as docker reaches it: your `ssh` and ssh config (`ssh -G` says "
        "which host, user, port and key), then one non-interactive login (BatchMode) running "
        "`docker version` there; loopback hosts only, others are not contacted",
    ),
    (
        "Push to REF (t)",
        "bold",
        "the image references you push to: docker's credentials for each registry (names "
        "only: auths, credHelpers, credsStore) and, on loopback, its answer to GET /v2/ "
        "(200: no login needed, 401: wants one); `buildx-tui doctor --push REF` does the same",
    ),
]


class DoctorHelp(HelpScreen):
    LEGEND = LEGEND

    @classmethod
    def for_doctor(cls, screen_keys: list[BindingType], app_keys: list[BindingType]) -> DoctorHelp:
        return cls([("Doctor", screen_keys), ("Everywhere", app_keys)])
