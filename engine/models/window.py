"""The fixed-window autoregressive model: what a network can do when it sees
only the last `context` inputs (tau), before a latent state carries the past.

At each position the embeddings of the last tau inputs, concatenated, go
through an MLP to the head. Positions with fewer than tau inputs before them
see zeros where the missing ones would be. Nothing outside the window reaches
the output, so its gradient with respect to an earlier input is exactly zero.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from engine.data import PAD, Batch, TaskInfo


def sliding_windows(x: torch.Tensor, context: int) -> torch.Tensor:
    """(B, S, E) -> (B, S, context * E): at position t, inputs t-context+1 .. t, oldest first."""
    padded = F.pad(x, (0, 0, context - 1, 0))  # zeros before the first input
    windows = padded.unfold(1, context, 1)  # (B, S, E, context)
    return windows.transpose(2, 3).flatten(2)


class WindowModel(nn.Module):
    """Embedding (or a projection of values) -> last `context` inputs -> MLP -> head."""

    def __init__(self, spec, info: TaskInfo):
        super().__init__()
        self.kind = info.kind
        self.context = spec.context
        if info.kind == "regression":
            self.embedding = nn.Linear(info.input_features, spec.embedding_size)
        else:
            self.embedding = nn.Embedding(info.src_vocab_size, spec.embedding_size, padding_idx=PAD)
        layers, width = [], spec.context * spec.embedding_size
        for _ in range(spec.layers):
            layers += [nn.Linear(width, spec.hidden_size), nn.Tanh(), nn.Dropout(spec.dropout)]
            width = spec.hidden_size
        self.mlp = nn.Sequential(*layers)
        self.head = nn.Linear(width, 1 if info.kind == "regression" else info.tgt_vocab_size)

    def input_modules(self) -> dict[str, nn.Module]:
        """The modules whose outputs are the model's inputs over time (for probes)."""
        return {"input": self.embedding}

    def probe_forward(self, batch: Batch):
        return self(batch), {}

    def forward(self, batch: Batch, teacher_forcing: float = 1.0, generator=None) -> torch.Tensor:
        """lm/tagging: (B,S,V) logits; classify: (B,C) logits; regression: (B,S) values."""
        x = self.embedding(batch.src)
        if self.kind == "classify":  # one window: the last `context` inputs of each sequence
            last = (batch.src_lengths - 1).to(x.device)
            rows = torch.arange(x.shape[0], device=x.device)
            positions = last[:, None] - torch.arange(self.context - 1, -1, -1, device=x.device)[None, :]
            window = x[rows[:, None], positions.clamp(min=0)] * (positions >= 0)[..., None]
            return self.head(self.mlp(window.flatten(1)))
        out = self.head(self.mlp(sliding_windows(x, self.context)))
        return out.squeeze(-1) if self.kind == "regression" else out
