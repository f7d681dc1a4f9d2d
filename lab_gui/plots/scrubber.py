"""A slider over a run's kept probe snapshots that follows the newest one
until the user drags it back, and says which step is shown."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from lab_gui.language import follow_language


class SnapshotScrubber(QObject):
    moved = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setMinimumWidth(120)
        follow_language(self.slider, lambda slider: slider.setToolTip(
            QCoreApplication.translate("Plots", "Scrub through the kept probe snapshots of this run")))
        self.label = QLabel("")
        self.follow_latest = True
        self.slider.valueChanged.connect(self._changed)

    def add_to(self, layout) -> None:
        """The slider and its step label go into `layout` as one piece."""
        piece = QWidget()
        row = QHBoxLayout(piece)
        row.setContentsMargins(0, 0, 6, 0)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        piece.setMinimumWidth(220)
        layout.addWidget(piece)

    def _changed(self, value: int) -> None:
        self.follow_latest = value == self.slider.maximum()
        self.moved.emit()

    def reset(self) -> None:
        self.follow_latest = True

    def pick(self, snapshots: list):
        """The snapshot to show, or None (and the slider disabled) when there is none."""
        self.slider.setEnabled(len(snapshots) > 1)
        if not snapshots:
            self.label.setText("")
            return None
        self.slider.blockSignals(True)
        self.slider.setRange(0, len(snapshots) - 1)
        if self.follow_latest:
            self.slider.setValue(len(snapshots) - 1)
        self.slider.blockSignals(False)
        snapshot = snapshots[min(self.slider.value(), len(snapshots) - 1)]
        self.label.setText(QCoreApplication.translate("Plots", "step {step}").format(step=snapshot.step))
        return snapshot
