"""A row of tokens as chips that wrap: each can be tinted by a weight (the
attention an output token pays to it), marked as the current one, and
reports the mouse entering it, so hovering one strip can light up another."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget
from superqt import QFlowLayout

from lab_gui.widgets import visible
from lab_gui.theme import LIGHT, Theme


class TokenStrip(QWidget):
    hovered = Signal(int)  # the chip under the mouse; -1 when it leaves the strip
    clicked = Signal(int)

    def __init__(self, caption: str, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.tokens: list[str] = []
        self.weights: list[float] | None = None
        self.current = -1
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(caption)
        self.caption.setMinimumWidth(70)
        row.addWidget(self.caption, 0, Qt.AlignTop)
        holder = QWidget()
        self.flow = QFlowLayout(holder)
        self.flow.setContentsMargins(0, 0, 0, 0)
        self.flow.setSpacing(2)
        row.addWidget(holder, 1)
        self.chips: list[QLabel] = []

    def set_tokens(self, tokens: list[str]) -> None:
        for chip in self.chips:
            self.flow.removeWidget(chip)
            chip.hide()  # gone now: deleteLater waits for the event loop, and drew old chips under new ones
            chip.deleteLater()
        self.tokens, self.weights, self.current = list(tokens), None, -1
        self.chips = []
        for index, token in enumerate(self.tokens):
            chip = QLabel(visible(token))
            chip.setToolTip(repr(token))
            chip.setAlignment(Qt.AlignCenter)
            chip.setMinimumWidth(18)
            chip.setProperty("index", index)
            chip.installEventFilter(self)
            self.flow.addWidget(chip)
            self.chips.append(chip)
        self._paint()

    def set_weights(self, weights: list[float] | None) -> None:
        """Tint chip i by weights[i] (0..1, as attention is); None clears the tints."""
        self.weights = None if weights is None else [float(w) for w in weights]
        self._paint()

    def set_current(self, index: int) -> None:
        self.current = index
        self._paint()

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._paint()

    def _paint(self) -> None:
        accent = QColor(self.theme.color(0))
        for index, chip in enumerate(self.chips):
            weight = self.weights[index] if self.weights is not None and index < len(self.weights) else 0.0
            tint = QColor(accent)
            tint.setAlphaF(max(0.0, min(1.0, weight)) * 0.85)
            # dark text on a light tint, light text once the tint is strong
            text = "#ffffff" if weight > 0.55 else self.theme.foreground
            border = self.theme.foreground if index == self.current else self.theme.grid
            width = 2 if index == self.current else 1
            chip.setStyleSheet(f"QLabel {{ background: {tint.name(QColor.HexArgb)}; color: {text}; "
                               f"border: {width}px solid {border}; border-radius: 3px; padding: 1px 4px; }}")
            chip.setFont(self.font())

    def eventFilter(self, watched, event) -> bool:
        index = watched.property("index") if isinstance(watched, QLabel) else None
        if index is not None:
            if event.type() == QEvent.Enter:
                self.hovered.emit(int(index))
            elif event.type() == QEvent.MouseButtonPress:
                self.clicked.emit(int(index))
        return False

    def leaveEvent(self, event) -> None:
        self.hovered.emit(-1)
        super().leaveEvent(event)
