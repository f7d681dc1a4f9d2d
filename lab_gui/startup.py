"""The window's late start-up, a turn of the event loop at a time: the first frame
painted with a placeholder where the model will be, torch and the engine imported on
a thread, then the window's own late steps (MainWindow.late_steps) one per turn."""

from __future__ import annotations

import importlib
import threading
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget


def placeholder(text: str) -> QWidget:
    """A word in the middle of an empty area, greyed (no Qt enums: they load after the show)."""
    area, label = QWidget(), QLabel(text)
    label.setEnabled(False)
    row = QHBoxLayout()
    row.addStretch()
    row.addWidget(label)
    row.addStretch()
    column = QVBoxLayout(area)
    column.addStretch()
    column.addLayout(row)
    column.addStretch()
    return area


# torch with them; all of them are Qt-free (import-linter's contract for the engine)
ENGINE_MODULES = ("engine.host", "engine.blueprint", "engine.presets", "engine.project")


def _import_engine() -> None:
    """On a thread while the window's event loop runs: torch and the engine's modules the
    late start-up needs, 1.2-1.9 s on 2 cores idle, more when busy. A failure here is raised again, and
    reported, when the GUI thread imports them."""
    try:
        for name in ENGINE_MODULES:
            importlib.import_module(name)
    except Exception:
        pass


class LateStartup(QObject):
    """MainWindow.start_up's turns of the event loop. Measured on 2 cores under Xvfb
    (benchmarks/window.py): run at once after show(), the late start-up kept the first
    frame back until it was done, 2-3 s after the launch and 3-7 s with the cores busy:
    a black window. Importing torch in the GUI thread holds the event loop 1.1-4 s; on a
    thread, at most 0.2 s at once idle and 0.6 s busy (the GIL: loading libtorch holds it),
    in about the same time. Each step after it takes 0.15 s at most, idle."""

    FIRST_FRAME_AT_LATEST_MS = 2000  # a window that never paints (minimized, say) starts all the same
    imported = Signal()  # from the import thread, queued to the GUI thread

    def __init__(self, window, path: Path | None):  # a MainWindow
        super().__init__(window)
        self.window, self.path = window, path
        self.importer: threading.Thread | None = None
        self.imported.connect(self._next_step)
        window.installEventFilter(self)
        QTimer.singleShot(self.FIRST_FRAME_AT_LATEST_MS, self, self._painted)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self, self._painted)  # after the frame: its widgets paint after the window
        return False

    def _painted(self) -> None:
        if self.importer is not None:
            return
        window = self.window
        window.removeEventFilter(self)
        # the style and palette now, while few widgets are there to restyle (the plots take theirs when ready)
        window.set_theme_choice(window.settings.value("theme", "system"), remember=False)
        # not a daemon: an exit in the middle of the import waits for it rather than tear torch down under it
        self.importer = threading.Thread(target=self._import, name="seqlab-import")
        self.importer.start()

    def _import(self) -> None:
        _import_engine()
        try:
            self.imported.emit()
        except RuntimeError:  # the window is gone: nothing to go on with
            pass

    def _next_step(self) -> None:
        window = self.window
        if not window.isVisible():  # closed while it started
            return
        if window.late_steps:
            window.late_steps.pop(0)()
            QTimer.singleShot(0, self, self._next_step)  # the event loop paints and answers between steps
        else:
            window.finish_startup(self.path)
            self.deleteLater()
