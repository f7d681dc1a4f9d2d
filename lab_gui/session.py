"""The training session of the window's document: train (start, continue or
resume by the engine's one rule), pause, step, step N, stop, race every
untrained run, and retry after a failure; live settings follow the draft, so
an edit, its undo and its redo all reach the engine.

What the engine says comes back as `events_arrived` for the plots and the
status bar; what a person must decide comes as `notice` with its buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from engine.errors import ProjectError, SeqLabError
from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.document import Document
from lab_gui.engine_text import engine_text

translate = QCoreApplication.translate
from lab_gui.training_controller import TrainingController


class TrainingSession(QObject):
    events_arrived = Signal(object, list)  # the run they belong to, and one frame's events
    state_changed = Signal(str)  # "idle", "running", "paused", "stopping"
    run_started = Signal(object)  # the run now training
    notice = Signal(str, list)  # a message with (label, callback) buttons; "": none
    message = Signal(str, int)  # a status line, and how long it shows (ms)

    def __init__(self, document: Document, host, parent=None):
        super().__init__(parent)
        self.document = document
        self.controller = TrainingController(host, self)
        self.controller.events_arrived.connect(self._on_events)
        self.controller.state_changed.connect(self._on_state)
        self.race_queue: list[str] = []
        document.draft_changed.connect(self._follow_draft)
        document.closing.connect(self.stop_and_wait)
        document.before_save = self.controller.sync_state
        document.training = lambda: self.active

    @property
    def active(self) -> bool:
        return self.controller.active

    @property
    def state(self) -> str:
        return self.controller.state

    @property
    def run(self):
        """The run training, or the one that trained last."""
        return self.controller.run

    # ------------------------------------------------------------ controls
    def train(self, more_steps: int | None = None) -> bool:
        """Resume a paused run, or train the draft from the current run by the
        engine's rule (engine.project.session.next_training), as `main.py train` does."""
        from engine.project.session import RunComplete, next_training

        if self.state == "paused":
            self.controller.resume()
            return True
        if self.active:
            return False
        document = self.document
        try:
            run = next_training(document.project, document.run(), document.draft, more_steps)
        except RunComplete as exc:
            more = document.draft.training.steps
            self.notice.emit(translate("Session", "{done}: train it on for more?").format(done=_capitalised(str(exc))),
                             [(translate("Session", "Train {steps} More Steps").format(steps=f"{more:,}"),
                               lambda: self.train(more_steps=more))])
            return False
        except ProjectError as exc:
            document.dialogs.warn(translate("Session", "Cannot train"), engine_text(str(exc)))
            return False
        state = None
        if run.state is not None:
            try:  # an optimizer state still in the project file is read now
                state = ({name: tensor.numpy() for name, tensor in run.state[0].items()}, run.state[1])
            except ProjectError as exc:
                document.dialogs.warn(translate("Session", "Cannot train"), engine_text(str(exc)))
                return False
        return self._start(run, state)

    def _start(self, run, state) -> bool:
        """Make `run` current and train it from `state` (None: from scratch)."""
        from engine.task_file import MissingTaskFile

        document = self.document
        document.project.current_run = run.id
        try:
            if not (state is not None and run.task_file is not None and run.task_file.path == run.spec.task.path):
                # a new run reads the person's file as it is now; one that continues keeps what it learned from
                run.task_file = document.task_files.for_spec(run.spec, fresh=True)
        except MissingTaskFile as exc:
            document.ask_for_task_file(exc.path)
            return False
        except SeqLabError as exc:  # the person's file cannot be used: said where they will look
            self.notice.emit(_capitalised(str(exc)), [])
            return False
        try:
            self.controller.start(run, state)
        except (SeqLabError, RuntimeError) as exc:
            document.dialogs.warn(translate("Session", "Cannot train"), engine_text(str(exc)))
            return False
        self.notice.emit("", [])
        self.run_started.emit(run)
        return True

    def pause(self) -> None:
        self.controller.pause()

    def step(self, n: int = 1) -> None:
        """Train `n` steps, then pause (starting the run first when idle)."""
        if not self.active:
            if not self.train():
                return
            self.controller.pause()
        self.controller.step(n)

    def stop(self) -> None:
        self.controller.stop()

    def new_run(self) -> bool:
        """Keep the current run and add a fresh one with the draft's spec."""
        if self.active:
            self.message.emit(translate("Session", "Stop training before starting a new run"), 6000)
            return False
        self.document.add_run(self.document.draft)
        return True

    def pick_run(self, run_id: str) -> bool:
        if self.active:
            self.message.emit(translate("Session", "Stop training before switching runs"), 6000)
            return False
        self.document.pick_run(run_id)
        return True

    def retry(self, overrides: dict) -> None:
        """Train again with these settings changed (each an undoable edit of the draft)."""
        if all(self.document.edit(key, value).spec is not None for key, value in overrides.items()):
            self.train()

    def race(self) -> bool:
        """Train every run that has not trained yet, one after another, in the project's order."""
        if self.active:
            return False
        self.race_queue = [run.id for run in self.document.project.runs
                           if run.state is None and not len(run.history)]
        if not self.race_queue:
            self.message.emit(translate("Session", "Every run has trained already: New Run adds one to race"), 8000)
            return False
        return self._next_in_race()

    def _next_in_race(self) -> bool:
        if self.active or not self.race_queue:
            return False
        run = self.document.project.run(self.race_queue.pop(0))
        self.document.set_draft(run.spec)
        if not self._start(run, None):
            self.race_queue.clear()
            return False
        return True

    def request_weights(self) -> None:
        """Ask the engine for the run's weights as they are now: they come with its
        next step (at once when paused) as a Checkpoint event. Waiting for them
        here froze the window while a new engine started up."""
        self.controller.checkpoint()

    def stop_and_wait(self, timeout: float = 10.0) -> None:
        self.race_queue.clear()
        self.controller.stop_and_wait(timeout)

    def shutdown(self, timeout: float = 10.0) -> bool:
        self.race_queue.clear()
        return self.controller.shutdown(timeout)

    # ------------------------------------------------------------ the engine's side
    def _follow_draft(self, spec) -> None:
        """A live setting of the draft that differs from the training run's goes to the
        engine; the run's spec takes it when the engine says it has (SettingChanged)."""
        from engine.spec import LIVE_SETTINGS, get_key

        run = self.controller.run
        if not self.active or run is None:
            return
        for key in LIVE_SETTINGS:
            value = get_key(spec, key)
            if value != get_key(run.spec, key):
                self.controller.set(key, float(value))

    def _on_events(self, events: list) -> None:
        from engine.events import Diverged, RunFailed, RunFinished, RunWarning, SettingChanged

        run = self.controller.run
        self.document.mark_unsaved()
        for event in events:
            if isinstance(event, RunWarning) and event.kind == "memory":
                warning = engine_text(event.message)
                self.notice.emit(translate("Session", "Training anyway, but {warning}.").format(warning=warning), [])
            elif isinstance(event, RunWarning):
                self.message.emit(engine_text(event.message), 8000)
            elif isinstance(event, SettingChanged):
                self.message.emit(translate("Session", "{name} set to {value} at step {step}").format(
                    name=event.name, value=f"{event.value:g}", step=event.step), 5000)
            elif isinstance(event, RunFinished):
                how = translate("Session", FINISHED.get(event.reason, event.reason))
                self.message.emit(translate("Session", "Run {how} at step {step}").format(how=how, step=event.step),
                                  8000)
                if event.reason == "stopped":  # the person stopped it: the race ends too
                    self.race_queue.clear()
            elif isinstance(event, RunFailed):
                self._show_failure(run, event)
            elif isinstance(event, Diverged):
                self._show_divergence(run, event)
        self.events_arrived.emit(run, events)

    def _on_state(self, state: str) -> None:
        self.state_changed.emit(state)
        if state == "idle" and self.race_queue:
            QTimer.singleShot(0, self._next_in_race)

    def _show_failure(self, run, event) -> None:
        first_line = engine_text(event.message.strip().splitlines()[0] if event.message.strip() else "unknown error")
        actions = []
        if event.kind == "out_of_memory":
            kept = translate("Session", "The run so far is kept.")
            text = _capitalised(first_line) + (" " + kept if event.step else "")
            batch = run.spec.training.batch_size if run else 1
            if batch > 1:
                actions.append((translate("Session", "Retry with batch size {batch}").format(batch=batch // 2),
                                lambda: self.retry({"training.batch_size": batch // 2})))
            if event.device and not event.device.startswith("cpu"):
                actions.append((translate("Session", "Retry on the CPU"),
                                lambda: self.retry(_on_the_cpu(run))))
        else:
            text = translate("Session", "Training stopped at step {step}: {error}. The run so far is kept; "
                                        "press Train to go on.").format(step=event.step, error=first_line)
        self.notice.emit(text, actions)

    def _show_divergence(self, run, event) -> None:
        """The retry offers a tenth of the rate the run diverged at: its spec follows live edits."""
        lr = run.spec.training.lr if run else None
        actions = [(translate("Session", "Retry with learning rate {lr}").format(lr=f"{lr / 10:g}"),
                     lambda: self.retry({"training.lr": lr / 10}))] if lr else []
        self.notice.emit(_capitalised(engine_text(event.message)), actions)


def _capitalised(message: str) -> str:
    """An engine message ("diverged at step 7: ...") as the start of a sentence."""
    message = engine_text(message)
    return message[:1].upper() + message[1:]


# How a run finished (RunFinished.reason), in words.
FINISHED = {"completed": QT_TRANSLATE_NOOP("Session", "completed"), "stopped": QT_TRANSLATE_NOOP("Session", "stopped"),
            "diverged": QT_TRANSLATE_NOOP("Session", "diverged")}


def _on_the_cpu(run) -> dict:
    """The edits that move a run to the CPU: bf16 and fp16 are for GPUs, so the
    precision goes to auto (fp32 there) first, or the device edit is refused."""
    precision = run.spec.training.precision if run else "auto"
    return ({"training.precision": "auto"} if precision in ("bf16", "fp16") else {}) | {"training.device": "cpu"}
