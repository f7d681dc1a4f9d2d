"""Start the window: Qt first, the window on screen, then everything heavy."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication


def run_window(project: str | None = None, host_kind: str = "process") -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("SeqLab")
    app.setOrganizationName("SeqLab")
    from lab_gui.main_window import MainWindow

    window = MainWindow(host_kind=host_kind)
    window.show()
    # Ctrl-C in the terminal closes the window the normal way (asking to save).
    signal.signal(signal.SIGINT, lambda *_: window.close())
    keep_python_awake = QTimer()
    keep_python_awake.timeout.connect(lambda: None)  # lets Python see the signal
    keep_python_awake.start(200)
    QTimer.singleShot(0, lambda: window.finish_startup(Path(project) if project else None))
    return app.exec()
