"""The training loop with controls another thread can use.

`RunControl` holds flags and a queue of live changes; `run_training` checks
them between steps (so stop and pause act within one step) and hands batched
events to `emit` at most every `flush_interval` seconds (or what the control's
`flush_every` asked for since).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from engine.commands import Control, FlushEvery, Pause, Resume, SendCheckpoint, Set, Step, Stop
from engine.errors import RunTooBig, SeqLabError
from engine.events import RunFailed, RunFinished, RunStarted, SettingChanged, StateChanged, RunWarning
from engine.checkpoint import checkpoint_event
from engine.failures import failure_event, is_out_of_memory, release_memory
from engine.spec import ExperimentSpec
from engine.memory import estimate_memory, memory_bound
from engine.thread_fit import fit_for_this_process
from engine.training import Trainer

Emit = Callable[[list], None]

log = logging.getLogger("seqlab.engine")


class RunControl:
    """Thread-safe: pause(), resume(), step(n), stop(), set(name, value), or any
    of them as a command through apply()."""

    def __init__(self):
        self._cond = threading.Condition()
        self._paused = False
        self._stop = False
        self._budget = 0  # steps allowed while paused
        self._changes: list[tuple[str, float]] = []
        self._requests: set[str] = set()  # "checkpoint": answered at the next chance, also while paused
        self.flush_interval: float | None = None  # flush_every's, over run_training's own

    def flush_every(self, seconds: float) -> None:
        """Hand over the metrics about this often from now on: a window that draws
        once a second has no use for 30 batches a second, and each wakes a thread
        that takes a core from the training."""
        self.flush_interval = max(0.0, float(seconds))

    def apply(self, command: Control) -> None:
        """The one place a host's command becomes a change to the run."""
        match command:
            case Pause():
                self.pause()
            case Resume():
                self.resume()
            case Step(n):
                self.step(n)
            case Stop():
                self.stop()
            case Set(name, value):
                self.set(name, value)
            case SendCheckpoint():
                self.request_checkpoint()
            case FlushEvery(seconds):
                self.flush_every(seconds)
            case _:
                raise TypeError(f"not a control of a run: {command!r}")

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._budget = 0

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def step(self, n: int = 1) -> None:
        """Pause (if running) and then train exactly n more steps."""
        with self._cond:
            self._paused = True
            self._budget += max(0, int(n))
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def set(self, name: str, value: float) -> None:
        with self._cond:
            self._changes.append((name, value))
            self._cond.notify_all()

    def _request(self, kind: str) -> None:
        with self._cond:
            self._requests.add(kind)
            self._cond.notify_all()

    def request_checkpoint(self) -> None:
        """Send the run's complete state at the next chance (also while paused)."""
        self._request("checkpoint")

    def take_request(self, kind: str) -> bool:
        """True if `kind` was asked for since it was last taken."""
        with self._cond:
            if kind in self._requests:
                self._requests.discard(kind)
                return True
            return False

    def _asked(self) -> bool:
        return self._stop or bool(self._changes) or bool(self._requests)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stop_requested(self) -> bool:
        return self._stop

    def take_changes(self) -> list[tuple[str, float]]:
        with self._cond:
            changes, self._changes = self._changes, []
            return changes

    def blocked(self) -> bool:
        with self._cond:
            return self._paused and self._budget == 0 and not self._asked()

    def wait(self, timeout: float | None = None) -> None:
        """Sleep while paused with no steps allowed, until something changes."""
        with self._cond:
            self._cond.wait_for(lambda: not (self._paused and self._budget == 0) or self._asked(), timeout)

    def take_step(self) -> bool:
        """Claim the right to run one step; False if the run must stop."""
        with self._cond:
            if self._stop:
                return False
            if self._paused:
                if self._budget == 0:
                    return False
                self._budget -= 1
            return True


class ProbeBudget:
    """Probes may take at most `fraction` of the run's wall time: a due probe is
    skipped (until a later due step) while more than that has been spent."""

    def __init__(self, fraction: float, clock: Callable[[], float] = time.monotonic):
        self.fraction, self.clock = fraction, clock
        self.started = clock()
        self.spent = 0.0

    def allows(self) -> bool:
        return self.fraction >= 1.0 or self.spent <= self.fraction * (self.clock() - self.started)

    def probe(self, trainer: Trainer) -> list:
        """A probe snapshot, or a warning: a probe that fails must not stop training."""
        began = self.clock()
        try:
            return [trainer.probe()]
        except Exception as exc:
            return [RunWarning(f"probe failed at step {trainer.step}: {type(exc).__name__}: {exc}", trainer.step)]
        finally:
            self.spent += self.clock() - began


def run_training(trainer: Trainer, control: RunControl, emit: Emit,
                 flush_interval: float = 1 / 30, clock: Callable[[], float] = time.monotonic,
                 checkpoint_at_end: bool = False) -> str:
    """Train until the step budget is spent or a stop; returns the reason.

    With `checkpoint_at_end` a Checkpoint event comes just before RunFinished
    (hosts send it, so the window holds the trained state without asking).
    Exceptions end the run with a RunFailed event (never an exception to the caller).
    """
    reason = "completed"
    fit = None
    try:
        fit = fit_for_this_process()  # fewer torch threads while other programs crowd the cores
        if fit is not None:
            fit.begin()
        emit([RunStarted(trainer.spec.to_dict(), trainer.kind, str(trainer.device),
                         trainer.parameter_count, trainer.total_steps, trainer.step,
                         trainer.shape_summary_text(), trainer.precision.name)])
        if trainer.step == 0:
            _check_memory(trainer, emit)
        last_flush = clock()
        paused_at: int | None = None  # the step at which "paused" was last reported
        budget = ProbeBudget(trainer.spec.probes.max_time_fraction, clock)
        if trainer.spec.probes.every > 0 and trainer.step == 0:
            emit(budget.probe(trainer))  # where the run starts from, to compare against
        while trainer.step < trainer.total_steps and trainer.divergence is None:
            if control.take_request("checkpoint"):
                emit([*trainer.flush(), checkpoint_event(trainer)])
            for name, value in control.take_changes():
                try:
                    trainer.set(name, value)
                    emit([SettingChanged(name, float(value), trainer.step)])
                except SeqLabError as exc:
                    emit([RunWarning(str(exc), trainer.step)])
            if control.stop_requested:
                reason = "stopped"
                break
            if control.blocked():
                if paused_at != trainer.step:  # newly paused, or done stepping
                    emit([*trainer.flush(), StateChanged("paused", trainer.step)])
                    paused_at = trainer.step
                control.wait()
                continue
            if not control.take_step():
                continue
            if paused_at is not None and not control.paused:
                emit([StateChanged("running", trainer.step)])
                paused_at = None
            trainer.train_step()
            if fit is not None:
                fit.check()
            events = []
            if trainer.evaluation_due():
                events += trainer.flush()
                events.append(trainer.evaluate())
                last_flush = clock()
            elif clock() - last_flush >= (flush_interval if control.flush_interval is None
                                          else control.flush_interval):
                events += trainer.flush()
                last_flush = clock()
            if trainer.probe_due() and budget.allows():
                events += trainer.flush()
                if trainer.divergence is None:  # the flush may have found one: nothing left worth probing
                    events += budget.probe(trainer)
            if events:
                emit(events)
        final = trainer.flush()
        if trainer.divergence is not None:
            reason = "diverged"
        if trainer.step and (not trainer.last_evaluation or reason != "completed"):
            final.append(trainer.evaluate())
        if trainer.divergence is not None:
            final.append(trainer.divergence)
        if checkpoint_at_end:
            final.append(checkpoint_event(trainer))
        emit([*final, RunFinished(trainer.step, reason, trainer.summary())])
    except Exception as exc:  # reported to the user as an event, with the step it happened at
        failure = run_failed(exc, trainer.step, trainer.spec, str(trainer.device))
        del exc  # its traceback holds the failed step's tensors
        emit([*_last_state(trainer, failure), failure])
        reason = "failed"
    finally:
        if fit is not None:
            fit.restore()
    return reason


def run_failed(exc: Exception, step: int, spec: ExperimentSpec, device: str) -> RunFailed:
    """The RunFailed for `exc`, called where it was caught. An exception that is
    neither the user's to fix (a SeqLabError) nor out of memory is a bug in
    SeqLab: it also goes to the log with its whole traceback, for whoever fixes it."""
    if not isinstance(exc, SeqLabError) and not is_out_of_memory(exc):
        log.error("training failed at step %d on %s: %s: %s", step, device, type(exc).__name__, exc,
                  exc_info=exc)
    return failure_event(exc, step, spec, device)


def _check_memory(trainer: Trainer, emit: Emit) -> None:
    """Before the first step: warn when the run needs most of the free memory,
    refuse it when it needs more (it would only crash, or swap for hours)."""
    try:
        if memory_bound(trainer.spec, str(trainer.device), trainer.task).warning(trainer.spec) is None:
            return  # fits with room to spare however it is counted: no full estimate needed
    except Exception:  # no bound: the full estimate may still be made
        pass
    try:
        estimate = estimate_memory(trainer.spec, str(trainer.device), trainer.task)
    except Exception:  # a model the meta device cannot trace: no estimate, never a failed run
        return
    warning = estimate.warning(trainer.spec)
    if warning and not estimate.fits:
        raise RunTooBig(f"not started: {warning}")
    if warning:
        emit([RunWarning(warning, 0, kind="memory")])


def _last_state(trainer: Trainer, failure) -> list:
    """After running out of memory, the weights are as the last applied step
    left them: send them (copied to the CPU) so the run so far is kept."""
    if failure.kind != "out_of_memory" or trainer.step == 0:
        return []
    trainer.optimizer.zero_grad(set_to_none=True)
    release_memory()
    try:
        return [*trainer.flush(), checkpoint_event(trainer)]
    except Exception:  # nothing more to save; the history sent so far is kept
        return []
    finally:
        release_memory()
