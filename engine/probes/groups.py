"""Parameter groups (embedding, each recurrent layer, each Transformer block's
attention and feed-forward, the output head) and their norms on the device."""

from __future__ import annotations

import re

import torch
from torch import nn

_RECURRENT = re.compile(r"(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$")


def group_of(parameter_name: str) -> str:
    """'encoder.rnn.weight_hh_l1_reverse' -> 'encoder.rnn.layer1';
    'stack.blocks.0.self_attention.query.weight' -> 'stack.block0.self_attention';
    'decoder.out.weight' -> 'decoder.out'."""
    *path, leaf = parameter_name.split(".")
    match = _RECURRENT.match(leaf)
    if match:
        return ".".join(path + [f"layer{match.group(3)}"])
    if "blocks" in path:
        i = path.index("blocks")
        return ".".join(path[:i] + [f"block{path[i + 1]}"] + path[i + 2:i + 3])
    return ".".join(path) or leaf


class ParameterGroups:
    def __init__(self, model: nn.Module):
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        self.parameters = [p for _, p in named]
        self.names: list[str] = []
        index = []
        for name, _ in named:
            group = group_of(name)
            if group not in self.names:
                self.names.append(group)
            index.append(self.names.index(group))
        self._index = torch.tensor(index)

    def _norms(self, tensors: list[torch.Tensor]) -> torch.Tensor:
        """Per-group L2 norms (G,), computed on the device without a sync."""
        device = tensors[0].device
        per_tensor = torch.stack(torch._foreach_norm(tensors)).float()
        squares = torch.zeros(len(self.names), device=device)
        squares.index_add_(0, self._index.to(device), per_tensor ** 2)
        return squares.sqrt()

    def grad_norms(self) -> torch.Tensor:
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.parameters]
        return self._norms(grads)

    @torch.no_grad()
    def weight_norms(self) -> torch.Tensor:
        return self._norms([p.detach() for p in self.parameters])
