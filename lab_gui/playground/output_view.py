"""What the model wrote for one input: the input and output tokens, the top-k
probabilities of each output token, and the attention of each output token
over the input as a heatmap. Hovering an output token (on its chip, its table
row or its heatmap row) lights up the input tokens it attends to."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import (QAbstractItemView, QGraphicsRectItem, QHeaderView, QLabel, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.playground.token_strip import TokenStrip
from lab_gui.language import follow_language
from lab_gui.plots.panel import label_colour_bar, new_plot, set_title, style_plot, words
from lab_gui.theme import LIGHT, Theme
from lab_gui.widgets import one_line, visible
from lab_gui.widgets.heatmap import Heatmap, sparse_ticks

ORDINALS = ("1st", "2nd", "3rd")


class OutputView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.prediction, self.kind = None, ""
        self.hovered = -1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Horizontal)
        layout.addWidget(splitter)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        self.source = TokenStrip("")
        self.output = TokenStrip("")
        follow_language(self.source.caption, lambda label: label.setText(words(QT_TRANSLATE_NOOP("Plots", "input"))))
        follow_language(self.output.caption, lambda label: label.setText(words(QT_TRANSLATE_NOOP("Plots", "output"))))
        self.text = QLabel("")
        self.text.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.text.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setMouseTracking(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        self.table.setMinimumHeight(3 * (self.table.fontMetrics().height() + 6))  # a header and two rows:
        # the dock shares a laptop screen's height with the plots above it
        for widget in (self.source, self.output, self.text):
            column.addWidget(widget)
        column.addWidget(self.table, 1)
        splitter.addWidget(left)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        self.plot = new_plot(self.graphics, 0, 0, "", QT_TRANSLATE_NOOP("Plots", "input token (key)"),
                             QT_TRANSLATE_NOOP("Plots", "output token"))
        follow_language(self.graphics, lambda view: view.setToolTip(words(QT_TRANSLATE_NOOP(
            "Plots", "Each row: where one output token looked, the mean of the last layer's heads"))))
        self.plot.invertY(True)
        self.heatmap = Heatmap(self.plot, (0, 1))
        label_colour_bar(self.heatmap, QT_TRANSLATE_NOOP("Plots", "weight"))
        self.marker = QGraphicsRectItem()
        self.marker.setZValue(10)
        self.plot.addItem(self.marker)
        self.marker.hide()
        splitter.addWidget(self.graphics)
        splitter.setSizes([520, 480])
        self.output.hovered.connect(self.highlight)
        self.table.cellEntered.connect(lambda row, _column: self.highlight(row))
        self.table.currentCellChanged.connect(lambda row, *_: self.highlight(row))
        self.graphics.scene().sigMouseMoved.connect(self._mouse_over_heatmap)

    # -------------------------------------------------------------- show
    def show_prediction(self, prediction, kind: str) -> None:
        self.prediction, self.kind = prediction, kind
        attention = prediction.attention
        self.source.caption.setText(words(QT_TRANSLATE_NOOP("Plots", "context")) if kind == "lm"
                                    else words(QT_TRANSLATE_NOOP("Plots", "input")))
        self.source.set_tokens(prediction.attention_keys if attention is not None and kind == "lm"
                               else prediction.input_tokens)
        self.output.caption.setText(words({"lm": QT_TRANSLATE_NOOP("Plots", "continues"),
                                           "classify": QT_TRANSLATE_NOOP("Plots", "answer")}.get(
                                              kind, QT_TRANSLATE_NOOP("Plots", "output"))))
        self.output.set_tokens(prediction.output_tokens)
        self.text.setText(f"<b>{html.escape(one_line(prediction.text))}</b>" if prediction.text else "")
        self._fill_table(prediction)
        self.graphics.setVisible(attention is not None)
        if attention is not None:
            rows = self._row_labels()
            self.heatmap.set_colormap(self.theme.colormap)
            self.heatmap.show(attention, (0.0, max(float(np.nanmax(attention)), 1e-6)))
            self.plot.getAxis("bottom").setTicks([sparse_ticks(prediction.attention_keys)])
            self.plot.getAxis("left").setTicks([sparse_ticks(rows)])
            # short: pyqtgraph will not shrink a plot below its title's width, it clips it
            set_title(self.plot, QT_TRANSLATE_NOOP("Plots", "Attention over the input")
                      if len(rows) == len(prediction.output_tokens)
                      else QT_TRANSLATE_NOOP("Plots", "Self-attention of the input"), self.theme)
        self.highlight(-1)

    def _row_labels(self) -> list[str]:
        prediction = self.prediction
        rows = prediction.attention.shape[0]
        if rows <= len(prediction.output_tokens):  # the last `rows` output tokens
            return prediction.output_tokens[len(prediction.output_tokens) - rows:]
        return prediction.input_tokens[:rows]  # a classifier's self-attention: queries are the input

    def _row_of_output(self, index: int) -> int | None:
        """The heatmap row of output token `index`, if it has one."""
        prediction = self.prediction
        if prediction is None or prediction.attention is None or index < 0:
            return None
        rows, outputs = prediction.attention.shape[0], len(prediction.output_tokens)
        if rows > outputs:
            return None
        row = index - (outputs - rows)
        return row if 0 <= row < rows else None

    def _fill_table(self, prediction) -> None:
        k = max((len(top) for top in prediction.top), default=0)
        headers = ["output"] + [ORDINALS[i] if i < len(ORDINALS) else f"{i + 1}th" for i in range(k)]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(prediction.top))
        accent = QColor(self.theme.color(0))
        for row, (token, top) in enumerate(zip(prediction.output_tokens, prediction.top)):
            self.table.setItem(row, 0, QTableWidgetItem(visible(token)))
            for column, (name, probability) in enumerate(top, start=1):
                item = QTableWidgetItem(f"{visible(name)}  {_probability(probability)}")
                tint = QColor(accent)
                tint.setAlphaF(0.6 * probability)
                item.setBackground(tint)
                item.setToolTip(f"p({name!r}) = {probability:.4f}")
                self.table.setItem(row, column, item)
        self.table.setVerticalHeaderLabels([str(i + 1) for i in range(len(prediction.top))])

    # ------------------------------------------------------------- hover
    def highlight(self, index: int) -> None:
        """Light up what output token `index` attends to (-1: nothing)."""
        self.hovered = index
        self.output.set_current(index)
        row = self._row_of_output(index)
        if row is None:
            self.source.set_weights(None)
            self.marker.hide()
            return
        weights = self.prediction.attention[row]
        self.source.set_weights((weights / max(float(weights.max()), 1e-9)).tolist())
        columns = self.prediction.attention.shape[1]
        self.marker.setRect(QRectF(-0.5, row - 0.5, columns, 1))
        pen = QPen(QColor(self.theme.color(1)))  # the second series colour: seen on every colour map
        pen.setCosmetic(True)
        pen.setWidthF(3 * self.theme.line_scale)
        self.marker.setPen(pen)
        self.marker.show()

    def _mouse_over_heatmap(self, position) -> None:
        if self.prediction is None or self.prediction.attention is None:
            return
        if not self.plot.vb.sceneBoundingRect().contains(position):
            return
        point = self.plot.vb.mapSceneToView(position)
        row, rows = int(round(point.y())), self.prediction.attention.shape[0]
        outputs = len(self.prediction.output_tokens)
        if 0 <= row < rows and rows <= outputs and -0.5 <= point.x() <= self.prediction.attention.shape[1] - 0.5:
            self.highlight(row + outputs - rows)

    # ------------------------------------------------------------- theme
    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.graphics.setBackground(theme.background)
        style_plot(self.plot, theme)
        self.source.apply_theme(theme)
        self.output.apply_theme(theme)
        if self.prediction is not None:
            hovered = self.hovered
            self.show_prediction(self.prediction, self.kind)
            self.highlight(hovered)

    def table_rows(self) -> tuple[list[str], list]:
        """(header, rows) of the top-k table, as shown."""
        header = [self.table.horizontalHeaderItem(c).text() for c in range(self.table.columnCount())]
        rows = [[self.table.item(r, c).text() if self.table.item(r, c) else "" for c in range(len(header))]
                for r in range(self.table.rowCount())]
        return header, rows


def _probability(p: float) -> str:
    """0.93, 0.05, 3e-04: two decimals hide how unlikely the unlikely are."""
    return f"{p:.2f}" if p >= 0.01 else f"{p:.0e}"
