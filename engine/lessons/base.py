"""What a lesson is: a claim, the runs that show it, and a measurement that checks it.

A lesson's `runs` are ordinary experiment specs: the window opens them as one
project so a class can train and compare them. `measure` trains the same specs
headless (smaller with `quick`) and returns what it measured and whether the
claim held. Nothing here is asserted by hand: every verdict comes from training.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from engine.evaluation import evaluate
from engine.spec import ExperimentSpec
from engine.training import Trainer

if TYPE_CHECKING:
    from engine.sweep.plan import SweepPlan


@dataclass(frozen=True)
class Outcome:
    measured: str  # one line a person reads: the numbers behind the verdict
    passed: bool
    values: dict = field(default_factory=dict)  # the same numbers, for tests and plots

    def __post_init__(self):  # comparisons of numpy values give numpy booleans
        object.__setattr__(self, "passed", bool(self.passed))


@dataclass(frozen=True)
class Lesson:
    number: int
    key: str
    title: str
    claim: str
    # (quick) -> [(run name, spec)]: full size for the window, quick for tests and --quick
    runs: Callable[[bool], list[tuple[str, ExperimentSpec]]]
    # (quick, device) -> Outcome
    measure: Callable[[bool, str], Outcome]
    guide: str = ""  # what to press and where to look in the window
    # (quick) -> the sweep behind the lesson's classic curve, or None: in the window's
    # project ready to run (the Sweep dock), and trained on Ray by `measure`.
    sweep: Callable[[bool], "SweepPlan"] | None = None


@dataclass(frozen=True)
class LessonResult:
    lesson: Lesson
    outcome: Outcome
    seconds: float


def spec_of(data: dict, **overrides) -> ExperimentSpec:
    """A spec from nested defaults plus dotted overrides; probes off (lessons probe on demand)."""
    flat = {"probes.every": 0, "training.eval_every": 10**6}
    flat.update(data)
    flat.update({key.replace("__", "."): value for key, value in overrides.items()})
    return ExperimentSpec().with_overrides(flat)


def trained(spec: ExperimentSpec, device: str, steps: int | None = None) -> Trainer:
    trainer = Trainer(spec.with_overrides({"training.device": device}))
    trainer.run_steps(spec.training.steps if steps is None else steps)  # flushes its scalars
    return trainer


def metric(trainer: Trainer, batches=None) -> float:
    """The task metric on the validation set (or `batches`)."""
    values = evaluate(trainer.model, trainer.task, batches or trainer.val_batches, trainer.device)
    return values[trainer.task.info.metric]


def run_lesson(lesson: Lesson, quick: bool = False, device: str = "auto") -> LessonResult:
    started = time.perf_counter()
    outcome = lesson.measure(quick, device)
    return LessonResult(lesson, outcome, time.perf_counter() - started)


def lesson_project(lesson: Lesson):
    """The lesson as a project of untrained runs, ready to race in the window:
    probes and evaluations on, which the headless measurement leaves off."""
    from engine.project import Project

    project = Project(name=f"Lesson {lesson.number}: {lesson.title}", notes=lesson.claim)
    for name, spec in lesson.runs(False):
        project.add_run(_watched(spec), name=name)
    project.current_run = project.runs[0].id
    project.ui = {"lesson": lesson.key}
    if lesson.sweep is not None:
        from engine.sweep.record import add_sweep

        plan = lesson.sweep(False)
        plan.base = _watched(plan.base)  # its trials' curves in the Sweep dock, and probes when one is opened
        add_sweep(project, plan)
    return project


def _watched(spec: ExperimentSpec) -> ExperimentSpec:
    """Probes and evaluations on, which the headless measurement leaves off."""
    steps = spec.training.steps
    return spec.with_overrides({"probes.every": max(10, steps // 20), "training.eval_every": max(10, steps // 10)})


def swept(plan: "SweepPlan", device: str):
    """Train a lesson's sweep on an embedded Ray with this machine's cores (on a GPU,
    four trials share it): (the project its trials became runs of, the sweep's record)."""
    from engine.project import Project
    from engine.sweep.ray_sweep import Placement, run_trials
    from engine.sweep.record import TrialsToRun, add_sweep
    from engine.training import resolve_device

    project = Project(name=plan.name)
    record = add_sweep(project, plan)
    work = TrialsToRun(project, record)
    gpu = resolve_device(device).type == "cuda"
    placement = Placement(gpus_per_trial=0.25 if gpu else 0.0)
    runs = work.runs()
    for run in runs.values():
        run.spec = run.spec.with_overrides({"training.device": "cuda" if gpu else "cpu"})
    work.keep(run_trials(runs, placement).results)
    return project, record
