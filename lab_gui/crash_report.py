"""An exception nothing caught in the window's process: written to the log with
its traceback, then shown in a dialog that offers the details to copy and names
the log file; the window goes on. PySide6 hands an exception raised in a slot or
a virtual method to sys.excepthook, so one hook catches those too."""

from __future__ import annotations

import html
import logging
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout,
                               QWidget)

from lab_gui.about import versions_line

log = logging.getLogger("seqlab.window")
translate = QCoreApplication.translate  # the dialog's words, in the "CrashDialog" context
MAX_SUMMARY = 300  # characters of the message in the dialog; the details hold it whole


class CrashDialog(QDialog):
    """Not modal: the window stays usable, to save the work or carry on."""

    def __init__(self, summary: str, details: str, log_path: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.details = details
        self.summary = summary
        self.setWindowTitle(translate("CrashDialog", "SeqLab hit a bug"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.trace = QPlainTextEdit(details)
        self.trace.setReadOnly(True)
        self.trace.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.trace.setMinimumSize(560, 180)
        if log_path is not None:
            link = html.escape(QUrl.fromLocalFile(str(log_path.parent)).toString())
            where = translate("CrashDialog", "They are also in the log file {file}.").format(
                file=f'<a href="{link}">{html.escape(str(log_path))}</a>')
        else:
            where = translate("CrashDialog", "SeqLab could not write its log file.")
        self.where = QLabel(where)
        self.where.setWordWrap(True)
        self.where.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(translate("CrashDialog", "Copy Details"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.message, self.trace, self.where, buttons):
            layout.addWidget(widget)
        self.more = 0
        self._say()

    def _say(self) -> None:
        summary = self.summary if len(self.summary) <= MAX_SUMMARY else self.summary[:MAX_SUMMARY] + "…"
        more = translate("CrashDialog", "{count} more since then.").format(count=self.more) if self.more else ""
        more = f"<p>{html.escape(more)}</p>" if more else ""
        summary = html.escape(summary, quote=False)
        went_wrong = html.escape(translate("CrashDialog", "Something went wrong inside SeqLab:"))
        goes_on = html.escape(translate("CrashDialog", "The window goes on, and your project is still open: saving "
                                                       "it now is wise. The details below help whoever fixes it."))
        self.message.setText(f"<p><b>{went_wrong}</b> {summary}</p>{more}<p>{goes_on}</p>")

    def another(self) -> None:
        """One more error while this dialog shows: counted, not a second dialog."""
        self.more += 1
        self._say()

    def copy_details(self) -> None:
        QApplication.clipboard().setText(self.details)
        self.copy_button.setText(translate("CrashDialog", "Copied"))


class CrashReporter(QObject):
    """sys.excepthook and threading.excepthook while the window runs (`install`)."""

    caught = Signal(str, str)  # summary, details: emitted from another thread, it is queued to the GUI thread

    def __init__(self, log_path: Path | None, parent: QObject | None = None):
        super().__init__(parent)
        self.log_path = log_path
        self.window: QWidget | None = None  # the dialog's parent, once there is a window
        self.dialog: CrashDialog | None = None
        self._logged: set[str] = set()  # a paint error repeats every frame: each traceback is logged once
        self._previous = None
        self.caught.connect(self.show_report)

    def install(self) -> None:
        self._previous = sys.excepthook, threading.excepthook
        sys.excepthook, threading.excepthook = self.excepthook, self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def excepthook(self, kind, exc, tb) -> None:
        (self._previous[0] if self._previous else sys.__excepthook__)(kind, exc, tb)  # the terminal, as before
        if not issubclass(kind, KeyboardInterrupt):
            self._report(kind, exc, tb)

    def thread_excepthook(self, args) -> None:
        (self._previous[1] if self._previous else threading.__excepthook__)(args)
        if not issubclass(args.exc_type, SystemExit):  # a thread's sys.exit() is no error (threading's rule)
            self._report(args.exc_type, args.exc_value, args.exc_traceback)

    def _report(self, kind, exc, tb) -> None:
        trace = "".join(traceback.format_exception(kind, exc, tb))
        if trace not in self._logged:
            self._logged.add(trace)
            log.critical("uncaught exception", exc_info=(kind, exc, tb))
        summary = "".join(traceback.format_exception_only(kind, exc)).strip()
        self.caught.emit(summary, f"{versions_line()}\n\n{trace}")

    def show_report(self, summary: str, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.another()
            return
        self.dialog = CrashDialog(summary, details, self.log_path, self.window or QApplication.activeWindow())
        self.dialog.show()
