"""Temporarily instrument a model for a probe pass: capture the outputs of its
input embeddings (to take dL/dx_t) and replace each fused RNN module with
reference cells that share its weights (to see h_t, gates and dL/dh_t)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import torch
from torch import nn

from engine.models.reference_rnn import ReferenceRNN


@dataclass
class Instrumented:
    inputs: dict[str, list[torch.Tensor]] = field(default_factory=dict)  # stream -> per-call outputs
    recurrent: dict[str, ReferenceRNN] = field(default_factory=dict)  # module path -> stand-in


@contextlib.contextmanager
def instrumented(model: nn.Module):
    record = Instrumented()
    hooks = []
    for stream, module in model.input_modules().items():
        record.inputs[stream] = []

        def capture(_module, _inputs, output, stream=stream):
            record.inputs[stream].append(output)

        hooks.append(module.register_forward_hook(capture))
    swapped = []
    for path, module in list(model.named_modules()):
        if isinstance(module, nn.RNNBase):
            parent_path, _, attribute = path.rpartition(".")
            parent = model.get_submodule(parent_path) if parent_path else model
            stand_in = ReferenceRNN(module)
            parent._modules[attribute] = stand_in
            swapped.append((parent, attribute, module))
            record.recurrent[path] = stand_in
    try:
        yield record
    finally:
        for hook in hooks:
            hook.remove()
        for parent, attribute, module in swapped:
            parent._modules[attribute] = module
