"""Drives an engine host for the window: starts runs, pulls their events on a
timer (never one signal per step: at half the plots' redraw interval, between
33 ms and half a second, and at 33 ms while a pause, step, stop, checkpoint or
live setting awaits the engine's answer, or the run's end is due before the next
pull), adds them to the run's history, and
hands each pull's batch to the window at once."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal

from engine.events import Checkpoint, RunFailed, RunFinished, RunStarted, Scalars, SettingChanged, StateChanged

FRAME_MS = 33
# Half the slowest redraw interval (a second): each pull wakes the window's thread, and
# the engine's to batch, taking a core from the training; on 2 cores pulls every 100 ms
# cost the window's thread about as much as its redraws (py-spy). Controls are answered
# at the frame rate all the same (ANSWER_WAIT_SECONDS).
SLOWEST_POLL_MS = 500
ANSWER_WAIT_SECONDS = 2.0  # the frame rate after a control, until its answer comes or this passes
ANSWERS = (StateChanged, RunStarted, RunFinished, RunFailed, Checkpoint, SettingChanged)


class TrainingController(QObject):
    events_arrived = Signal(list)  # one batch per pull
    state_changed = Signal(str)  # "idle", "running", "paused", "stopping"

    def __init__(self, host, parent=None):
        super().__init__(parent)
        self.host = host
        self.run = None  # the project Run that receives the events
        self.state = "idle"
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.drain)
        self._flush_ms = FRAME_MS  # what the engine was last asked for
        self._steady_ms = FRAME_MS  # the pull interval the plots need
        self._awaiting_until: float | None = None  # a control's answer is awaited until then

    @property
    def active(self) -> bool:
        return self.state != "idle"

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def start(self, run, state=None, device: str | None = None) -> None:
        """Train `run` (its spec) from `state` (numpy arrays and meta) or from scratch.
        A SpecError is raised here, before anything starts."""
        self.host.start(run.spec, state, device, run.task_file)
        self.run = run
        self._set_state("running")
        self._awaiting_until = None
        self.poll_every(0)  # a frame, until the window has redrawn and knows its cost
        self.timer.start()

    def poll_every(self, seconds: float) -> None:
        """Pull events about this often (between FRAME_MS and SLOWEST_POLL_MS), and
        have the engine batch them as often. The window asks for half its redraw
        interval: anything more often only costs the cores the training needs
        (a pull took 0.6 ms here, 30 times a second; the engine woke as often).
        While a control awaits its answer the pulls go at the frame rate."""
        interval = round(min(max(seconds * 1000, FRAME_MS), SLOWEST_POLL_MS))
        self._steady_ms = interval
        if self._awaiting_until is None:
            self.timer.setInterval(interval)
        if interval != self._flush_ms:
            self._flush_ms = interval
            self.host.flush_every(interval / 1000)

    def drain(self) -> list:
        """Take every waiting event into the run and tell the window once."""
        events = self.host.poll()
        if self._awaiting_until is not None and (any(isinstance(e, ANSWERS) for e in events)
                                                 or time.monotonic() > self._awaiting_until):
            self._awaiting_until = None
            self.timer.setInterval(self._steady_ms)
        if not events:
            return events
        if self.run is not None:
            self.run.keep(events)
        for event in events:
            if isinstance(event, StateChanged):
                self._set_state(event.state)
            elif isinstance(event, RunStarted):
                self._set_state("running")
            elif isinstance(event, (RunFinished, RunFailed)):
                self._set_state("idle")
        self.events_arrived.emit(events)
        if self.state == "idle":
            self.timer.stop()
        elif self._awaiting_until is None and self._ends_before_next_pull(events):
            self._await_answer()  # the run's end shows at once, not up to half a second late
        return events

    def _ends_before_next_pull(self, events: list) -> bool:
        """The steps left are fewer than this pull brought: the end comes before the next."""
        batches = [event for event in events if isinstance(event, Scalars) and len(event)]
        if self.run is None or self.state != "running" or not batches:
            return False
        brought = sum(len(batch) for batch in batches)
        left = self.run.spec.training.steps - (int(batches[-1].steps[-1]) + 1)
        return left <= brought

    # ------------------------------------------------------------- controls
    def _await_answer(self) -> None:
        """The engine answers a control at once: pull at the frame rate until it has."""
        self._awaiting_until = time.monotonic() + ANSWER_WAIT_SECONDS
        self.timer.setInterval(FRAME_MS)

    def pause(self) -> None:
        if self.active:
            self.host.pause()
            self._await_answer()

    def resume(self) -> None:
        if self.active:
            self.host.resume()
            self._await_answer()

    def step(self, n: int = 1) -> None:
        if self.active:
            self.host.step(n)
            self._await_answer()

    def stop(self) -> None:
        if self.active:
            self._set_state("stopping")
            self.host.stop()
            self._await_answer()

    def set(self, name: str, value: float) -> None:
        if self.active:
            self.host.set(name, value)
            self._await_answer()

    def checkpoint(self) -> None:
        """Ask for the run's state as it is now (the Playground's weights): a Checkpoint
        event with the next step, or at once when paused."""
        if self.active:
            self.host.checkpoint()
            self._await_answer()

    def sync_state(self, timeout: float = 30.0) -> bool:
        """Bring the run's saved state up to date (before a save while training).
        True when the run's state is current."""
        if not self.active:
            return True
        self.host.checkpoint()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            events = self.drain()
            if any(isinstance(e, Checkpoint) for e in events) or not self.active:
                return True
            time.sleep(0.01)
        return False

    def stop_and_wait(self, timeout: float = 10.0) -> None:
        """Stop the run and wait for the engine to end it; its last events go
        into the run (before another project replaces it)."""
        if self.active:
            self.stop()
            self.host.shutdown(timeout)
            self.drain()
            self.timer.stop()
            self._set_state("idle")

    def shutdown(self, timeout: float = 10.0) -> bool:
        self.timer.stop()
        if self.active:
            self.host.stop()
        ended = self.host.shutdown(timeout)
        self._set_state("idle")
        return ended
