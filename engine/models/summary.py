"""Parameter counts and a shape summary for any model."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from engine.data import Batch
from engine.models.modes import evaluating


def parameter_count(model: nn.Module, trainable_only: bool = True) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)


@dataclass(frozen=True)
class LayerSummary:
    name: str
    kind: str
    output_shape: tuple[int, ...]
    parameters: int

    def describe(self) -> str:
        shape = "x".join(str(d) for d in self.output_shape) if self.output_shape else "-"
        return f"{self.name:<34} {self.kind:<20} {shape:<16} {self.parameters:>10,}"


def _first_tensor(value):
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, nn.utils.rnn.PackedSequence):
        return None
    if isinstance(value, (tuple, list)):
        for item in value:
            found = _first_tensor(item)
            if found is not None:
                return found
    return None


@torch.no_grad()
def shape_summary(model: nn.Module, batch: Batch, depth: int = 2) -> list[LayerSummary]:
    """Run `batch` once and record each module's output shape, down to `depth`
    levels of nesting (containers such as ModuleList are looked through)."""
    shapes: dict[str, tuple[int, ...]] = {}
    hooks, rows = [], []
    for name, module in model.named_modules():
        # Indices of ModuleLists do not count as a level: "stack.blocks.0" is level 2.
        level = sum(not part.isdigit() for part in name.split("."))
        if not name or level > depth:
            continue
        if isinstance(module, (nn.ModuleList, nn.ModuleDict)):
            continue

        def record(_module, _inputs, output, name=name):
            tensor = _first_tensor(output)
            if tensor is not None and name not in shapes:
                shapes[name] = tuple(tensor.shape)

        hooks.append(module.register_forward_hook(record))
        rows.append((name, module))
    try:
        with evaluating(model):
            model(batch)
    finally:
        for hook in hooks:
            hook.remove()
    return [LayerSummary(name, type(module).__name__, shapes.get(name, ()), parameter_count(module))
            for name, module in rows]


def format_summary(rows: list[LayerSummary], total: int) -> str:
    header = f"{'module':<34} {'type':<20} {'output':<16} {'parameters':>10}"
    return "\n".join([header, "-" * len(header), *(r.describe() for r in rows),
                      "-" * len(header), f"{'total':<72} {total:>10,}"])
