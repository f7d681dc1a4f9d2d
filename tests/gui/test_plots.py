"""Plot pieces on their own: what a diverging run's values do to a heatmap,
titles in a narrow dock, and how often a live redraw paints."""

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from lab_gui.plots.attention import AttentionPanel
from lab_gui.plots.panel import colour_key, set_title
from lab_gui.widgets.heatmap import Heatmap, finite_peak
from tests.gui.conftest import wait_until


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


def test_a_long_title_never_pushes_its_plot_out_of_a_narrow_dock(qtbot):
    panel = AttentionPanel()
    qtbot.addWidget(panel)
    panel.resize(300, 320)
    panel.show()
    panel.heatmap.show(np.eye(7, dtype=np.float32), (0, 1))
    title = "cross-attention (decoder over input), every head of every layer, step 600"
    set_title(panel.plot, title, panel.theme)
    wait_until(qtbot, lambda: panel.plot.titleLabel.text != title, 5)
    layout = panel.graphics.ci
    assert layout.effectiveSizeHint(Qt.MinimumSize).width() < panel.graphics.width()
    assert layout.geometry().width() <= panel.graphics.width()  # the colour bar is inside the view
    shown = panel.plot.titleLabel.text
    assert shown.endswith("…") and title.startswith(shown[:-1]) and panel.plot.full_title == title
    panel.resize(1400, 320)
    wait_until(qtbot, lambda: panel.plot.titleLabel.text == title, 5)  # whole again where it fits
    key = colour_key("Loss", [("train", "#123456")])
    set_title(panel.plot, key, panel.theme)
    assert panel.plot.titleLabel.text == key  # rich text is never cut


def test_a_plain_title_is_shown_as_written_even_with_angle_brackets(qtbot):
    """pyqtgraph reads titles as HTML: "after reading '<eos>'" had shown as "after reading ''"."""
    panel = AttentionPanel()
    qtbot.addWidget(panel)
    panel.resize(1400, 320)
    panel.show()
    label = panel.plot.titleLabel.item  # the QGraphicsTextItem that draws the title
    title = "after '<eos>': layer 1, hidden state of every unit"
    set_title(panel.plot, title, panel.theme)
    wait_until(qtbot, lambda: label.toPlainText() == title, 5)
    panel.resize(260, 320)  # too narrow: cut with an ellipsis, the brackets still shown
    wait_until(qtbot, lambda: label.toPlainText() != title, 5)
    shown = label.toPlainText()
    assert shown.endswith("…") and title.startswith(shown[:-1]) and "<" in shown
    key = colour_key("Loss <all>", [("train", "#123456")])
    set_title(panel.plot, key, panel.theme)
    wait_until(qtbot, lambda: label.toPlainText() == "Loss <all>: train", 5)  # a colour key is HTML, its words escaped


def test_probe_step_labels_never_overlap_on_a_short_heatmap(qtbot):
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtWidgets import QApplication

    from lab_gui.plots.gradients import GradientPanel

    panel = GradientPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 420)
    panel.show()
    steps = list(range(0, 301, 25))

    def labels():
        return panel.heat_plot.getAxis("left")._tickLevels[0]

    wait_until(qtbot, lambda: panel.heat_plot.vb.height() > 200, 5)
    panel._label_steps(steps)
    assert [name for _, name in labels()] == ["0", "100", "200", "300"]  # evenly spaced, latest included
    panel.resize(700, 150)
    axis = panel.heat_plot.getAxis("left")
    line = QFontMetricsF(axis.style["tickFont"] or QApplication.font()).height()
    wait_until(qtbot, lambda: panel.heat_plot.vb.height() < 4 * 1.8 * line, 5)
    rows = [row for row, _ in labels()]
    assert labels()[-1][1] == "300" and len(rows) <= max(1, panel.heat_plot.vb.height() // (1.8 * line))
    pixels_per_row = panel.heat_plot.vb.height() / len(steps)
    assert all((b - a) * pixels_per_row >= line for a, b in zip(rows, rows[1:]))


def test_log_axis_labels_keep_a_line_and_a_half_apart_however_short_the_plot(qtbot):
    """The loss plot's log scale over about a decade labelled every minor tick
    (2, 1, 0.9 ... 0.2) one over another in a short dock; the ticks stay."""
    from PySide6.QtGui import QFontMetricsF
    from PySide6.QtWidgets import QApplication

    from lab_gui.plots.loss import LossPanel

    panel = LossPanel()
    qtbot.addWidget(panel)
    panel.log_scale.setChecked(False)
    panel.log_scale.setChecked(True)  # turned logarithmic after the theme was applied, as a person does
    axis = panel.loss_plot.getAxis("left")
    line = QFontMetricsF(axis.style["tickFont"] or QApplication.font()).height()
    low, high = math.log10(0.15), math.log10(2.5)
    counts = []
    for pixels in (80, 160, 600):
        levels = axis.tickValues(low, high, pixels)
        labelled, unlabelled = levels[0][1], levels[-1][1]
        assert len(levels) - 1 > axis.style["maxTextLevel"]  # the unlabelled level is never written
        assert all(not values for _, values in levels[1:-1])  # the first level is the only one written
        assert 0.0 in labelled  # the decade first
        per_decade = pixels / (high - low)
        assert all((b - a) * per_decade >= 1.5 * line - 1e-6 for a, b in zip(labelled, labelled[1:])), pixels
        assert len(labelled) + len(unlabelled) == 10  # 0.2 ... 0.9, 1, 2: every tick kept
        counts.append(len(labelled))
    assert counts[0] <= 3 < counts[-1]  # more labels where there is room for them


def test_a_profile_s_end_labels_never_sit_on_a_decade_s(qtbot):
    """0.0099 under 0.01 and 1e-3 beside 0.00082 were drawn one over the other."""
    from lab_gui.plots.panel import END_LABEL_GAP, label_decades

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    for values, names in (([0.00082, 0.002, 0.0099], ["0.0001", "0.001", "0.01"]),  # both ends on decades
                          ([0.0003, 0.002, 0.0099], ["0.0001", "0.0003", "0.001", "0.01"])):
        label_decades(plot, values)
        ticks = sorted(plot.getAxis("left")._tickLevels[0])
        span = math.log10(max(values)) - math.log10(min(values))
        assert all(b - a > END_LABEL_GAP * span for (a, _), (b, _) in zip(ticks, ticks[1:])), ticks
        assert [name for _, name in ticks] == names


def test_a_redraw_of_the_growing_loss_curve_is_painted_once(qtbot, monkeypatch):
    """The auto ranges are settled before the paint: pyqtgraph settled them while
    painting and asked for a second paint, twice the cost of every live redraw."""
    from PySide6.QtWidgets import QApplication

    from engine.events import Scalars
    from engine.presets import load_preset
    from engine.project import Project
    from lab_gui.plots import panel as panels
    from lab_gui.plots.loss import LossPanel

    paints = []
    paint = panels.TimedGraphics.paintEvent
    monkeypatch.setattr(panels.TimedGraphics, "paintEvent", lambda view, event: (paints.append(1), paint(view, event)))
    run = Project().add_run(load_preset("hello-rnn"))
    panel = LossPanel()
    qtbot.addWidget(panel)
    panel.resize(560, 300)
    panel.show()
    panel.show_run(run)
    rng = np.random.default_rng(0)
    for first in range(0, 600, 25):
        steps = np.arange(first, first + 25)
        run.history.add(Scalars(steps, steps * 0.02, {"train_loss": (2 * np.exp(-steps / 300) + 0.1 * rng.random(25))
                                                      .astype(np.float32)}))
        if first == 200:
            paints.clear()  # from here on, 16 redraws
        panel.redraw()
        for _ in range(5):
            QApplication.processEvents()
    # one paint each, and a few more when an axis's labels change width and the layout moves
    assert 16 <= len(paints) <= 22, len(paints)


def test_a_control_box_filled_after_the_panel_shows_is_wide_enough_for_its_text(qtbot):
    """The attention map box was filled at the first probe, after the first show, and
    kept its empty width: "cross-att…"."""
    from lab_gui.plots.attention import MAPS
    from lab_gui.widgets import set_items

    panel = AttentionPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 320)
    panel.show()
    qtbot.wait(100)  # shown, and laid out, with the boxes still empty
    set_items(panel.which, list(MAPS.values()), list(MAPS))
    panel.which.setCurrentIndex(1)  # the longest: cross-attention (decoder over input)
    text = panel.which.fontMetrics().horizontalAdvance(panel.which.currentText())
    wait_until(qtbot, lambda: panel.which.width() > text, 5)


def test_an_accuracy_axis_keeps_plain_numbers_when_the_theme_changes(qtbot):
    """pyqtgraph scaled an axis by 1000 as it turned SI prefixes off with the range
    in (0, 1): entering presentation mode, an accuracy of 0.85 read "850"."""
    from engine.events import Evaluation, Scalars
    from engine.presets import load_preset
    from engine.project import Project
    from lab_gui.plots.loss import LossPanel
    from lab_gui.theme import CONTRAST

    run = Project().add_run(load_preset("reverse-attention"))
    steps = np.arange(300)
    run.history.add(Scalars(steps, steps * 0.02, {"train_loss": np.linspace(2, 0.1, 300).astype(np.float32)}))
    for step, accuracy in ((200, 0.87), (300, 0.79)):
        run.history.add(Evaluation(step, step * 0.02, {"val_loss": 0.2, "sequence_accuracy": accuracy}))
    panel = LossPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    panel.show_run(run)
    panel.redraw()
    panel.apply_theme(CONTRAST)
    axis = panel.metric_plot.getAxis("left")
    low, high = panel.metric_plot.vb.viewRange()[1]
    spacing, values = axis.tickValues(low, high, axis.height())[0]
    shown = axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
    assert shown and all(0.5 < float(text) < 1.0 for text in shown), shown
