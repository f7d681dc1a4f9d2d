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

Building a Trainer (to train, or for the playground) checks the model's size
here first, on the meta device too (milliseconds for any size): a model whose
weights (and, to train, their gradients and optimizer state) cannot fit in
the free memory is refused naming the settings to lower, before the
allocator would fail on gigabytes. The diagram draws a big model from its
meta build (engine.blueprint).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import psutil
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from engine.data import TaskInfo
from engine.errors import RunTooBig
from engine.models import build_model, compute_loss
from engine.spec import ExperimentSpec
from engine.tasks import build_task
from engine.validation import validate_experiment

FIT_LENGTHS = (4, 8, 16)  # sequence lengths traced for long recurrent runs
BOUND_LENGTH = 2  # the sequence length traced for a quick upper bound (memory_bound)
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


def _optimizer_copies(tr) -> int:
    return OPTIMIZER_COPIES[tr.optimizer] if tr.optimizer != "sgd" or tr.momentum > 0 else 0


class _SkipInitialisers(TorchFunctionMode):
    """Leaves out torch.nn.init's functions on meta tensors: they set values,
    which meta tensors have none of, and on meta they are Python decompositions
    whose first call imports torch._dynamo (1-2 s; a model built with a
    sinusoidal table still pays it once, for the table's arithmetic). Modes are
    per thread, so a model built for real on another thread is untouched."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if getattr(func, "__module__", None) == "torch.nn.init":
            tensor = args[0] if args else kwargs.get("tensor")
            if isinstance(tensor, torch.Tensor) and tensor.is_meta:
                return tensor
        return func(*args, **kwargs)


def build_on_meta(model_spec, info: TaskInfo) -> nn.Module:
    """The model with its shapes and no storage, in milliseconds whatever its size."""
    with torch.device("meta"), _SkipInitialisers():
        return build_model(model_spec, info)


@dataclass(frozen=True)
class ModelSize:
    weights: int  # bytes of every parameter and buffer: what building the model allocates
    trainable: int  # bytes of the parameters that train, each with a gradient and optimizer state
    positions: int  # bytes of the positional table or embedding, which grows with model.max_len

    @classmethod
    def of(cls, model: nn.Module) -> "ModelSize":
        weights = trainable = positions = 0
        for name, tensor in [*model.named_parameters(), *model.named_buffers()]:
            size = tensor.numel() * tensor.element_size()
            weights += size
            trainable += size if isinstance(tensor, nn.Parameter) and tensor.requires_grad else 0
            positions += size if name.split(".")[-2:-1] == ["positions"] or name.endswith("table") else 0
        return cls(weights, trainable, positions)


def check_model_fits(spec: ExperimentSpec, info: TaskInfo, device: str, training: bool = True) -> None:
    """Raises RunTooBig, naming the settings to lower, when the model of `spec`
    cannot fit in the memory free on `device`: its weights, and to train also their
    gradients and optimizer state (a hard limit; activations come on top, and the
    run's own estimate before its first step warns or refuses for those)."""
    size = ModelSize.of(build_on_meta(spec.model, info))
    needs = {device: size.weights + (size.trainable * (1 + _optimizer_copies(spec.training)) if training else 0)}
    if device != "cpu":
        needs["cpu"] = size.weights  # built on the CPU, then moved
    for place, need in needs.items():
        free = available_memory(place)
        if free is not None and need > free:
            what = ("this model cannot train here: its weights, gradients and optimizer state alone need"
                    if training and place == device else "this model cannot be built here: its weights alone need")
            moved = f" (it is built there before it moves to {device})" if place != device else ""
            raise RunTooBig(f"{what} {_size(need)} and {_size(free)} is free on {place}{moved}: "
                            f"lower {_model_settings(spec, size)}")


def _model_settings(spec: ExperimentSpec, size: ModelSize) -> str:
    """The settings that make most of the model's size, with their values."""
    m = spec.model
    if size.positions * 2 > size.weights:
        settings = [("model.max_len", m.max_len), ("model.d_model", m.d_model)]
    elif m.family == "transformer":
        settings = [("model.d_model", m.d_model), ("model.ff_size", m.ff_size), ("model.layers", m.layers)]
    else:
        settings = [("model.hidden_size", m.hidden_size), ("model.embedding_size", m.embedding_size),
                    ("model.layers", m.layers)]
    named = [f"{key} (now {value})" for key, value in settings]
    return f"{', '.join(named[:-1])} or {named[-1]}"


def estimate_memory(spec: ExperimentSpec, device: str = "cpu", task=None) -> MemoryEstimate:
    """`task`: the run's task when already built (building one can take a second)."""
    trace = _Trace.of(spec, task)
    if spec.model.family == "transformer" or trace.longest <= max(FIT_LENGTHS):
        saved = trace.saved(trace.batch)
    else:
        # Meta recurrent kernels run step by step in Python (about 4 ms a step and
        # layer), so long sequences are traced cut to three short lengths and the
        # activations taken from the quadratic through them: exact when they grow
        # linearly (recurrent layers) or quadratically (attention) with length.
        fractions = [length / trace.longest for length in FIT_LENGTHS]
        points = [trace.saved(cut_sequences(trace.batch, fraction)) for fraction in fractions]
        coefficients = np.polyfit(fractions, points, 2)
        saved = max(float(np.polyval(coefficients, 1.0)), float(points[-1]))
    return trace.estimate(saved, device)


def memory_bound(spec: ExperimentSpec, device: str = "cpu", task=None) -> MemoryEstimate:
    """An estimate never below `estimate_memory`'s, from one trace of sequences cut to
    BOUND_LENGTH: the activations kept grow at most with the square of the sequence
    length (recurrent layers linearly, attention quadratically), so that trace times
    the square of how much each sequence was cut bounds them. A run whose bound fits
    with room to spare needs no full estimate: a run's start costs a few milliseconds,
    not the full trace's tens (an LSTM's meta kernels run step by step in Python)."""
    trace = _Trace.of(spec, task)
    batch = trace.batch
    cut = cut_sequences(batch, min(1.0, BOUND_LENGTH / trace.longest))
    growth = max(batch.src.shape[1] / cut.src.shape[1],
                 1.0 if batch.tgt_in is None else batch.tgt_in.shape[1] / cut.tgt_in.shape[1])
    return trace.estimate(trace.saved(cut) * growth ** 2, device)


@dataclass
class _Trace:
    """A run's model on the meta device and one full training batch, to trace cut or whole."""

    kind: str
    training: object  # the spec's TrainingSpec
    model: nn.Module
    parameters: int  # bytes of trainable weights
    batch: object
    longest: int  # the batch's longest sequence (input or output)

    @classmethod
    def of(cls, spec: ExperimentSpec, task=None) -> "_Trace":
        kind = validate_experiment(spec)
        tr = spec.training
        task = task or build_task(spec.task, kind, tr.seed)
        model = build_on_meta(spec.model, task.info)
        batch = cut_sequences(task.train_batch(tr.batch_size, torch.Generator().manual_seed(tr.seed)))
        longest = max(batch.src.shape[1], 0 if batch.tgt_in is None else batch.tgt_in.shape[1])
        return cls(kind, tr, model, ModelSize.of(model).trainable, batch, longest)

    def saved(self, batch) -> int:
        return _saved_bytes(self.model, self.kind, batch, self.training)

    def estimate(self, saved: float, device: str) -> MemoryEstimate:
        """Weights, their gradients and optimizer state from the parameters; activations `saved`, with the margin."""
        p = self.parameters
        return MemoryEstimate(parameters=p, gradients=p, optimizer=_optimizer_copies(self.training) * p,
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
    # The CPU's, and MPS's (it shares the CPU's memory): psutil knows it on Linux,
    # Windows and macOS alike, where /proc/meminfo is Linux's alone.
    return int(psutil.virtual_memory().available)


def _size(count: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"
