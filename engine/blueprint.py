"""What a spec builds, for drawing it: the model's blocks with their output
shapes and parameter counts, and what an unrolled-in-time view needs.

It builds the task on a tiny sample and the model on the CPU, and runs one
small batch through it: tens of milliseconds for the built-in presets, so a
window can redraw its diagram as a form changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from engine.models import build_model, parameter_count, shape_summary
from engine.spec import ExperimentSpec
from engine.tasks import build_task
from engine.validation import validate_experiment

SAMPLE_BATCH = 5  # shapes show this as "B"; 5 is unlikely to be any other dimension


@dataclass(frozen=True)
class Block:
    name: str  # module path, e.g. "encoder.rnn"
    kind: str  # module class, e.g. "GRU"
    shape: str  # output shape with the batch dimension as "B", e.g. "B×8×128"
    parameters: int

    @property
    def parent(self) -> str:
        return self.name.split(".")[0] if "." in self.name else ""


@dataclass(frozen=True)
class Blueprint:
    kind: str  # the task layout ("lm", "classify", "seq2seq", ...)
    family: str
    blocks: list[Block]
    total_parameters: int
    input_length: int  # timesteps of one input (the longest the task gives)
    output_length: int  # decoder or tagging steps; 1 for one output per sequence
    layers: int
    cell: str
    attention: str
    bidirectional: bool

    def top_level(self) -> list[Block]:
        return [b for b in self.blocks if not b.parent]

    def children(self, name: str) -> list[Block]:
        return [b for b in self.blocks if b.parent == name]


def _shape_text(shape: tuple[int, ...], batch: int) -> str:
    if not shape:
        return ""
    parts = [str(d) for d in shape]
    # Recurrent states put the batch second; a batch of one is only told apart in first place.
    for i in (0, 1) if batch > 1 else (0,):
        if i < len(shape) and shape[i] == batch:
            parts[i] = "B"
            break
    return "×".join(parts)


def blueprint(spec: ExperimentSpec) -> Blueprint:
    """Raises SpecError (naming the field) for a spec that cannot be built."""
    kind = validate_experiment(spec)
    small = spec.with_overrides({"task.train_size": min(spec.task.train_size, 64),
                                 "task.val_size": max(min(spec.task.val_size, 16), SAMPLE_BATCH)})
    task = build_task(small.task, kind, spec.training.seed)
    with torch.random.fork_rng(devices=[]):  # leave the caller's random state be
        model = build_model(spec.model, task.info)
    batch = task.val_batches(SAMPLE_BATCH, SAMPLE_BATCH)[0]
    rows = shape_summary(model, batch, depth=2)
    # A tiny task (hello) may have fewer validation examples than SAMPLE_BATCH.
    blocks = [Block(r.name, r.kind, _shape_text(r.output_shape, batch.size), r.parameters)
              for r in rows if r.kind != "Dropout"]
    input_length = int(batch.src.shape[1])
    output_length = int(batch.target.shape[1]) if batch.target.dim() >= 2 else 1
    m = spec.model
    return Blueprint(kind=kind, family=m.family, blocks=blocks, total_parameters=parameter_count(model),
                     input_length=input_length, output_length=output_length,
                     layers=m.layers, cell=m.cell, attention=m.attention, bidirectional=m.bidirectional)
