"""Small widgets and widget helpers shared by the window, the plots and the
Playground. This module loads before the window shows, so it imports Qt's
widgets only: the pyqtgraph heatmap and its helpers are in widgets.heatmap."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QWidget


def scrolled(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(QtCore.Qt.ScrollBarAlwaysOff)  # the forms fit the dock's width
    area.setFrameShape(QScrollArea.NoFrame)
    return area


def labelled(label: str, widget: QWidget) -> QWidget:
    """`widget` after its label (none when empty), as one piece: in a flow
    layout a label wraps with its widget, never apart."""
    piece = QWidget()
    row = QHBoxLayout(piece)
    row.setContentsMargins(0, 0, 6, 0)
    row.setSpacing(4)
    if label:
        row.addWidget(QLabel(label))
    row.addWidget(widget)
    return piece


def set_items(combo, items: list[str], data: list | None = None) -> None:
    """Replace a combo box's items (keeping the choice if it is still there) without signals."""
    if [combo.itemText(i) for i in range(combo.count())] == items:
        return
    keep = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    for i, item in enumerate(items):
        combo.addItem(item, None if data is None else data[i])
    if keep in items:
        combo.setCurrentIndex(items.index(keep))
    combo.blockSignals(False)


BLANKS = {" ": "␣", "\n": "⏎", "\t": "⇥"}


def visible(token: str) -> str:
    """A token as it can be read on a tick or a chip: blanks shown as symbols."""
    return "".join(BLANKS.get(c, c) for c in token) if token.strip() == "" or "\n" in token else token


def one_line(text: str) -> str:
    """Text for a one-line field or label: line breaks shown as ⏎."""
    return text.replace("\n", BLANKS["\n"])
