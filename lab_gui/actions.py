"""The window's commands: its actions with their shortcuts, the menus and the
toolbar that show them, and which of them can be used in each state."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMessageBox

from lab_gui.language import LANGUAGES


def set_shortcut(action: QAction, key) -> None:
    """A key sequence ("F5") or a standard key (QKeySequence.Save, with every binding
    the platform has for it). Through setShortcuts: setShortcut's overloads touch
    the Qt namespace, 15 ms before the window shows."""
    action.setShortcuts(key if isinstance(key, QKeySequence.StandardKey) else [QKeySequence(key)])


class Actions:
    """Every QAction of `window` (a MainWindow), by name, and the menus that hold them."""

    def __init__(self, window: QMainWindow):
        self.window = window
        w, a = window, self._action
        document = w.document
        self.new = a("&New", document.new_project, QKeySequence.New, "A new project with the default model")
        self.open = a("&Open…", document.ask_open, QKeySequence.Open)
        self.save = a("&Save", document.save, QKeySequence.Save)
        self.save_as = a("Save &As…", document.save_as, QKeySequence.SaveAs)
        self.export_csv = a("Scalars as CSV…", lambda: w.ask_export("csv"))
        self.export_script = a("Standalone PyTorch script…", lambda: w.ask_export("script"))
        self.export_tensorboard = a("TensorBoard event files…", lambda: w.ask_export("tensorboard"))
        self.export_report = a("&Report (HTML)…", lambda: w.ask_export("report"), None,
                               "The runs compared and the current run's plots, in one file for a browser")
        self.quit = a("&Quit", w.close, QKeySequence.Quit)
        self.undo = document.undo_stack.createUndoAction(w, "&Undo")
        set_shortcut(self.undo, QKeySequence.Undo)
        self.redo = document.undo_stack.createRedoAction(w, "&Redo")
        set_shortcut(self.redo, QKeySequence.Redo)
        # the session exists once the late start-up is done; until then these are disabled
        self.train = a("&Train", lambda: w.session.train(), "F5", "Train the model (continue a paused run)")
        self.pause = a("&Pause", lambda: w.session.pause(), "F6")
        self.step = a("&Step", lambda: w.session.step(1), "F10", "Train one step, then pause")
        self.step_n = a("Step &N", lambda: w.session.step(w.run_panel.step_count.value()), "Shift+F10",
                        "Train N steps, then pause")
        self.stop = a("St&op", lambda: w.session.stop(), "Shift+F5")
        self.new_run = a("New &Run from the Form", lambda: w.session.new_run(), None,
                         "Keep the current run and start a fresh one with the form's spec")
        self.race = a("&Race All Runs", w.race, "Ctrl+F5",
                      "Train every untrained run of the project, one after another, and compare them")
        self.playground = a("Try the &Model…", w.open_playground, "Ctrl+T",
                            "Run the model on an input of your own in the Playground")
        self.about = a("&About SeqLab", w.about)
        self.shortcuts = a("&Keyboard Shortcuts", self.show_shortcuts, QKeySequence.HelpContents)
        self.presentation = QAction("&Presentation Mode", w, checkable=True,
                                    statusTip="Full screen, large text, thick lines, high contrast; "
                                              "F11 or Esc leaves it")
        set_shortcut(self.presentation, "F11")
        # toggled, not triggered: Esc and closing the window uncheck it from code
        self.presentation.toggled.connect(w.presentation.toggle)
        # Esc leaves presentation mode too (the key a presenter reaches for); only then.
        leave = QShortcut(QKeySequence("Esc"), w, lambda: self.presentation.setChecked(False))
        leave.setEnabled(False)
        self.presentation.toggled.connect(leave.setEnabled)
        self._build_menus()
        self._build_toolbar()

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            set_shortcut(action, shortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        w = self.window
        bar = w.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new, self.open])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.save, self.save_as])
        export_menu = file_menu.addMenu("&Export")
        export_menu.addActions([self.export_report, self.export_csv, self.export_script, self.export_tensorboard])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo, self.redo])
        run_menu = bar.addMenu("&Run")
        run_menu.addActions([self.train, self.pause, self.step, self.step_n, self.stop])
        run_menu.addSeparator()
        run_menu.addActions([self.new_run, self.race])
        run_menu.addSeparator()
        run_menu.addAction(self.playground)
        self.view_menu = bar.addMenu("&View")
        self.view_menu.addAction(self.presentation)
        theme_menu = self.view_menu.addMenu("&Theme")
        for label, name in (("Follow the system", "system"), ("Light", "light"), ("Dark", "dark")):
            theme_menu.addAction(label, lambda n=name: w.set_theme_choice(n))
        self.language_menu = self.view_menu.addMenu("")  # titled in the window's language (MainWindow.retranslate)
        self._build_language_menu()
        self.view_menu.addSeparator()  # the docks' toggles follow
        self.lessons_menu = bar.addMenu("")
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts, self.about])

    def _build_toolbar(self) -> None:
        self.run_toolbar = self.window.addToolBar("Run")
        self.run_toolbar.setObjectName("runToolbar")
        self.run_toolbar.addActions([self.train, self.pause, self.step, self.stop])
        self.run_toolbar.addSeparator()
        self.run_toolbar.addActions([self.playground, self.presentation])

    def _build_language_menu(self) -> None:
        group = QActionGroup(self.window)
        self.language_actions: dict[str, QAction] = {}
        choice = self.window.settings.value("language", "system")
        for code, name in (("system", ""), *LANGUAGES.items()):
            action = self.language_menu.addAction(name, lambda c=code: self.window.set_language(c))
            action.setCheckable(True)
            action.setChecked(code == choice)
            group.addAction(action)
            self.language_actions[code] = action

    def fill_lessons_menu(self) -> None:
        from lab_gui.lesson_panel import menu_entries

        self.lessons_menu.clear()
        for number, label in menu_entries():
            self.lessons_menu.addAction(label, lambda n=number: self.window.open_lesson(n))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.window.document.recent.paths()
        for path in recent:
            action = self.recent_menu.addAction(path, lambda p=path: self.window.document.open_file(Path(p)))
            action.setEnabled(os.path.exists(path))
        if not recent:
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    def update(self, ready: bool, state: str) -> None:
        """Enable what can be done now (`state`: the training session's)."""
        self.train.setEnabled(ready and state in ("idle", "paused"))
        self.train.setText("&Resume" if state == "paused" else "&Train")
        self.pause.setEnabled(ready and state == "running")
        self.step.setEnabled(ready and state in ("idle", "paused", "running"))
        self.step_n.setEnabled(self.step.isEnabled())
        self.stop.setEnabled(ready and state in ("running", "paused"))
        # a project opened or presented before the late start-up would have nowhere to show
        for action in (self.new, self.open, self.save, self.save_as, self.export_csv, self.export_script,
                       self.export_tensorboard, self.export_report, self.new_run, self.playground,
                       self.presentation):
            action.setEnabled(ready)
        self.recent_menu.setEnabled(ready)
        self.race.setEnabled(ready and state == "idle")

    def show_shortcuts(self) -> None:
        rows = [(action.text().replace("&", ""), action.shortcut().toString()) for action in (
            self.new, self.open, self.save, self.save_as, self.undo, self.redo, self.train, self.pause, self.step,
            self.step_n, self.stop, self.race, self.playground, self.presentation, self.quit)]
        QMessageBox.information(self.window, "Keyboard shortcuts",
                                "\n".join(f"{key:<10}  {name}" for name, key in rows if key))
