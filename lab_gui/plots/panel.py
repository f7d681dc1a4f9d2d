"""The frame every plot sits in: a row of its own controls, an export menu
(PNG, SVG, CSV), and the plot below."""

from __future__ import annotations

import html
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import (QApplication, QComboBox, QFileDialog, QGraphicsItem, QLabel, QMenu,
                               QMessageBox, QToolButton, QVBoxLayout, QWidget)

from superqt import QFlowLayout

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.language import follow_language
from lab_gui.plots.export import export_plot
from lab_gui.theme import LIGHT, Theme
from lab_gui.widgets import labelled


translate = QCoreApplication.translate


def words(text: str) -> str:
    """A plot's text (a title, an axis, a control's label, a line under it) in the
    window's language: each is marked with QT_TRANSLATE_NOOP("Plots", …) where written."""
    return translate("Plots", text) if text else text


class TimedGraphics(pg.GraphicsLayoutWidget):
    """A plot canvas that adds up the time its paints take: painting happens after
    a refresh, when Qt gets to it, and is most of what a redraw costs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.paint_seconds = 0.0

    def paintEvent(self, event) -> None:
        began = time.perf_counter()
        super().paintEvent(event)
        self.paint_seconds += time.perf_counter() - began

    def take_paint_seconds(self) -> float:
        """The paint time added up since the last call."""
        spent, self.paint_seconds = self.paint_seconds, 0.0
        return spent


class PlotPanel(QWidget):
    title = "plot"  # marked for translation in the "Plots" context by each panel

    def __init__(self, parent=None):
        super().__init__(parent)
        self.theme = LIGHT
        self.run = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        # The controls wrap onto a second row in a narrow dock instead of
        # setting the dock's minimum width: side by side, the attention and
        # inside views' controls had made the window 1417 px wide at least.
        self.controls = QFlowLayout()
        self.controls.setContentsMargins(0, 0, 0, 0)
        self.message = QLabel("")
        self.message.setObjectName("plotMessage")
        layout.addLayout(self.controls)
        self.graphics = TimedGraphics()
        self.graphics.ci.setContentsMargins(4, 4, 8, 4)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.message)
        self.message.hide()
        export = QToolButton()
        follow_language(export, lambda button: button.setText(translate("Plots", "Export")))
        export.setPopupMode(QToolButton.InstantPopup)
        menu = QMenu(export)
        follow_language(menu.addAction("", self.copy_image),
                        lambda action: action.setText(translate("Plots", "Copy Image")))
        menu.addSeparator()
        for label, suffix in ((QT_TRANSLATE_NOOP("Plots", "Image (PNG)…"), ".png"),
                              (QT_TRANSLATE_NOOP("Plots", "Vector image (SVG)…"), ".svg"),
                              (QT_TRANSLATE_NOOP("Plots", "Data (CSV)…"), ".csv")):
            follow_language(menu.addAction("", lambda s=suffix: self.ask_export(s)),
                            lambda action, text=label: action.setText(words(text)))
        export.setMenu(menu)
        self._export_button = export

    def add_controls(self, *pairs: tuple[str, QWidget]) -> None:
        """Put each (label, widget) pair in the control row, the widget after its label.
        A combo box sizes to its items as they change (the row wraps): filled after
        the first show, the map box had stayed at its empty size and read "cross-att…"."""
        for label, widget in pairs:
            if isinstance(widget, QComboBox):
                widget.setSizeAdjustPolicy(QComboBox.AdjustToContents)
            piece = labelled(label, widget)
            if label:  # the label, in the window's language
                follow_language(piece.layout().itemAt(0).widget(), lambda lab, text=label: lab.setText(words(text)))
            self.controls.addWidget(piece)

    def finish_controls(self) -> None:
        """Subclasses call this after adding their own controls."""
        self.controls.addWidget(self._export_button)

    # ------------------------------------------------------------ data
    def show_run(self, run) -> None:
        """Draw `run` from scratch (a run opened, switched to, or started)."""
        self.run = run
        self.refresh()

    def refresh(self) -> None:
        """Redraw from self.run's history; called at most once per frame."""

    def redraw(self) -> None:
        """refresh, and settle the views' auto ranges now: pyqtgraph settles them
        while painting, which asks for a second paint (the loss plot had painted
        twice per refresh)."""
        self.refresh()
        self.graphics.scene().prepareForPaint()

    def has_data(self) -> bool:
        return False

    def table(self) -> tuple[list[str], list] | None:
        """(header, rows) of what is drawn, for CSV export."""
        return None

    def say(self, text: str) -> None:
        """A line under the plot (why it is empty, say); empty text hides it. The
        caller marks `text` with QT_TRANSLATE_NOOP("Plots", …); it shows translated."""
        self.message.setText(words(text))
        self.message.setVisible(bool(text))

    # ----------------------------------------------------------- theme
    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.graphics.setBackground(theme.background)
        for item in self.graphics.ci.items:
            if isinstance(item, pg.PlotItem):
                style_plot(item, theme)
        self.refresh()

    # ---------------------------------------------------------- export
    def copy_image(self) -> None:
        """The plot as drawn now, on the clipboard, to paste into slides or notes."""
        QApplication.clipboard().setImage(self.graphics.grab().toImage())

    def ask_export(self, suffix: str) -> None:
        name = f"{self.title.lower().replace(' ', '-')}{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, translate("Plots", "Export {plot}").format(plot=words(self.title)),
                                              name, f"{suffix[1:].upper()} (*{suffix})")
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> bool:
        try:
            export_plot(self.graphics, path, self.table(), self.title)
            return True
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, translate("Plots", "Export failed"),
                                translate("Plots", "Could not export {plot} to {path}: {error}").format(
                                    plot=words(self.title), path=path, error=words(str(exc))))
            return False


class XAxisChoice(QComboBox):
    """Step or wall time along the bottom of a panel's `plots`: a change
    relabels them and redraws the panel."""

    def __init__(self, panel: PlotPanel):
        super().__init__()
        self.addItems(["", ""])
        follow_language(self, lambda box: (box.setItemText(0, translate("Plots", "step")),
                                           box.setItemText(1, translate("Plots", "wall time (s)"))))
        self.plots: list[pg.PlotItem] = []
        self.currentIndexChanged.connect(lambda: self._changed(panel))

    @property
    def wall_time(self) -> bool:
        return self.currentIndex() == 1

    def _changed(self, panel: PlotPanel) -> None:
        for plot in self.plots:
            plot.setLabel("bottom", self.currentText())
        panel.refresh()


def style_plot(plot: pg.PlotItem, theme: Theme) -> None:
    """Axis, label and grid colours of one plot, and its text at the theme's size
    (the application's font size, larger in presentation mode)."""
    points = text_points(theme)
    tick_font = QFont(QApplication.font())
    tick_font.setPointSizeF(points)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        axis.setPen(theme.foreground)
        axis.labelStyle["font-size"] = f"{points:.1f}pt"
        axis.setTextPen(theme.foreground)  # also redraws the label in labelStyle
        axis.setTickFont(tick_font)
        without_si_prefix(axis)  # "(x0.001)" beside an accuracy reads as an error
        axis.setStyle(maxTextLevel=1)  # (a log axis: thin_log_labels writes its first level only)
    if not any(isinstance(item, pg.ImageItem) for item in plot.items):  # no grid over heatmaps
        plot.showGrid(x=True, y=True, alpha=0.25)
    if plot.titleLabel is not None and plot.titleLabel.text:
        set_title(plot, getattr(plot, "full_title", plot.titleLabel.text), theme)


def text_points(theme: Theme) -> float:
    return QApplication.font().pointSizeF() * theme.font_scale


class RichText(str):
    """Title text that is HTML already (colour_key makes it); any other title is plain."""


def set_title(plot: pg.PlotItem, text: str, theme: Theme) -> None:
    """A plot's title at the theme's size and in its foreground colour (RichText,
    as colour_key makes, colours its own words).
    A plain title is shown as written: pyqtgraph reads every title as HTML, where
    a token such as `<eos>` was taken for a tag and vanished.
    It never makes the plot wider than its dock: pyqtgraph gives a title its
    text's width at least, which had pushed the attention heatmap and its colour
    bar half out of a narrow dock. A plain title too long for its plot ends in
    an ellipsis; the whole of it is kept in `plot.full_title`."""
    points = text_points(theme) * 1.1
    style = {"color": theme.foreground, "size": f"{points:.1f}pt"}
    text = text if isinstance(text, RichText) else words(text)
    if getattr(plot, "full_title", None) == text and plot.title_style == style:
        return  # a new title re-lays out the plot: only on change
    plot.full_title, plot.title_style, plot.title_points = text, style, points
    plot.setTitle(_title_html(text), **style)
    height = max(30, round(points * 2.2))  # pyqtgraph fixes the title row at 30 px: large text clipped
    plot.titleLabel.setMaximumHeight(height)
    plot.layout.setRowFixedHeight(0, height)
    if not getattr(plot, "fits_title", False):
        plot.titleLabel.geometryChanged.connect(lambda: _fit_title(plot))
        plot.fits_title = True
    _fit_title(plot)


def _fit_title(plot: pg.PlotItem) -> None:
    text, label = plot.full_title, plot.titleLabel
    width = label.geometry().width()
    if not isinstance(text, RichText) and width > 0:  # rich text (a colour key) is left whole
        font = QFont(QApplication.font())
        font.setPointSizeF(plot.title_points)
        text = QFontMetricsF(font).elidedText(text, Qt.ElideRight, width - 8)
    shown = _title_html(text)
    if shown != label.text:
        label.setText(shown, **plot.title_style)
    label.setMinimumWidth(0)


def _title_html(text: str) -> str:
    return text if isinstance(text, RichText) else html.escape(text, quote=False)


def colour_key(title: str, names: list[tuple[str, str]]) -> str:
    """A title that is also the legend: `title: name · name`, each name in
    its curve's colour. A legend box inside a plot this size sat on the curves."""
    key = " · ".join(f"<span style='color: {colour}'>{html.escape(words(name))}</span>" for name, colour in names)
    title = words(title)
    return RichText(f"{html.escape(title)}: {key}" if title and key else html.escape(title) or key)


def without_si_prefix(axis: pg.AxisItem) -> None:
    """Plain numbers on an axis. pyqtgraph works a prefix out even as it turns them
    off, from the range at hand: in presentation mode an accuracy of 0.85 read "850"."""
    axis.enableAutoSIPrefix(False)
    if axis.autoSIPrefixScale != 1.0:
        axis.autoSIPrefixScale, axis.labelUnitPrefix = 1.0, ""
        axis.setRange(*axis.range)  # its tick labels drawn again, at scale 1


def new_plot(layout: pg.GraphicsLayoutWidget, row: int, col: int, title: str, x_label: str, y_label: str,
             **kwargs) -> pg.PlotItem:
    """A plot with its `title` and axis labels, marked with QT_TRANSLATE_NOOP("Plots", …)
    by the caller, in the window's language (and again when it changes)."""
    plot = layout.addPlot(row=row, col=col, **kwargs)

    def show(item: pg.PlotItem) -> None:
        shown = words(title)
        if getattr(item, "full_title", None) is None:
            item.setTitle(shown)
        elif item.full_title == getattr(item, "static_title", None):  # not one its panel set since
            item.full_title = shown
            item.setTitle(_title_html(shown), **item.title_style)
            _fit_title(item)
        item.static_title = shown
        item.setLabel("bottom", words(x_label))
        item.setLabel("left", words(y_label))

    follow_language(plot, show)
    plot.setMenuEnabled(False)  # our own export replaces pyqtgraph's (its SVG one is broken)
    for name in ("left", "bottom"):
        without_si_prefix(plot.getAxis(name))
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        # Qt keeps each axis as a pixmap until the axis itself changes: replaying its
        # QPicture of tick labels at every repaint of the plot cost a third of the
        # window's time while training (py-spy, benchmarks/window.py).
        axis.setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        thin_log_labels(axis)
    return plot


def thin_log_labels(axis: pg.AxisItem) -> None:
    """On a log axis spanning about a decade pyqtgraph labels every minor tick in
    one level: 2, 1, 0.9, 0.8 ... 0.2 piled up on the loss plot in a short dock.
    Labels go to the decades first, then the 2s and 5s, then the rest, each at
    least 1.5 lines from the others; the other ticks go to a level past the
    written ones, kept with their grid lines. However and whenever the axis
    turns logarithmic, its tick values are made here."""
    original = axis.logTickValues

    def log_tick_values(low: float, high: float, size: float, standard, axis=axis, original=original):
        levels = original(low, high, size, standard)
        values = sorted({float(v) for _, level in levels for v in level})
        if not values or high <= low:
            return levels
        line = QFontMetricsF(axis.style.get("tickFont") or QApplication.font()).height()
        room = 1.5 * line * (high - low) / max(size, 1.0)  # in decades

        def rank(value: float) -> int:
            within = value - np.floor(value + 1e-9)
            if within < 1e-6:
                return 0
            return 1 if min(abs(within - np.log10(2)), abs(within - np.log10(5))) < 1e-6 else 2

        labelled: list[float] = []
        for value in sorted(values, key=lambda v: (rank(v), v)):
            if all(abs(value - other) >= room for other in labelled):
                labelled.append(value)
        unlabelled = [v for v in values if v not in labelled]
        written = axis.style["maxTextLevel"] + 1  # levels past these are drawn, never written
        return [(None, sorted(labelled))] + [(None, [])] * (written - 1) + [(None, unlabelled)]

    axis.logTickValues = log_tick_values


def label_colour_bar(heatmap, text: str) -> None:
    """The colour bar of `heatmap` named `text` (marked with QT_TRANSLATE_NOOP("Plots", …)),
    in the window's language."""
    follow_language(heatmap.colour_bar, lambda bar: bar.getAxis("left").setLabel(words(text)))


END_LABEL_GAP = 0.15  # of the data's span in decades: an end label nearer a decade's is left out


def label_decades(plot: pg.PlotItem, values) -> None:
    """Label a log y axis at powers of ten only (plus the ends when the data
    spans less than one): pyqtgraph's minor log labels pile up on short plots."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values) & (values > 0)]
    axis = plot.getAxis("left")
    if not values.size:
        axis.setTicks(None)
        return
    low, high = np.log10(values.min()), np.log10(values.max())
    decades = list(range(int(np.floor(low)), int(np.ceil(high)) + 1))
    ticks = [(d, f"{10.0 ** d:g}") for d in decades]
    inside = [d for d in decades if low <= d <= high]
    if len(inside) < 2:
        # the ends too, unless one sits on a decade's label (0.0099 under 0.01 overlapped)
        gap = END_LABEL_GAP * max(high - low, 1e-9)
        ticks += [(float(v), f"{10.0 ** v:.2g}") for v in (low, high) if all(abs(v - d) > gap for d in decades)]
    axis.setTicks([ticks, []])
