"""The training loss for each task layout."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from engine.data import PAD, Batch


def compute_loss(kind: str, output: torch.Tensor, batch: Batch) -> torch.Tensor:
    """Mean loss over real (non-padding) targets. No host sync."""
    if kind == "regression":
        return F.mse_loss(output.float(), batch.target)
    if kind == "classify":
        return F.cross_entropy(output.float(), batch.target)
    return F.cross_entropy(output.flatten(0, 1).float(), batch.target.flatten(), ignore_index=PAD)
