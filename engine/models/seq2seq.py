"""Recurrent encoder-decoder (seq2seq) with optional attention, and the
one-to-many generator that decodes from a single start vector.

The context vector is the encoder's last state, handed to the decoder as its
initial state. Attention:
- dot / general (Luong): attend with the decoder output h_t, then
  h~_t = tanh(W [c_t; h_t]). With full teacher forcing the whole target runs
  through the fused RNN at once.
- additive (Bahdanau): attend with the previous state s_{t-1}; the context is
  part of the RNN input, so decoding goes step by step.
Teacher forcing below 1 decodes step by step and feeds each example its own
previous prediction with probability 1 - ratio (scheduled sampling).
"""

from __future__ import annotations

import torch
from torch import nn

from engine.data import PAD, Batch, TaskInfo
from engine.models.attention import RecurrentAttention
from engine.models.decoding import decode
from engine.models.recurrent import make_rnn, run_rnn


def _as_tuple(state):
    return state if isinstance(state, tuple) else (state,)


def adapt_state(state, cell: str):
    """Hand a final state to a decoder of `cell`: LSTMs take (h, c), others h."""
    h = _as_tuple(state)[0]
    if cell == "lstm":
        c = _as_tuple(state)[1] if isinstance(state, tuple) else torch.zeros_like(h)
        return (h, c)
    return h


def reorder_state(state, index: torch.Tensor):
    """Select batch rows of a recurrent state (layers, B, H) or (h, c)."""
    if isinstance(state, tuple):
        return tuple(s.index_select(1, index) for s in state)
    return state.index_select(1, index)


class Encoder(nn.Module):
    def __init__(self, spec, vocab_size: int):
        super().__init__()
        self.layers = spec.layers
        self.bidirectional = spec.bidirectional
        h = spec.hidden_size
        self.embedding = nn.Embedding(vocab_size, spec.embedding_size, padding_idx=PAD)
        self.dropout = nn.Dropout(spec.dropout)
        self.rnn = make_rnn(spec.cell, spec.embedding_size, h, spec.layers, spec.dropout, spec.bidirectional,
                            spec.forget_bias)
        if spec.bidirectional:
            # Both directions' final states and outputs are merged to the decoder's size.
            self.bridge = nn.Linear(2 * h, h)
            self.memory_proj = nn.Linear(2 * h, h)

    def forward_from_embeddings(self, x: torch.Tensor, lengths: torch.Tensor):
        """Returns memory (B,S,H) and the final state, shaped (layers, B, H)."""
        memory, state = run_rnn(self.rnn, self.dropout(x), lengths)
        if not self.bidirectional:
            return memory, state
        merged = []
        for s in _as_tuple(state):
            s = s.view(self.layers, 2, s.shape[1], s.shape[2])
            merged.append(torch.tanh(self.bridge(torch.cat([s[:, 0], s[:, 1]], dim=-1))))
        return self.memory_proj(memory), merged[0] if len(merged) == 1 else tuple(merged)


class Decoder(nn.Module):
    def __init__(self, spec, cell: str, vocab_size: int, attention: str):
        super().__init__()
        h, e = spec.hidden_size, spec.embedding_size
        self.cell = cell
        self.attention_kind = attention
        self.embedding = nn.Embedding(vocab_size, e, padding_idx=PAD)
        self.dropout = nn.Dropout(spec.dropout)
        extra = h if attention == "additive" else 0
        self.rnn = make_rnn(cell, e + extra, h, spec.layers, spec.dropout, False, spec.forget_bias)
        if attention != "none":
            self.attention = RecurrentAttention(attention, h, h)
            self.combine = nn.Linear(2 * h, h)
        self.out = nn.Linear(h, vocab_size)

    def _finish(self, rnn_out, context):
        if context is not None:
            rnn_out = torch.tanh(self.combine(torch.cat([context, rnn_out], dim=-1)))
        return self.out(self.dropout(rnn_out))

    def step(self, prev: torch.Tensor, state, memory=None, mask=None):
        """One step: prev (B,) -> logits (B,V), new state, attention weights (B,S) or None."""
        x = self.dropout(self.embedding(prev))[:, None, :]
        weights = context = None
        if self.attention_kind == "additive":
            query = _as_tuple(state)[0][-1][:, None, :]
            context, weights = self.attention(query, memory, mask)
            x = torch.cat([x, context], dim=-1)
        out, state = self.rnn(x, state)
        if self.attention_kind in ("dot", "general"):
            context, weights = self.attention(out, memory, mask)
        logits = self._finish(out, context)[:, 0]
        return logits, state, None if weights is None else weights[:, 0]

    def teacher_forced(self, tgt_in: torch.Tensor, state, memory=None, mask=None):
        """All target steps at once where the attention allows: (B,T,V), weights (B,T,S)."""
        if self.attention_kind == "additive":
            return self.scheduled(tgt_in, state, memory, mask, 1.0, None)
        out, _ = self.rnn(self.dropout(self.embedding(tgt_in)), state)
        context = weights = None
        if self.attention_kind != "none":
            context, weights = self.attention(out, memory, mask)
        return self._finish(out, context), weights

    def scheduled(self, tgt_in, state, memory, mask, ratio: float, generator):
        """Step by step; each example feeds the true previous token with
        probability `ratio`, else its own previous prediction."""
        steps, logits_all, weights_all = tgt_in.shape[1], [], []
        prev = tgt_in[:, 0]
        for t in range(steps):
            logits, state, weights = self.step(prev, state, memory, mask)
            logits_all.append(logits)
            weights_all.append(weights)
            if t + 1 < steps:
                truth = tgt_in[:, t + 1]
                if ratio >= 1.0:
                    prev = truth
                else:
                    use_truth = torch.rand(truth.shape[0], generator=generator) < ratio
                    prev = torch.where(use_truth.to(truth.device), truth, logits.argmax(-1).detach())
        weights = None if weights_all[0] is None else torch.stack(weights_all, dim=1)
        return torch.stack(logits_all, dim=1), weights


class Seq2SeqModel(nn.Module):
    """Recurrent encoder -> context vector (+ attention) -> recurrent decoder."""

    def __init__(self, spec, info: TaskInfo):
        super().__init__()
        self.kind = info.kind
        self.max_output = info.max_tgt_len
        self.encoder = Encoder(spec, info.src_vocab_size)
        self.decoder = Decoder(spec, spec.decoder_cell or spec.cell, info.tgt_vocab_size, spec.attention)

    def embed(self, batch: Batch) -> torch.Tensor:
        return self.encoder.embedding(batch.src)

    def input_modules(self) -> dict[str, nn.Module]:
        return {"input": self.encoder.embedding, "decoder_input": self.decoder.embedding}

    def probe_forward(self, batch: Batch):
        logits, weights = self.forward_with_attention(batch)
        return logits, ({} if weights is None else {"cross": weights[:, None, None]})

    def encode(self, x: torch.Tensor, batch: Batch):
        memory, state = self.encoder.forward_from_embeddings(x, batch.src_lengths)
        mask = batch.src != PAD
        return memory, adapt_state(state, self.decoder.cell), mask

    def forward(self, batch: Batch, teacher_forcing: float = 1.0, generator=None) -> torch.Tensor:
        return self.forward_with_attention(batch, teacher_forcing, generator)[0]

    def forward_with_attention(self, batch: Batch, teacher_forcing: float = 1.0, generator=None,
                               embeddings: torch.Tensor | None = None):
        """Logits (B,T,V) and the attention weights (B,T,S) (None without attention)."""
        x = self.embed(batch) if embeddings is None else embeddings
        memory, state, mask = self.encode(x, batch)
        if teacher_forcing >= 1.0:
            return self.decoder.teacher_forced(batch.tgt_in, state, memory, mask)
        return self.decoder.scheduled(batch.tgt_in, state, memory, mask, teacher_forcing, generator)

    @torch.no_grad()
    def generate(self, batch: Batch, max_len: int | None = None, beam: int = 1, temperature: float = 0.0,
                 generator=None) -> torch.Tensor:
        """Free-running decoding: (B, T) token ids, greedy, beam search or sampled."""
        memory, state, mask = self.encode(self.embed(batch), batch)

        def step(prev, s):
            st, mem, m = s
            logits, st, _ = self.decoder.step(prev, st, mem, m)
            return logits, (st, mem, m)

        def reorder(s, index):
            st, mem, m = s
            return reorder_state(st, index), mem.index_select(0, index), m.index_select(0, index)

        return decode(step, reorder, (state, memory, mask), batch.size, max_len or self.max_output,
                      batch.src.device, beam, temperature, generator)


class OneToManyModel(nn.Module):
    """Generation from a start vector: one input token sets the decoder's
    initial state, and a recurrent decoder writes the sequence."""

    def __init__(self, spec, info: TaskInfo):
        super().__init__()
        self.kind = info.kind
        self.max_output = info.max_tgt_len
        self.layers, self.hidden = spec.layers, spec.hidden_size
        self.start = nn.Embedding(info.src_vocab_size, spec.layers * spec.hidden_size, padding_idx=PAD)
        self.decoder = Decoder(spec, spec.cell, info.tgt_vocab_size, "none")

    def embed(self, batch: Batch) -> torch.Tensor:
        return self.start(batch.src)

    def input_modules(self) -> dict[str, nn.Module]:
        return {"input": self.start, "decoder_input": self.decoder.embedding}

    def probe_forward(self, batch: Batch):
        return self(batch), {}

    def initial_state(self, start_vector: torch.Tensor):
        """start_vector (B,1,layers*H) -> decoder state (layers, B, H)."""
        h = torch.tanh(start_vector[:, 0].view(-1, self.layers, self.hidden).transpose(0, 1).contiguous())
        return adapt_state(h, self.decoder.cell)

    def forward(self, batch: Batch, teacher_forcing: float = 1.0, generator=None,
                embeddings: torch.Tensor | None = None) -> torch.Tensor:
        state = self.initial_state(self.embed(batch) if embeddings is None else embeddings)
        if teacher_forcing >= 1.0:
            return self.decoder.teacher_forced(batch.tgt_in, state)[0]
        return self.decoder.scheduled(batch.tgt_in, state, None, None, teacher_forcing, generator)[0]

    @torch.no_grad()
    def generate(self, batch: Batch, max_len: int | None = None, beam: int = 1, temperature: float = 0.0,
                 generator=None) -> torch.Tensor:
        state = self.initial_state(self.embed(batch))

        def step(prev, s):
            logits, s, _ = self.decoder.step(prev, s)
            return logits, s

        return decode(step, reorder_state, state, batch.size, max_len or self.max_output, batch.src.device, beam,
                      temperature, generator)
