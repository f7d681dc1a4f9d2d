"""The questions the window asks a person (message boxes and file dialogs),
behind one small object: the document and the session ask through it, and a
test can answer for the person."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStatusBar, QWidget

SUFFIX = ".seqlab"
translate = QCoreApplication.translate


def project_filter() -> str:
    return translate("Dialogs", "SeqLab projects ({pattern})").format(pattern=f"*{SUFFIX}")


def all_files() -> str:
    return translate("Dialogs", "All files ({pattern})").format(pattern="*")


class Dialogs:
    def __init__(self, parent: QWidget, status: QStatusBar | None = None):
        self.parent, self.status = parent, status

    def _say(self, text: str) -> None:
        if self.status is not None:  # the first line stays readable after the box is gone
            self.status.showMessage(text.split("\n")[0], 15000)

    def ask(self, title: str, text: str) -> bool:
        """A yes-or-no question; Yes is the default."""
        answer = QMessageBox.question(self.parent, title, text, QMessageBox.Yes | QMessageBox.No, QMessageBox.Yes)
        return answer == QMessageBox.Yes

    def save_discard_or_cancel(self, title: str, text: str) -> str:
        """"save", "discard" or "cancel"."""
        answer = QMessageBox.question(self.parent, title, text,
                                      QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")

    def choose(self, title: str, text: str, choices: list[str]) -> str | None:
        """A warning with one button per choice (the first is the default) and
        Cancel; the choice pressed, or None."""
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Cancel, self.parent)
        buttons = [(box.addButton(choice, QMessageBox.AcceptRole), choice) for choice in choices]
        box.setDefaultButton(buttons[0][0])
        self._say(text)
        box.exec()
        return next((choice for button, choice in buttons if button == box.clickedButton()), None)

    def warn(self, title: str, text: str) -> None:
        self._say(text)
        QMessageBox.warning(self.parent, title, text)

    def open_project_path(self, folder: Path) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, translate("Dialogs", "Open project"), str(folder),
                                              f"{project_filter()};;{all_files()}")
        return Path(path) if path else None

    def save_project_path(self, suggested: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, translate("Dialogs", "Save project"), str(suggested),
                                              project_filter())
        if not path:
            return None
        path = Path(path)
        return path if path.suffix == SUFFIX else path.with_suffix(SUFFIX)

    def export_path(self, suggested: Path) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, translate("Dialogs", "Export"), str(suggested),
                                              f"(*{suggested.suffix})")
        return Path(path) if path else None

    def export_folder(self, folder: Path) -> Path | None:
        path = QFileDialog.getExistingDirectory(self.parent, translate("Dialogs", "Export TensorBoard event files to"),
                                                str(folder))
        return Path(path) if path else None

    def task_file_path(self, folder: Path) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, translate("Dialogs", "Choose the file to learn from"),
                                              str(folder), translate("Dialogs", "Text and CSV files ({pattern})")
                                              .format(pattern="*.txt *.csv *.tsv") + f";;{all_files()}")
        return path or None
