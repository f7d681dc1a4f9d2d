"""Recurrent models on the fused torch modules (nn.RNN/LSTM/GRU).

RecurrentModel serves the layouts where one network reads the input once:
next-token prediction, tagging, classification and time-series regression.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from engine.data import PAD, Batch, TaskInfo

RecurrentState = "torch.Tensor | tuple[torch.Tensor, torch.Tensor]"


def make_rnn(cell: str, input_size: int, hidden_size: int, layers: int,
             dropout: float, bidirectional: bool = False, forget_bias: float = 1.0) -> nn.RNNBase:
    options = dict(input_size=input_size, hidden_size=hidden_size, num_layers=layers,
                   batch_first=True, bidirectional=bidirectional,
                   dropout=dropout if layers > 1 else 0.0)
    if cell in ("lstm", "gru"):
        rnn = nn.LSTM(**options) if cell == "lstm" else nn.GRU(**options)
        # A gate that starts out keeping the state keeps it, and its gradient,
        # alive over many more steps from the start (Jozefowicz et al. 2015;
        # Keras's unit_forget_bias). LSTM gates are ordered input, forget, cell,
        # output; GRU gates reset, update, new, and a GRU keeps its state where
        # the update gate is 1. Both biases are summed, so one holds the value.
        with torch.no_grad():
            for name, bias in rnn.named_parameters():
                if name.startswith("bias_"):
                    bias[hidden_size:2 * hidden_size] = forget_bias if name.startswith("bias_ih") else 0.0
        return rnn
    return nn.RNN(nonlinearity="relu" if cell == "rnn_relu" else "tanh", **options)


def run_rnn(rnn: nn.RNNBase, x: torch.Tensor, lengths: torch.Tensor | None, state=None):
    """Run over padded input. Packs only when some sequence is shorter than the
    batch, so the final state is taken at each sequence's true end."""
    if lengths is not None and bool(lengths.min() < x.shape[1]):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, state = rnn(packed, state)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.shape[1])
        return out, state
    return rnn(x, state)


def top_hidden(state, layers: int, directions: int) -> torch.Tensor:
    """The last layer's final hidden state, directions concatenated: (B, dirs*H)."""
    h = state[0] if isinstance(state, tuple) else state
    h = h.view(layers, directions, h.shape[1], h.shape[2])[-1]
    return torch.cat(list(h), dim=-1)


class RecurrentModel(nn.Module):
    """Embedding (or a projection of values) -> RNN/LSTM/GRU -> head."""

    def __init__(self, spec, info: TaskInfo):
        super().__init__()
        self.kind = info.kind
        self.cell = spec.cell
        self.layers = spec.layers
        self.directions = 2 if spec.bidirectional else 1
        if info.kind == "regression":
            self.embedding = nn.Linear(info.input_features, spec.embedding_size)
        else:
            self.embedding = nn.Embedding(info.src_vocab_size, spec.embedding_size, padding_idx=PAD)
        self.dropout = nn.Dropout(spec.dropout)
        self.rnn = make_rnn(spec.cell, spec.embedding_size, spec.hidden_size, spec.layers,
                            spec.dropout, spec.bidirectional, spec.forget_bias)
        out_size = 1 if info.kind == "regression" else info.tgt_vocab_size
        self.head = nn.Linear(self.directions * spec.hidden_size, out_size)

    def embed(self, batch: Batch) -> torch.Tensor:
        return self.embedding(batch.src)

    def input_modules(self) -> dict[str, nn.Module]:
        """The modules whose outputs are the model's inputs over time (for probes)."""
        return {"input": self.embedding}

    def probe_forward(self, batch: Batch):
        """Output and attention maps {name: (B, layers, heads, Q, S)} (none here)."""
        return self(batch), {}

    def forward(self, batch: Batch, teacher_forcing: float = 1.0, generator=None) -> torch.Tensor:
        """lm/tagging: (B,S,V) logits; classify: (B,C) logits; regression: (B,S) values."""
        return self.forward_from_embeddings(self.embed(batch), batch)

    def forward_from_embeddings(self, x: torch.Tensor, batch: Batch) -> torch.Tensor:
        lengths = None if self.kind == "regression" else batch.src_lengths
        out, state = run_rnn(self.rnn, self.dropout(x), lengths)
        if self.kind == "classify":
            return self.head(self.dropout(top_hidden(state, self.layers, self.directions)))
        out = self.head(self.dropout(out))
        return out.squeeze(-1) if self.kind == "regression" else out
