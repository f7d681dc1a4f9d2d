"""Running a model in eval mode for a while, then giving it back as it was."""

from __future__ import annotations

import contextlib

from torch import nn


@contextlib.contextmanager
def evaluating(model: nn.Module):
    """Eval mode (no dropout) inside the block; the model's own mode again after,
    whether training was on or off and however the block ends."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)
