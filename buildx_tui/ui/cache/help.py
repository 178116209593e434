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
    (
        "h",
        "bold",
        "old builds: remove build records (history rm) older than an age (7d, 12h), of a "
        "status (failed or cancelled: history ls says Error for both) and/or all but the "
        "newest N; every choice given must hold; running builds never go",
    ),
    ("ctrl+r", "bold", "runs the open panel's command (prune or history rm) after a confirm"),
    ("✖ (old builds)", "bold red", "this record would be removed; history ls is read again after"),
]


class CacheHelp(HelpScreen):
    LEGEND = LEGEND

    @classmethod
    def for_cache(cls, screen_keys: list[BindingType], app_keys: list[BindingType]) -> CacheHelp:
        return cls([("Cache", screen_keys), ("Everywhere", app_keys)])
