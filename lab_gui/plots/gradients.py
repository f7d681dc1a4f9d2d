"""How much gradient reaches each input timestep: a heatmap of probe step x
timestep on a log colour scale, and the latest profile as a curve."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QApplication, QComboBox

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.language import follow_language
from lab_gui.plots.panel import PlotPanel, label_decades, new_plot, translate, words
from lab_gui.widgets.heatmap import Heatmap

LOSSES = {QT_TRANSLATE_NOOP("Plots", "last position"): "last", QT_TRANSLATE_NOOP("Plots", "full loss"): "full"}
# The token streams a gradient is taken at, as the input box names them.
STREAMS = {"input": QT_TRANSLATE_NOOP("Plots", "input"), "decoder_input": QT_TRANSLATE_NOOP("Plots", "decoder input")}


class GradientPanel(PlotPanel):
    title = QT_TRANSLATE_NOOP("Plots", "Gradient per timestep")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.loss = QComboBox()
        for label, value in LOSSES.items():
            self.loss.addItem(label, value)
        follow_language(self.loss, _show_losses)
        self.stream = QComboBox()
        self.add_controls((QT_TRANSLATE_NOOP("Plots", "loss:"), self.loss),
                          (QT_TRANSLATE_NOOP("Plots", "input:"), self.stream))
        self.finish_controls()
        self.heat_plot = new_plot(self.graphics, 0, 0, QT_TRANSLATE_NOOP("Plots", "log10 ‖dL/dx_t‖ over training"),
                                  QT_TRANSLATE_NOOP("Plots", "input timestep t"),
                                  QT_TRANSLATE_NOOP("Plots", "probe step"))
        self.heatmap = Heatmap(self.heat_plot, (-6, 0))
        # Side by side: the dock is wider than it is tall.
        self.profile_plot = new_plot(self.graphics, 0, 1, QT_TRANSLATE_NOOP("Plots", "Latest profile"),
                                     QT_TRANSLATE_NOOP("Plots", "input timestep t"),
                                     "‖dL/dx_t‖")
        self.profile_plot.setLogMode(y=True)
        self.profile_plot.setXLink(self.heat_plot)
        self.profile = self.profile_plot.plot(symbol="o", symbolSize=5)
        # Timesteps whose gradient is exactly zero (before a window model's window): a log
        # scale has no place for them, so they sit on a floor a decade under the rest, marked.
        self.zeros = self.profile_plot.plot(pen=None, symbol="x", symbolSize=9)
        self.graphics.ci.layout.setColumnStretchFactor(0, 3)
        self.graphics.ci.layout.setColumnStretchFactor(1, 2)
        self._rows: np.ndarray | None = None
        self._steps: list[int] = []
        self.heat_plot.vb.sigResized.connect(lambda *_: self._label_steps(self._steps))
        self.loss.currentIndexChanged.connect(self.refresh)
        self.stream.currentIndexChanged.connect(self.refresh)

    def set_loss(self, loss: str) -> None:
        """Select "last" or "full" (the probe spec's choice is shown first)."""
        for index, value in enumerate(LOSSES.values()):
            if value == loss:
                self.loss.setCurrentIndex(index)

    def show_run(self, run) -> None:
        self.stream.blockSignals(True)
        self.stream.clear()
        self.stream.blockSignals(False)
        if run is not None:
            self.set_loss(run.spec.probes.gradient_loss)
        super().show_run(run)

    def _data(self):
        if self.run is None:
            return None
        snapshots = self.run.probes.snapshots()
        if not snapshots:
            return None
        loss = self.loss.currentData() or "last"
        streams = list(snapshots[-1].input_gradients.get(loss, {}))
        if [self.stream.itemData(i) for i in range(self.stream.count())] != streams:
            self.stream.blockSignals(True)
            self.stream.clear()
            for name in streams:
                self.stream.addItem(words(STREAMS.get(name, name)), name)
            self.stream.blockSignals(False)
        stream = self.stream.currentData() or (streams[0] if streams else "")
        rows = [(s.step, s.input_gradients[loss][stream]) for s in snapshots
                if stream in s.input_gradients.get(loss, {})]
        if not rows:
            return None
        width = max(len(r) for _, r in rows)
        matrix = np.full((len(rows), width), np.nan, dtype=np.float32)
        for i, (_, r) in enumerate(rows):
            matrix[i, : len(r)] = r
        return [step for step, _ in rows], matrix

    def refresh(self) -> None:
        theme = self.theme
        self.profile.setPen(pg.mkPen(theme.color(0), width=theme.width(2)))
        self.profile.setSymbolBrush(theme.color(0))
        self.heatmap.set_colormap(theme.colormap)
        data = self._data()
        if data is None:
            self.heatmap.clear()
            self.profile.setData([], [])
            self.zeros.setData([], [])
            self._rows, self._steps = None, []
            if self.run is not None and self.run.spec.model.family == "markov":
                self.say(QT_TRANSLATE_NOOP("Plots", "A Markov chain has no gradients: it learns by counting."))
            else:
                self.say(QT_TRANSLATE_NOOP("Plots", "Gradients appear at the first probe.")
                         if self.run is not None else "")
            return
        steps, matrix = data
        self._rows, self._steps = matrix, steps
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log10(np.where(matrix > 0, matrix, np.nan))
        finite = logs[np.isfinite(logs)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 0.0)
        if high - low < 1e-6:
            low -= 0.5
            high += 0.5
        zero = matrix == 0
        floor = float(np.floor(low)) - 1.0  # a whole decade, so the axis labels it like the rest
        if zero.any():
            logs[zero] = floor
            low = floor
            self.say(QT_TRANSLATE_NOOP("Plots", "Darkest cells and x marks: exactly zero gradient. Nothing "
                                                "from those timesteps reaches the output."))
        else:
            self.say("")
        # Timesteps no sequence reaches (NaN) are shown at the bottom of the scale.
        self.heatmap.show(logs, (low, high), fit=False)
        self._label_steps(steps)
        latest = matrix[-1]
        keep = np.isfinite(latest) & (latest > 0)
        self.profile.setData(np.arange(len(latest))[keep], latest[keep])
        none = np.flatnonzero(latest == 0)
        self.zeros.setData(none, np.full(len(none), 10.0 ** floor))
        self.zeros.setSymbolPen(pg.mkPen(theme.color(1), width=theme.width(2)))
        label_decades(self.profile_plot, np.concatenate([latest[keep], [10.0 ** floor] if len(none) else []]))

    def _label_steps(self, steps: list[int]) -> None:
        """Name a few rows by their probe step, evenly spaced, first and latest
        included, as many as the plot's height has room for: with a fixed four,
        a short plot in presentation mode printed them over one another."""
        self._steps = steps  # relabelled from these when the plot is resized
        count = len(steps)
        if not count:
            return
        axis = self.heat_plot.getAxis("left")
        line = QFontMetricsF(axis.style.get("tickFont") or QApplication.font()).height()
        room = int(self.heat_plot.vb.height() // (1.8 * line))  # a label and most of another apart
        labels = max(1, min(4, room, count))
        rows = [count - 1] if labels == 1 else np.unique(np.linspace(0, count - 1, labels).round().astype(int))
        axis.setTicks([[(int(row), str(steps[row])) for row in rows]])

    def has_data(self) -> bool:
        return self._rows is not None and self._rows.size > 0

    def table(self):
        if self._rows is None:
            return None
        header = ["step"] + [f"t{t}" for t in range(self._rows.shape[1])]
        return header, [[step, *row.tolist()] for step, row in zip(self._steps, self._rows)]


def _show_losses(box: QComboBox) -> None:
    """The loss box's texts and tooltip in the window's language."""
    for index, label in enumerate(LOSSES):
        box.setItemText(index, words(label))
    box.setToolTip(translate("Plots", "Gradient of the loss at the last output position only "
                                      "(how far back the signal reaches), or of the whole loss"))
