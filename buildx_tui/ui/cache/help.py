"""`?` on the Cache screen: the app's help with the cache's legend."""

from __future__ import annotations

from textual.binding import BindingType

from buildx_tui.ui.common.help import HelpScreen

LEGEND = [
    ("reclaim", "green", "not in use: a prune may remove it"),
    ("in use", "bold yellow", "held by a running build or a record built on it: stays"),
    ("shared", "cyan", "also held by an image of the node: only --all removes it"),
    ("└ ", "dim", "a record built on the one above (its parent, du's Parents)"),
    ("✖ goes", "bold red", "prune preview: this record would be removed"),
    ("? may go", "bold yellow", "prune preview: it depends (space limits, 'until' near the line)"),
    ("· stays", "dim", "prune preview: this record stays"),
    ("≈3MB", "bold", "a sum of sizes read back from buildx's 4-digit text: last digit open"),
]


class CacheHelp(HelpScreen):
    LEGEND = LEGEND

    @classmethod
    def for_cache(cls, screen_keys: list[BindingType], app_keys: list[BindingType]) -> CacheHelp:
        return cls([("Cache", screen_keys), ("Everywhere", app_keys)])
