"""A sweep inside a project: its plan kept with the project, each finished trial
a run of it (named by what it varied), and what is left to run when it goes on."""

from __future__ import annotations

import time
from dataclasses import dataclass

from engine.errors import ProjectError
from engine.project.model import Project, Run, now_iso
from engine.sweep.plan import LOWER_IS_BETTER, value_text, SweepPlan, Trial
from engine.sweep.trial import DIVERGED, FAILED, RUNNING, TrialResult
from engine.task_file import TaskFile
from engine.translation import (BEST_TRIAL, HOURS_LEFT, MINUTES_LEFT, SECONDS_LEFT, TRIALS_DONE, TRIALS_FAILED,
                                TRIALS_RUNNING)


@dataclass
class SweepRecord:
    id: str
    plan: SweepPlan
    created: str

    def to_dict(self) -> dict:
        return {"id": self.id, "plan": self.plan.to_dict(), "created": self.created}

    @classmethod
    def from_dict(cls, data: dict) -> "SweepRecord":
        return cls(data["id"], SweepPlan.from_dict(data["plan"]), data["created"])


def add_sweep(project: Project, plan: SweepPlan) -> SweepRecord:
    taken = {s["id"] for s in project.sweeps}
    number = len(project.sweeps) + 1
    while f"sweep-{number}" in taken:
        number += 1
    record = SweepRecord(f"sweep-{number}", plan, now_iso())
    project.sweeps.append(record.to_dict())
    return record


def sweep_of(project: Project, sweep_id: str | None = None) -> SweepRecord:
    """The sweep with this id, or the project's last one."""
    if not project.sweeps:
        raise ProjectError("this project has no sweep to go on with")
    for data in reversed(project.sweeps):
        if sweep_id is None or data["id"] == sweep_id:
            return SweepRecord.from_dict(data)
    known = ", ".join(s["id"] for s in project.sweeps)
    raise ProjectError(f"no sweep {sweep_id!r} in this project (sweeps: {known})")


def trials_left(project: Project, record: SweepRecord) -> list[Trial]:
    """The plan's trials that have no run in the project yet (every ended trial has one)."""
    done = {run.sweep["key"] for run in project.sweep_runs(record.id)}
    return [trial for trial in record.plan.trials() if trial.key not in done]


def trial_runs(trials: list[Trial], task_file: TaskFile | None) -> dict[str, Run]:
    """A fresh run for each trial, keyed by the trial's key."""
    return {trial.key: Run(id="trial", spec=trial.spec, name=trial.name, task_file=task_file) for trial in trials}


def sweep_task_file(project: Project, record: SweepRecord) -> TaskFile | None:
    """The file the sweep's finished trials learned from (its task reads one), for the rest to learn from too."""
    return next((run.task_file for run in project.sweep_runs(record.id) if run.task_file is not None), None)


class TrialsToRun:
    """What is left of a sweep in a project, as fresh runs to train, and their results
    kept back in the project as they come: each trial once, however often it is reported."""

    def __init__(self, project: Project, record: SweepRecord, task_file: TaskFile | None = None):
        self.project, self.record, self.task_file = project, record, task_file
        self.trials = {trial.key: trial for trial in trials_left(project, record)}  # key -> Trial, not yet kept

    def runs(self) -> dict[str, Run]:
        """A fresh run for each trial left, keyed by the trial's key."""
        return trial_runs(list(self.trials.values()), self.task_file)

    def keep(self, results: list[TrialResult]) -> list[Run]:
        """The results' runs, now the project's; a trial kept before (or of no sweep of ours) is left out."""
        kept = []
        for result in results:
            trial = self.trials.pop(result.key, None)
            if trial is not None:
                kept.append(keep_result(self.project, self.record, trial, result))
        return kept


def keep_result(project: Project, record: SweepRecord, trial: Trial, result: TrialResult) -> Run:
    """The trial's run into the project, saying which sweep and values it is, how it ended and why."""
    run = result.run
    run.name = trial.name
    run.sweep = {"id": record.id, "key": trial.key, "values": dict(trial.values), "seed": trial.seed,
                 "state": result.state, "message": result.message, "seconds": round(result.seconds, 3),
                 "attempts": result.attempts}
    current = project.current_run
    project.add(run)
    project.current_run = current or run.id  # the person's current run stays theirs
    return run


def trial_problems(project: Project, record: SweepRecord) -> list[tuple[str, str]]:
    """(trial name, message) of the sweep's trials that diverged or failed."""
    return [(run.name, run.sweep.get("message", "")) for run in project.sweep_runs(record.id)
            if run.sweep.get("state") in (DIVERGED, FAILED)]


@dataclass
class Tally:
    """The sweep's progress in a few numbers, for a status line or the window's dock."""

    total: int
    done: int
    running: int
    failed: int
    best: tuple[str, str, float] | None  # (metric, trial name, value)
    seconds_left: float | None

    def text(self) -> str:
        parts = [TRIALS_DONE.format(done=self.done, total=self.total), TRIALS_RUNNING.format(running=self.running)]
        if self.failed:
            parts.append(TRIALS_FAILED.format(failed=self.failed))
        if self.best is not None:
            metric, name, value = self.best
            parts.append(BEST_TRIAL.format(metric=metric, value=f"{value:.4g}", name=name))
        if self.seconds_left is not None and self.done < self.total:
            parts.append(_time_left(self.seconds_left))
        return " · ".join(parts)


def tally(table: dict, total: int, began: float, done_before: int = 0,
          clock=time.monotonic) -> Tally:
    """`table`: trial key -> TrialStatus, as the collector keeps it; `total`: every trial
    of the sweep, `done_before` of them finished in an earlier session."""
    statuses = list(table.values())
    ended = [s for s in statuses if s.state not in ("pending", RUNNING)]
    failed = sum(s.state in (DIVERGED, FAILED) for s in statuses)
    best = None
    for status in statuses:
        metric = next((name for name in status.numbers if name not in ("step", "val_loss")), "val_loss")
        value = status.numbers.get(metric)
        if value is None:
            continue
        if best is None or (value < best[2] if metric in LOWER_IS_BETTER else value > best[2]):
            best = (metric, status.name, value)
    steps_total = sum(s.steps for s in statuses) or 1
    steps_done = sum(min(s.step, s.steps) if s.state in ("pending", RUNNING) else s.steps for s in statuses)
    elapsed = clock() - began
    left = elapsed * (steps_total - steps_done) / steps_done if steps_done and elapsed > 0 else None
    return Tally(total, done_before + len(ended), sum(s.state == RUNNING for s in statuses), failed, best, left)


def _time_left(seconds: float) -> str:
    if seconds < 90:
        return SECONDS_LEFT.format(count=f"{seconds:.0f}")
    if seconds < 5400:
        return MINUTES_LEFT.format(count=f"{seconds / 60:.0f}")
    return HOURS_LEFT.format(count=f"{seconds / 3600:.1f}")


def values_text(values: dict) -> str:
    return ", ".join(f"{key}={value_text(value)}" for key, value in values.items())
