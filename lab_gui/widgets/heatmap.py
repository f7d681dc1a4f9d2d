"""A heatmap with its colour bar, and the helpers that scale and label one:
used by the attention, inside and gradient plots and by the Playground."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from lab_gui.widgets import visible


def finite_peak(values) -> float:
    """The largest absolute finite value (0 when there is none): a colour scale's
    bound that a diverging run's Inf or NaN cannot break."""
    values = np.asarray(values)
    finite = np.abs(values[np.isfinite(values)])
    return float(finite.max()) if finite.size else 0.0


class Heatmap:
    """An image in a plot with a colour bar beside it; cell (row, column) is
    centred on (column, row) in the plot's coordinates, so ticks can name cells."""

    def __init__(self, plot: pg.PlotItem, levels: tuple[float, float], label: str | None = None):
        self.plot = plot
        self.image = pg.ImageItem(axisOrder="row-major")
        plot.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(values=levels, interactive=False, width=14, label=label)
        self.colour_bar.setImageItem(self.image, insert_in=plot)

    def set_colormap(self, name_or_map) -> None:
        self.colour_bar.setColorMap(pg.colormap.get(name_or_map) if isinstance(name_or_map, str) else name_or_map)

    def show(self, matrix, levels: tuple[float, float], fit: bool = True) -> None:
        """Draw `matrix` (rows, columns) with fixed, finite colour levels; `fit` zooms
        to it. Cells that are not finite (a diverging run) take the ends of the scale."""
        low, high = levels
        matrix = np.nan_to_num(np.asarray(matrix, dtype=np.float32), nan=low, posinf=high, neginf=low)
        rows, columns = matrix.shape
        self.image.setImage(matrix, levels=levels, autoLevels=False)
        self.image.setRect(QRectF(-0.5, -0.5, columns, rows))
        self.colour_bar.setLevels(levels)
        if fit:
            self.plot.setRange(xRange=(-0.5, columns - 0.5), yRange=(-0.5, rows - 0.5), padding=0)

    def clear(self) -> None:
        self.image.clear()


def sparse_ticks(labels: list[str], most: int = 40) -> list[tuple[int, str]]:
    """Ticks naming cells 0..n-1, every one while they fit, else every k-th:
    a 64-token context labelled in full is a black smear."""
    every = max(1, -(-len(labels) // most))
    return [(i, visible(label)) for i, label in enumerate(labels) if i % every == 0]
