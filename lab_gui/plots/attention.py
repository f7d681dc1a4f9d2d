"""Attention weights of the probe example as a heatmap with its tokens on
both axes: which map (self, cross, decoder self), layer and head, and a slider
that scrubs through the run's kept probe snapshots."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QComboBox

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.plots.panel import PlotPanel, label_colour_bar, new_plot, set_title, translate, words
from lab_gui.plots.scrubber import SnapshotScrubber
from lab_gui.widgets import set_items, visible
from lab_gui.widgets.heatmap import Heatmap, finite_peak

MAPS = {"self": QT_TRANSLATE_NOOP("Plots", "encoder self-attention"),
        "cross": QT_TRANSLATE_NOOP("Plots", "cross-attention (decoder over input)"),
        "decoder_self": QT_TRANSLATE_NOOP("Plots", "decoder self-attention")}
# Which token stream labels the queries (rows) and the keys (columns) of each map.
AXES = {"self": ("input", "input"), "cross": ("decoder_input", "input"),
        "decoder_self": ("decoder_input", "decoder_input")}
MEAN = QT_TRANSLATE_NOOP("Plots", "mean of heads")


class AttentionPanel(PlotPanel):
    title = QT_TRANSLATE_NOOP("Plots", "Attention")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.which = QComboBox()
        self.layer = QComboBox()
        self.head = QComboBox()
        self.scrubber = SnapshotScrubber(self)
        self.add_controls((QT_TRANSLATE_NOOP("Plots", "map:"), self.which),
                          (QT_TRANSLATE_NOOP("Plots", "layer:"), self.layer),
                          (QT_TRANSLATE_NOOP("Plots", "head:"), self.head))
        self.scrubber.add_to(self.controls)
        self.finish_controls()
        self.plot = new_plot(self.graphics, 0, 0, QT_TRANSLATE_NOOP("Plots", "Attention"),
                             QT_TRANSLATE_NOOP("Plots", "attended token (key)"),
                             QT_TRANSLATE_NOOP("Plots", "query token"))
        self.plot.invertY(True)
        self.plot.setAspectLocked(False)
        self.heatmap = Heatmap(self.plot, (0, 1))
        label_colour_bar(self.heatmap, QT_TRANSLATE_NOOP("Plots", "weight"))
        self._shown: tuple[np.ndarray, list[str], list[str], int] | None = None
        for combo in (self.which, self.layer, self.head):
            combo.currentIndexChanged.connect(self.refresh)
        self.scrubber.moved.connect(self.refresh)

    def show_run(self, run) -> None:
        self.scrubber.reset()
        for combo in (self.which, self.layer, self.head):
            combo.blockSignals(True)
            combo.clear()
            combo.blockSignals(False)
        super().show_run(run)

    def _snapshots(self):
        if self.run is None:
            return []
        return [s for s in self.run.probes.snapshots() if s.attention]

    def refresh(self) -> None:
        self.heatmap.set_colormap(self.theme.colormap)
        snapshots = self._snapshots()
        snapshot = self.scrubber.pick(snapshots)
        if snapshot is None:
            self._shown = None
            self.heatmap.clear()
            self.plot.getAxis("bottom").setTicks(None)
            self.plot.getAxis("left").setTicks(None)
            family = self.run.spec.model if self.run is not None else None
            if family is not None and family.family != "transformer" and family.attention == "none" \
                    and family.family != "seq2seq":
                self.say(QT_TRANSLATE_NOOP("Plots", "This model has no attention."))
            elif family is not None and family.family == "seq2seq" and family.attention == "none":
                self.say(QT_TRANSLATE_NOOP("Plots",
                         "This seq2seq model has no attention: the decoder sees one context vector."))
            else:
                self.say(QT_TRANSLATE_NOOP("Plots",
                         "Attention maps appear at the first probe.") if self.run is not None else "")
            return
        self.say("")
        names = [n for n in MAPS if n in snapshot.attention]
        set_items(self.which, [words(MAPS[n]) for n in names], names)
        kind = self.which.currentData() or names[0]
        weights = snapshot.attention[kind]  # (layers, heads, Q, S)
        layers, heads = weights.shape[:2]
        set_items(self.layer, [str(i + 1) for i in range(layers)])
        set_items(self.head, ([words(MEAN)] if heads > 1 else []) + [str(i + 1) for i in range(heads)])
        self.layer.setEnabled(layers > 1)
        self.head.setEnabled(heads > 1)
        layer = max(self.layer.currentIndex(), 0)
        head_text = self.head.currentText()
        matrix = weights[layer].mean(axis=0) if not head_text.isdigit() else weights[layer, int(head_text) - 1]
        matrix = np.asarray(matrix, dtype=np.float32)
        query_stream, key_stream = AXES.get(kind, ("input", "input"))
        queries = _labels(snapshot.tokens.get(query_stream), matrix.shape[0])
        keys = _labels(snapshot.tokens.get(key_stream), matrix.shape[1])
        self._shown = (matrix, queries, keys, snapshot.step)
        self.heatmap.show(matrix, (0.0, max(finite_peak(matrix), 1e-6)))
        self.plot.getAxis("bottom").setTicks([list(enumerate(keys))])
        self.plot.getAxis("left").setTicks([list(enumerate(queries))])
        short = words(MAPS.get(kind, kind)).split(" (")[0]  # the map box says the rest
        set_title(self.plot, translate("Plots", "{map}, step {step}").format(map=short, step=snapshot.step),
                  self.theme)

    def has_data(self) -> bool:
        return self._shown is not None and self._shown[0].size > 0

    def table(self):
        if self._shown is None:
            return None
        matrix, queries, keys, step = self._shown
        return ["query", *keys], [[q, *row.tolist()] for q, row in zip(queries, matrix)]


def _labels(tokens: list[str] | None, count: int) -> list[str]:
    tokens = list(tokens or [])
    shown = [visible(t) for t in tokens[:count]]
    return shown + [str(i) for i in range(len(shown), count)]
