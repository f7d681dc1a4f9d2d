"""What a host can be told, as values: a host method builds one, the thread
host applies it to the run's RunControl, the process host pickles it down its
pipe and the engine process applies it there the same way. One type per
command, matched on its type (never dispatched by a method name)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.spec import ExperimentSpec
from engine.task_file import TaskFile

State = tuple[dict, dict]  # (name -> numpy array, meta) as in a Checkpoint event


# ------------------------------------------------------- controls of a run (RunControl.apply)
@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class Step:
    """Pause (if running) and then train exactly n more steps."""

    n: int = 1


@dataclass(frozen=True)
class Stop:
    pass


@dataclass(frozen=True)
class Set:
    """Change a live setting (learning rate, ...) between two steps."""

    name: str
    value: float


@dataclass(frozen=True)
class SendCheckpoint:
    """Send the run's complete state at the next chance (also while paused)."""


@dataclass(frozen=True)
class FlushEvery:
    """Batch the events about this often, in this run and the next."""

    seconds: float


Control = Pause | Resume | Step | Stop | Set | SendCheckpoint | FlushEvery


# ------------------------------------------------------- to the engine process only
@dataclass(frozen=True)
class Start:
    """Train `spec` (already validated by the sender) from `state`, or from scratch."""

    spec: ExperimentSpec
    state: State | None = None
    device: str | None = None
    task_file: TaskFile | None = None


@dataclass(frozen=True)
class Shutdown:
    """Stop the run and end the engine process."""


Command = Start | Control | Shutdown  # what the engine process reads from its pipe
