"""The Sweep dock: the sweep's trials as a live table under its tally line, their
validation-loss curves overlaid as they come in, and the sweep plot: the task
metric against the first varied field, one line per value of the second, the
mean with error bars of its spread over seeds. Categorical values (cells) sit
side by side, a log-spaced range on a log scale. Export writes the sweep plot's
numbers (engine.sweep.curve's rows) as CSV.

It draws a SweepProgress (lab_gui.sweep_progress) and says what the person asks
of it (stop, continue, open a finished trial) through its signals.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem

from engine.sweep.plan import value_text
from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.engine_text import engine_text
from lab_gui.language import follow_language
from lab_gui.plots.compare import swatch
from lab_gui.plots.panel import PlotPanel, colour_key, new_plot, set_title, translate, words
from lab_gui.sweep_progress import SweepProgress, tally_text

COLUMNS = [QT_TRANSLATE_NOOP("Plots", "trial"), QT_TRANSLATE_NOOP("Plots", "state"),
           QT_TRANSLATE_NOOP("Plots", "steps"), QT_TRANSLATE_NOOP("Plots", "validation loss"),
           QT_TRANSLATE_NOOP("Plots", "metric"), QT_TRANSLATE_NOOP("Plots", "seconds")]
METRIC_COLUMN = 4
# A trial's state (engine.sweep.trial), as the table says it.
STATES = {"pending": QT_TRANSLATE_NOOP("Plots", "pending"), "running": QT_TRANSLATE_NOOP("Plots", "running"),
          "completed": QT_TRANSLATE_NOOP("Plots", "completed"), "diverged": QT_TRANSLATE_NOOP("Plots", "diverged"),
          "failed": QT_TRANSLATE_NOOP("Plots", "failed"),
          "stopped early": QT_TRANSLATE_NOOP("Plots", "stopped early")}
NO_SWEEP = QT_TRANSLATE_NOOP("Plots", "No sweep yet: Run ▸ Sweep… trains every combination of the values you give "
                                      "one or two fields of the form.")
SWEEP_TITLE = QT_TRANSLATE_NOOP("Plots", "Sweep")


def metric_word(name: str) -> str:
    return engine_text(name).replace("_", " ")


class SweepPanel(PlotPanel):
    title = QT_TRANSLATE_NOOP("Plots", "Sweep")
    stop_requested = Signal()
    continue_requested = Signal()
    trial_opened = Signal(str)  # the run id of a finished trial

    def __init__(self, parent=None):
        super().__init__(parent)
        self.project = None
        self.progress = SweepProgress()
        self.curve = None  # the sweep plot's numbers (engine.sweep.curve.SweepCurve)
        self.stop_button, self.continue_button = QPushButton(), QPushButton()
        follow_language(self.stop_button, lambda b: b.setText(translate("Plots", "Stop Sweep")))
        follow_language(self.continue_button, lambda b: (
            b.setText(translate("Plots", "Continue Sweep")),
            b.setToolTip(translate("Plots", "Run the trials of the sweep that have not finished"))))
        self.stop_button.clicked.connect(self.stop_requested)
        self.continue_button.clicked.connect(self.continue_requested)
        for button in (self.stop_button, self.continue_button):
            button.setEnabled(False)
            self.controls.addWidget(button)
        self.finish_controls()
        self.message.setWordWrap(True)  # the line under the plots never sets the dock's width
        self.tally = QLabel()
        self.tally.setObjectName("sweepTally")
        self.tally.setWordWrap(True)
        self._labels: tuple = ()  # the table's header as shown
        self.grid = QTableWidget(0, len(COLUMNS))
        self.grid.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.grid.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.grid.verticalHeader().hide()
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.grid.horizontalHeader().setStretchLastSection(True)
        follow_language(self.grid, lambda grid: (grid.setToolTip(translate(
            "Plots", "Double-click a finished trial to open it as the current run")), self._show_header()))
        self.grid.cellDoubleClicked.connect(self._double_clicked)
        self.row_keys: list[str] = []
        # the table above the plots, 2:3: a few rows of it in a short dock, the plots the most room
        layout = self.layout()
        layout.insertWidget(1, self.tally)
        layout.insertWidget(2, self.grid, 2)
        layout.setStretchFactor(self.graphics, 3)
        self.grid.setMinimumHeight(70)
        self.graphics.setMinimumHeight(160)
        self.loss_plot = new_plot(self.graphics, 0, 0, QT_TRANSLATE_NOOP("Plots", "Validation loss of each trial"),
                                  QT_TRANSLATE_NOOP("Plots", "step"), QT_TRANSLATE_NOOP("Plots", "validation loss"))
        self.loss_plot.setLogMode(y=True)
        self.sweep_plot = new_plot(self.graphics, 0, 1, SWEEP_TITLE, QT_TRANSLATE_NOOP("Plots", "value"),
                                   QT_TRANSLATE_NOOP("Plots", "metric"))
        self.sweep_plot.getViewBox().setDefaultPadding(0.08)  # the end points and their error bars clear the axes
        self.trial_curves: dict[str, pg.PlotDataItem] = {}
        self.sweep_items: list = []

    # ------------------------------------------------------------ data
    def show_sweep(self, project, progress: SweepProgress) -> None:
        """`progress` of a sweep of `project` (or of none), drawn from scratch if it is another sweep."""
        if progress.record is None or self.progress.record is None or progress.record.id != \
                self.progress.record.id or project is not self.project:
            self._clear_curves()
        self.project, self.progress = project, progress
        self.refresh()

    def show_run(self, run) -> None:  # the window's current run: the sweep shows all its trials
        self.run = run
        self.refresh()

    def refresh(self) -> None:
        progress = self.progress
        record = progress.record
        # no sweep, no empty table: the plots and the line saying how to start one fit a short dock
        self.grid.setVisible(record is not None)
        self.tally.setVisible(record is not None)
        if record is None:
            self.tally.setText("")
        else:
            varied = ", ".join(variation.key for variation in record.plan.variations)
            self.tally.setText(f"{record.id} ({varied}): {tally_text(progress.tally())}")
        self.stop_button.setEnabled(progress.running)
        self.continue_button.setEnabled(record is not None and not progress.running and progress.left > 0)
        self._fill_grid()
        self._draw_trial_curves()
        self.curve = progress.curve(self.project) if self.project is not None else None
        self._draw_sweep_plot()
        self.say("" if record is not None else NO_SWEEP)

    def _show_header(self) -> None:
        metric = self.progress.metric()
        labels = [words(c) for c in COLUMNS]
        if metric:
            labels[METRIC_COLUMN] = metric_word(metric)
        if tuple(labels) != self._labels:
            self._labels = tuple(labels)
            self.grid.setHorizontalHeaderLabels(labels)

    def header_labels(self) -> tuple:
        """The trial table's column names as shown (the metric's own name in its column)."""
        return self._labels

    def _fill_grid(self) -> None:
        statuses = list(self.progress.statuses.values())
        self._show_header()
        metric = self.progress.metric()
        self.grid.setRowCount(len(statuses))
        self.row_keys = [status.key for status in statuses]
        now = time.time()
        for row, status in enumerate(statuses):
            seconds = status.seconds
            if status.state == "running" and status.started:
                seconds += max(now - status.started, 0.0)
            values = [status.name, translate("Plots", STATES.get(status.state, status.state)),
                      f"{status.step:,}/{status.steps:,}", _number(status.numbers.get("val_loss")),
                      _number(status.numbers.get(metric)) if metric else "—", _seconds(status.state, seconds)]
            for column, text in enumerate(values):
                item = self.grid.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    self.grid.setItem(row, column, item)
                if item.text() != text:
                    item.setText(text)
            self.grid.item(row, 0).setIcon(swatch(self.theme.color(row)))
            self.grid.item(row, 1).setToolTip(engine_text(status.message) if status.message else "")

    def _double_clicked(self, row: int, _column: int) -> None:
        run_id = self.progress.run_ids.get(self.row_keys[row]) if row < len(self.row_keys) else None
        if run_id is not None:
            self.trial_opened.emit(run_id)

    # ------------------------------------------------------------ the plots
    def _clear_curves(self) -> None:
        for curve in self.trial_curves.values():
            self.loss_plot.removeItem(curve)
        self.trial_curves.clear()

    def _draw_trial_curves(self) -> None:
        for index, key in enumerate(self.progress.statuses):
            points = self.progress.curves.get(key, [])
            curve = self.trial_curves.get(key)
            if curve is None:
                if not points:
                    continue
                colour = self.theme.color(index)
                curve = self.loss_plot.plot(pen=pg.mkPen(colour, width=self.theme.width(2)), symbol="o",
                                            symbolSize=4, symbolBrush=colour, symbolPen=colour)
                self.trial_curves[key] = curve
            steps = np.array([p[0] for p in points], dtype=np.float64)
            losses = np.array([p[1] for p in points], dtype=np.float64)
            keep = losses > 0  # the log axis shows no 0
            curve.setData(steps[keep], losses[keep])

    def _draw_sweep_plot(self) -> None:
        plot = self.sweep_plot
        for item in self.sweep_items:
            plot.removeItem(item)
        self.sweep_items.clear()
        curve = self.curve
        if curve is None or not curve.series:
            self._set_labels(words(QT_TRANSLATE_NOOP("Plots", "value")), words(QT_TRANSLATE_NOOP("Plots", "metric")))
            plot.getAxis("bottom").setTicks(None)
            set_title(plot, SWEEP_TITLE, self.theme)
            return
        variation = self.progress.record.plan.variations[0]
        xs = list(dict.fromkeys(p.x for points in curve.series.values() for p in points))
        log = curve.numeric_x and variation.log and all(x > 0 for x in xs)
        if log:
            position = {x: math.log10(x) for x in xs}
        elif curve.numeric_x:
            position = {x: float(x) for x in xs}
        else:
            position = {x: float(i) for i, x in enumerate(xs)}
        # numbers of a linear range read on their own axis; the others are named where they are
        ticks = None if curve.numeric_x and not log else [[(position[x], value_text(x)) for x in xs], []]
        plot.getAxis("bottom").setTicks(ticks)
        spacing = min((b - a for a, b in zip(sorted(position.values()), sorted(position.values())[1:])), default=1.0)
        names = []
        for index, (series, points) in enumerate(curve.series.items()):
            shown = [p for p in points if math.isfinite(p.mean)]
            if not shown:
                continue
            colour = self.theme.color(index)
            x = np.array([position[p.x] for p in shown])
            y = np.array([p.mean for p in shown])
            spread = np.array([p.spread for p in shown])
            line = plot.plot(x, y, pen=pg.mkPen(colour, width=self.theme.width(2)), symbol="o", symbolSize=8,
                             symbolBrush=colour, symbolPen=colour)
            self.sweep_items.append(line)
            spread_out = spread > 0  # one seed, or seeds that agree: no bar (its caps read as a line)
            if spread_out.any():
                bars = pg.ErrorBarItem(x=x[spread_out], y=y[spread_out], height=2 * spread[spread_out],
                                       beam=0.2 * (spacing or 1.0), pen=pg.mkPen(colour, width=self.theme.width(1.5)))
                plot.addItem(bars)
                self.sweep_items.append(bars)
            if series is not None:
                names.append((value_text(series), colour))
        title = translate("Plots", "{metric} against {field}").format(metric=metric_word(curve.metric),
                                                                     field=curve.x_key)
        if curve.series_key:
            title = translate("Plots", "{metric} against {field}, by {series}").format(
                metric=metric_word(curve.metric), field=curve.x_key, series=curve.series_key)
        set_title(plot, colour_key(title, names), self.theme)
        self._set_labels(translate("Plots", "{field} (log scale)").format(field=curve.x_key) if log else curve.x_key,
                         metric_word(curve.metric))

    def _set_labels(self, bottom: str, left: str) -> None:
        """Axis labels, set only when they change (a new label re-lays out the plot)."""
        plot = self.sweep_plot
        if plot.getAxis("bottom").labelText != bottom:
            plot.setLabel("bottom", bottom)
        if plot.getAxis("left").labelText != left:
            plot.setLabel("left", left)

    # ------------------------------------------------------------ export and theme
    def has_data(self) -> bool:
        return bool(self.sweep_items)

    def table(self):
        """The sweep plot's numbers: series, x, mean, spread and count (engine.sweep.curve.SweepCurve.rows)."""
        curve = self.curve
        if curve is None or not curve.series:
            return None
        header = [curve.series_key or "series", curve.x_key, f"{curve.metric} mean", f"{curve.metric} spread",
                  "count"]
        return header, [["" if cell is None else cell for cell in row] for row in curve.rows()]

    def apply_theme(self, theme) -> None:
        self._clear_curves()  # drawn again in the theme's colours
        super().apply_theme(theme)


def _seconds(state: str, seconds: float) -> str:
    if state == "pending":
        return "—"
    return f"{seconds:.1f}" if seconds < 10 else f"{seconds:.0f}"


def _number(value) -> str:
    return f"{value:.4g}" if isinstance(value, (int, float)) and math.isfinite(value) else "—"
