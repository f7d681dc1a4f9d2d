"""An exception nothing caught in the window's process: a dialog with the message,
the details to copy and the log file's path; the traceback in the log; and the
window goes on. The exceptions here are real ones, raised in a Qt slot and in a
thread, so pytest-qt's own capture of them is off."""

import logging
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from engine.logs import log_to_file
from lab_gui.crash_report import CrashReporter
from tests.gui.conftest import train_to_end, wait_until
from tests.gui.test_window import quick


@pytest.fixture
def reporter(tmp_path, monkeypatch):
    monkeypatch.setenv("SEQLAB_LOG_DIR", str(tmp_path / "logs"))
    root, seqlab = logging.getLogger(), logging.getLogger("seqlab")
    handlers, level = list(root.handlers), seqlab.level
    reporter = CrashReporter(log_to_file())
    reporter.install()
    yield reporter
    reporter.uninstall()
    if reporter.dialog is not None:
        reporter.dialog.close()
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    seqlab.setLevel(level)


def _log_text(reporter):
    for handler in logging.getLogger().handlers:
        handler.flush()
    return reporter.log_path.read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_shown_and_the_window_trains_on(qtbot, make_window, reporter):
    window = make_window()
    reporter.window = window

    def broken_slot():
        raise ZeroDivisionError("planted in a slot")

    QTimer.singleShot(0, broken_slot)  # PySide6 hands it to sys.excepthook
    wait_until(qtbot, lambda: reporter.dialog is not None, 10, "the crash dialog")
    dialog = reporter.dialog
    assert dialog.isVisible() and not dialog.isModal() and dialog.parent() is window
    assert "ZeroDivisionError: planted in a slot" in dialog.message.text()
    assert str(reporter.log_path) in dialog.where.text()
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert copied.startswith("SeqLab ") and "in broken_slot" in copied and "ZeroDivisionError" in copied
    logged = _log_text(reporter)
    assert "CRITICAL MainProcess seqlab.window: uncaught exception" in logged and "in broken_slot" in logged

    QTimer.singleShot(0, broken_slot)  # the same again while the dialog shows: counted, logged once
    wait_until(qtbot, lambda: dialog.more == 1, 10, "the second error")
    assert reporter.dialog is dialog and "1 more since" in dialog.message.text()
    assert _log_text(reporter).count("in broken_slot") == 1

    quick(window, 20)
    train_to_end(qtbot, window)  # the window answers and trains
    assert window.session.run.step == 20


@pytest.mark.qt_no_exception_capture
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # pytest sees it too
def test_an_exception_in_another_thread_reaches_the_dialog_in_the_gui_thread(qtbot, make_window, reporter):
    window = make_window()
    reporter.window = window

    def broken_thread():
        raise KeyError("planted in a thread")

    worker = threading.Thread(target=broken_thread, name="broken")
    worker.start()
    worker.join()
    wait_until(qtbot, lambda: reporter.dialog is not None, 10, "the crash dialog")
    assert "KeyError: 'planted in a thread'" in reporter.dialog.message.text()
    assert "in broken_thread" in _log_text(reporter)


def test_without_a_log_file_the_dialog_says_so(qtbot):
    reporter = CrashReporter(None)
    try:
        raise ValueError("no log")
    except ValueError as exc:
        reporter._report(type(exc), exc, exc.__traceback__)
    qtbot.addWidget(reporter.dialog)
    assert "could not write its log file" in reporter.dialog.where.text()
