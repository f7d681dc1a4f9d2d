"""Training and validation loss, and the task metric, against step or wall time."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.engine_text import engine_text
from lab_gui.language import follow_language
from lab_gui.plots.panel import PlotPanel, XAxisChoice, colour_key, new_plot, set_title, translate


class LossPanel(PlotPanel):
    title = QT_TRANSLATE_NOOP("Plots", "Loss")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.x_axis = XAxisChoice(self)
        self.log_scale = QCheckBox()
        follow_language(self.log_scale, lambda box: box.setText(translate("Plots", "log scale")))
        self.log_scale.setChecked(True)
        self.add_controls((QT_TRANSLATE_NOOP("Plots", "x:"), self.x_axis))
        self.controls.addWidget(self.log_scale)
        self.finish_controls()
        self.loss_plot = new_plot(self.graphics, 0, 0, QT_TRANSLATE_NOOP("Plots", "Loss"), QT_TRANSLATE_NOOP("Plots",
                                  "step"), QT_TRANSLATE_NOOP("Plots", "loss"))
        self.metric_plot = new_plot(self.graphics, 1, 0, QT_TRANSLATE_NOOP("Plots", "Validation metric"),
                                    QT_TRANSLATE_NOOP("Plots", "step"), QT_TRANSLATE_NOOP("Plots", "metric"))
        self.metric_plot.setXLink(self.loss_plot)
        # The plot below names the shared x axis: the room goes to the curves (in
        # presentation mode the loss curve had been 45 px tall).
        self.loss_plot.getAxis("bottom").showLabel(False)
        self.x_axis.plots = [self.metric_plot]
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.graphics.ci.layout.setRowStretchFactor(1, 2)
        self.train_curve = self.loss_plot.plot(name="train", connect="finite")
        # A million steps must redraw at frame rate: draw only what is in view,
        # and each pixel column's min and max of it (docs/ARCHITECTURE.md: 13.5 -> 124 fps).
        self.train_curve.setClipToView(True)
        self.train_curve.setDownsampling(auto=True, method="peak")
        self.val_curve = self.loss_plot.plot(name="validation", symbol="o", symbolSize=6)
        self.metric_curves: dict[str, pg.PlotDataItem] = {}
        # Where a run diverged: a dashed line at the first step that was not finite,
        # named in the title (a label on the line would sit on the curves). The
        # titles are the legends, in the curves' colours.
        self.divergence_line = pg.InfiniteLine(angle=90, movable=False)
        self.divergence_line.hide()
        self.loss_plot.addItem(self.divergence_line, ignoreBounds=True)
        self.log_scale.toggled.connect(self._log_changed)
        self._log_changed(True)

    def _log_changed(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)
        self.refresh()

    def apply_theme(self, theme) -> None:
        # Pens are set here, not per frame: setPen and setLabel re-lay out the plot.
        self.train_curve.setPen(pg.mkPen(theme.color(0), width=theme.width(1)))
        self.divergence_line.setPen(pg.mkPen(theme.alarm, width=theme.width(2), style=pg.QtCore.Qt.PenStyle.DashLine))
        _style_points(self.val_curve, theme.color(1), theme)
        for index, curve in enumerate(self.metric_curves.values()):
            _style_points(curve, theme.color(2 + index), theme)
        super().apply_theme(theme)
        self._title_metrics()

    def _x(self, steps: np.ndarray, wall: np.ndarray) -> np.ndarray:
        return wall if self.x_axis.wall_time else steps

    def refresh(self) -> None:
        run = self.run
        self._mark_divergence(run)
        if run is None or not len(run.history):
            self.train_curve.setData([], [])
            self.val_curve.setData([], [])
            for curve in self.metric_curves.values():
                curve.setData([], [])
            return
        history = run.history
        loss = history.column("train_loss")
        x = self._x(history.column("step"), history.column("wall_time"))
        if self.log_scale.isChecked():
            loss = np.where(loss > 0, loss, np.nan)  # a log axis cannot show 0 or less
        self.train_curve.setData(x, loss)
        evaluations = history.evaluations
        if evaluations:
            steps = np.array([e.step for e in evaluations], dtype=np.float64)
            wall = np.array([e.wall_time for e in evaluations], dtype=np.float64)
            ex = self._x(steps, wall)
            _set_finite(self.val_curve, ex, [e.values.get("val_loss", np.nan) for e in evaluations])
            names = [n for n in evaluations[-1].values if n != "val_loss"]
            for index, name in enumerate(names):
                curve = self.metric_curves.get(name)
                if curve is None:
                    curve = self.metric_plot.plot(symbol="o", symbolSize=6)
                    _style_points(curve, self.theme.color(2 + index), self.theme)
                    self.metric_curves[name] = curve
                    self._title_metrics()
                _set_finite(curve, ex, [e.values.get(name, np.nan) for e in evaluations])
        else:
            self.val_curve.setData([], [])
            for curve in self.metric_curves.values():
                curve.setData([], [])

    def _title_metrics(self) -> None:
        names = [(engine_text(name).replace("_", " "), self.theme.color(2 + index))
                 for index, name in enumerate(self.metric_curves)]
        set_title(self.metric_plot, colour_key(QT_TRANSLATE_NOOP("Plots", "Validation metric"), names), self.theme)

    def _mark_divergence(self, run) -> None:
        step = run.summary.get("diverged_at") if run is not None else None
        names = [(QT_TRANSLATE_NOOP("Plots", "train"), self.theme.color(0)),
                 (QT_TRANSLATE_NOOP("Plots", "validation"), self.theme.color(1))]
        if step is not None:
            names.append((translate("Plots", "diverged at step {step}").format(step=step), self.theme.alarm))
        set_title(self.loss_plot, colour_key(QT_TRANSLATE_NOOP("Plots", "Loss"), names), self.theme)
        if step is None or not len(run.history):
            self.divergence_line.hide()
            return
        if self.x_axis.wall_time:  # at the wall time of the last step kept
            x = float(run.history.column("wall_time")[-1])
        else:
            x = float(step)
        self.divergence_line.setValue(x)
        self.divergence_line.show()

    def show_run(self, run) -> None:
        for curve in self.metric_curves.values():
            self.metric_plot.removeItem(curve)
        self.metric_curves.clear()
        self._title_metrics()
        super().show_run(run)

    def has_data(self) -> bool:
        return self.train_curve.xData is not None and len(self.train_curve.xData) > 0

    def table(self):
        if self.run is None or not len(self.run.history):
            return None
        history = self.run.history
        names = ["step", "wall_time", "train_loss"]
        columns = [history.column(n) for n in names]
        return names, zip(*(c.tolist() for c in columns))


def _set_finite(curve: pg.PlotDataItem, x: np.ndarray, values: list[float]) -> None:
    """Points of a diverging run can be Inf or NaN: leave those out, not the curve."""
    y = np.asarray(values, dtype=np.float64)
    keep = np.isfinite(y)
    curve.setData(x[keep], y[keep])


def _style_points(curve: pg.PlotDataItem, colour: str, theme) -> None:
    """A line with dots, for values measured now and then (evaluations)."""
    curve.setPen(pg.mkPen(colour, width=theme.width(2)))
    curve.setSymbolBrush(colour)
    curve.setSymbolPen(colour)
