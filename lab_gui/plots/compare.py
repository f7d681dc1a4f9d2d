"""Every run of the project side by side: loss and metric curves overlaid, and a
table of architecture, size, final values, speed and time to a target metric."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QDoubleSpinBox, QHeaderView, QTableWidget, QTableWidgetItem

from engine.describe import (architecture, loss_text, metric_text, parameters_text, speed_text, target_text,
                             task_metric)
from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.engine_text import engine_text
from lab_gui.language import follow_language
from lab_gui.plots.panel import PlotPanel, XAxisChoice, new_plot, translate, words

COLUMNS = [QT_TRANSLATE_NOOP("Plots", "run"), QT_TRANSLATE_NOOP("Plots", "architecture"),
           QT_TRANSLATE_NOOP("Plots", "parameters"), QT_TRANSLATE_NOOP("Plots", "steps"),
           QT_TRANSLATE_NOOP("Plots", "final loss"), QT_TRANSLATE_NOOP("Plots", "metric"),
           QT_TRANSLATE_NOOP("Plots", "tokens/s"), QT_TRANSLATE_NOOP("Plots", "time to target")]
MAX_POINTS = 2000  # per curve: a race of long runs stays cheap to redraw


def swatch(colour: str) -> QIcon:
    """A square of a run's curve colour, beside its name in the table."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class ComparePanel(PlotPanel):
    title = QT_TRANSLATE_NOOP("Plots", "Compare runs")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.project = None
        self.x_axis = XAxisChoice(self)
        self.target = QDoubleSpinBox(decimals=3, minimum=0.0, maximum=1e6, singleStep=0.05, value=0.9)
        follow_language(self.target, lambda box: box.setToolTip(
            translate("Plots", "The metric a run must reach for 'time to target' (for mse: fall to)")))
        self.add_controls((QT_TRANSLATE_NOOP("Plots", "x:"), self.x_axis),
                          (QT_TRANSLATE_NOOP("Plots", "target metric:"), self.target))
        self.finish_controls()
        self.loss_plot = new_plot(self.graphics, 0, 0, QT_TRANSLATE_NOOP("Plots", "Training loss"),
                                  QT_TRANSLATE_NOOP("Plots", "step"), QT_TRANSLATE_NOOP("Plots", "loss"))
        self.metric_plot = new_plot(self.graphics, 0, 1, QT_TRANSLATE_NOOP("Plots", "Validation metric"),
                                    QT_TRANSLATE_NOOP("Plots", "step"), QT_TRANSLATE_NOOP("Plots", "metric"))
        self.x_axis.plots = [self.loss_plot, self.metric_plot]
        self.loss_plot.setLogMode(y=True)
        # No legend: on plots this small it covered the curves and clipped long run
        # names (seen in a screenshot); the table's run column shows each colour.
        self.curves: dict[str, tuple[pg.PlotDataItem, pg.PlotDataItem]] = {}
        self.grid = QTableWidget(0, len(COLUMNS))
        follow_language(self.grid, lambda grid: grid.setHorizontalHeaderLabels([words(c) for c in COLUMNS]))
        self.grid.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.grid.verticalHeader().hide()
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.grid.horizontalHeader().setStretchLastSection(True)
        # The curves are the point: they keep 180 px however short the dock; the table scrolls.
        self.grid.setMaximumHeight(110)
        self.graphics.setMinimumHeight(180)
        self.layout().insertWidget(2, self.grid)
        self.target.valueChanged.connect(self.refresh)

    def show_project(self, project) -> None:
        self.project = project
        for loss, metric in self.curves.values():
            self.loss_plot.removeItem(loss)
            self.metric_plot.removeItem(metric)
        self.curves.clear()
        self.refresh()

    def show_run(self, run) -> None:  # the window's current run: the comparison shows them all
        self.run = run
        self.refresh()

    def _curves_for(self, run, index: int):
        if run.id not in self.curves:
            colour = self.theme.color(index)
            loss = self.loss_plot.plot(pen=pg.mkPen(colour, width=self.theme.width(2)), connect="finite")
            metric = self.metric_plot.plot(pen=pg.mkPen(colour, width=self.theme.width(2)), symbol="o", symbolSize=5,
                                           symbolBrush=colour, symbolPen=colour)
            self.curves[run.id] = (loss, metric)
        return self.curves[run.id]

    def refresh(self) -> None:
        runs = self.project.runs if self.project is not None else []
        wall = self.x_axis.wall_time
        for index, run in enumerate(runs):
            loss_curve, metric_curve = self._curves_for(run, index)
            history = run.history
            if len(history):
                stride = max(1, len(history) // MAX_POINTS)
                x = history.column("wall_time" if wall else "step")[::stride]
                loss = history.column("train_loss")[::stride]
                loss_curve.setData(x, np.where(loss > 0, loss, np.nan))
            else:
                loss_curve.setData([], [])
            found = [(e.wall_time if wall else e.step, task_metric(e.values)) for e in history.evaluations]
            points = [(x, metric[1]) for x, metric in found if metric is not None]
            metric_curve.setData([p[0] for p in points], [p[1] for p in points])
        self._fill_table(runs)
        self.say("" if any(len(r.history) for r in runs) else
                 QT_TRANSLATE_NOOP("Plots", "No run has trained yet: Run ▸ Race All Runs trains them one after "
                                            "another."))

    def _fill_table(self, runs) -> None:
        self.grid.setRowCount(len(runs))
        for row, run in enumerate(runs):
            name, _, value = metric_text(run).rpartition(" ")
            values = [run.name or run.id, engine_text(architecture(run.spec)), parameters_text(run), str(run.step),
                      loss_text(run), f"{engine_text(name)} {value}".strip(), speed_text(run),
                      engine_text(target_text(run, self.target.value()))]
            for column, text in enumerate(values):
                self.grid.setItem(row, column, QTableWidgetItem(text))
            self.grid.item(row, 0).setIcon(swatch(self.theme.color(row)))

    def has_data(self) -> bool:
        return any(len(curve.xData if curve.xData is not None else []) for curve, _ in self.curves.values())

    def table(self):
        if self.grid.rowCount() == 0:
            return None
        rows = [[self.grid.item(r, c).text() for c in range(len(COLUMNS))] for r in range(self.grid.rowCount())]
        return COLUMNS, rows

    def apply_theme(self, theme) -> None:
        super().apply_theme(theme)
        self.show_project(self.project)
