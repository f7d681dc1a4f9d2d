"""What a spec builds, for drawing it: the model's blocks with their output
shapes and parameter counts, and what an unrolled-in-time view needs.

It builds the task on a tiny sample and the model on the CPU, and runs one
small batch through it: tens of milliseconds for the built-in presets, so a
window can redraw its diagram as a form changes. A model with more weights
than DRAW_FOR_REAL_BYTES is built and run on torch's meta device instead
(shapes and parameter counts, no storage), so a diagram never allocates an
enormous model's gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from engine.memory import ModelSize, build_on_meta, cut_sequences
from engine.models import build_model, parameter_count, shape_summary
from engine.spec import ExperimentSpec
from engine.task_file import TaskFile
from engine.tasks import build_task
from engine.validation import validate_experiment

SAMPLE_BATCH = 5  # shapes show this as "B"; 5 is unlikely to be any other dimension
# Weights up to this (ten times the largest preset's) are built and run for real;
# bigger ones on the meta device. Around here the two cost about the same: meta
# recurrent kernels step in Python (an LSTM of 28 MiB: 0.2 s real, 0.5 s meta) and
# real weights take their time to initialise (a Transformer of 28 MiB: 0.6 s, 0.05 s).
DRAW_FOR_REAL_BYTES = 32 * 2**20


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
    context: int = 0  # a window model's: how many of the last inputs it sees
    order: int = 0  # a Markov chain's: how many previous tokens the next depends on

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


def blueprint(spec: ExperimentSpec, task_file: TaskFile | None = None) -> Blueprint:
    """Raises SpecError (naming the field) for a spec that cannot be built.
    `task_file`: the content a text_file or csv task learns from."""
    kind = validate_experiment(spec)
    small = spec.with_overrides({"task.train_size": min(spec.task.train_size, 64),
                                 "task.val_size": max(min(spec.task.val_size, 16), SAMPLE_BATCH)})
    task = build_task(small.task, kind, spec.training.seed, task_file)
    batch = task.val_batches(SAMPLE_BATCH, SAMPLE_BATCH)[0]
    model = build_on_meta(spec.model, task.info)
    if ModelSize.of(model).weights <= DRAW_FOR_REAL_BYTES:
        with torch.random.fork_rng(devices=[]):  # leave the caller's random state be
            model = build_model(spec.model, task.info)
        rows = shape_summary(model, batch, depth=2)
    else:  # every sequence full length: the meta device cannot pack a batch by its lengths
        rows = shape_summary(model, cut_sequences(batch).to("meta"), depth=2)
    # A tiny task (hello) may have fewer validation examples than SAMPLE_BATCH.
    blocks = [Block(r.name, r.kind, _shape_text(r.output_shape, batch.size), r.parameters)
              for r in rows if r.kind != "Dropout"]
    input_length = int(batch.src.shape[1])
    output_length = int(batch.target.shape[1]) if batch.target.dim() >= 2 else 1
    m = spec.model
    return Blueprint(kind=kind, family=m.family, blocks=blocks, total_parameters=parameter_count(model),
                     input_length=input_length, output_length=output_length,
                     layers=m.layers, cell=m.cell, attention=m.attention, bidirectional=m.bidirectional,
                     context=m.context if m.family == "window" else 0, order=m.order if m.family == "markov" else 0)
