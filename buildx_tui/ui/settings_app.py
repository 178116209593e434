"""The settings' part of the app: the theme and key overrides of settings.toml applied, a theme
chosen in the palette remembered (key clashes: AppScreen, on mount). BuildxApp is a
:class:`SettingsApp`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual.notifications import SeverityLevel

from buildx_tui.ui.services import Services, ServicesApp


@dataclass(frozen=True)
class Notice:
    """A notification shown once the app has started (the demo's welcome, a settings problem)."""

    title: str
    message: str
    severity: SeverityLevel = "information"
    timeout: float = 10.0


class SettingsApp(ServicesApp):
    """An app whose theme and keys come from the settings in its :class:`Services`."""

    def __init__(self, services: Services) -> None:
        super().__init__(services)
        self._remembered_theme = self.theme

    def apply_settings(self) -> list[Notice]:
        """Use the settings' theme (at once: the first frame has it); what could not be used, as
        notices to show once the app runs."""
        notices = self._apply_theme(self.services.settings.theme)
        self._remembered_theme = self.theme
        return notices

    def mount_settings(self) -> None:
        """Once mounted: the key overrides, and a watch on the theme to remember it."""
        if self.services.settings.keys:
            self.set_keymap(self.services.settings.keys)
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def _apply_theme(self, name: str) -> list[Notice]:
        """Use the theme of the settings; a name Textual does not know is told, not fatal."""
        if name == self.theme:
            return []
        if name in self.available_themes:
            self.theme = name
            return []
        known = ", ".join(sorted(self.available_themes))
        return [
            Notice(
                "Settings",
                f"[ui] theme: {name[:100]!r} is not a theme of this Textual (one of: {known}); "
                f"{self.theme} is used.",
                "warning",
            )
        ]

    def _remember_theme(self, theme: object) -> None:
        """A theme chosen in the palette is written to settings.toml (comments kept), off the
        UI thread; the demo and tests write nothing (no settings path)."""
        path = self.services.settings_path
        name = self.theme
        if path is None or name == self._remembered_theme:
            return
        self._remembered_theme = name
        self.run_worker(
            lambda: self._write_setting(path, "ui", "theme", name),
            thread=True,
            group="settings",
            exit_on_error=False,
        )

    def _write_setting(self, path: Path, table: str, key: str, value: str) -> None:
        from buildx_tui.core.settings.store import SettingsWriteError, remember

        try:
            remember(path, table, key, value)
        except SettingsWriteError as exc:
            self.call_from_thread(
                self.notify,
                f"{exc}. The {key} is used for this session only.",
                title="Settings not saved",
                severity="warning",
                timeout=10,
            )
