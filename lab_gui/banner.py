"""A message above the training controls for something that ended a run (a
dead engine, a divergence, no memory left), with buttons for what to do next."""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout


class Banner(QFrame):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("banner")
        self.setFrameShape(QFrame.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #d0342c; font-weight: bold;")
        layout.addWidget(self.label)
        self.buttons = QHBoxLayout()
        layout.addLayout(self.buttons)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def show_message(self, text: str, actions: list[tuple[str, Callable[[], None]]] = ()) -> None:
        """Show `text` with one button per (label, callback); a button also hides the banner."""
        self.label.setText(text)
        while self.buttons.count():
            item = self.buttons.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        for label, callback in actions:
            button = QPushButton(label)
            button.clicked.connect(lambda _checked=False, act=callback: (self.hide(), act()))
            self.buttons.addWidget(button)
        self.buttons.addStretch(1)
        self.show()

    def action_labels(self) -> list[str]:
        return [self.buttons.itemAt(i).widget().text() for i in range(self.buttons.count())
                if self.buttons.itemAt(i).widget() is not None]

    def trigger(self, label: str) -> None:
        """Press the button called `label` (for tests and keyboard users)."""
        for i in range(self.buttons.count()):
            widget = self.buttons.itemAt(i).widget()
            if widget is not None and widget.text() == label:
                widget.click()
                return
        raise KeyError(label)
