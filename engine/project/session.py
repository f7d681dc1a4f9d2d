"""Train a project's run further: restore it, train, keep every event in its
history, autosave a recovery copy on the way, and record the final state."""

from __future__ import annotations

from typing import Callable

from engine.errors import ProjectError
from engine.events import RunFailed, RunFinished, RunWarning, Scalars
from engine.project.model import Project, Run
from engine.project.recovery import Autosaver
from engine.runner import RunControl, run_training
from engine.training import Trainer


def prepare_run(run: Run, more_steps: int | None = None, device: str | None = None) -> Trainer:
    """A Trainer at the run's saved state. `more_steps` extends the run's step
    budget (training.steps) by that many; without it the run must have steps left."""
    if more_steps is not None:
        if more_steps < 1:
            raise ProjectError(f"--steps must be at least 1 (got {more_steps})")
        run.spec = run.spec.with_overrides({"training.steps": run.step + more_steps})
    elif run.state is not None and run.step >= run.spec.training.steps:
        raise ProjectError(f"run {run.id!r} has trained all its {run.spec.training.steps} steps; "
                           f"give --steps N to train it N steps more")
    return run.trainer(device)


def continue_run(project: Project, run: Run, trainer: Trainer, control: RunControl | None = None,
                 emit: Callable[[list], None] | None = None,
                 autosaver: Autosaver | None = None) -> RunFinished | RunFailed | None:
    """Train `trainer` (from prepare_run) to its step budget or a stop; returns the final event."""
    control = control or RunControl()
    outcome = {}

    def keep(events: list) -> None:
        run.keep(events)
        for event in events:
            if isinstance(event, (RunFinished, RunFailed)):
                outcome["event"] = event
        if emit is not None:
            emit(events)
        if autosaver is not None and autosaver.due() and any(isinstance(e, Scalars) for e in events):
            run.record(trainer)
            problem = autosaver.save_or_report(project)  # the run goes on; the user hears why, once
            if problem is not None and emit is not None:
                emit([RunWarning(problem, trainer.step)])

    run_training(trainer, control, keep)
    run.record(trainer)
    project.current_run = run.id
    return outcome.get("event")
