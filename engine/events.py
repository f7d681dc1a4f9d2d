"""Typed events that leave the engine. Payloads are numpy arrays and plain
values only, never tensors, so they can cross a thread or process boundary."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class RunStarted:
    spec: dict
    kind: str  # the task layout, e.g. "seq2seq"
    device: str
    parameter_count: int
    total_steps: int
    start_step: int
    summary: str  # the model's shape summary as text


@dataclass
class Scalars:
    """Per-step values since the previous flush, one entry per step."""

    steps: np.ndarray  # int64 (n,)
    wall_time: np.ndarray  # float64 (n,) seconds since the run started
    values: dict[str, np.ndarray] = field(default_factory=dict)  # name -> float32 (n,)

    def __len__(self) -> int:
        return len(self.steps)


@dataclass
class Evaluation:
    step: int
    wall_time: float
    values: dict[str, float]  # val_loss and the task metric


@dataclass
class StateChanged:
    state: str  # "running" | "paused"
    step: int


@dataclass
class SettingChanged:
    name: str
    value: float
    step: int


@dataclass
class Warning:
    message: str
    step: int


@dataclass
class RunFinished:
    step: int
    reason: str  # "completed" | "stopped"
    summary: dict


@dataclass
class RunFailed:
    step: int
    message: str


Event = RunStarted | Scalars | Evaluation | StateChanged | SettingChanged | Warning | RunFinished | RunFailed
