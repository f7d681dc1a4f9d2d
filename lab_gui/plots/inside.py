"""Inside a recurrent layer: its hidden state, cell state and gates for the
probe example, unit x timestep, with the example's tokens along time."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox

from engine.events import MARKOV_STATES
from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.plots.panel import PlotPanel, new_plot, set_title, translate, words
from lab_gui.plots.scrubber import SnapshotScrubber
from lab_gui.widgets import set_items
from lab_gui.widgets.heatmap import Heatmap, finite_peak, sparse_ticks

GATES_IN_0_1 = {"input", "forget", "output", "reset", "update"}  # sigmoid gates


class InsidePanel(PlotPanel):
    title = QT_TRANSLATE_NOOP("Plots", "Inside view")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer = QComboBox()
        self.quantity = QComboBox()
        self.scrubber = SnapshotScrubber(self)
        self.add_controls((QT_TRANSLATE_NOOP("Plots", "layer:"), self.layer),
                          (QT_TRANSLATE_NOOP("Plots", "show:"), self.quantity))
        self.scrubber.add_to(self.controls)
        self.finish_controls()
        self.plot = new_plot(self.graphics, 0, 0, "", QT_TRANSLATE_NOOP("Plots", "token (time →)"),
                             QT_TRANSLATE_NOOP("Plots", "unit"))
        self.heatmap = Heatmap(self.plot, (-1, 1))
        self._shown = None
        self.layer.currentIndexChanged.connect(self.refresh)
        self.quantity.currentIndexChanged.connect(self.refresh)
        self.scrubber.moved.connect(self.refresh)

    def show_run(self, run) -> None:
        self.scrubber.reset()
        super().show_run(run)

    def refresh(self) -> None:
        snapshots = [s for s in self.run.probes.snapshots() if s.states] if self.run is not None else []
        snapshot = self.scrubber.pick(snapshots)
        if snapshot is None:
            self._shown = None
            self.heatmap.clear()
            family = self.run.spec.model.family if self.run is not None else ""
            if family == "transformer":
                self.say(QT_TRANSLATE_NOOP("Plots", "Gates and hidden states are shown for recurrent layers; "
                                                  "a Transformer has none."))
            elif family == "window":
                self.say(QT_TRANSLATE_NOOP("Plots", "A fixed-window model keeps no state: it sees only its last inputs."))
            else:
                self.say(QT_TRANSLATE_NOOP("Plots",
                         "Gates and hidden states appear at the first probe.") if self.run is not None else "")
            return
        self.say("")
        layers = list(snapshot.states)
        set_items(self.layer, layers)
        layer = self.layer.currentText() or layers[0]
        quantities = list(snapshot.states[layer])
        set_items(self.quantity, [quantity_name(q) for q in quantities], quantities)
        quantity = self.quantity.currentData() or quantities[0]
        values = np.asarray(snapshot.states[layer][quantity], dtype=np.float32).T  # (units, time)
        stream = "decoder_input" if layer.startswith("decoder") else "input"
        if layer == MARKOV_STATES and quantity == "transitions":
            stream = "vocabulary"  # its table: previous token along, next token up
        tokens = list(snapshot.tokens.get(stream, []))[: values.shape[1]]
        tokens += [str(i) for i in range(len(tokens), values.shape[1])]
        left = self.plot.getAxis("left")
        if layer == MARKOV_STATES:
            # probabilities of each next token, from 0 to the likeliest
            levels, cmap = (0.0, max(finite_peak(values), 1e-6)), pg.colormap.get(self.theme.colormap)
            left.setTicks([sparse_ticks(list(snapshot.tokens.get("vocabulary", [])), most=12)])
            self.plot.setLabel("left", self.tr("next token"))
            self.plot.setLabel("bottom", self.tr("previous token") if stream == "vocabulary"
                               else self.tr("token (time →)"))
        else:
            left.setTicks(None)
            self.plot.setLabel("left", self.tr("unit"))
            self.plot.setLabel("bottom", self.tr("token (time →)"))
            if quantity in GATES_IN_0_1:
                levels, cmap = (0.0, 1.0), pg.colormap.get(self.theme.colormap)
            else:
                bound = max(finite_peak(values), 1e-6)
                levels, cmap = (-bound, bound), pg.colormap.get("CET-D1")
        self.heatmap.set_colormap(cmap)
        self.heatmap.show(values, levels)
        self.plot.getAxis("bottom").setTicks([sparse_ticks(tokens, most=64)])
        set_title(self.plot, translate("Plots", "{layer}: {quantity}, step {step}").format(
            layer=layer, quantity=quantity_name(quantity), step=snapshot.step), self.theme)
        self._shown = (values, tokens, f"{layer}/{quantity}", snapshot.step)

    def has_data(self) -> bool:
        return self._shown is not None and self._shown[0].size > 0

    def table(self):
        if self._shown is None:
            return None
        values, tokens, _, _ = self._shown
        return ["unit", *tokens], [[unit, *row.tolist()] for unit, row in enumerate(values)]


GATE_NAMES = {"input": QT_TRANSLATE_NOOP("Plots", "input gate"), "forget": QT_TRANSLATE_NOOP("Plots", "forget gate"),
              "output": QT_TRANSLATE_NOOP("Plots", "output gate"), "reset": QT_TRANSLATE_NOOP("Plots", "reset gate"),
              "update": QT_TRANSLATE_NOOP("Plots", "update gate"),
              "candidate": QT_TRANSLATE_NOOP("Plots", "candidate")}


NAMES = {"hidden": QT_TRANSLATE_NOOP("Plots", "hidden state h_t"), "cell": QT_TRANSLATE_NOOP("Plots", "cell state c_t")}


def quantity_name(quantity: str) -> str:
    """A state or gate of a recurrent cell, in the window's language."""
    return words(NAMES.get(quantity) or GATE_NAMES.get(quantity) or quantity.replace("_", " "))
