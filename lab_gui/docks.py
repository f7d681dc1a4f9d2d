"""The window's docks, declared in one table: where each goes, which tab group
it joins, the plot it holds and when that plot redraws, whether the HTML
report includes it and whether presentation mode hides it. Adding a plot is
one entry here. `DockArea` builds them, lays out the default arrangement, and
saves and restores the person's own.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from PySide6 import QtCore  # QtCore.Qt when needed: touching Qt's namespace costs 15 ms before the show
from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.language import follow_language

LAYOUT_VERSION = 3  # 2: the Playground dock, 3: the Sweep dock (a layout saved without one would misplace it)


@dataclass(frozen=True)
class DockEntry:
    name: str
    title: str  # marked for translation in the "Docks" context; shown translated
    area: str  # "left", "right" or "bottom"
    group: str = ""  # docks of one group are tabs of one another, in the table's order
    plot: str = ""  # "module.Class" of its live plot, loaded after the window shows; "": not a plot
    # the plot redraws on "scalars" (every batch of them), only on "probes", or on "sweep" (its session says when)
    redraw_on: str = "probes"
    in_report: bool = False  # the HTML report draws it for the current run
    editing: bool = False  # a form, out of the way in presentation mode
    saved_as: str = ""  # what saved layouts know it by, where that is not "<name>Dock"

    @property
    def object_name(self) -> str:
        return self.saved_as or f"{self.name}Dock"


DOCKS = (
    DockEntry("architecture", QT_TRANSLATE_NOOP("Docks", "Architecture"), "left", "forms", editing=True),
    DockEntry("task", QT_TRANSLATE_NOOP("Docks", "Task"), "left", "forms", editing=True),
    DockEntry("training", QT_TRANSLATE_NOOP("Docks", "Training"), "left", "forms", editing=True),
    DockEntry("loss", QT_TRANSLATE_NOOP("Docks", "Loss"),
              "right", "curves", "lab_gui.plots.loss.LossPanel", "scalars", True),
    DockEntry("gradients", QT_TRANSLATE_NOOP("Docks", "Gradient per timestep"),
              "right", "", "lab_gui.plots.gradients.GradientPanel", in_report=True, saved_as="gradientDock"),
    DockEntry("attention", QT_TRANSLATE_NOOP("Docks", "Attention"),
              "bottom", "", "lab_gui.plots.attention.AttentionPanel", in_report=True),
    DockEntry("inside", QT_TRANSLATE_NOOP("Docks", "Inside view"),
              "bottom", "inside", "lab_gui.plots.inside.InsidePanel", in_report=True),
    DockEntry("norms", QT_TRANSLATE_NOOP("Docks", "Gradient norms"),
              "bottom", "inside", "lab_gui.plots.groups.GroupNormPanel", "scalars", True),
    # runs the model when asked, not at every probe
    DockEntry("playground", QT_TRANSLATE_NOOP("Docks", "Playground"), "bottom", "inside"),
    # hidden until a project has a sweep or Run ▸ Sweep… is used; a tab where the plots are widest
    DockEntry("sweep", QT_TRANSLATE_NOOP("Docks", "Sweep"), "bottom", "inside", "lab_gui.plots.sweep.SweepPanel",
              "sweep"),
    DockEntry("compare", QT_TRANSLATE_NOOP("Docks", "Compare runs"),
              "right", "curves", "lab_gui.plots.compare.ComparePanel", "scalars"),
    DockEntry("lesson", QT_TRANSLATE_NOOP("Docks", "Lesson"), "left", "forms"),
)
ENTRIES = {entry.name: entry for entry in DOCKS}
EDITING_DOCKS = tuple(entry.name for entry in DOCKS if entry.editing)
REPORT_PLOTS = tuple(entry.name for entry in DOCKS if entry.in_report)


def make_plot(entry: DockEntry):
    module, _, name = entry.plot.rpartition(".")
    return getattr(importlib.import_module(module), name)()


class DockArea:
    """The docks of `window`, by name; their plots in `plots`."""

    def __init__(self, window: QMainWindow, view_menu: QMenu):
        self.window = window
        self.docks: dict[str, QDockWidget] = {}
        self.plots: dict = {}
        Qt = QtCore.Qt
        areas = {"left": Qt.LeftDockWidgetArea, "right": Qt.RightDockWidgetArea, "bottom": Qt.BottomDockWidgetArea}
        window.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)  # the forms run the full height
        for entry in DOCKS:
            dock = QDockWidget(window)
            follow_language(dock, lambda d, title=entry.title: d.setWindowTitle(
                QCoreApplication.translate("Docks", title)))
            dock.setObjectName(entry.object_name)
            window.addDockWidget(areas[entry.area], dock)
            # The window is on screen already: a dock added now would be shown only when
            # the event loop next runs, and a layout saved before then would keep it hidden.
            dock.show()
            view_menu.addAction(dock.toggleViewAction())
            self.docks[entry.name] = dock
        window.splitDockWidget(self.docks["attention"], self.docks["inside"], Qt.Horizontal)
        # Hidden until the default layout makes it a tab of the inside view's group: side
        # by side with the other bottom panels it widened the window past a laptop screen.
        self.docks["playground"].hide()
        self.docks["sweep"].hide()

    def __getitem__(self, name: str) -> QDockWidget:
        return self.docks[name]

    def make_plots(self, only: str | None = None) -> dict:
        """The live plots, each in its dock (they need pyqtgraph: made after the window shows);
        `only` that one (the window's start-up makes one a turn of its event loop)."""
        for entry in DOCKS:
            if entry.plot and only in (None, entry.name):
                self.plots[entry.name] = make_plot(entry)
                self.docks[entry.name].setWidget(self.plots[entry.name])
        return self.plots

    def stale_after(self, scalars: bool, probes: bool) -> list[str]:
        """The plots that new scalars or probe snapshots leave behind."""
        return [name for name in self.plots if ENTRIES[name].redraw_on != "sweep"
                and (probes or (scalars and ENTRIES[name].redraw_on == "scalars"))]

    def reveal(self, name: str) -> None:
        self.docks[name].show()
        self.docks[name].raise_()

    # ------------------------------------------------------------ layout
    def restore(self, settings: QSettings) -> None:
        """The person's last layout, or the default one once the window has its size."""
        geometry, state = settings.value("geometry"), settings.value("windowState")
        if isinstance(geometry, QByteArray):
            self.window.restoreGeometry(geometry)
        if not (isinstance(state, QByteArray) and self.window.restoreState(state, LAYOUT_VERSION)):
            QTimer.singleShot(0, self.window, self.default_layout)

    def save(self, settings: QSettings) -> None:
        settings.setValue("geometry", self.window.saveGeometry())
        settings.setValue("windowState", self.window.saveState(LAYOUT_VERSION))

    def default_layout(self) -> None:
        """Forms 340 px, plots of loss and gradients 560 px, a bottom row 290 px.
        Only when no saved layout was restored, and once the window shows: tab
        groups made before either got a second, stale tab bar from Qt, drawn over
        the attention plot (tests/gui checks there is one tab bar per group)."""
        window, docks = self.window, self.docks
        groups: dict[str, list[str]] = {}
        for entry in DOCKS:
            if entry.group:
                groups.setdefault(entry.group, []).append(entry.name)
        for first, *others in groups.values():
            if not window.tabifiedDockWidgets(docks[first]):
                for other in others:
                    window.tabifyDockWidget(docks[first], docks[other])
                    if other == "playground" and not window.presentation.active:
                        docks[other].show()  # a tab now, where it takes no width
                docks[first].raise_()
        sweeps = getattr(window, "sweeps", None)
        if sweeps is not None and sweeps.progress.run_ids:  # a project opened with a sweep's trials: in front
            docks["sweep"].raise_()
        window.resizeDocks([docks["architecture"], docks["loss"]], [340, 560], QtCore.Qt.Horizontal)
        window.resizeDocks([docks["attention"]], [290], QtCore.Qt.Vertical)
        self.share_plot_column()
        window.resizeDocks([docks["attention"], docks["inside"]], [600, 600], QtCore.Qt.Horizontal)
        # Under load Qt can still leave a group's tab bar of before the resize
        # showing beside the new one, after the next layout pass; a later,
        # fresh pass retires it.
        for delay in (0, 100, 400, 1000):
            QTimer.singleShot(delay, window, lambda: window.layout().invalidate())

    def share_plot_column(self) -> None:
        """Loss and gradient docks share their column's height 55:45: the gradient
        heatmap needs height as much as the loss curves do (Qt had left it a strip)."""
        self.window.resizeDocks([self.docks["loss"], self.docks["gradients"]], [55, 45], QtCore.Qt.Vertical)

    def make_room_for_playground(self) -> None:
        """The Playground shown, tall enough to read its table, and wide enough for its heatmap."""
        self.make_room("playground")

    def make_room(self, name: str) -> None:
        """A dock of the bottom row (the Playground, the Sweep) shown, tall enough to read its table
        and wide enough for its plots."""
        window, dock = self.window, self.docks[name]
        self.reveal(name)
        if dock.isFloating():
            return
        if dock.height() < window.height() * 0.35:  # room for its table, not all the plots' room
            window.resizeDocks([dock], [int(window.height() * 0.38)], QtCore.Qt.Vertical)
            self.share_plot_column()  # the room came from the plots above it, the gradients' first
        beside = self.docks["attention"]
        side_by_side = beside.isVisible() and dock not in window.tabifiedDockWidgets(beside)
        if side_by_side and dock.width() < beside.width() * 2:
            # its plots beside the table need the width more than the attention panel does
            width = dock.width() + beside.width()
            window.resizeDocks([beside, dock], [width * 3 // 10, width * 7 // 10], QtCore.Qt.Horizontal)
