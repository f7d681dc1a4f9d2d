"""Transformer: encoder-only, decoder-only and encoder-decoder.

Attention is written out (as minGPT does) so it can run two ways with the same
weights: training takes torch's `scaled_dot_product_attention` (fused kernels,
no weights materialised); with `need_weights=True` it computes the softmax
explicitly and returns the per-head probabilities. Masked positions get a
score of -inf, so their weight is exactly zero.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from engine.data import PAD, Batch, TaskInfo
from engine.models.decoding import decode


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model: int, heads: int, dropout: float):
        super().__init__()
        self.heads, self.head_size = heads, d_model // heads
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.out = nn.Linear(d_model, d_model)
        self.dropout = dropout

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.head_size).transpose(1, 2)  # (B, nh, T, hs)

    def forward(self, x: torch.Tensor, memory: torch.Tensor | None = None,
                key_mask: torch.Tensor | None = None, causal: bool = False,
                need_weights: bool = False):
        """x (B,Q,D) attends over memory (B,S,D) (itself when None).

        key_mask (B,S) is True at real positions. Returns (B,Q,D) and, with
        need_weights, the probabilities (B, nh, Q, S).
        """
        source = x if memory is None else memory
        q, k, v = self._split(self.query(x)), self._split(self.key(source)), self._split(self.value(source))
        q_len, k_len = q.shape[2], k.shape[2]
        mask = None if key_mask is None else key_mask[:, None, None, :]  # (B, 1, 1, S)
        if causal and (mask is not None or need_weights):
            lower = torch.ones(q_len, k_len, dtype=torch.bool, device=x.device).tril(k_len - q_len)
            mask = lower if mask is None else mask & lower
        dropout = self.dropout if self.training else 0.0
        weights = None
        if need_weights:
            scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_size)  # (B, nh, Q, S)
            if mask is not None:
                scores = scores.masked_fill(~mask, float("-inf"))
            weights = torch.softmax(scores, dim=-1)
            y = F.dropout(weights, dropout, self.training) @ v
        elif mask is None:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, is_causal=causal)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout)
        y = y.transpose(1, 2).reshape(x.shape[0], q_len, -1)  # (B, Q, D)
        return self.out(y), weights


class Block(nn.Module):
    """Self-attention, optional cross-attention, feed-forward; pre- or post-norm."""

    def __init__(self, spec, cross: bool):
        super().__init__()
        d = spec.d_model
        self.pre_norm = spec.norm == "pre"
        self.self_attention = MultiHeadAttention(d, spec.heads, spec.dropout)
        self.norm_self = nn.LayerNorm(d)
        self.cross_attention = MultiHeadAttention(d, spec.heads, spec.dropout) if cross else None
        self.norm_cross = nn.LayerNorm(d) if cross else None
        self.feed_forward = nn.Sequential(nn.Linear(d, spec.ff_size), nn.GELU(), nn.Linear(spec.ff_size, d))
        self.norm_ff = nn.LayerNorm(d)
        self.dropout = nn.Dropout(spec.dropout)

    def _sublayer(self, x, norm, fn):
        if self.pre_norm:
            y, weights = fn(norm(x))
            return x + self.dropout(y), weights
        y, weights = fn(x)
        return norm(x + self.dropout(y)), weights

    def forward(self, x, mask=None, causal=False, memory=None, memory_mask=None, need_weights=False):
        x, self_weights = self._sublayer(
            x, self.norm_self, lambda h: self.self_attention(h, None, mask, causal, need_weights))
        cross_weights = None
        if self.cross_attention is not None:
            x, cross_weights = self._sublayer(
                x, self.norm_cross,
                lambda h: self.cross_attention(h, memory, memory_mask, False, need_weights))
        x, _ = self._sublayer(x, self.norm_ff, lambda h: (self.feed_forward(h), None))
        return x, self_weights, cross_weights


def sinusoidal_table(length: int, d_model: int) -> torch.Tensor:
    position = torch.arange(length, dtype=torch.float32)[:, None]
    frequency = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))
    table = torch.zeros(length, d_model)
    table[:, 0::2] = torch.sin(position * frequency)
    table[:, 1::2] = torch.cos(position * frequency)[:, : d_model // 2]
    return table


class Stack(nn.Module):
    """Token embedding + positions -> blocks -> final norm (pre-norm)."""

    def __init__(self, spec, vocab_size: int, cross: bool):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, spec.d_model, padding_idx=PAD)
        self.positional = spec.positional
        if spec.positional == "learned":
            self.positions = nn.Embedding(spec.max_len, spec.d_model)
        elif spec.positional == "sinusoidal":
            self.register_buffer("table", sinusoidal_table(spec.max_len, spec.d_model), persistent=False)
        self.dropout = nn.Dropout(spec.dropout)
        self.blocks = nn.ModuleList(Block(spec, cross) for _ in range(spec.layers))
        self.final_norm = nn.LayerNorm(spec.d_model) if spec.norm == "pre" else nn.Identity()

    def add_positions(self, x: torch.Tensor) -> torch.Tensor:
        if self.positional == "learned":
            return x + self.positions.weight[: x.shape[1]]
        if self.positional == "sinusoidal":
            return x + self.table[: x.shape[1]]
        return x

    def forward(self, x, mask=None, causal=False, memory=None, memory_mask=None, need_weights=False):
        """x: embedded tokens (B,T,D). Returns (B,T,D) and per-layer weights."""
        x = self.dropout(self.add_positions(x))
        self_maps, cross_maps = [], []
        for block in self.blocks:
            x, self_w, cross_w = block(x, mask, causal, memory, memory_mask, need_weights)
            self_maps.append(self_w)
            cross_maps.append(cross_w)
        return self.final_norm(x), self_maps, cross_maps


class TransformerModel(nn.Module):
    """arch=encoder: classify (mean of real positions) or tagging;
    arch=decoder: causal language model; arch=encoder_decoder: seq2seq."""

    def __init__(self, spec, info: TaskInfo):
        super().__init__()
        self.kind = info.kind
        self.arch = spec.arch
        self.causal = spec.causal
        self.max_output = info.max_tgt_len
        if spec.arch == "encoder_decoder":
            self.encoder = Stack(spec, info.src_vocab_size, cross=False)
            self.decoder = Stack(spec, info.tgt_vocab_size, cross=True)
        else:
            self.stack = Stack(spec, info.src_vocab_size, cross=False)
        self.head = nn.Linear(spec.d_model, info.tgt_vocab_size)

    def embed(self, batch: Batch) -> torch.Tensor:
        first = self.encoder if self.arch == "encoder_decoder" else self.stack
        return first.embedding(batch.src)

    def forward(self, batch: Batch, teacher_forcing: float = 1.0, generator=None) -> torch.Tensor:
        return self.forward_with_attention(batch)[0]

    def input_modules(self) -> dict[str, nn.Module]:
        if self.arch == "encoder_decoder":
            return {"input": self.encoder.embedding, "decoder_input": self.decoder.embedding}
        return {"input": self.stack.embedding}

    def probe_forward(self, batch: Batch):
        """Output and the explicit attention weights, layers stacked: (B, L, heads, Q, S)."""
        logits, maps = self.forward_with_attention(batch, need_weights=True)
        return logits, {name: torch.stack(layers, dim=1) for name, layers in maps.items()}

    def forward_with_attention(self, batch: Batch, need_weights: bool = False,
                               embeddings: torch.Tensor | None = None):
        """Logits and {"self": [...], "decoder_self": [...], "cross": [...]} per-layer
        weights (B, nh, Q, S) when need_weights."""
        x = self.embed(batch) if embeddings is None else embeddings
        src_mask = batch.src != PAD
        if self.arch == "encoder_decoder":
            memory, enc_self, _ = self.encoder(x, src_mask, False, need_weights=need_weights)
            tgt = self.decoder.embedding(batch.tgt_in)
            h, dec_self, cross = self.decoder(tgt, None, self.causal, memory, src_mask, need_weights)
            return self.head(h), {"self": enc_self, "decoder_self": dec_self, "cross": cross}
        causal = self.causal and self.arch == "decoder"
        # A full-length LM window needs no padding mask (lets SDPA take its causal fast path).
        mask = None if batch.all_full_length else src_mask
        h, maps, _ = self.stack(x, mask, causal, need_weights=need_weights)
        if self.kind == "classify":
            real = src_mask[:, :, None].to(h.dtype)
            pooled = (h * real).sum(1) / real.sum(1).clamp(min=1.0)
            return self.head(pooled), {"self": maps}
        return self.head(h), {"self": maps}

    @torch.no_grad()
    def generate(self, batch: Batch, max_len: int | None = None, beam: int = 1, temperature: float = 0.0,
                 generator=None) -> torch.Tensor:
        """Encoder-decoder free-running decoding: (B, T) ids, greedy, beam or sampled."""
        if self.arch != "encoder_decoder":
            raise ValueError("generate() needs an encoder-decoder Transformer")
        src_mask = batch.src != PAD
        memory, _, _ = self.encoder(self.embed(batch), src_mask, False)

        def step(prev, s):
            prefix, mem, m = s
            prefix = torch.cat([prefix, prev[:, None]], dim=1)
            h, _, _ = self.decoder(self.decoder.embedding(prefix), None, self.causal, mem, m)
            return self.head(h[:, -1]), (prefix, mem, m)

        def reorder(s, index):
            return tuple(t.index_select(0, index) for t in s)

        empty = torch.zeros((batch.size, 0), dtype=torch.long, device=batch.src.device)
        state = (empty, memory, src_mask)
        return decode(step, reorder, state, batch.size, max_len or self.max_output, batch.src.device, beam,
                      temperature, generator)
