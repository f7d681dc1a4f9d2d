"""The lab window: it puts the parts together and wires them.

- `document`  the open project, its draft spec, undo, saving (lab_gui.document)
- `session`   training it: train, pause, step, stop, race, retry (lab_gui.session)
- `docks`     the docks and their live plots, from one table (lab_gui.docks)
- `redraws`   when those plots redraw while a run trains (lab_gui.redraw)
- `commands`  actions, menus, toolbar and their enabling (lab_gui.actions)
- `status`    status bar, progress and banner (lab_gui.status)
- `sweeps`    sweeps on Ray, in a process of their own, and their dock (lab_gui.sweep_session, sweep_dock)

The window shows first, with its menus, toolbar, status bar and a "loading" word where
the model will be, and paints that frame about as fast as a bare Qt window does;
`start_up` builds the rest after that paint (lab_gui.startup) (torch on a thread, then pyqtgraph, the
docks, each plot, the session and the default project, a turn of the event loop
apart). `finish_startup` does the same at once (tests).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

# Nothing here touches QtCore.Qt before the window shows (its ~90 enums cost 15 ms),
# and engine.spec, torch and the lesson texts load after the show.
from PySide6.QtCore import QEvent, QSettings, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMessageBox

from engine.errors import SeqLabError
from lab_gui import APP_NAME
from lab_gui import theme as themes
from lab_gui.actions import Actions
from lab_gui.dialogs import SUFFIX, Dialogs
from lab_gui.docks import DOCKS
from lab_gui.document import Document
from lab_gui.engine_text import engine_text
from lab_gui.language import apply_language
from lab_gui.presentation import Presentation
from lab_gui.startup import LateStartup, placeholder
from lab_gui.status import StatusArea
from lab_gui.sweep_dock import SweepDock
from lab_gui.widgets import scrolled


class MainWindow(QMainWindow):
    loaded = Signal()  # the late part of start-up is done: plots, forms, project

    def __init__(self, host_kind: str = "process", settings: QSettings | None = None):
        super().__init__()
        self.host_kind = host_kind
        self.settings = settings or QSettings(APP_NAME, APP_NAME)
        self.ready = False
        # the late start-up (finish_startup), a step at a time: `start_up` runs them a turn of the event loop apart
        self.late_steps = [self._load_plotting, self._build_docks,
                           *(partial(self._build_plot, entry.name) for entry in DOCKS if entry.plot),
                           self._build_session]
        self.theme, self.theme_choice = themes.LIGHT, "system"
        self.setWindowTitle(self.tr("untitled") + f"[*] — {APP_NAME}")
        self.setAcceptDrops(True)
        self.setDockNestingEnabled(True)
        self.resize(1480, 920)
        self.language = apply_language(self.settings.value("language", "system"))
        self.dialogs = Dialogs(self, self.statusBar())
        self.document = Document(self.dialogs, self.settings, self)
        self.presentation = Presentation(self)
        # What shows first: menus, toolbar, status bar. The docks follow in
        # finish_startup, a moment after (their contents need pyqtgraph and torch).
        self.commands = Actions(self)
        self.retranslate()
        self.status = StatusArea(self.statusBar())
        self.commands.update(False, "idle")
        self.status.say(self.tr("Loading PyTorch and the model…"), 0)
        # where the model's diagram will be, in the first frame; the docks come around it
        self.setCentralWidget(placeholder(self.tr("Loading PyTorch and the model…")))
        document = self.document
        document.modified_changed.connect(self._show_title)
        document.file_changed.connect(self._show_title)
        document.message.connect(self.status.say)
        document.notice.connect(self.status.notice)

    # ------------------------------------------------------------ late start-up
    def start_up(self, path: Path | None = None) -> None:
        """The late start-up as app.py runs it, the window shown: nothing heavy before
        the window's first frame is painted (mapped but unpainted, it is a black
        rectangle), then torch and the engine imported on a thread while the event loop
        goes on, then the docks, plots and session a slice per turn of the event loop,
        and `finish_startup` last."""
        LateStartup(self, path)

    def finish_startup(self, path: Path | None = None) -> None:
        """The docks and everything that needs pyqtgraph and torch: plots, forms, the engine,
        a project; the steps `start_up` has not yet run, then the project. `ready` after it."""
        while self.late_steps:
            self.late_steps.pop(0)()
        self._finish(path)

    def _load_plotting(self) -> None:
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=False, imageAxisOrder="row-major")
        _collect_garbage_in_the_gui_thread()

    def _build_docks(self) -> None:
        from lab_gui.diagram import ModelDiagram
        from lab_gui.docks import DockArea
        from lab_gui.lesson_panel import LessonPanel
        from lab_gui.run_panel import RunPanel
        from lab_gui.spec_form import SpecForms

        self.docks = DockArea(self, self.commands.view_menu)
        self.docks["lesson"].setWindowTitle(self.tr("Lesson"))
        self.commands.fill_lessons_menu()
        self.diagram = ModelDiagram()
        self.diagram.setMinimumWidth(360)  # the docks must not squeeze the model out of sight
        self.setCentralWidget(self.diagram)
        self.forms = SpecForms()
        self.forms.edited.connect(self.edit)
        self.run_panel = RunPanel(self.commands, self.forms["training"])
        self.status.banner = self.run_panel.banner
        self.status.reveal_banner = lambda: self.docks["training"].raise_()
        self.docks["architecture"].setWidget(scrolled(self.forms["model"]))
        self.docks["task"].setWidget(scrolled(self.forms["task"]))
        self.docks["training"].setWidget(self.run_panel)
        self.lesson_panel = LessonPanel()
        self.docks["lesson"].setWidget(self.lesson_panel)

    def _build_plot(self, name: str) -> None:
        self.panels = self.docks.make_plots(only=name)

    def _build_session(self) -> None:
        from engine.host import ProcessHost, ThreadHost
        from lab_gui.playground.panel import PlaygroundPanel
        from lab_gui.redraw import RedrawScheduler
        from lab_gui.session import TrainingSession
        from lab_gui.sweep_session import SweepSession

        host = ThreadHost() if self.host_kind == "thread" else ProcessHost()
        self.session = TrainingSession(self.document, host, self)
        self.sweeps = SweepSession(self.document, parent=self)  # Ray runs in a process of its own
        self.redraws = RedrawScheduler(self.panels, on_interval=lambda s: self.session.controller.poll_every(s / 2))
        for name in self.panels:
            self.docks[name].visibilityChanged.connect(lambda visible, n=name: self.redraws.shown(n, visible))
        # Not among the plots: it runs the model when asked, not at every probe.
        self.playground = PlaygroundPanel(prepare=self.session.request_weights)
        self.docks["playground"].setWidget(self.playground)
        self.docks["playground"].visibilityChanged.connect(self.playground.shown)
        self._wire()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(60_000)
        self.autosave_timer.timeout.connect(self.document.autosave)
        self.autosave_timer.start()

    def _finish(self, path: Path | None) -> None:
        self.ready = True
        self.set_theme_choice(self.settings.value("theme", "system"), remember=False)
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_scheme_changed)
        self.docks.restore(self.settings)
        self.statusBar().clearMessage()  # "Loading…"; the project may have its own to say
        if path is None or not self.document.open_file(Path(path)):
            self.document.new_project()
        if self.host_kind == "process":
            # start the engine while the person looks around (unless the window closed first)
            host = self.session.controller.host
            QTimer.singleShot(500, self, lambda: self.isVisible() and host.launch())
        self.commands.update(True, self.session.state)
        self.loaded.emit()

    def _wire(self) -> None:
        document, session = self.document, self.session
        document.draft_changed.connect(self._show_draft)
        document.edit_refused.connect(self.forms.show_error)  # a form's edit, a retry's, a chosen file's
        document.project_changed.connect(self._show_project)
        document.run_changed.connect(self._show_run)
        session.events_arrived.connect(self._on_events)
        session.state_changed.connect(self._on_state)
        session.run_started.connect(self._on_run_started)
        session.message.connect(self.status.say)
        session.notice.connect(self.status.notice)
        self.run_panel.run_picked.connect(self._pick_run)
        self.sweep_dock = SweepDock(self)

    # ------------------------------------------------------------ the document, shown
    def edit(self, key: str, value) -> bool:
        """A form's edit: taken (undoably; a live setting reaches a training run) or refused
        next to its field (document.edit_refused)."""
        if self.document.edit(key, value).spec is None:
            return False
        self.forms.clear_errors()
        return True

    def _show_draft(self, spec) -> None:
        self.forms.show_spec(spec)
        self._draw_diagram(spec)

    def _draw_diagram(self, spec) -> None:
        from engine.blueprint import blueprint
        from engine.task_file import MissingTaskFile

        try:
            self.diagram.show_blueprint(blueprint(spec, self.document.task_files.for_spec(spec)))
        except MissingTaskFile as exc:
            self.diagram.show_blueprint(None, self.tr("This run learns from {path}, which the project does not "
                                                      "hold. SeqLab reads no file a project names: choose the file.")
                                        .format(path=exc.path))
            self.document.ask_for_task_file(exc.path)
        except SeqLabError as exc:
            self.diagram.show_blueprint(None, engine_text(str(exc)))
        except Exception as exc:  # a model torch refuses to build: say so, keep the window
            self.diagram.show_blueprint(None, self.tr("the model cannot be built: {error}")
                                        .format(error=f"{type(exc).__name__}: {exc}"))

    def _show_project(self, project) -> None:
        self.status.notice("", [])  # what the last project asked of the person no longer applies
        self.panels["compare"].show_project(project)
        self.lesson_panel.show_project(project)

    def _show_run(self, run) -> None:
        self.run_panel.show_runs(self.document.project)
        for panel in self.panels.values():
            panel.show_run(run)
        self.playground.show_run(run)
        self.status.show_run(run)

    def _pick_run(self, run_id: str) -> None:
        if not self.session.pick_run(run_id):
            self.run_panel.show_runs(self.document.project)  # the picker shows the run still training

    def _show_title(self, *_changed) -> None:
        document = self.document
        name = document.display_name() if document.path else self.tr("untitled")
        read_only = self.tr(" (read-only)") if document.read_only else ""
        self.setWindowTitle(f"{name}{read_only}[*] — {APP_NAME}")
        self.setWindowModified(document.modified)

    # ------------------------------------------------------------ training, shown
    def _on_run_started(self, run) -> None:
        self._show_run(run)
        self.redraws.forget_paints()

    def _on_events(self, run, events: list) -> None:
        from engine.describe import device_text  # engine.spec with it: loaded after the window shows
        from engine.events import Checkpoint, ProbeSnapshot, RunFailed, RunFinished, RunStarted, Scalars, \
            Evaluation, StateChanged

        scalars = probes = weights_moved = False
        for event in events:
            if isinstance(event, (Scalars, Evaluation)):
                scalars = True
            elif isinstance(event, ProbeSnapshot):
                probes = True
            elif isinstance(event, RunStarted):
                self.status.started(device_text(event.device, event.precision), event.total_steps)
            elif isinstance(event, (RunFinished, RunFailed)):
                self.run_panel.show_runs(self.document.project)  # its step count
            elif isinstance(event, Checkpoint):
                weights_moved = True
            elif isinstance(event, StateChanged) and event.state == "paused" and self.playground.following():
                self.session.request_weights()  # paused, or done with the steps asked for while paused
        if weights_moved:
            self.playground.weights_changed()
        self.redraws.mark_stale(self.docks.stale_after(scalars, probes))
        if self.redraws.redraw(force=not self.session.active):
            self.status.show_run(run, training=self.session.active)

    def _on_state(self, state: str) -> None:
        self.status.set_state(state)
        self.commands.update(self.ready, state)

    def race(self) -> bool:
        """Train every untrained run one after another; the comparison shows them as they go."""
        if not self.session.race():
            return False
        self.docks.reveal("compare")
        return True

    def open_playground(self) -> None:
        """Show the Playground, tall enough to read, with the model tried on an input."""
        self.docks.make_room_for_playground()
        self.playground.input.setFocus()
        if not self.playground.tried:
            self.playground.try_model()

    def open_lesson(self, number: int) -> None:
        """A lesson opens as a new, unsaved project of its runs, with its text beside them."""
        from engine.lessons.base import lesson_project
        from engine.lessons.registry import lesson

        if self.ready and self.document.replace_with(lesson_project(lesson(number))):
            self.docks.reveal("lesson")

    # ------------------------------------------------------------ export
    def ask_export(self, what: str) -> None:
        if what == "tensorboard":
            folder = self.dialogs.export_folder(self.document.folder())
        else:
            suffix = {"csv": ".csv", "script": ".py", "report": ".html"}[what]
            stem = self.document.display_name().removesuffix(SUFFIX) if what == "report" else \
                self.document.run().id
            folder = self.dialogs.export_path(self.document.folder() / f"{stem}{suffix}")
        if folder is not None:
            self.export(what, folder)

    def export(self, what: str, path: Path) -> bool:
        from engine.atomic_file import write_atomic
        from engine.export import standalone_script, write_tensorboard

        run = self.document.run()
        try:
            if what == "csv":
                write_atomic(path, run.history.csv_text())
            elif what == "script":
                write_atomic(path, standalone_script(run))
            elif what == "report":
                from lab_gui.report import build_report  # pyqtgraph loads after the window shows

                self.redraws.redraw(force=True)  # the images show what the run has now
                write_atomic(path, build_report(self.document, self.panels))
            else:
                write_tensorboard(run, path)
        except (SeqLabError, OSError, ImportError) as exc:
            self.dialogs.warn(self.tr("Export failed"), f"{path}: {engine_text(str(exc))}")
            return False
        self.status.say(self.tr("Exported {path}").format(path=path), 5000)
        return True

    # ------------------------------------------------------------ look and language
    def set_theme_choice(self, choice: str, remember: bool = True) -> None:
        """The theme the person chose (system, light or dark)."""
        self.theme_choice = choice
        self.apply_theme(themes.system_theme() if choice == "system" else themes.THEMES.get(choice, themes.LIGHT))
        if remember:
            self.settings.setValue("theme", choice)

    def apply_theme(self, theme: themes.Theme) -> None:
        from PySide6.QtWidgets import QApplication

        self.theme = theme
        themes.apply_palette(QApplication.instance(), theme)
        if self.ready:  # the plots come with the late start-up
            for panel in self.panels.values():
                panel.apply_theme(theme)
            self.diagram.apply_theme(theme)
            self.playground.apply_theme(theme)

    def _system_scheme_changed(self, *_scheme) -> None:
        """The system went light or dark while the window is open: "Follow the system" follows."""
        if self.theme_choice == "system" and not self.presentation.active:
            self.apply_theme(themes.system_theme())

    def set_language(self, choice: str) -> None:
        """Show the window in another language now, and from now on."""
        self.settings.setValue("language", choice)
        self.language = apply_language(choice)  # Qt sends LanguageChange, which calls retranslate
        self.commands.language_actions[choice].setChecked(True)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """The texts that follow the language and are not set through
        language.follow_language (which the parts use for what they make once):
        the lessons and their menu, the Language menu itself, the window's title,
        and what is drawn from the run (plots, status bar, forms), drawn again."""
        commands = self.commands
        self._show_title()
        commands.language_menu.setTitle(self.tr("&Language"))
        commands.language_actions["system"].setText(self.tr("Follow the system"))
        commands.lessons_menu.setTitle(self.tr("&Lessons"))
        if self.ready:
            commands.fill_lessons_menu()
            self.docks["lesson"].setWindowTitle(self.tr("Lesson"))
            self.status.set_state(self.session.state)
            self._show_draft(self.document.draft)
            self.panels["compare"].show_project(self.document.project)
            run = self.document.run()
            self.run_panel.show_runs(self.document.project)
            for panel in self.panels.values():
                panel.show_run(run)
            self.status.show_run(run)

    # ------------------------------------------------------------ the window itself
    def closeEvent(self, event) -> None:
        if self.ready:
            self.sweeps.poll()  # trials finished by now are the project's, for the save asked next
        if self.ready and not self.document.may_discard():
            event.ignore()
            return
        if self.ready:
            self.document.end_work(saved=not self.document.modified,
                                   end=lambda: (self.sweeps.shutdown(10), self.session.shutdown(10)))
            self.document.close()
        self.commands.presentation.setChecked(False)  # the layout to keep is the everyday one
        if self.ready:
            self.docks.save(self.settings)
        event.accept()

    def dragEnterEvent(self, event) -> None:
        urls = event.mimeData().urls()
        if any(u.isLocalFile() and u.toLocalFile().endswith(SUFFIX) for u in urls):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        if not self.ready:
            return
        for url in event.mimeData().urls():
            if url.isLocalFile() and url.toLocalFile().endswith(SUFFIX):
                event.acceptProposedAction()
                self.document.open_file(Path(url.toLocalFile()))
                return

    def about(self) -> None:
        from lab_gui.about import about_html  # versions, devices, the log folder

        QMessageBox.about(self, self.tr("About SeqLab"), about_html())


_GARBAGE_COLLECTOR = None


def _collect_garbage_in_the_gui_thread() -> None:
    """Python's cycle collector runs in whichever thread allocates when it triggers;
    a cycle holding a Qt object collected in a training thread (the thread host
    trains in this process) deletes that object off the GUI thread, which crashed
    the window. pyqtgraph's GarbageCollector turns automatic collection off and
    collects on a GUI timer instead; one for the whole application."""
    global _GARBAGE_COLLECTOR
    if _GARBAGE_COLLECTOR is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _GARBAGE_COLLECTOR = GarbageCollector(interval=1.0)
