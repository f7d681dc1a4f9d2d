"""Train a project's run further: restore it, train, keep every event in its
history, autosave a recovery copy on the way, and record the final state."""

from __future__ import annotations

import contextlib
from typing import Callable

from engine.describe import steps_done
from engine.errors import ProjectError
from engine.events import RunFailed, RunFinished, RunWarning, Scalars
from engine.project.model import Project, Run
from engine.project.recovery import Autosaver
from engine.runner import RunControl, run_training
from engine.spec import ExperimentSpec, architecture
from engine.training import Trainer


class RunComplete(ProjectError):
    """The run has trained every step its spec asks for: more steps are asked for by number."""

    def __init__(self, run: Run):
        self.run_id, self.steps = run.id, run.spec.training.steps
        super().__init__(f"run {run.id!r} has trained all its {self.steps:,} steps")


def continues(run: Run, spec: ExperimentSpec) -> bool:
    """Training `spec` from `run` goes on from the run's state: it has one, its
    history reaches it, and `spec` differs from the run's own at most in its step budget."""
    if run.state is None:
        return False
    if steps_done(run) != run.step:
        return False  # events after the state it holds: going on would repeat steps
    return _without_steps(run.spec) == _without_steps(spec)


def next_training(project: Project, run: Run, spec: ExperimentSpec, more_steps: int | None = None) -> Run:
    """The run that training `spec` means, from the project's current `run`, for the
    window and the command line alike:
    - the same model and settings as a trained run: that run, going on (with
      `more_steps`, that many more; without, up to spec's training.steps, which
      must lie ahead: RunComplete otherwise);
    - something else, where the run has trained: a new run, the old one kept;
    - an untrained run: that run, taking `spec`."""
    if more_steps is not None and more_steps < 1:
        raise ProjectError(f"more steps must be at least 1 (got {more_steps})")
    if not continues(run, spec):
        if run.state is not None or len(run.history):
            same_task = spec.task == run.spec.task  # the file it learned from still applies
            return project.add_run(spec, name=architecture(spec), task_file=run.task_file if same_task else None)
        described, was = architecture(spec), architecture(run.spec)
        if described != was and run.name in (run.spec.name, was):
            run.name = described  # a name given for its old architecture would mislead
    run.spec = spec.with_overrides({"training.steps": _budget(run, spec, more_steps)})
    return run


def going_on(project: Project, run: Run, more_steps: int | None = None) -> Run:
    """next_training for `main.py train PROJECT`: the run keeps its spec."""
    with _in_command_line_words(more_steps):
        return next_training(project, run, run.spec, more_steps)


def prepare_run(run: Run, more_steps: int | None = None, device: str | None = None) -> Trainer:
    """A Trainer at the run's saved state (a run made for it, or one going on as
    going_on decided), with its step budget by the same rule."""
    with _in_command_line_words(more_steps):
        run.spec = run.spec.with_overrides({"training.steps": _budget(run, run.spec, more_steps)})
    return run.trainer(device)


@contextlib.contextmanager
def _in_command_line_words(more_steps: int | None):
    """The rule's refusals as the command line says them: naming --steps, the flag that extends a run."""
    if more_steps is not None and more_steps < 1:
        raise ProjectError(f"--steps must be at least 1 (got {more_steps})")
    try:
        yield
    except RunComplete as exc:
        raise ProjectError(f"{exc}; give --steps N to train it N steps more") from None


def _budget(run: Run, spec: ExperimentSpec, more_steps: int | None) -> int:
    """The step budget (training.steps) for going on from `run`: `more_steps` past where it
    is, or spec's own, which must lie ahead of a trained run."""
    steps = run.step + more_steps if more_steps is not None else spec.training.steps
    if run.state is not None and steps <= run.step:
        raise RunComplete(run)
    return steps


def _without_steps(spec: ExperimentSpec) -> dict:
    data = spec.to_dict()
    data["training"].pop("steps")
    return data


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
