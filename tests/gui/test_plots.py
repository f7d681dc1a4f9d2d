"""Plot pieces on their own: what a diverging run's values do to a heatmap."""

import math

import numpy as np
import pyqtgraph as pg

from lab_gui.plots.panel import Heatmap, finite_peak


def test_a_heatmap_draws_inf_and_nan_cells_at_the_ends_of_a_finite_scale(qtbot):
    values = np.array([[1.0, -3.0], [math.inf, math.nan]], dtype=np.float32)
    bound = finite_peak(values)
    assert bound == 3.0 and finite_peak(np.array([math.nan, math.inf])) == 0.0
    plot = pg.PlotItem()
    heatmap = Heatmap(plot, (-1, 1))
    heatmap.show(values, (-bound, bound))
    shown = heatmap.image.image
    assert np.isfinite(shown).all() and shown[1, 0] == bound and shown[1, 1] == -bound
    assert tuple(heatmap.colour_bar.levels()) == (-bound, bound)
