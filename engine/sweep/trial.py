"""One trial of a sweep, trained where it is placed: a run from its spec (or from
the run its last checkpoint kept, after its worker died), trained with the same
loop as every other run, handing its progress and checkpoints to whoever placed
it. No Ray here: engine.sweep.ray_sweep wraps it in a Ray Tune trainable, and
tests drive it alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from engine.errors import SeqLabError
from engine.events import Diverged, Evaluation, RunFailed, RunFinished
from engine.project.model import Run
from engine.runner import RunControl, run_training

# A trial's states, as the sweep's table and the project's runs tell them.
PENDING, RUNNING, COMPLETED, DIVERGED, FAILED, STOPPED_EARLY = (
    "pending", "running", "completed", "diverged", "failed", "stopped early")
ENDED = (COMPLETED, DIVERGED, FAILED, STOPPED_EARLY)


@dataclass
class TrialResult:
    """A trial that ended: its run (spec, weights, scalars, probes), how it ended and why."""

    key: str
    run: Run
    state: str
    message: str = ""
    seconds: float = 0.0  # its own time in the training loop, set-up excluded
    attempts: int = 1
    details: str = ""  # a failure's whole text (its traceback), for the log of whoever placed it


@dataclass
class TrialStatus:
    key: str
    name: str
    state: str = PENDING
    step: int = 0
    steps: int = 0
    numbers: dict = field(default_factory=dict)
    started: float | None = None
    seconds: float = 0.0
    attempts: int = 0
    message: str = ""


def progress_numbers(run: Run, values: dict) -> dict:
    """What a trial reports at each evaluation: its step, validation loss and task metric."""
    numbers = {"step": run.step, "val_loss": values.get("val_loss")}
    numbers.update({name: value for name, value in values.items() if name != "val_loss"})
    return numbers


def train_trial(key: str, run: Run, report: Callable[[dict], None],
                keep: Callable[[Run, dict], None], control: RunControl | None = None,
                device: str | None = None) -> TrialResult:
    """Train `run` (fresh, or at the state a checkpoint kept) to its step budget.

    At every evaluation the run's state is recorded and handed, with its numbers, to
    `keep` (so a trial whose worker dies starts again from there), then its numbers to `report`.
    A run that diverges or fails ends as a result with its message: a sweep goes on.
    """
    began = time.perf_counter()
    ending: dict = {}

    try:
        trainer = run.trainer(device)
    except SeqLabError as exc:
        return TrialResult(key, run, FAILED, str(exc))

    def on_events(events: list) -> None:
        run.keep(events)
        for event in events:
            if isinstance(event, Evaluation):
                run.record(trainer)
                numbers = progress_numbers(run, event.values)
                keep(run, numbers)  # first: a trial Tune stops at this report goes on from here
                report(numbers)
            elif isinstance(event, Diverged):
                ending["diverged"] = event.message
            elif isinstance(event, RunFailed):  # the table and the run say its first line; the log all of it
                ending["failed"] = event.message.strip().splitlines()[0] if event.message.strip() else "failed"
                ending["details"] = event.message
            elif isinstance(event, RunFinished):
                ending["reason"] = event.reason

    run_training(trainer, control or RunControl(), on_events)
    run.record(trainer)
    seconds = time.perf_counter() - began
    if "failed" in ending:
        return TrialResult(key, run, FAILED, ending["failed"], seconds, details=ending["details"])
    if "diverged" in ending:
        return TrialResult(key, run, DIVERGED, ending["diverged"], seconds)
    return TrialResult(key, run, COMPLETED, "", seconds)
