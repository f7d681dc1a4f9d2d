"""The Training dock's controls: which run, Train/Pause/Step/Stop buttons that
mirror their actions, Step N, the banner, and the training form below them."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.banner import Banner
from lab_gui.engine_text import engine_text
from lab_gui.language import translated_text
from lab_gui.widgets import scrolled


class RunPanel(QWidget):
    run_picked = Signal(str)  # a run id

    def __init__(self, actions, training_form: QWidget, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        runs_row = QHBoxLayout()
        run_label = QLabel()
        translated_text(run_label, "setText", "RunPanel", QT_TRANSLATE_NOOP("RunPanel", "Run:"))
        runs_row.addWidget(run_label)
        self.run_picker = QComboBox()
        self.run_picker.activated.connect(lambda index: self.run_picked.emit(self.run_picker.itemData(index)))
        runs_row.addWidget(self.run_picker, 1)
        layout.addLayout(runs_row)
        buttons = QHBoxLayout()
        for action in (actions.train, actions.pause, actions.step, actions.stop):
            button = QPushButton()
            _mirror(button, action)
            button.clicked.connect(action.trigger)
            action.changed.connect(lambda b=button, act=action: _mirror(b, act))
            buttons.addWidget(button)
        layout.addLayout(buttons)
        step_row = QHBoxLayout()
        self.step_count = QSpinBox()
        self.step_count.setRange(1, 1_000_000)
        self.step_count.setValue(10)
        step_button = QPushButton()
        translated_text(step_button, "setText", "RunPanel", QT_TRANSLATE_NOOP("RunPanel", "Step N"))
        step_button.clicked.connect(actions.step_n.trigger)
        step_row.addWidget(QLabel("N ="))
        step_row.addWidget(self.step_count)
        step_row.addWidget(step_button)
        step_row.addStretch(1)
        layout.addLayout(step_row)
        self.banner = Banner()
        layout.addWidget(self.banner)
        layout.addWidget(scrolled(training_form), 1)

    def show_runs(self, project) -> None:
        self.run_picker.clear()
        for run in project.runs:
            name = run.name or engine_text(run.spec.name)
            steps = QCoreApplication.translate("RunPanel", "({steps} steps)").format(steps=run.step)
            self.run_picker.addItem(f"{run.id}: {name} {steps}", run.id)
        self.run_picker.setCurrentIndex(max(self.run_picker.findData(project.current_run), 0))


def plain(text: str) -> str:
    """A menu text without its mnemonic: "&Train" and "학습(&T)" read "Train" and "학습"."""
    return re.sub(r"\(&\w\)", "", text).replace("&", "").strip()


def _mirror(button: QPushButton, action) -> None:
    """The button says what its action says (in the language of the moment, Train or Resume)."""
    text = plain(action.text())
    if button.text() != text:
        button.setText(text)
    button.setToolTip(f"{action.statusTip() or text} ({action.shortcut().toString()})")
    button.setEnabled(action.isEnabled())
