"""Greedy and beam-search decoding over any step function.

A decoder exposes `step(prev_tokens (N,), state) -> (logits (N,V), state)` and
`reorder(state, index (N,))`; both searches work for recurrent and Transformer
decoders alike.
"""

from __future__ import annotations

from typing import Callable

import torch

from engine.data import BOS, EOS, PAD

StepFn = Callable[[torch.Tensor, object], tuple[torch.Tensor, object]]
ReorderFn = Callable[[object, torch.Tensor], object]


@torch.no_grad()
def greedy_decode(step: StepFn, state, batch_size: int, max_len: int, device) -> torch.Tensor:
    """(B, T) token ids; PAD after each sequence's EOS."""
    return _one_token_at_a_time(step, state, batch_size, max_len, device, lambda logits: logits.argmax(-1))


@torch.no_grad()
def sample_decode(step: StepFn, state, batch_size: int, max_len: int, device, temperature: float,
                  generator: torch.Generator) -> torch.Tensor:
    """As greedy_decode, but each token drawn from softmax(logits / temperature)."""
    def draw(logits):
        probabilities = torch.softmax(logits.float().cpu() / temperature, dim=-1)
        return torch.multinomial(probabilities, 1, generator=generator)[:, 0].to(device)

    return _one_token_at_a_time(step, state, batch_size, max_len, device, draw)


def _one_token_at_a_time(step: StepFn, state, batch_size: int, max_len: int, device,
                         choose: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """Feed each chosen token back until every sequence has written EOS (PAD after it)."""
    prev = torch.full((batch_size,), BOS, dtype=torch.long, device=device)
    finished = torch.zeros(batch_size, dtype=torch.bool, device=device)
    out = []
    for _ in range(max_len):
        logits, state = step(prev, state)
        prev = choose(logits).masked_fill(finished, PAD)
        out.append(prev)
        finished |= prev == EOS
        if bool(finished.all()):
            break
    return torch.stack(out, dim=1)


@torch.no_grad()
def decode(step: StepFn, reorder: ReorderFn, state, batch_size: int, max_len: int, device, beam: int = 1,
           temperature: float = 0.0, generator: torch.Generator | None = None) -> torch.Tensor:
    """Greedy (beam 1, temperature 0), beam search (beam > 1) or sampling (temperature > 0)."""
    if temperature > 0:
        return sample_decode(step, state, batch_size, max_len, device, temperature,
                             generator or torch.Generator().manual_seed(0))
    if beam <= 1:
        return greedy_decode(step, state, batch_size, max_len, device)
    return beam_search(step, reorder, state, batch_size, beam, max_len, device)


@torch.no_grad()
def beam_search(step: StepFn, reorder: ReorderFn, state, batch_size: int, beam: int,
                max_len: int, device, length_penalty: float = 1.0) -> torch.Tensor:
    """(B, T) token ids of the best of `beam` hypotheses per example.

    Finished hypotheses stay in the beam and may only extend with PAD at no
    cost; the final choice divides each score by length ** length_penalty.
    """
    n = batch_size * beam
    state = reorder(state, torch.arange(batch_size, device=device).repeat_interleave(beam))
    scores = torch.full((batch_size, beam), float("-inf"), device=device)
    scores[:, 0] = 0.0  # one live hypothesis at the start, not `beam` copies
    tokens = torch.zeros((n, 0), dtype=torch.long, device=device)
    lengths = torch.zeros(n, device=device)
    finished = torch.zeros(n, dtype=torch.bool, device=device)
    prev = torch.full((n,), BOS, dtype=torch.long, device=device)
    base = (torch.arange(batch_size, device=device) * beam)[:, None]
    for _ in range(max_len):
        logits, state = step(prev, state)
        logp = torch.log_softmax(logits.float(), dim=-1)
        vocab = logp.shape[-1]
        logp = torch.where(finished[:, None], torch.full_like(logp, float("-inf")), logp)
        logp[:, PAD] = torch.where(finished, 0.0, float("-inf"))
        candidates = (scores.reshape(n, 1) + logp).view(batch_size, beam * vocab)
        scores, index = candidates.topk(beam, dim=1)
        rows = (base + torch.div(index, vocab, rounding_mode="floor")).reshape(n)
        prev = (index % vocab).reshape(n)
        tokens = torch.cat([tokens[rows], prev[:, None]], dim=1)
        lengths = lengths[rows] + (~finished[rows]).float()
        finished = finished[rows] | (prev == EOS)
        state = reorder(state, rows)
        if bool(finished.all()):
            break
    normalised = scores.reshape(n) / lengths.clamp(min=1) ** length_penalty
    best = base.squeeze(1) + normalised.view(batch_size, beam).argmax(dim=1)
    return tokens[best]
