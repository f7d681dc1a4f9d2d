"""Attention for recurrent seq2seq: dot and general (Luong), additive (Bahdanau).

Each returns the context and the weights; padded source positions get exactly
zero weight (their scores are -inf before the softmax).
"""

from __future__ import annotations

import torch
from torch import nn


class RecurrentAttention(nn.Module):
    def __init__(self, kind: str, query_size: int, key_size: int):
        super().__init__()
        self.kind = kind
        if kind == "general":
            self.weight = nn.Linear(key_size, query_size, bias=False)
        elif kind == "additive":
            self.query_proj = nn.Linear(query_size, key_size, bias=False)
            self.key_proj = nn.Linear(key_size, key_size)
            self.score = nn.Linear(key_size, 1, bias=False)
        elif kind != "dot":
            raise ValueError(f"unknown attention {kind!r}")

    def scores(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        """query (B,Q,Hq), keys (B,S,Hk) -> scores (B,Q,S)."""
        if self.kind == "dot":
            return query @ keys.transpose(1, 2)
        if self.kind == "general":
            return query @ self.weight(keys).transpose(1, 2)
        mixed = torch.tanh(self.query_proj(query)[:, :, None, :] + self.key_proj(keys)[:, None, :, :])
        return self.score(mixed).squeeze(-1)  # (B,Q,S)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None):
        """mask (B,S): True for real positions. Returns context (B,Q,Hk), weights (B,Q,S)."""
        scores = self.scores(query, keys)
        if mask is not None:
            scores = scores.masked_fill(~mask[:, None, :], float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return weights @ keys, weights
