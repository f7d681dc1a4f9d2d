"""Start the window: Qt first, the window on screen, then everything heavy."""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

import resources
from engine import __version__
from engine.logs import log_to_file, trace_faults
from lab_gui.about import versions_line
from lab_gui.crash_report import CrashReporter

ICON = Path(resources.__file__).parent / "seqlab.svg"
log = logging.getLogger("seqlab.window")


def run_window(project: str | None = None, host_kind: str = "process", qt_arguments: Sequence[str] = ()) -> int:
    """`qt_arguments`: Qt's own options from the command line (`-platform offscreen`, `-style fusion`)."""
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "seqlab", *qt_arguments])
    app.setApplicationName("SeqLab")
    app.setOrganizationName("SeqLab")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("seqlab")  # the desktop matches the window to seqlab.desktop (its icon, its name)
    app.setWindowIcon(QIcon(str(ICON)))
    log_path = log_to_file()
    trace_faults("window")
    log.info("started: %s", versions_line())
    reporter = CrashReporter(log_path)
    reporter.install()
    try:
        from lab_gui.main_window import MainWindow

        try:
            window = MainWindow(host_kind=host_kind)
        except Exception:
            log.exception("the window could not be built")
            raise
        reporter.window = window
        window.show()
        # Ctrl-C in the terminal closes the window the normal way (asking to save).
        signal.signal(signal.SIGINT, lambda *_: window.close())
        keep_python_awake = QTimer()
        keep_python_awake.timeout.connect(lambda: None)  # lets Python see the signal
        keep_python_awake.start(200)
        # the rest once the window has painted its first frame, a slice per turn of the event loop
        window.start_up(Path(project) if project else None)
        return app.exec()
    finally:
        reporter.uninstall()


def main() -> int:
    """`seqlab-window`: the window alone, with no console on Windows (a .seqlab opened from the file manager)."""
    app = QApplication(sys.argv)
    projects = app.arguments()[1:]  # Qt has taken its own options out
    return run_window(projects[0] if projects else None)
