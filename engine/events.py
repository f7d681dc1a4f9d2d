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
    precision: str = ""  # what it trains in: fp32, bf16 or fp16 (training.precision resolved)


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
class RunWarning:
    """Something the user should know that did not stop the run (a refused live change, a failed probe)."""

    message: str
    step: int
    kind: str = "note"  # "note" | "memory" (the run needs most of the free memory)


@dataclass
class RunFinished:
    step: int
    reason: str  # "completed" | "stopped" | "diverged"
    summary: dict


@dataclass
class Diverged:
    """The loss or the gradient became NaN or Inf at `step`; the run ends there
    (RunFinished with reason "diverged" follows) and keeps its finite weights."""

    step: int
    loss: float
    grad_norm: float
    last_finite_step: int | None
    last_finite_loss: float | None
    last_finite_grad_norm: float | None
    message: str


@dataclass
class RunFailed:
    step: int
    message: str
    kind: str = "error"  # "error" | "out_of_memory"
    device: str = ""  # where it ran, when known


@dataclass
class Checkpoint:
    """The run's complete state (engine.checkpoint.capture) as numpy arrays and
    JSON: sent when asked for and before a run ends, so a window whose engine
    lives in another process can save the run and start it again from here."""

    step: int
    tensors: dict[str, np.ndarray]
    meta: dict


# The name a Markov chain's probabilities go under in a snapshot's `states` (it has no
# recurrent layers): the engine writes it, the Inside view reads it.
MARKOV_STATES = "markov chain"


@dataclass
class ProbeSnapshot:
    """What the model looked like inside at one step, on the fixed probe batch.

    Gradients are given for both losses ("last": the last output position
    only, "full": the whole loss). Per-timestep arrays are batch means over the
    sequences that reach that timestep; `example_*` and `states` are for the
    probe example only, cut to its length, labelled by `tokens`.
    """

    step: int
    example: int
    tokens: dict[str, list[str]]  # stream ("input", "decoder_input", "target") -> labels
    input_gradients: dict[str, dict[str, np.ndarray]]  # loss -> stream -> (T,) ||dL/dx_t||
    example_input_gradients: dict[str, dict[str, np.ndarray]]  # loss -> stream -> (T_example,)
    hidden_gradients: dict[str, dict[str, np.ndarray]]  # loss -> "rnn.layer0[.reverse]" -> (T,) ||dL/dh_t||
    states: dict[str, dict[str, np.ndarray]]  # "rnn.layer0" -> {"hidden", "cell", gates...} -> (T_example, H)
    attention: dict[str, np.ndarray]  # "self" | "cross" | "decoder_self" -> (layers, heads, Q, S)
    group_names: list[str]
    weight_norms: np.ndarray  # (G,)
    group_grad_norms: np.ndarray | None  # (G,) from the training step just before, before clipping
    grad_norm_total: float | None
    lr: float
    tokens_per_second: float  # training throughput over the last flush
    seconds: float  # how long the probe pass took

    NESTED = {"input_gradient": "input_gradients", "example_input_gradient": "example_input_gradients",
              "hidden_gradient": "hidden_gradients", "state": "states"}

    def arrays(self) -> dict[str, np.ndarray]:
        """Every array under a flat name, "kind/outer/inner" (module paths keep their dots)."""
        out = {}
        for prefix, attribute in self.NESTED.items():
            for outer, inner in getattr(self, attribute).items():
                for name, array in inner.items():
                    out[f"{prefix}/{outer}/{name}"] = array
        for name, array in self.attention.items():
            out[f"attention/{name}"] = array
        out["weight_norm"] = self.weight_norms
        if self.group_grad_norms is not None:
            out["group_grad_norm"] = self.group_grad_norms
        return out

    def nbytes(self) -> int:
        nested = (array for attribute in self.NESTED.values() for inner in getattr(self, attribute).values()
                  for array in inner.values())
        small = [self.weight_norms] + ([] if self.group_grad_norms is None else [self.group_grad_norms])
        return sum(array.nbytes for array in [*nested, *self.attention.values(), *small])


Event = (RunStarted | Scalars | Evaluation | StateChanged | SettingChanged | RunWarning | RunFinished | RunFailed
         | Diverged | ProbeSnapshot | Checkpoint)
