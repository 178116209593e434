"""The builder actions of the builders list: what each is called, what its row shows while it
runs, and the dialogs that ask before the ones with options or consequences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from buildx_tui.core.commands import RemoveSpec, StopSpec, UseSpec

if TYPE_CHECKING:  # the dialog is imported when first opened (not needed for the first frame)
    from buildx_tui.ui.common.action_dialog import ActionDialog, Spec

Display = Callable[[Sequence[str]], str]


@dataclass(frozen=True)
class Action:
    """One builder action: what it is called, what the row shows while it runs."""

    name: str
    busy: str


USE = Action("use", "switching")
BOOTSTRAP = Action("bootstrap", "starting")
STOP = Action("stop", "stopping")
REMOVE = Action("remove", "removing")


def use_dialog(name: str, display: Display) -> ActionDialog:
    from buildx_tui.ui.common.action_dialog import ActionDialog, Option

    def make(v: dict[str, bool]) -> Spec:
        return UseSpec(name, default=v["default"], global_=v["global"])

    return ActionDialog(
        f"Use builder {name}",
        "Make this the builder that `docker buildx build` uses.",
        make,
        display,
        [
            Option("default", "--default: default for the current Docker context"),
            Option("global", "--global: keep it when the Docker context changes"),
        ],
        confirm_label="Use",
    )


def stop_dialog(name: str, display: Display) -> ActionDialog:
    from buildx_tui.ui.common.action_dialog import ActionDialog

    return ActionDialog(
        f"Stop builder {name}?",
        "Stops its BuildKit daemon; running builds on it are cancelled. "
        "Bootstrap (b) starts it again; the build cache is kept.",
        lambda _v: StopSpec(name),
        display,
        danger=True,
        confirm_label="Stop",
    )


def remove_dialog(name: str, display: Display) -> ActionDialog:
    from buildx_tui.ui.common.action_dialog import ActionDialog, Option

    def make(v: dict[str, bool]) -> Spec:
        return RemoveSpec(name, keep_state=v["keep_state"], keep_daemon=v["keep_daemon"])

    return ActionDialog(
        f"Remove builder {name}?",
        "Removes the builder and, unless kept, its BuildKit state (build cache).",
        make,
        display,
        [
            Option("keep_state", "--keep-state: keep BuildKit state (cache volume)"),
            Option("keep_daemon", "--keep-daemon: keep the BuildKit daemon running"),
        ],
        danger=True,
        confirm_label="Remove",
    )
