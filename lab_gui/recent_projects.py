"""The projects opened or saved lately, and the folder the next file dialog starts in,
kept in the window's settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 8


class RecentProjects:
    def __init__(self, settings: QSettings):
        self.settings = settings

    def remember(self, path: Path) -> None:
        recent = [p for p in self.paths() if p != str(path)]
        self.settings.setValue("recent", [str(path), *recent][:MAX_RECENT])
        self.settings.setValue("lastFolder", str(path.parent))

    def paths(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [value] if isinstance(value, str) else list(value or [])

    def folder(self, current: Path | None) -> Path:
        """Beside the project shown, or where the last one was."""
        if current is not None:
            return current.parent
        return Path(self.settings.value("lastFolder", str(Path.home())))
