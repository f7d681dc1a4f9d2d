"""Inside a recurrent layer: its hidden state, cell state and gates for the
probe example, unit x timestep, with the example's tokens along time."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox

from lab_gui.plots.panel import PlotPanel, new_plot, set_title
from lab_gui.plots.scrubber import SnapshotScrubber
from lab_gui.widgets import set_items, visible
from lab_gui.widgets.heatmap import Heatmap, finite_peak

GATES_IN_0_1 = {"input", "forget", "output", "reset", "update"}  # sigmoid gates


class InsidePanel(PlotPanel):
    title = "Inside view"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layer = QComboBox()
        self.quantity = QComboBox()
        self.scrubber = SnapshotScrubber(self)
        self.add_controls(("layer:", self.layer), ("show:", self.quantity))
        self.scrubber.add_to(self.controls)
        self.finish_controls()
        self.plot = new_plot(self.graphics, 0, 0, "", "token (time →)", "unit")
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
            if self.run is not None and self.run.spec.model.family == "transformer":
                self.say("Gates and hidden states are shown for recurrent layers; a Transformer has none.")
            else:
                self.say("Gates and hidden states appear at the first probe." if self.run is not None else "")
            return
        self.say("")
        layers = list(snapshot.states)
        set_items(self.layer, layers)
        layer = self.layer.currentText() or layers[0]
        quantities = list(snapshot.states[layer])
        set_items(self.quantity, quantities)
        quantity = self.quantity.currentText() or quantities[0]
        values = np.asarray(snapshot.states[layer][quantity], dtype=np.float32).T  # (units, time)
        stream = "decoder_input" if layer.startswith("decoder") else "input"
        tokens = list(snapshot.tokens.get(stream, []))[: values.shape[1]]
        tokens += [str(i) for i in range(len(tokens), values.shape[1])]
        if quantity in GATES_IN_0_1:
            levels, cmap = (0.0, 1.0), pg.colormap.get(self.theme.colormap)
        else:
            bound = max(finite_peak(values), 1e-6)
            levels, cmap = (-bound, bound), pg.colormap.get("CET-D1")
        self.heatmap.set_colormap(cmap)
        self.heatmap.show(values, levels)
        self.plot.getAxis("bottom").setTicks([[(i, visible(t)) for i, t in enumerate(tokens)]])
        set_title(self.plot, f"{layer}: {quantity.replace('_', ' ')}, step {snapshot.step}", self.theme)
        self._shown = (values, tokens, f"{layer}/{quantity}", snapshot.step)

    def has_data(self) -> bool:
        return self._shown is not None and self._shown[0].size > 0

    def table(self):
        if self._shown is None:
            return None
        values, tokens, _, _ = self._shown
        return ["unit", *tokens], [[unit, *row.tolist()] for unit, row in enumerate(values)]
