"""The Training dock's controls: which run, Train/Pause/Step/Stop buttons that
mirror their actions, Step N, the banner, and the training form below them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from lab_gui.banner import Banner
from lab_gui.widgets import scrolled


class RunPanel(QWidget):
    run_picked = Signal(str)  # a run id

    def __init__(self, actions, training_form: QWidget, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        runs_row = QHBoxLayout()
        runs_row.addWidget(QLabel("Run:"))
        self.run_picker = QComboBox()
        self.run_picker.activated.connect(lambda index: self.run_picked.emit(self.run_picker.itemData(index)))
        runs_row.addWidget(self.run_picker, 1)
        layout.addLayout(runs_row)
        buttons = QHBoxLayout()
        for action in (actions.train, actions.pause, actions.step, actions.stop):
            button = QPushButton(action.text().replace("&", ""))
            button.setToolTip(f"{action.statusTip() or action.text().replace('&', '')} "
                              f"({action.shortcut().toString()})")
            button.clicked.connect(action.trigger)
            button.setEnabled(action.isEnabled())
            action.changed.connect(lambda b=button, act=action: b.setEnabled(act.isEnabled()))
            buttons.addWidget(button)
        layout.addLayout(buttons)
        step_row = QHBoxLayout()
        self.step_count = QSpinBox()
        self.step_count.setRange(1, 1_000_000)
        self.step_count.setValue(10)
        step_button = QPushButton("Step N")
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
            self.run_picker.addItem(f"{run.id}: {run.name or run.spec.name} ({run.step} steps)", run.id)
        self.run_picker.setCurrentIndex(max(self.run_picker.findData(project.current_run), 0))
