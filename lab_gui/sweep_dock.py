"""The window's sweeps, wired: Run ▸ Sweep… and the dock's Continue Sweep open
the dialog, its request starts the sweep session, the session's progress is drawn
in the Sweep dock, finished trials join the run picker and the comparison, and a
finished trial double-clicked opens as the current run."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject

translate = QCoreApplication.translate


class SweepDock(QObject):
    def __init__(self, window):  # a MainWindow, its session and docks built
        super().__init__(window)
        self.window = window
        self.sweeps, self.panel = window.sweeps, window.panels["sweep"]
        self.dialog = None  # the dialog open now
        self.placement, self.stop_early = None, False  # what the last sweep ran on, offered again
        sweeps, panel = self.sweeps, self.panel
        sweeps.changed.connect(self.show)
        sweeps.runs_added.connect(self._runs_added)
        sweeps.running_changed.connect(lambda _running: window.commands.update(window.ready, window.session.state))
        sweeps.notice.connect(window.status.notice)
        sweeps.message.connect(window.status.say)
        panel.stop_requested.connect(sweeps.stop)
        panel.continue_requested.connect(lambda: self.ask(continuing=True))
        panel.trial_opened.connect(window.session.pick_run)
        window.document.project_changed.connect(self._project_shown)

    def show(self) -> None:
        self.panel.show_sweep(self.window.document.project, self.sweeps.progress)

    def ask(self, continuing: bool = False) -> None:
        """The Sweep dialog, on the draft (or, `continuing`, on the project's last sweep); its OK starts it."""
        from lab_gui.sweep_dialog import SweepDialog

        window = self.window
        window.docks.make_room("sweep")
        if self.sweeps.running or window.session.active:
            window.status.say(translate("Sweep", "Stop training, and the sweep running, before a sweep"), 6000)
            return
        record = self.sweeps.last_sweep() if continuing else None
        if continuing and record is None:
            return
        left = self.sweeps.progress.left if continuing else 0
        self.dialog = SweepDialog(window.document.draft, window, record, left, self.placement, self.stop_early)
        self.dialog.accepted.connect(lambda dialog=self.dialog: self._start(dialog.request))
        self.dialog.finished.connect(self.dialog.deleteLater)
        self.dialog.open()

    def _start(self, request) -> None:
        self.placement, self.stop_early = request.placement, request.stop_early
        if self.sweeps.start(request):
            self.window.docks.make_room("sweep")

    def _runs_added(self, _runs: list) -> None:
        """Finished trials are runs of the project now: the run picker and the comparison list them."""
        window = self.window
        window.run_panel.show_runs(window.document.project)
        window.redraws.mark_stale(["compare"])
        window.redraws.redraw(force=not window.session.active)

    def _project_shown(self, project) -> None:
        """A project with a sweep shows the Sweep dock: in front once the sweep has run trials
        (a lesson's sweep, ready to run, waits behind the tab the lesson is about)."""
        if project.sweeps:
            if self.sweeps.progress.run_ids:
                self.window.docks.make_room("sweep")
            else:
                self.window.docks["sweep"].show()
