"""What the Sweep dock shows of one sweep, as plain data: every trial's status
(from the running sweep's tables, or from the project's runs of it), each
trial's validation-loss curve, and which run a finished trial became.

No Qt widgets and no Ray: the sweep session fills it, the dock draws it, and a
project opened with a sweep gets one from its runs (`SweepProgress.of_project`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from engine.errors import SeqLabError
from engine.sweep.curve import SweepCurve, sweep_curve, trial_metric
from engine.sweep.plan import Trial
from engine.sweep.record import SweepRecord, Tally, tally
from engine.sweep.trial import TrialStatus
from lab_gui.engine_text import engine_text


@dataclass
class SweepProgress:
    record: SweepRecord | None = None
    statuses: dict[str, TrialStatus] = field(default_factory=dict)  # trial key -> status, in the plan's order
    curves: dict[str, list[tuple[int, float]]] = field(default_factory=dict)  # trial key -> (step, val_loss)
    run_ids: dict[str, str] = field(default_factory=dict)  # trial key -> the project's run of a finished trial
    live: set[str] = field(default_factory=set)  # the trials the running sweep runs
    running: bool = False
    began: float = 0.0
    clock = staticmethod(time.monotonic)

    @classmethod
    def of_project(cls, project, record: SweepRecord | None) -> "SweepProgress":
        """The sweep as the project holds it: a row for each of its trials, finished
        (its run) or not yet run (pending)."""
        progress = cls(record)
        if record is None:
            return progress
        try:
            trials = record.plan.trials()
        except SeqLabError:  # a plan this SeqLab no longer accepts: its runs still show
            trials = []
        for trial in trials:
            progress.statuses[trial.key] = TrialStatus(trial.key, trial.name, steps=trial.spec.training.steps)
        for run in project.sweep_runs(record.id):
            progress.take_run(run)
        return progress

    # ------------------------------------------------------------ what arrives
    def start(self, trials: list[Trial]) -> None:
        """The sweep (re)starts with these trials; the others keep what they showed."""
        self.live = {trial.key for trial in trials}
        for trial in trials:
            self.statuses[trial.key] = TrialStatus(trial.key, trial.name, steps=trial.spec.training.steps)
            self.curves.pop(trial.key, None)
        self.running, self.began = True, self.clock()

    def take_table(self, table: dict[str, TrialStatus]) -> None:
        """A SweepTable: each trial's state, step and latest numbers; a new evaluation extends its curve."""
        for key, status in table.items():
            if key in self.run_ids:  # finished and kept: its run says it all
                continue
            self.statuses[key] = status
            step, loss = status.numbers.get("step"), status.numbers.get("val_loss")
            if step is None or not _finite(loss):
                continue
            curve = self.curves.setdefault(key, [])
            if not curve or step > curve[-1][0]:
                curve.append((int(step), float(loss)))

    def take_run(self, run) -> None:
        """A finished trial's run (kept in the project): its status and whole curve from it."""
        record = run.sweep
        key = record["key"]
        evaluations = run.history.evaluations
        numbers = {"step": run.step}
        if evaluations:
            numbers.update(evaluations[-1].values)
        metric, value = trial_metric(run)
        if value is not None:
            numbers[metric] = value
        previous = self.statuses.get(key)
        self.statuses[key] = TrialStatus(
            key, run.name, record.get("state", ""), run.step, run.spec.training.steps, numbers,
            seconds=float(record.get("seconds") or (previous.seconds if previous else 0.0)),
            attempts=int(record.get("attempts") or 1), message=record.get("message", ""))
        self.curves[key] = [(e.step, float(e.values["val_loss"])) for e in evaluations
                            if _finite(e.values.get("val_loss"))]
        self.run_ids[key] = run.id

    def ended(self) -> None:
        """The sweep is over: a trial it left unfinished (stopped, or its process gone) has
        no run and starts afresh on Continue, so it shows as pending again, with no curve."""
        for key in self.live:
            status = self.statuses.get(key)
            if key not in self.run_ids and status is not None:  # ended or not, with no run it runs again
                self.statuses[key] = TrialStatus(key, status.name, steps=status.steps)
                self.curves.pop(key, None)
        self.running = False

    # ------------------------------------------------------------ what is shown
    @property
    def total(self) -> int:
        return len(self.statuses)

    @property
    def left(self) -> int:
        """Trials with no run yet: what Continue would run."""
        return sum(key not in self.run_ids for key in self.statuses)

    def metric(self) -> str | None:
        """The task's metric, as the trials report it (None before any evaluation)."""
        for status in self.statuses.values():
            found = [name for name in status.numbers if name not in ("step", "val_loss")]
            if found:
                return found[0]
        return None

    def tally(self) -> Tally:
        if self.running:
            table = {key: self.statuses[key] for key in self.live if key in self.statuses}
            return tally(table, self.total, self.began, self.total - len(table) - self._pending_outside(),
                         clock=self.clock)
        now = self.clock()  # nothing running: no time left to guess
        return tally(self.statuses, self.total, now, clock=lambda: now)

    def _pending_outside(self) -> int:
        """Trials that are neither in the running sweep nor finished (none, unless the plan grew)."""
        return sum(key not in self.live and key not in self.run_ids for key in self.statuses)

    def curve(self, project) -> SweepCurve | None:
        """The sweep plot's numbers from the project's runs of the sweep; None before any finished."""
        if self.record is None:
            return None
        runs = project.sweep_runs(self.record.id)
        return sweep_curve(self.record.plan, runs) if runs else None


def tally_text(tally: Tally) -> str:
    """Tally.text() in the window's language, a part at a time."""
    return " · ".join(engine_text(part) for part in tally.text().split(" · "))


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)

