"""`?` on the bake workspace: the app's help with the workspace's legend."""

from __future__ import annotations

from textual.binding import BindingType

from buildx_tui.ui.common.help import HelpScreen

LEGEND = [
    ("▸ group", "bold", "a bake group: the targets it builds are under it"),
    ("⇄ shared", "cyan", "a step several targets share: shown once, charged to none of them"),
    ("shared steps", "", "a target's lane of steps with no platform: its context, export, push"),
    ("⚠ check", "bold yellow", "a build check (`--call check`): rule, message, Dockerfile line"),
    ("✖ failed", "bold red", "the target that failed, its step and log"),
    ("✔ done", "green", "a target that finished; its digest and pushed image below"),
]


class BakeHelp(HelpScreen):
    LEGEND = LEGEND

    @classmethod
    def for_bake(cls, screen_keys: list[BindingType], app_keys: list[BindingType]) -> BakeHelp:
        return cls([("Bake", screen_keys), ("Everywhere", app_keys)])
