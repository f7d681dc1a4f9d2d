"""Presentation mode, for a room looking at a projector: full screen, larger
text, thick lines on a high-contrast theme, the editing forms out of the way
and Train, Pause, Step and Stop on a toolbar; the plots take the diagram's room. Leaving it puts back the layout,
the window's size, the font and the theme exactly as they were."""

from __future__ import annotations

from typing import NamedTuple

from PySide6 import QtCore  # QtCore.Qt when needed: see main_window
from PySide6.QtCore import QByteArray, QRect, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from lab_gui import theme as themes
from lab_gui.docks import EDITING_DOCKS

FONT_SCALE = 1.5  # the widgets' text; the plots' text grows by the theme's font_scale on top


class _Before(NamedTuple):
    state: QByteArray
    geometry: QRect
    maximized: bool
    font: QFont
    theme_choice: str
    toolbar_visible: bool


class Presentation:
    def __init__(self, window) -> None:
        self.window = window
        self.before: _Before | None = None

    @property
    def active(self) -> bool:
        return self.before is not None

    def toggle(self, on: bool) -> None:
        if on and not self.active:
            self.enter()
        elif not on and self.active:
            self.leave()

    def enter(self) -> None:
        window, app = self.window, QApplication.instance()
        self.before = _Before(window.saveState(), window.normalGeometry(), window.isMaximized(), QFont(app.font()),
                              window.theme_choice, window.commands.run_toolbar.isVisible())
        bigger = QFont(app.font())
        bigger.setPointSizeF(bigger.pointSizeF() * FONT_SCALE)
        app.setFont(bigger)
        for name in EDITING_DOCKS:
            window.docks[name].hide()
        # The plots are the show: the diagram's area goes to them (it is one
        # press of F11 away, and it does not change while training).
        window.centralWidget().hide()
        window.commands.run_toolbar.show()
        window.apply_theme(themes.CONTRAST)
        window.showFullScreen()
        QTimer.singleShot(0, window, self._share_room)  # once the window has its full-screen size

    def _share_room(self) -> None:
        """The lesson text a quarter of the width (hidden when there is no lesson), no
        panel the model has nothing for, and the heights shared so that no plot is
        squashed to a strip."""
        from lab_gui.lesson_panel import lesson_text

        window = self.window
        if not self.active:
            return
        lesson = window.docks["lesson"]
        if lesson_text(window.document.project) is None:
            lesson.hide()
        else:
            # both sides named: with the centre hidden, Qt otherwise splits the width evenly
            window.resizeDocks([lesson, window.docks["loss"]], [window.width() // 4, window.width() * 3 // 4],
                               QtCore.Qt.Horizontal)
        model = window.document.draft.model if window.document.draft is not None else None
        if model is not None:  # a panel the model has nothing for gives its room to the others
            if model.family != "transformer" and model.attention == "none":
                window.docks["attention"].hide()
            if model.family == "transformer":
                window.docks["inside"].hide()
        bottom = window.docks["attention" if window.docks["attention"].isVisible() else "inside"]
        height = window.height()
        window.resizeDocks([window.docks["loss"], window.docks["gradients"], bottom],
                           [int(height * 0.34), int(height * 0.22), int(height * 0.36)], QtCore.Qt.Vertical)

    def leave(self) -> None:
        window, before = self.window, self.before
        self.before = None
        QApplication.instance().setFont(before.font)
        window.set_theme_choice(before.theme_choice, remember=False)
        window.showNormal()
        window.setGeometry(before.geometry)
        if before.maximized:
            window.showMaximized()
        window.restoreState(before.state)
        window.centralWidget().show()
        window.commands.run_toolbar.setVisible(before.toolbar_visible)
