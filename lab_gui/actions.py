"""The window's commands: its actions with their shortcuts, the menus and the
toolbar that show them, and which of them can be used in each state."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMessageBox

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.language import LANGUAGES, follow_language

translate = QCoreApplication.translate


def shiboken_alive(obj) -> bool:
    """False once the Qt object behind `obj` is gone (the window closing)."""
    from shiboken6 import isValid

    return isValid(obj)


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
        self.new = a(QT_TRANSLATE_NOOP("Actions", "&New"), document.new_project, QKeySequence.New,
                     QT_TRANSLATE_NOOP("Actions", "A new project with the default model"))
        self.open = a(QT_TRANSLATE_NOOP("Actions", "&Open…"), document.ask_open, QKeySequence.Open)
        self.save = a(QT_TRANSLATE_NOOP("Actions", "&Save"), document.save, QKeySequence.Save)
        self.save_as = a(QT_TRANSLATE_NOOP("Actions", "Save &As…"), document.save_as, QKeySequence.SaveAs)
        self.export_csv = a(QT_TRANSLATE_NOOP("Actions", "Scalars as CSV…"), lambda: w.ask_export("csv"))
        self.export_script = a(QT_TRANSLATE_NOOP("Actions", "Standalone PyTorch script…"),
                               lambda: w.ask_export("script"))
        self.export_tensorboard = a(QT_TRANSLATE_NOOP("Actions", "TensorBoard event files…"),
                                    lambda: w.ask_export("tensorboard"))
        self.export_report = a(QT_TRANSLATE_NOOP("Actions", "&Report (HTML)…"), lambda: w.ask_export("report"), None,
                               QT_TRANSLATE_NOOP("Actions", "The runs compared and the current run's plots, "
                                                            "in one file for a browser"))
        self.quit = a(QT_TRANSLATE_NOOP("Actions", "&Quit"), w.close, QKeySequence.Quit)
        stack = document.undo_stack
        self.undo = self._undo_action(stack.createUndoAction(w), stack.undoTextChanged, stack.undoText,
                                      QT_TRANSLATE_NOOP("Actions", "&Undo"),
                                      QT_TRANSLATE_NOOP("Actions", "&Undo {edit}"))
        set_shortcut(self.undo, QKeySequence.Undo)
        self.redo = self._undo_action(stack.createRedoAction(w), stack.redoTextChanged, stack.redoText,
                                      QT_TRANSLATE_NOOP("Actions", "&Redo"),
                                      QT_TRANSLATE_NOOP("Actions", "&Redo {edit}"))
        set_shortcut(self.redo, QKeySequence.Redo)
        # the session exists once the late start-up is done; until then these are disabled
        self.train = a(QT_TRANSLATE_NOOP("Actions", "&Train"), lambda: w.session.train(), "F5",
                       QT_TRANSLATE_NOOP("Actions", "Train the model (continue a paused run)"))
        self.pause = a(QT_TRANSLATE_NOOP("Actions", "&Pause"), lambda: w.session.pause(), "F6")
        self.step = a(QT_TRANSLATE_NOOP("Actions", "&Step"), lambda: w.session.step(1), "F10",
                      QT_TRANSLATE_NOOP("Actions", "Train one step, then pause"))
        self.step_n = a(QT_TRANSLATE_NOOP("Actions", "Step &N"), lambda: w.session.step(w.run_panel.step_count.value()),
                        "Shift+F10", QT_TRANSLATE_NOOP("Actions", "Train N steps, then pause"))
        self.stop = a(QT_TRANSLATE_NOOP("Actions", "St&op"), lambda: w.session.stop(), "Shift+F5")
        self.new_run = a(QT_TRANSLATE_NOOP("Actions", "New &Run from the Form"), lambda: w.session.new_run(), None,
                         QT_TRANSLATE_NOOP("Actions", "Keep the current run and start a fresh one with the form's "
                                                      "spec"))
        self.race = a(QT_TRANSLATE_NOOP("Actions", "&Race All Runs"), w.race, "Ctrl+F5",
                      QT_TRANSLATE_NOOP("Actions", "Train every untrained run of the project, one after another, "
                                                   "and compare them"))
        self.sweep = a(QT_TRANSLATE_NOOP("Actions", "S&weep…"), lambda: w.sweep_dock.ask(), None,
                       QT_TRANSLATE_NOOP("Actions", "Train many runs at once, varying one or two fields of the form, "
                                                    "on this machine's cores or a Ray cluster"))
        self.playground = a(QT_TRANSLATE_NOOP("Actions", "Try the &Model…"), w.open_playground, "Ctrl+T",
                            QT_TRANSLATE_NOOP("Actions", "Run the model on an input of your own in the Playground"))
        self.about = a(QT_TRANSLATE_NOOP("Actions", "&About SeqLab"), w.about)
        self.shortcuts = a(QT_TRANSLATE_NOOP("Actions", "&Keyboard Shortcuts"), self.show_shortcuts,
                           QKeySequence.HelpContents)
        self.presentation = a(QT_TRANSLATE_NOOP("Actions", "&Presentation Mode"), None, None,
                              QT_TRANSLATE_NOOP("Actions", "Full screen, large text, thick lines, high contrast; "
                                                           "F11 or Esc leaves it"))
        self.presentation.setCheckable(True)
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
        """An action whose `text` and `tip` (marked for translation in the "Actions"
        context) follow the language."""
        action = QAction(self.window)
        action.source_text = text  # the English, for texts that change with the state (Train/Resume)
        follow_language(action, lambda act: (act.setText(translate("Actions", act.source_text)),
                                             act.setStatusTip(translate("Actions", tip) if tip else "")))
        if shortcut is not None:
            set_shortcut(action, shortcut)
        if slot is not None:
            action.triggered.connect(slot)
        return action

    @staticmethod
    def _undo_action(action: QAction, text_changed, edit_text, plain: str, with_edit: str) -> QAction:
        """Undo or Redo, naming the edit it would undo or redo, in the language of the moment."""
        def show(act: QAction, edit: str | None = None) -> None:
            edit = edit_text() if edit is None else edit
            act.setText(translate("Actions", with_edit).format(edit=edit) if edit else translate("Actions", plain))

        follow_language(action, show)
        # after the stack's own slot (its prefix is English); the signal carries the text, which
        # the stack can no longer be asked for while it is being deleted
        text_changed.connect(lambda edit: shiboken_alive(action) and show(action, edit))
        return action

    def _build_menus(self) -> None:
        w = self.window
        bar = w.menuBar()
        file_menu = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&File"))
        file_menu.addActions([self.new, self.open])
        self.recent_menu = self._menu(file_menu, QT_TRANSLATE_NOOP("Actions", "Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addActions([self.save, self.save_as])
        export_menu = self._menu(file_menu, QT_TRANSLATE_NOOP("Actions", "&Export"))
        export_menu.addActions([self.export_report, self.export_csv, self.export_script, self.export_tensorboard])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit_menu = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&Edit"))
        edit_menu.addActions([self.undo, self.redo])
        run_menu = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&Run"))
        run_menu.addActions([self.train, self.pause, self.step, self.step_n, self.stop])
        run_menu.addSeparator()
        run_menu.addActions([self.new_run, self.race, self.sweep])
        run_menu.addSeparator()
        run_menu.addAction(self.playground)
        self.view_menu = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&View"))
        self.view_menu.addAction(self.presentation)
        theme_menu = self._menu(self.view_menu, QT_TRANSLATE_NOOP("Actions", "&Theme"))
        for label, name in ((QT_TRANSLATE_NOOP("Actions", "Follow the system"), "system"),
                            (QT_TRANSLATE_NOOP("Actions", "Light"), "light"),
                            (QT_TRANSLATE_NOOP("Actions", "Dark"), "dark")):
            action = theme_menu.addAction("", lambda n=name: w.set_theme_choice(n))
            follow_language(action, lambda act, text=label: act.setText(translate("Actions", text)))
        self.language_menu = self.view_menu.addMenu("")  # titled in the window's language (MainWindow.retranslate)
        self._build_language_menu()
        self.view_menu.addSeparator()  # the docks' toggles follow
        self.lessons_menu = bar.addMenu("")
        help_menu = self._menu(bar, QT_TRANSLATE_NOOP("Actions", "&Help"))
        help_menu.addActions([self.shortcuts, self.about])

    @staticmethod
    def _menu(parent, title: str):
        """A menu of `parent` (the menu bar or a menu) whose title follows the language."""
        menu = parent.addMenu("")
        follow_language(menu, lambda m: m.setTitle(translate("Actions", title)))
        return menu

    def _build_toolbar(self) -> None:
        self.run_toolbar = self.window.addToolBar("")
        follow_language(self.run_toolbar, lambda bar: bar.setWindowTitle(translate("Actions", "Run")))
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
            self.recent_menu.addAction(translate("Actions", "(none yet)")).setEnabled(False)

    def update(self, ready: bool, state: str) -> None:
        """Enable what can be done now (`state`: the training session's)."""
        self.train.setEnabled(ready and state in ("idle", "paused"))
        self.train.source_text = QT_TRANSLATE_NOOP("Actions", "&Resume") if state == "paused" else \
            QT_TRANSLATE_NOOP("Actions", "&Train")
        self.train.setText(translate("Actions", self.train.source_text))
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
        self.sweep.setEnabled(ready and state == "idle" and not self.window.sweeps.running)

    def show_shortcuts(self) -> None:
        rows = [(action.text().replace("&", ""), action.shortcut().toString()) for action in (
            self.new, self.open, self.save, self.save_as, self.undo, self.redo, self.train, self.pause, self.step,
            self.step_n, self.stop, self.race, self.playground, self.presentation, self.quit)]
        QMessageBox.information(self.window, translate("Actions", "Keyboard shortcuts"),
                                "\n".join(f"{key:<10}  {name}" for name, key in rows if key))
