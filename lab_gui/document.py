"""The open project as the window edits it: the project and its file, the draft
spec the forms show, the undo stack, whether there is unsaved work, and the
file's lifecycle (new, open, save, save as, reload, autosave, recovery).

It is the one source of truth the widgets follow through its signals; it asks
the person questions only through `Dialogs`, so tests can drive it alone.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from engine.errors import SeqLabError
from lab_gui.dialogs import SUFFIX, Dialogs
from lab_gui.engine_text import engine_text
from lab_gui.recent_projects import RecentProjects
from lab_gui.task_files import TaskFiles

translate = QCoreApplication.translate

if TYPE_CHECKING:
    from engine.spec import ExperimentSpec
    from lab_gui.spec_edit import EditResult

class Document(QObject):
    draft_changed = Signal(object)  # the draft spec: an edit, undo, redo, another run or project
    project_changed = Signal(object)  # another project: new, opened, reloaded, a lesson
    run_changed = Signal(object)  # another current run, or a run added
    modified_changed = Signal(bool)
    file_changed = Signal()  # the path or read-only state: the window's title follows
    closing = Signal()  # the project shown is about to go: a run training on it must end first
    edit_refused = Signal(str, str)  # the key, and why: shown next to its field
    notice = Signal(str, list)  # a message with (label, callback) buttons where the person will look; "": none
    message = Signal(str, int)  # a status line, and how long it shows (ms)

    def __init__(self, dialogs: Dialogs, settings: QSettings, parent=None):
        super().__init__(parent)
        self.dialogs = dialogs
        self.recent = RecentProjects(settings)
        self.project = None
        self.path: Path | None = None
        self.draft: ExperimentSpec | None = None
        self.undo_stack = QUndoStack(self)
        self.undo_stack.cleanChanged.connect(self._clean_changed)  # a method: Qt disconnects it as this goes
        self.task_files = TaskFiles()  # the files a text_file or csv task may read, and their content
        self.lock = None  # engine.project.lock.ProjectLock on self.path while this window edits it
        self.read_only = False  # another holds the project's lock: Save asks for a new name
        self.opened = None  # the file as it was opened (FileIdentity): a save first checks it is unchanged
        self.autosaver = None
        self._unsaved_work = False  # trained, or a run or file added, since the last save
        self._was_modified = False
        # The training session plugs in here: a save first brings the run's state up to
        # date, and a run that is training keeps the file it learns from.
        self.before_save: Callable[[], bool] = lambda: True
        self.training: Callable[[], bool] = lambda: False

    # ------------------------------------------------------------ state
    @property
    def modified(self) -> bool:
        return not self.undo_stack.isClean() or self._unsaved_work

    def mark_unsaved(self) -> None:
        """The project holds work its file does not (training, a new run, a lesson, a recovery)."""
        self._unsaved_work = True
        self._modified_may_have_changed()

    def _clean_changed(self, _clean: bool) -> None:
        self._modified_may_have_changed()

    def _modified_may_have_changed(self) -> None:
        if self.modified != self._was_modified:
            self._was_modified = self.modified
            self.modified_changed.emit(self._was_modified)

    def display_name(self) -> str:
        return self.path.name if self.path else "untitled"

    def run(self):
        """The current run."""
        return self.project.run()

    # ------------------------------------------------------------ the draft
    def set_draft(self, spec: ExperimentSpec) -> None:
        """The spec the forms show (undo and redo come here too)."""
        self.draft = spec
        self.draft_changed.emit(spec)

    def edit(self, key: str, value) -> EditResult:
        """A form's edit: taken as an undoable step, or refused with a message naming the field."""
        from lab_gui.spec_edit import SpecEdit, apply_edit

        result = apply_edit(self.draft, key, value)
        if result.spec is None:
            self.edit_refused.emit(key, result.message)
            self.message.emit(engine_text(result.message), 8000)
            return result
        if key == "task.path":
            self.task_files.choose(result.spec.task.path)  # typed or chosen here: the person's own file
            self._give_file_to_current_run(result.spec.task.path)
            if not result.changed:
                self.draft_changed.emit(self.draft)  # the same path, chosen again: read it now
        if result.changed:
            self.undo_stack.push(SpecEdit(self.set_draft, self.draft, result))
        return result

    def _give_file_to_current_run(self, path: str) -> None:
        """A run that names a file it does not hold (a project made elsewhere) takes
        the one the person chose, as `--set task.path=` does on the command line:
        it can then train on and be tried."""
        from engine.task_file import needs_file

        run = self.run()
        if run.task_file is not None or not needs_file(run.spec.task) or self.training():
            return
        spec = run.spec.with_overrides({"task.path": path})
        try:
            run.task_file = self.task_files.for_spec(spec)
        except SeqLabError:
            return  # the diagram and a training start say what is wrong with the file
        run.spec = spec
        self.mark_unsaved()  # the project now holds the file

    def ask_for_task_file(self, path: str) -> None:
        self.notice.emit(translate("Document", "This run learns from {path}, which the project does not hold. A "
                                   "project never makes SeqLab read a file on this computer: choose the file to "
                                   "learn from.").format(path=path),
                         [(translate("Document", "Choose File…"), self.choose_task_file)])

    def choose_task_file(self) -> bool:
        """Ask the person for the file the draft's task learns from; True once chosen."""
        path = self.dialogs.task_file_path(self.folder())
        if not path or self.edit("task.path", path).spec is None:
            return False
        if self.draft.task.path == path:
            self.notice.emit("", [])  # asked and answered
        return True

    # ------------------------------------------------------------ runs
    def pick_run(self, run_id: str) -> None:
        self.project.current_run = run_id
        run = self.project.run(run_id)
        self.set_draft(run.spec)
        self.run_changed.emit(run)

    def add_run(self, spec: ExperimentSpec):
        """A new, untrained run of `spec`, made current."""
        from engine.spec import architecture

        run = self.project.add_run(spec, name=architecture(spec))
        try:  # the Playground can try it before it trains
            run.task_file = self.task_files.for_spec(run.spec)
        except SeqLabError:
            pass  # training asks for the file, or names what is wrong with it
        self.mark_unsaved()
        self.run_changed.emit(run)
        return run

    # ------------------------------------------------------------ projects
    def show_project(self, project, path: Path | None, unsaved: bool = False) -> None:
        """Show `project` (from `path`, or new): its draft, its current run."""
        from engine.project.recovery import Autosaver
        from engine.spec import ExperimentSpec

        self.project, self.path = project, path
        # Only the lock's holder autosaves under the project's name; a read-only view's copy is its own.
        self.autosaver = Autosaver(None if self.read_only else path)
        self.task_files.show_project(project.runs)
        draft = None
        if isinstance(project.ui, dict) and isinstance(project.ui.get("draft"), dict):
            try:
                draft = ExperimentSpec.from_dict(project.ui["draft"])
            except SeqLabError:
                draft = None
        self.undo_stack.clear()
        self._unsaved_work = unsaved
        self.project_changed.emit(project)
        self.set_draft(draft or project.run().spec)
        self.run_changed.emit(project.run())
        for warning in project.warnings:
            self.message.emit(warning, 10000)
        self.file_changed.emit()
        self._modified_may_have_changed()

    def new_project(self) -> bool:
        from engine.presets import DEFAULT_PRESET, load_preset
        from engine.project import Project

        project = Project(name="untitled")
        project.add_run(load_preset(DEFAULT_PRESET), name=DEFAULT_PRESET)
        return self.replace_with(project, unsaved=False)

    def replace_with(self, project, unsaved: bool = True) -> bool:
        """Show `project`, in no file (`unsaved`: work to keep, as a lesson is), once the current work may go."""
        if not self.may_discard():
            return False
        self.end_work(saved=not self.modified)
        self._take_lock(None, read_only=False, opened=None)
        self.show_project(project, None, unsaved=unsaved)
        return True

    def ask_open(self) -> bool:
        path = self.dialogs.open_project_path(self.folder())
        return path is not None and self.open_file(path)

    def open_file(self, path: Path) -> bool:
        """Open a project; a bad file gets one message and changes nothing. A
        project open for editing elsewhere opens read-only, and says who has it."""
        from engine.project import open_project
        from engine.project.lock import file_identity, lock_file_of, on_this_host
        from engine.project.recovery import newer_recovery

        if not self.may_discard():
            return False
        saved = not self.modified  # saved, or nothing to save; else the person chose to discard
        reopening = self.path is not None and Path(path).resolve() == Path(self.path).resolve()
        if reopening:  # what the sweep adds while it stops is saved first, then read back
            self.end_work(saved)
        lock, holder = self._lock_for_editing(path)
        source = path
        try:  # a holder's recovery copy is its live work, not something to recover
            recovery = newer_recovery(path) if holder is None else None
        except OSError:
            recovery = None
        if recovery is not None and self.dialogs.ask(
                translate("Document", "Recovery copy found"),
                translate("Document", "There is {recovery}, newer than {name}.\n\nOpen the recovery copy "
                                      "instead?").format(recovery=engine_text(recovery.describe()), name=path.name)):
            source = recovery.path
        opened = file_identity(path)
        try:
            project = open_project(source)
        except (SeqLabError, OSError) as exc:
            if lock is not None and lock is not self.lock:
                lock.release()
            self.dialogs.warn(translate("Document", "Cannot open project"), engine_text(str(exc)))
            return False
        if not reopening:
            self.end_work(saved)
        self._take_lock(lock, read_only=holder is not None, opened=opened)
        self.show_project(project, path, unsaved=source != path)  # recovered work is not in the file yet
        if holder is not None:
            stale = "" if on_this_host(holder) else " " + translate(
                "Document", "If that program has ended (a crash on another computer), delete {lock}.").format(
                lock=lock_file_of(path))
            self.notice.emit(translate("Document", "{name} is open for editing in {holder}. This window shows it "
                                                   "read-only: Save asks for a new name.").format(
                name=path.name, holder=engine_text(holder.describe())) + stale,
                [(translate("Document", "Save a Copy As…"), self.save_as)])
        self.recent.remember(path)
        return True

    def _take_lock(self, lock, read_only: bool, opened) -> None:
        """The window now shows another file (or the same one, saved): the lock it held before goes."""
        if self.lock is not None and self.lock is not lock:
            self.lock.release()
        self.lock, self.read_only, self.opened = lock, read_only, opened

    def _lock_for_editing(self, path: Path):
        """(this window's lock on `path` or None, the holder if another has it or None)."""
        from engine.project.lock import ProjectLock, ProjectLocked, lock_file_of

        if self.lock is not None and self.lock.held and self.lock.file == lock_file_of(path):
            return self.lock, None  # opened again in the window that has it
        try:
            return ProjectLock.acquire(path, "a SeqLab window"), None
        except ProjectLocked as exc:
            return None, exc.holder
        except (SeqLabError, OSError):  # a folder it cannot write to: a save will say so and offer Save As
            return None, None

    # ------------------------------------------------------------ saving
    def save(self) -> bool:
        if self.path is None or self.read_only:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        path = self.dialogs.save_project_path(self.path or self.folder() / f"{self.project.name}{SUFFIX}")
        return path is not None and self.save_to(path)

    def _prepare_for_saving(self) -> None:
        if not self.before_save():
            raise SeqLabError("the engine did not send the run's state in time; try again")
        self.project.ui = {**(self.project.ui or {}), "draft": self.draft.to_dict()}

    def save_to(self, path: Path) -> bool:
        """Save to `path`: never over a file changed since it was opened without
        asking; a failed save keeps everything here and offers Save As."""
        lock, holder = self._lock_for_editing(path)
        if holder is not None:
            self.dialogs.warn(translate("Document", "Cannot save project"),
                              translate("Document", "{path} is open for editing in {holder}. Save under another "
                                                    "name.").format(path=path, holder=engine_text(holder.describe())))
            return False
        try:
            return self._save_holding(path, lock)
        finally:  # a lock taken for this save goes unless the save made it the window's
            if lock is not None and lock is not self.lock:
                lock.release()

    def _save_holding(self, path: Path, lock) -> bool:
        from engine.project import save_project
        from engine.project.lock import ProjectChangedOnDisk, check_unchanged, file_identity
        from engine.project.recovery import Autosaver

        if self.path is not None and os.path.realpath(path) == os.path.realpath(self.path):
            try:
                check_unchanged(path, self.opened)
            except ProjectChangedOnDisk as exc:
                save_as, overwrite, reload = (translate("Document", "Save As…"), translate("Document", "Overwrite"),
                                              translate("Document", "Reload"))
                choice = self.dialogs.choose(
                    translate("Document", "Project changed on disk"),
                    translate("Document", "{change}.\n\nSave this window's project under another name, overwrite "
                                          "the file, or reload it (this window's changes are dropped)?").format(
                        change=exc), [save_as, overwrite, reload])
                if choice == save_as:
                    return self.save_as()
                if choice == reload:
                    self.reload()
                if choice != overwrite:
                    return False
        try:
            self._prepare_for_saving()
        except SeqLabError as exc:
            self.dialogs.warn(translate("Document", "Cannot save project"), f"{path}: {engine_text(str(exc))}")
            return False
        try:
            if self.project.name == "untitled" or self.path != path:
                self.project.name = path.stem
            save_project(self.project, path)
        except Exception as exc:  # whatever it is, the work stays here and the person hears why
            reason = str(exc) if isinstance(exc, (SeqLabError, OSError)) else f"{type(exc).__name__}: {exc}"
            why = reason if reason.startswith(str(path)) else f"{path}: {reason}"
            save_as = translate("Document", "Save As…")
            if self.dialogs.choose(translate("Document", "Cannot save project"),
                                   translate("Document", "{why}.\n\nEverything is still here, in this window, trained "
                                                         "runs included. Save it somewhere else?").format(why=why),
                                   [save_as]) == save_as:
                return self.save_as()
            return False
        if self.path != path or self.read_only:  # the recovery copy is now kept under this file's name
            self.autosaver.discard()
            self.autosaver = Autosaver(path)
        self.autosaver.discard()
        if lock is not None and not lock.held:  # its folder did not exist until this save made it
            lock, _holder = self._lock_for_editing(path)
        self._take_lock(lock, read_only=False, opened=file_identity(path))
        self.path = path
        self.undo_stack.setClean()
        self._unsaved_work = False
        self.recent.remember(path)
        self.file_changed.emit()
        self._modified_may_have_changed()
        self.message.emit(translate("Document", "Saved {path}").format(path=path), 5000)
        return True

    def reload(self) -> None:
        """The file as it is on disk now; this window's changes go (the person chose so)."""
        from engine.project import open_project
        from engine.project.lock import file_identity

        opened = file_identity(self.path)
        try:
            project = open_project(self.path)
        except (SeqLabError, OSError) as exc:
            self.dialogs.warn(translate("Document", "Cannot reload project"), engine_text(str(exc)))
            return
        self.closing.emit()
        self.autosaver.discard()
        self.opened = opened
        self.show_project(project, self.path)

    def autosave(self) -> None:
        """A recovery copy under the user's state folder, while there is unsaved work."""
        if self.project is None or not self.modified:
            return
        try:
            self._prepare_for_saving()
            self.autosaver.save(self.project)
        except (SeqLabError, OSError) as exc:
            self.message.emit(translate("Document", "Autosave failed: {error}").format(error=exc), 10000)

    def may_discard(self) -> bool:
        """True when unsaved work may go: it is saved now, or the person said to discard it."""
        if self.project is None or not self.modified:
            return True
        answer = self.dialogs.save_discard_or_cancel(
            translate("Document", "Unsaved changes"),
            translate("Document", "Save the changes to {name}?").format(
                name=self.path.name if self.path else translate("Document", "this project")))
        return self.save() if answer == "save" else answer == "discard"

    def end_work(self, saved: bool, end=None) -> None:
        """What runs on this project ends (`end`, else closing's slots): a sweep's trials that
        finish meanwhile join it, and are saved too when its work was saved (`saved`), not lost."""
        (end or self.closing.emit)()
        if saved and self.modified and self.path is not None and not self.save():
            self.autosave()  # the save failed (and said why): the recovery copy keeps them

    def close(self) -> None:
        """The window closes (its work saved or discarded): the recovery copy of saved work and the lock go."""
        if self.autosaver is not None and not self.modified:
            self.autosaver.discard()
        self._take_lock(None, read_only=False, opened=None)  # the project is free for others

    def folder(self) -> Path:
        return self.recent.folder(self.path)
