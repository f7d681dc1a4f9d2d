"""A sweep of the window's document: started (or continued) from a request the
Sweep dialog makes, run by a SweepHost (Ray in a process of its own: the window
never imports Ray), polled on a timer, each finished trial kept at once as a run
of the project (the person's current run stays current), and stopped when asked,
when the project closes and when the window does.

What it learns goes into `progress` (lab_gui.sweep_progress) and out as
`changed`; runs added come out as `runs_added`, for the run picker and the
comparison.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from engine.errors import SeqLabError
from lab_gui.document import Document
from lab_gui.engine_text import engine_text
from lab_gui.sweep_progress import SweepProgress

translate = QCoreApplication.translate
POLL_MS = 100  # the sweep process sends its table 4 times a second


@dataclass
class SweepRequest:
    plan: object  # engine.sweep.plan.SweepPlan
    placement: object  # engine.sweep.ray_sweep.Placement
    stop_early: bool = False
    record: object = None  # engine.sweep.record.SweepRecord: the project's sweep to go on with; None: a new one


def sweep_host():
    from engine.sweep.host import SweepHost  # no Ray: it runs in the process SweepHost starts

    return SweepHost()


class SweepSession(QObject):
    changed = Signal()  # progress has something new to show
    runs_added = Signal(list)  # finished trials, now runs of the project
    running_changed = Signal(bool)
    notice = Signal(str, list)  # a message with (label, callback) buttons; "": none
    message = Signal(str, int)  # a status line, and how long it shows (ms)

    def __init__(self, document: Document, make_host: Callable[[], object] = sweep_host, parent=None):
        super().__init__(parent)
        self.document = document
        self.make_host = make_host  # tests give a fake one
        self.host = None
        self.work = None  # engine.sweep.record.TrialsToRun: the running sweep's trials, kept as they finish
        self.progress = SweepProgress()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        document.project_changed.connect(self._show_project)
        document.closing.connect(self.stop_and_wait)

    @property
    def running(self) -> bool:
        return self.host is not None

    def last_sweep(self):
        """The project's last sweep (SweepRecord), or None."""
        from engine.sweep.record import sweep_of

        project = self.document.project
        return sweep_of(project) if project is not None and project.sweeps else None

    # ------------------------------------------------------------ controls
    def start(self, request: SweepRequest) -> bool:
        """Run the request's sweep: a new one, added to the project, or what is left of `request.record`."""
        from engine.sweep.record import TrialsToRun, add_sweep
        from engine.task_file import MissingTaskFile

        if self.running:
            self.message.emit(translate("Sweep", "A sweep is running: stop it first"), 6000)
            return False
        document = self.document
        project = document.project
        try:
            task_file = self._task_file(request)
        except MissingTaskFile as exc:
            document.ask_for_task_file(exc.path)
            return False
        except SeqLabError as exc:
            self.notice.emit(engine_text(str(exc)), [])
            return False
        record = request.record
        if record is None:
            record = add_sweep(project, request.plan)
            document.mark_unsaved()
        work = TrialsToRun(project, record, task_file)
        trials = list(work.trials.values())
        progress = SweepProgress.of_project(project, record)
        if not trials:
            self.progress = progress
            self.changed.emit()
            self.message.emit(translate("Sweep", "Every trial of {sweep} has finished").format(sweep=record.id), 6000)
            return False
        host = self.make_host()
        try:
            host.start(work.runs(), request.placement, request.stop_early)
        except (SeqLabError, OSError, RuntimeError) as exc:
            self.notice.emit(translate("Sweep", "The sweep could not start: {error}").format(
                error=engine_text(str(exc))), [])
            return False
        self.host, self.work, self.progress = host, work, progress
        progress.start(trials)
        self.timer.start()
        self.notice.emit("", [])
        self.message.emit(translate("Sweep", "{sweep}: {count} trials started").format(
            sweep=record.id, count=len(trials)), 6000)
        self.running_changed.emit(True)
        self.changed.emit()
        return True

    def _task_file(self, request: SweepRequest):
        """The file the trials learn from, for a task that reads one: what the sweep's
        finished trials learned from, else the person's file as it is now (as Train reads it)."""
        from engine.sweep.record import sweep_task_file
        from engine.task_file import needs_file

        base = request.plan.base
        if not needs_file(base.task):
            return None
        kept = sweep_task_file(self.document.project, request.record) if request.record is not None else None
        return kept or self.document.task_files.for_spec(base, fresh=True)

    def stop(self) -> None:
        """Running trials end; finished ones are in the project already, and Continue runs the rest."""
        if self.running:
            self.host.stop()
            self.message.emit(translate("Sweep", "Stopping the sweep: its finished trials are kept"), 6000)

    def stop_and_wait(self, timeout: float = 10.0) -> None:
        """Stop, keeping every trial that finishes before the sweep ends (the project is about to go)."""
        if not self.running:
            return
        self.host.stop()
        deadline = time.monotonic() + timeout
        while self.running and time.monotonic() < deadline:
            self.poll()
            time.sleep(0.05)
        if self.running:  # it did not end in time: its process goes
            from engine.sweep.host import SweepEnded

            self.host.close(0)
            self.poll()
            if self.running:
                self._ended(SweepEnded(True))

    def shutdown(self, timeout: float = 10.0) -> None:
        self.stop_and_wait(timeout)

    # ------------------------------------------------------------ what the sweep says
    def poll(self) -> None:
        from engine.sweep.host import SweepEnded, SweepResults, SweepTable

        if self.host is None:
            self.timer.stop()
            return
        changed, added, ended = False, [], None
        for message in self.host.poll():
            if isinstance(message, SweepTable):
                self.progress.take_table(message.table)
                changed = True
            elif isinstance(message, SweepResults):
                for run in self.work.keep(message.results):
                    self.progress.take_run(run)
                    added.append(run)
            elif isinstance(message, SweepEnded):
                ended = message
        if added:
            self.document.mark_unsaved()
            self.runs_added.emit(added)
        if ended is not None:
            self._ended(ended)
        elif changed or added:
            self.changed.emit()

    def _ended(self, ended) -> None:
        host, self.host = self.host, None
        self.timer.stop()
        host.release()  # its process ends on a thread of its own: the window goes on
        self.progress.ended()
        record = self.progress.record
        done, total = self.progress.total - self.progress.left, self.progress.total
        if ended.error:
            self.notice.emit(translate("Sweep", "The sweep could not go on: {error}. Its finished trials are kept "
                                                "in the project.").format(error=engine_text(ended.error)), [])
        elif ended.stopped:
            self.message.emit(translate("Sweep", "{sweep} stopped: {done} of {total} trials are kept; Continue "
                                                 "Sweep runs the rest").format(sweep=record.id, done=done,
                                                                               total=total), 10000)
        else:
            self.message.emit(translate("Sweep", "{sweep} finished: {done} of {total} trials in {seconds} s").format(
                sweep=record.id, done=done, total=total, seconds=f"{ended.seconds:.0f}"), 10000)
        self.running_changed.emit(False)
        self.changed.emit()

    def _show_project(self, project) -> None:
        """Another project: its last sweep as its runs left it."""
        self.progress = SweepProgress.of_project(project, self.last_sweep())
        self.changed.emit()
