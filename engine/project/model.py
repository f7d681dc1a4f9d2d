"""A project in memory: notes and several runs, each with its spec, trained
state, and the whole scalar and probe history. The window and the command
line work on these; `engine.project.files` reads and writes them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import torch

from engine.checkpoint import arrays_to_tensors, capture, restore
from engine.errors import ProjectError, SeqLabError
from engine.events import Checkpoint, Evaluation, ProbeSnapshot, RunFinished, Scalars, SettingChanged
from engine.history import ProbeHistory, ScalarHistory
from engine.project.migrations import FORMAT_VERSION
from engine.spec import LIVE_SETTINGS, ExperimentSpec
from engine.task_file import MissingTaskFile, TaskFile
from engine.training import Trainer

RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


@dataclass
class Run:
    """One experiment: a spec, and (once trained) its state and history."""

    id: str
    spec: ExperimentSpec
    name: str = ""
    notes: str = ""
    created: str = field(default_factory=now_iso)
    modified: str = field(default_factory=now_iso)
    summary: dict = field(default_factory=dict)
    # checkpoint.capture() output: named CPU tensors and plain JSON; None until trained.
    state: tuple[dict[str, torch.Tensor], dict] | None = None
    history: ScalarHistory = field(default_factory=ScalarHistory)
    probes: ProbeHistory = field(default_factory=ProbeHistory)
    extra: dict = field(default_factory=dict)  # fields a newer SeqLab wrote; kept as they are
    # The content of the file its task learns from (text_file, csv): saved with
    # the project, so the run never reads task.path on another person's disk.
    task_file: TaskFile | None = None
    # A sweep's trial: {"id": the sweep's, "key", "values" it varied, "seed", "state", "message"}.
    sweep: dict | None = None

    @property
    def step(self) -> int:
        return int(self.state[1]["step"]) if self.state else 0

    def keep(self, events: list) -> None:
        """Add what a run's events carry to its history: scalars, evaluations,
        probe snapshots, the complete state a Checkpoint sends, and the live
        settings it took (its spec says what it trains with now: going on continues it)."""
        for event in events:
            if isinstance(event, (Scalars, Evaluation)):
                self.history.add(event)
            elif isinstance(event, ProbeSnapshot):
                self.probes.add(event)
            elif isinstance(event, Checkpoint):
                self.state = (arrays_to_tensors(event.tensors), event.meta)
                self.modified = now_iso()
            elif isinstance(event, RunFinished):
                self.summary = event.summary
            elif isinstance(event, SettingChanged) and event.name in LIVE_SETTINGS:
                self.spec = self.spec.with_overrides({event.name: event.value})

    def trainer(self, device: str | None = None, training: bool = True) -> Trainer:
        """A Trainer at this run's saved state, ready to continue (`training`: see Trainer)."""
        try:
            trainer = Trainer(self.spec, device, self.task_file, training=training)
            if self.state is not None:
                restore(trainer, *self.state)
        except MissingTaskFile:
            raise  # the person is asked for the file: its own kind of error
        except SeqLabError as exc:
            raise ProjectError(f"run {self.id!r}: {exc}") from None
        return trainer

    def record(self, trainer: Trainer) -> None:
        """Keep `trainer`'s state now. The tensors are cloned: training goes on
        changing its own in place, and this copy may be saved later."""
        tensors, meta = capture(trainer)
        self.state = ({name: t.clone() for name, t in tensors.items()}, meta)
        self.summary = trainer.summary()
        self.modified = now_iso()


@dataclass
class Project:
    name: str = "untitled"
    notes: str = ""
    runs: list[Run] = field(default_factory=list)
    current_run: str | None = None
    created: str = field(default_factory=now_iso)
    ui: dict | None = None  # window layout; the engine only carries it
    extra: dict = field(default_factory=dict)
    # Entries a newer minor version wrote that this one does not know: kept and written back.
    unknown_entries: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # from opening, for the user to see
    saved_version: tuple[int, int] = FORMAT_VERSION  # the format of the file it was opened from
    # The sweeps run into this project: {"id", "plan": SweepPlan.to_dict(), "created"}.
    sweeps: list[dict] = field(default_factory=list)

    def run(self, run_id: str | None = None) -> Run:
        """The run with this id, or the current run."""
        wanted = run_id or self.current_run
        for run in self.runs:
            if run.id == wanted:
                return run
        if run_id is None and self.runs:
            return self.runs[-1]
        known = ", ".join(r.id for r in self.runs) or "none"
        raise ProjectError(f"no run {wanted!r} in this project (runs: {known})")

    def add_run(self, spec: ExperimentSpec, name: str = "", task_file: TaskFile | None = None) -> Run:
        return self.add(Run(id="", spec=spec, name=name or spec.name, task_file=task_file))

    def add(self, run: Run) -> Run:
        """Take in `run` (made elsewhere: a sweep's trial) under a new id; it becomes the current run."""
        taken = {r.id for r in self.runs}
        number = len(self.runs) + 1
        while f"run-{number}" in taken:
            number += 1
        run.id = f"run-{number}"
        self.runs.append(run)
        self.current_run = run.id
        return run

    def sweep_runs(self, sweep_id: str) -> list[Run]:
        return [run for run in self.runs if run.sweep and run.sweep.get("id") == sweep_id]
