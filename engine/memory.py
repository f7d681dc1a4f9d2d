"""How much memory a run will need, before it starts, and what to change when
it will not fit.

The model is built on torch's meta device (shapes only, no storage) and one
training batch is run through it with a saved-tensors hook, so the
activations autograd keeps for the backward pass are counted at the run's
real batch size and sequence length, in milliseconds and without allocating
them. Meta kernels keep other workspaces than real ones (measured against the
CPU's: 0.63 of them for LSTMs, 0.97 for Transformers), so this is an estimate:
it tells a run that fits from one that is many times too big. Weights, gradients and optimizer state follow from
the parameter count.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

import numpy as np
import torch

from engine.models import build_model, compute_loss
from engine.spec import ExperimentSpec
from engine.tasks import build_task
from engine.validation import validate_experiment

FIT_LENGTHS = (4, 8, 16)  # sequence lengths traced for long recurrent runs
WARN_FRACTION = 0.8  # warn when a run needs more than this share of the free memory
BACKWARD_MARGIN = 1.25  # the backward pass holds gradients of activations while it frees them
OPTIMIZER_COPIES = {"adam": 2, "adamw": 2, "sgd": 1}  # state tensors per parameter


@dataclass
class MemoryEstimate:
    parameters: int  # bytes of weights
    gradients: int
    optimizer: int
    activations: int  # kept for the backward pass, with its margin
    device: str
    available: int | None  # bytes free on the device now; None where unknown

    @property
    def total(self) -> int:
        return self.parameters + self.gradients + self.optimizer + self.activations

    def warning(self, spec: ExperimentSpec) -> str | None:
        """A message naming the settings to change, or None when the run fits."""
        if self.available is None or self.total <= WARN_FRACTION * self.available:
            return None
        if self.activations >= self.total / 2:
            change = (f"lower training.batch_size (now {spec.training.batch_size}) "
                      f"or task.length (now {spec.task.length})")
        else:
            size = "model.d_model" if spec.model.family == "transformer" else "model.hidden_size"
            change = (f"lower {size} (now {getattr(spec.model, size.split('.')[1])}), "
                      f"model.layers (now {spec.model.layers}) or the vocabulary")
        return (f"this run needs about {_size(self.total)} on {self.device} (weights, gradients and optimizer "
                f"{_size(self.parameters + self.gradients + self.optimizer)}, activations "
                f"{_size(self.activations)}) and {_size(self.available)} is free: {change}")

    @property
    def fits(self) -> bool:
        return self.available is None or self.total <= self.available


def estimate_memory(spec: ExperimentSpec, device: str = "cpu", task=None) -> MemoryEstimate:
    """`task`: the run's task when already built (building one can take a second)."""
    kind = validate_experiment(spec)
    tr = spec.training
    task = task or build_task(spec.task, kind, tr.seed)
    with torch.device("meta"):
        model = build_model(spec.model, task.info)
    parameters = sum(p.numel() * p.element_size() for p in model.parameters() if p.requires_grad)
    batch = cut_sequences(task.train_batch(tr.batch_size, torch.Generator().manual_seed(tr.seed)))
    longest = max(batch.src.shape[1], 0 if batch.tgt_in is None else batch.tgt_in.shape[1])
    if spec.model.family == "transformer" or longest <= max(FIT_LENGTHS):
        saved = _saved_bytes(model, kind, batch, tr)
    else:
        # Meta recurrent kernels run step by step in Python (about 4 ms a step and
        # layer), so long sequences are traced cut to three short lengths and the
        # activations taken from the quadratic through them: exact when they grow
        # linearly (recurrent layers) or quadratically (attention) with length.
        fractions = [length / longest for length in FIT_LENGTHS]
        points = [_saved_bytes(model, kind, cut_sequences(batch, length / longest), tr) for length in FIT_LENGTHS]
        coefficients = np.polyfit(fractions, points, 2)
        saved = max(float(np.polyval(coefficients, 1.0)), float(points[-1]))
    copies = OPTIMIZER_COPIES[tr.optimizer] if tr.optimizer != "sgd" or tr.momentum > 0 else 0
    return MemoryEstimate(parameters=parameters, gradients=parameters, optimizer=copies * parameters,
                          activations=int(saved * BACKWARD_MARGIN), device=device,
                          available=available_memory(device))


def cut_sequences(batch, fraction: float = 1.0):
    """The batch with its input and output sequences cut to `fraction` of their
    length, every one of them that long: none is padded (an upper bound, and
    nothing to pack on the meta device)."""
    sizes = {batch.src.shape[1]: max(1, round(batch.src.shape[1] * fraction))}
    if batch.tgt_in is not None:
        sizes.setdefault(batch.tgt_in.shape[1], max(1, round(batch.tgt_in.shape[1] * fraction)))
    cut = {}
    for field in dataclasses.fields(batch):
        value = getattr(batch, field.name)
        if field.name.endswith("lengths") and value is not None:
            padded = batch.src if field.name == "src_lengths" else batch.tgt_in
            value = torch.full_like(value, sizes[padded.shape[1]])
        elif value is not None and value.dim() >= 2 and value.shape[1] in sizes:
            value = value[:, :sizes[value.shape[1]]]
        cut[field.name] = value
    return type(batch)(**cut)


def _saved_bytes(model, kind: str, batch, tr) -> int:
    """Bytes of the activations autograd keeps for one training batch (weights not counted)."""
    batch = batch.to("meta")
    saved = 0
    weights = {id(p) for p in model.parameters()}

    def count(tensor: torch.Tensor) -> torch.Tensor:
        nonlocal saved
        if id(tensor) not in weights and id(tensor._base) not in weights:  # weights are counted once
            saved += tensor.numel() * tensor.element_size()
        return tensor

    model.train()
    with torch.autograd.graph.saved_tensors_hooks(count, lambda tensor: tensor):
        compute_loss(kind, model(batch, tr.teacher_forcing, torch.Generator().manual_seed(tr.seed)), batch)
    return saved


def available_memory(device: str) -> int | None:
    """Bytes free for a new run on `device` ("cpu", "cuda", "cuda:1", "mps"); None where unknown."""
    if device.startswith("cuda") and torch.cuda.is_available():
        free, _total = torch.cuda.mem_get_info(torch.device(device))
        return int(free)
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _size(count: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
