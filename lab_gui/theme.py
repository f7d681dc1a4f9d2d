"""Light and dark themes that follow the system, for the widgets and the plots.

Plots are themed by their own `apply_theme`, since pyqtgraph draws with its
own pens rather than the Qt palette.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6 import QtCore  # QtCore.Qt when needed: see main_window
from PySide6.QtGui import QColor, QGuiApplication, QPalette


class Theme(NamedTuple):  # not a dataclass: importing dataclasses cost the first window 3 ms
    name: str
    background: str
    foreground: str
    grid: str
    series: tuple[str, ...]  # curve colours, distinguishable on a projector
    colormap: str  # pyqtgraph colour map for heatmaps
    alarm: str  # where something went wrong (a run that diverged)
    line_scale: float = 1.0  # curve widths, times this
    font_scale: float = 1.0  # plot text, times the application's font size

    def color(self, index: int) -> str:
        return self.series[index % len(self.series)]

    def width(self, base: float) -> float:
        """A curve's pen width in this theme."""
        return base * self.line_scale


LIGHT = Theme("light", "#ffffff", "#1d1d1f", "#c8c8c8",
              ("#1f5fbf", "#d2541b", "#2a9d3a", "#8e3bbf", "#c21d4f", "#0f8f8f", "#8a6d00"), "viridis", "#c0281e")
DARK = Theme("dark", "#1b1c1f", "#e6e6e6", "#44464b",
             ("#5aa9ff", "#ff8a4c", "#5fd36e", "#c98bff", "#ff6b8e", "#3fd0c9", "#f2c94c"), "inferno", "#ff5c52")
# For a projector: white and saturated colours on black, thick lines, large text.
CONTRAST = Theme("contrast", "#000000", "#ffffff", "#6a6a6a",
                 ("#ffd60a", "#00e5ff", "#ff5ad9", "#7dff5a", "#ff8c1a", "#ffffff", "#b69cff"), "inferno",
                 "#ff3b30", line_scale=2.5, font_scale=1.0)  # the text grows with the application font
THEMES = {"light": LIGHT, "dark": DARK}


def system_theme() -> Theme:
    hints = QGuiApplication.styleHints()
    dark = hasattr(hints, "colorScheme") and hints.colorScheme() == QtCore.Qt.ColorScheme.Dark
    return DARK if dark else LIGHT


def apply_palette(app, theme: Theme) -> None:
    """Fusion with a palette of the theme's colours: it looks the same everywhere."""
    if app.style().name().lower() != "fusion":  # a new style restyles every widget: only when it changes
        app.setStyle("Fusion")
    if theme.name == "light":
        app.setPalette(app.style().standardPalette())
        return
    palette = QPalette()
    base, window, text = QColor("#232428"), QColor(theme.background), QColor(theme.foreground)
    for role, colour in ((QPalette.Window, window), (QPalette.Base, base), (QPalette.AlternateBase, window),
                         (QPalette.Button, QColor("#2b2d31")), (QPalette.Text, text),
                         (QPalette.WindowText, text), (QPalette.ButtonText, text),
                         (QPalette.ToolTipBase, base), (QPalette.ToolTipText, text),
                         (QPalette.Highlight, QColor("#3d6fb6")), (QPalette.HighlightedText, QColor("#ffffff")),
                         (QPalette.PlaceholderText, QColor("#8a8d93"))):
        palette.setColor(role, colour)
    palette.setColor(QPalette.Disabled, QPalette.Text, QColor("#6d7076"))
    palette.setColor(QPalette.Disabled, QPalette.WindowText, QColor("#6d7076"))
    palette.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#6d7076"))
    app.setPalette(palette)
