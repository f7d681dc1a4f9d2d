"""A recurrent model read one input token at a time, forward and back: the
state of a layer after token t (hidden state, cell state or a gate, one bar
per unit, with the step before as a faint outline) and the output
distribution at that step. The vertical scale stays put while stepping, so a
bar that moves is a unit that changed."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QSlider, QToolButton, QVBoxLayout, QWidget
from superqt import QFlowLayout

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.playground.token_strip import TokenStrip
from lab_gui.plots.inside import GATES_IN_0_1, quantity_name
from lab_gui.language import follow_language
from lab_gui.plots.panel import new_plot, set_title, style_plot, words
from lab_gui.theme import LIGHT, Theme
from lab_gui.widgets import labelled, set_items, visible
from lab_gui.widgets.heatmap import finite_peak



class StepView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.steps: list = []
        self.t = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        controls = QFlowLayout()
        self.back = QToolButton(text="◀ Back")
        self.back.setToolTip("The step before (Left arrow)")
        self.forward = QToolButton()
        follow_language(self.forward, lambda button: (
            button.setText(words(QT_TRANSLATE_NOOP("Plots", "Forward ▶"))),
            button.setToolTip(words(QT_TRANSLATE_NOOP("Plots", "Read the next input token (Right arrow)")))))
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setMinimumWidth(160)
        self.where = QLabel("")
        # room for the longest text it will hold, so the row does not reflow at every step
        self.where.setMinimumWidth(self.where.fontMetrics().horizontalAdvance("t = 888 of 888, read 'WWWW'"))
        self.layer = QComboBox()
        self.quantity = QComboBox()
        for combo in (self.layer, self.quantity):
            combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        for widget in (self.back, self.slider, self.forward, self.where,
                       labelled(words(QT_TRANSLATE_NOOP("Plots", "layer:")), self.layer),
                       labelled(words(QT_TRANSLATE_NOOP("Plots", "show:")), self.quantity)):
            controls.addWidget(widget)
        layout.addLayout(controls)
        self.strip = TokenStrip("read")
        layout.addWidget(self.strip)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        self.state_plot = new_plot(self.graphics, 0, 0, "", QT_TRANSLATE_NOOP("Plots", "unit"),
                                   QT_TRANSLATE_NOOP("Plots", "value"))
        self.state_plot.setMouseEnabled(x=True, y=False)
        self.previous = pg.PlotDataItem(stepMode="center")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.85)
        self.state_plot.addItem(self.bars)
        self.state_plot.addItem(self.previous)
        self.top_plot = new_plot(self.graphics, 0, 1, QT_TRANSLATE_NOOP("Plots", "Output distribution"),
                                 QT_TRANSLATE_NOOP("Plots", "probability"), "")
        self.top_plot.invertY(True)
        self.top_plot.setXRange(0, 1, padding=0.02)
        self.top_plot.setMouseEnabled(x=False, y=False)
        self.top_bars = pg.BarGraphItem(x0=[], y=[], width=[], height=0.8)
        self.top_plot.addItem(self.top_bars)
        self.graphics.ci.layout.setColumnStretchFactor(0, 3)
        self.graphics.ci.layout.setColumnStretchFactor(1, 1)
        layout.addWidget(self.graphics, 1)
        self.back.clicked.connect(lambda: self.go(self.t - 1))
        self.forward.clicked.connect(lambda: self.go(self.t + 1))
        self.slider.valueChanged.connect(self.go)
        self.strip.clicked.connect(self.go)
        self.layer.currentIndexChanged.connect(lambda: self._draw())
        self.quantity.currentIndexChanged.connect(lambda: self._draw())
        self.setFocusPolicy(Qt.StrongFocus)  # the arrow keys step, once this view has the focus

    def show_steps(self, steps: list) -> None:
        """The model's state after each input token; shown from the first."""
        self.steps = steps
        self.strip.set_tokens([s.token for s in steps])
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(steps) - 1, 0))
        self.slider.blockSignals(False)
        layers = list(steps[0].states) if steps else []
        set_items(self.layer, layers)
        self.go(0)

    def go(self, t: int) -> None:
        """Show the model after reading token t (kept within the input)."""
        if not self.steps:
            return
        self.t = max(0, min(int(t), len(self.steps) - 1))
        self.slider.blockSignals(True)
        self.slider.setValue(self.t)
        self.slider.blockSignals(False)
        self._draw()

    def _draw(self) -> None:
        if not self.steps:
            return
        step = self.steps[self.t]
        self.back.setEnabled(self.t > 0)
        self.forward.setEnabled(self.t < len(self.steps) - 1)
        self.strip.set_current(self.t)
        self.where.setText(words(QT_TRANSLATE_NOOP("Plots", "t = {t} of {steps}, read {token}")).format(
            t=self.t + 1, steps=len(self.steps), token=repr(visible(step.token))))
        layer = self.layer.currentText() or next(iter(step.states))
        set_items(self.quantity, [quantity_name(q) for q in step.states[layer]],
                  list(step.states[layer]))
        quantity = self.quantity.currentData() or next(iter(step.states[layer]))
        values = step.states[layer][quantity]
        units = np.arange(len(values))
        colour = self.theme.color(0)
        self.bars.setOpts(x=units, height=values, brush=colour, pen=pg.mkPen(None))
        if self.t > 0:
            before = self.steps[self.t - 1].states[layer][quantity]
            edges = np.arange(len(before) + 1) - 0.5
            self.previous.setData(edges, before, pen=pg.mkPen(self.theme.foreground, width=self.theme.width(1)))
        else:
            self.previous.setData([], [])
        if quantity in GATES_IN_0_1:
            low, high = 0.0, 1.0
        else:  # one scale for every step: the whole input's largest value
            bound = max(finite_peak([s.states[layer][quantity] for s in self.steps]), 1e-6)
            low, high = -bound, bound
        self.state_plot.setYRange(low, high, padding=0.05)
        self.state_plot.setXRange(-0.5, len(values) - 0.5, padding=0.01)
        name = quantity_name(quantity)
        set_title(self.state_plot, words(QT_TRANSLATE_NOOP("Plots", "{layer} after reading {token}: {name}")).format(
            layer=layer, token=repr(visible(step.token)), name=name), self.theme)
        self._draw_distribution(step.top)

    def _draw_distribution(self, top: list) -> None:
        if not top:
            self.top_bars.setOpts(x0=[], y=[], width=[])
            self.top_plot.getAxis("left").setTicks([[]])
            set_title(self.top_plot, QT_TRANSLATE_NOOP("Plots", "No output yet: the decoder writes after the whole "
                                                                "input"), self.theme)
            return
        self.top_bars.setOpts(x0=np.zeros(len(top)), y=np.arange(len(top)), width=[p for _, p in top],
                              brush=self.theme.color(1), pen=pg.mkPen(None))
        self.top_plot.getAxis("left").setTicks([[(i, visible(name)) for i, (name, _) in enumerate(top)]])
        self.top_plot.setYRange(-0.5, len(top) - 0.5, padding=0.02)
        set_title(self.top_plot, QT_TRANSLATE_NOOP("Plots", "Output distribution at this step"), self.theme)

    def keyPressEvent(self, event) -> None:
        step = {Qt.Key_Left: -1, Qt.Key_Right: 1}.get(event.key())
        if step is None:
            super().keyPressEvent(event)
        else:
            self.go(self.t + step)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.graphics.setBackground(theme.background)
        for plot in (self.state_plot, self.top_plot):
            style_plot(plot, theme)
        self.strip.apply_theme(theme)
        self._draw()

