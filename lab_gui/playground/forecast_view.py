"""A time-series model's forecast of a validation series against the truth,
over a horizon the user sets; the model is fed its own predictions, never
the truth it forecasts."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSpinBox, QVBoxLayout, QWidget
from superqt import QFlowLayout

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.plots.panel import colour_key, new_plot, set_title, style_plot, words
from lab_gui.theme import LIGHT, Theme


class ForecastView(QWidget):
    changed = Signal()  # the series or the horizon was changed: forecast again

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.forecast = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        controls = QFlowLayout()
        self.series = QSpinBox()
        self.series.setPrefix("series ")
        self.horizon = QSpinBox()
        self.horizon.setSuffix(" steps")
        self.horizon.setToolTip(words(QT_TRANSLATE_NOOP("Plots", "How far ahead the model forecasts, feeding back "
                                                                 "its own predictions")))
        self.summary = QLabel("")
        for widget in (QLabel(words(QT_TRANSLATE_NOOP("Plots", "validation"))), self.series,
                       QLabel(words(QT_TRANSLATE_NOOP("Plots", "horizon:"))), self.horizon, self.summary):
            controls.addWidget(widget)
        layout.addLayout(controls)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        self.plot = new_plot(self.graphics, 0, 0, QT_TRANSLATE_NOOP("Plots", "Forecast"),
                             QT_TRANSLATE_NOOP("Plots", "time step"), QT_TRANSLATE_NOOP("Plots", "value"))
        self.history, self.truth, self.predicted = self.plot.plot(), self.plot.plot(), self.plot.plot()
        self.start = pg.InfiniteLine(angle=90, movable=False)
        self.plot.addItem(self.start)
        layout.addWidget(self.graphics, 1)
        self.series.valueChanged.connect(self.changed)
        self.horizon.valueChanged.connect(self.changed)

    def set_limits(self, series: int, longest: int, horizon: int) -> None:
        """`series` validation series; horizons 1..longest, starting at `horizon`
        (at least 10 steps: one step ahead hardly shows a forecast)."""
        horizon = min(max(horizon, 10), longest)
        for box, top, value in ((self.series, series, self.series.value() or 1),
                                (self.horizon, longest, self.horizon.value() or horizon)):
            box.blockSignals(True)
            box.setRange(1, max(top, 1))
            box.setValue(min(value, max(top, 1)))
            box.blockSignals(False)

    def show_forecast(self, forecast) -> None:
        self.forecast = forecast
        past = np.arange(len(forecast.history))
        ahead = np.arange(len(forecast.history), len(forecast.history) + len(forecast.truth))
        width = self.theme.width(2)
        self.history.setData(past, forecast.history, pen=pg.mkPen(self.theme.foreground, width=width))
        # the truth and the forecast start from the last value read, so the lines join up
        join = lambda values: (np.r_[past[-1:], ahead], np.r_[forecast.history[-1:], values])  # noqa: E731
        self.truth.setData(*join(forecast.truth), pen=pg.mkPen(self.theme.color(2), width=width, style=Qt.DashLine))
        self.predicted.setData(*join(forecast.predicted), pen=pg.mkPen(self.theme.color(1), width=width))
        self.start.setPos(len(forecast.history) - 0.5)
        self.start.setPen(pg.mkPen(self.theme.grid, width=1, style=Qt.DotLine))
        error = float(np.mean(np.abs(forecast.predicted - forecast.truth)))
        flat = float(np.mean(np.abs(np.mean(forecast.history) - forecast.truth)))
        self.summary.setText(words(QT_TRANSLATE_NOOP("Plots", "mean absolute error {error} (predicting the "
                                                              "history's mean: {flat})")).format(
            error=f"{error:.3f}", flat=f"{flat:.3f}"))
        # the title is the legend, in the curves' colours: a legend box sat on the curves
        key = colour_key("", [(QT_TRANSLATE_NOOP("Plots", "read"), self.theme.foreground),
                              (QT_TRANSLATE_NOOP("Plots", "truth (dashed)"), self.theme.color(2)),
                              (words(QT_TRANSLATE_NOOP("Plots", "forecast of {steps} steps")).format(
                                  steps=len(forecast.truth)), self.theme.color(1))])
        set_title(self.plot, key, self.theme)
        self.plot.autoRange()

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.graphics.setBackground(theme.background)
        style_plot(self.plot, theme)
        if self.forecast is not None:
            self.show_forecast(self.forecast)
