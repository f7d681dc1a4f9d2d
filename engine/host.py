"""Run a Trainer in the background. This module holds the in-process thread
host (tests, debugging, the command line's live controls); a subprocess host
with the same interface comes with the window.

Interface: start(spec), pause(), resume(), step(n), stop(), set(name, value),
probe(), poll() -> list of events, shutdown(timeout) -> bool.
"""

from __future__ import annotations

import threading
from collections import deque

from engine.events import RunFailed
from engine.runner import RunControl, run_training
from engine.spec import ExperimentSpec
from engine.training import Trainer
from engine.validation import validate_experiment


class ThreadHost:
    def __init__(self, flush_interval: float = 1 / 30):
        self.flush_interval = flush_interval
        self._events: deque = deque()
        self._thread: threading.Thread | None = None
        self._control = RunControl()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, spec: ExperimentSpec) -> None:
        """Validate now (a SpecError is raised here), then build and train in the background."""
        if self.running:
            raise RuntimeError("a run is already in progress; stop it first")
        validate_experiment(spec)
        self._control = RunControl()
        self._thread = threading.Thread(target=self._run, args=(spec, self._control),
                                        name="seqlab-training", daemon=True)
        self._thread.start()

    def _run(self, spec: ExperimentSpec, control: RunControl) -> None:
        try:
            trainer = Trainer(spec)
        except Exception as exc:  # building can fail on user data (a bad CSV, say)
            self._events.append(RunFailed(0, str(exc)))
            return
        run_training(trainer, control, self._events.extend, self.flush_interval)

    def pause(self) -> None:
        self._control.pause()

    def resume(self) -> None:
        self._control.resume()

    def step(self, n: int = 1) -> None:
        self._control.step(n)

    def stop(self) -> None:
        self._control.stop()

    def set(self, name: str, value: float) -> None:
        self._control.set(name, value)

    def probe(self) -> None:
        """Ask for a probe snapshot now (it arrives through poll())."""
        self._control.request_probe()

    def poll(self) -> list:
        """Every event since the last poll, in order."""
        events = []
        while self._events:
            events.append(self._events.popleft())
        return events

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Stop and wait for the training thread; True if it ended in time."""
        self._control.stop()
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True
