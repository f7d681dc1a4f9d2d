"""Validation loss and the task metric, over fixed validation batches."""

from __future__ import annotations

import contextlib

import torch

from engine.data import PAD
from engine.models import compute_loss
from engine.models.modes import evaluating


@torch.no_grad()
def evaluate(model, task, batches, device, autocast=contextlib.nullcontext) -> dict[str, float]:
    """{"val_loss": ..., <metric>: ...}. Syncs with the device once per batch."""
    kind, metric = task.info.kind, task.info.metric
    loss_sum = torch.zeros((), device=device)
    correct = torch.zeros((), device=device)
    weight = total = 0
    with evaluating(model):
        for batch in batches:
            batch = batch.to(device)
            with autocast():
                output = model(batch)
                loss = compute_loss(kind, output, batch)
            n = _targets(kind, batch)
            loss_sum += loss.float() * n
            weight += n
            if metric == "token_accuracy":
                real = batch.target != PAD
                correct += ((output.argmax(-1) == batch.target) & real).sum()
                total += int(real.sum())
            elif metric == "accuracy":
                correct += (output.argmax(-1) == batch.target).sum()
                total += batch.size
            elif metric in ("sequence_accuracy", "sentiment_match"):
                with autocast():
                    generated = model.generate(batch)
                correct += task.count_correct(batch, generated.cpu())
                total += batch.size
    val_loss = float(loss_sum) / max(weight, 1)
    value = val_loss if metric == "mse" else float(correct) / max(total, 1)
    return {"val_loss": val_loss, metric: value}


def _targets(kind: str, batch) -> int:
    """How many targets the mean loss of this batch averaged over."""
    if kind in ("classify",):
        return batch.size
    if kind == "regression":
        return batch.target.numel()
    return int((batch.target != PAD).sum())
