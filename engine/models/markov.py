"""The Markov chain of order k: the next token depends only on the k before it.

No gradients: it learns by counting. Every transition (k previous tokens, next
token) of the training text is counted once, in order, a slice of the text per
training step; P(next | context) = (count + alpha) / (context count + alpha V)
(add-alpha smoothing, so an unseen next token keeps some probability and an
unseen context is uniform). A position with fewer than k tokens before it uses
the chain of the order it has (the first token of a window is predicted from
one, the second from two, ...), so windows are scored like an RNN scores them.

Counts are kept sparse: per order j, the sorted codes of the transitions seen
(next token + V * previous + V^2 * the one before ...) and their counts, so
order 5 over a play's characters is a few hundred thousand numbers, not V^6.
The forward pass returns log-probabilities, which are logits like any other
model's: softmax gives the chain's probabilities back, cross-entropy its loss.
"""

from __future__ import annotations

import torch
from torch import nn

from engine.data import Batch, TaskInfo
from engine.errors import SeqLabError, SpecError
from engine.events import MARKOV_STATES

CODE_LIMIT = 2 ** 62  # codes of order j reach V^(j+1): they must stay inside int64


class MarkovChain(nn.Module):
    learns_by_counting = True  # the Trainer counts with it instead of taking gradient steps
    sized_by_its_counts = True  # its buffers are as long as what it counted (checkpoints: any length)

    def __init__(self, spec, info: TaskInfo):
        super().__init__()
        self.kind = info.kind
        self.order = spec.order
        self.smoothing = spec.smoothing
        self.vocab_size = vocab = info.tgt_vocab_size
        if vocab ** (self.order + 1) >= CODE_LIMIT:
            highest = max(j for j in range(1, self.order + 1) if vocab ** (j + 1) < CODE_LIMIT)
            raise SpecError([("model.order", f"model.order={self.order} is too high for a vocabulary of "
                                             f"{vocab} tokens: at most {highest}")])
        for j in range(1, self.order + 1):
            self.register_buffer(f"codes{j}", torch.zeros(0, dtype=torch.int64))
            self.register_buffer(f"counts{j}", torch.zeros(0, dtype=torch.int64))
        # The chain has no weights. This empty parameter lets the machinery built for
        # weights (optimizer, checkpoints, parameter groups) take it like any model.
        self.no_weights = nn.Parameter(torch.zeros(0))
        # How far into the training text counting has got: the next step goes on from here.
        self.register_buffer("counted", torch.zeros((), dtype=torch.int64))

    # ------------------------------------------------------------ counting
    def count(self, text: torch.Tensor, tokens: int) -> int:
        """Count the transitions of the next `tokens` tokens of `text` (1-D ids, the whole
        training text) after those counted before; return how many tokens were new."""
        start = int(self.counted)
        end = min(len(text), start + tokens)
        if end <= start:
            return 0
        text = text.to(torch.int64)
        for j in range(1, self.order + 1):
            first = max(start, j)  # the next token must have j tokens before it
            if first >= end:
                continue
            positions = torch.arange(first, end)
            codes = text[positions].clone()
            place = self.vocab_size
            for back in range(1, j + 1):
                codes += text[positions - back] * place
                place *= self.vocab_size
            self._merge(j, codes.to(self.counted.device))
        self.counted.fill_(end)
        return end - start

    def _merge(self, j: int, codes: torch.Tensor) -> None:
        new_codes, new_counts = torch.unique(codes, return_counts=True)
        codes = torch.cat([getattr(self, f"codes{j}"), new_codes])
        counts = torch.cat([getattr(self, f"counts{j}"), new_counts])
        merged, where = torch.unique(codes, return_inverse=True)  # sorted
        setattr(self, f"codes{j}", merged)
        setattr(self, f"counts{j}", torch.zeros_like(merged).index_add_(0, where, counts))

    @property
    def transitions_counted(self) -> int:
        """Distinct (context, next token) pairs stored, over all orders."""
        return sum(len(getattr(self, f"codes{j}")) for j in range(1, self.order + 1))

    # ------------------------------------------------------- probabilities
    def next_counts(self, order: int, contexts: torch.Tensor) -> torch.Tensor:
        """(N,) context codes of `order` tokens -> (N, V) counts of each next token."""
        codes, counts = getattr(self, f"codes{order}"), getattr(self, f"counts{order}")
        vocab = self.vocab_size
        low = torch.searchsorted(codes, contexts * vocab)
        high = torch.searchsorted(codes, contexts * vocab + vocab)
        seen = high - low
        rows = torch.repeat_interleave(torch.arange(len(contexts), device=codes.device), seen)
        starts = torch.repeat_interleave(low - (torch.cumsum(seen, 0) - seen), seen)
        entries = starts + torch.arange(len(rows), device=codes.device)
        dense = torch.zeros(len(contexts), vocab, device=codes.device)
        dense[rows, codes[entries] % vocab] = counts[entries].float()
        return dense

    def log_probabilities(self, counts: torch.Tensor) -> torch.Tensor:
        alpha = self.smoothing
        return torch.log((counts + alpha) / (counts.sum(-1, keepdim=True) + alpha * self.vocab_size))

    def forward(self, batch: Batch, teacher_forcing: float = 1.0, generator=None) -> torch.Tensor:
        """(B, S, V) log P(next token | the up to `order` tokens before it, this one last)."""
        src = batch.src.to(torch.int64)
        size, steps = src.shape
        out = torch.empty(size, steps, self.vocab_size, device=src.device)
        for position in range(min(self.order - 1, steps)):  # fewer than `order` tokens so far
            context = self._codes(src[:, :position + 1])
            out[:, position] = self.log_probabilities(self.next_counts(position + 1, context))
        if steps >= self.order:
            windows = src.unfold(1, self.order, 1)  # (B, S - order + 1, order), oldest first
            context = self._codes(windows.reshape(-1, self.order))
            counts = self.next_counts(self.order, context)
            out[:, self.order - 1:] = self.log_probabilities(counts).view(size, -1, self.vocab_size)
        return out

    def _codes(self, contexts: torch.Tensor) -> torch.Tensor:
        """(N, j) tokens, oldest first -> (N,) codes, the last token the lowest digit."""
        codes = torch.zeros(contexts.shape[0], dtype=torch.int64, device=contexts.device)
        for column in range(contexts.shape[1]):
            codes = codes * self.vocab_size + contexts[:, column]
        return codes

    def transition_matrix(self) -> torch.Tensor:
        """(V, V) P(next | previous token) of the first-order chain."""
        return self.log_probabilities(self.next_counts(1, torch.arange(self.vocab_size,
                                                                       device=self.counted.device))).exp()

    # ----------------------------------------------------- saving, loading
    def input_modules(self) -> dict[str, nn.Module]:
        return {}

    def probe_forward(self, batch: Batch):
        return self(batch), {}

    @torch.no_grad()
    def probe_states(self, batch: Batch, example: int) -> dict[str, dict]:
        """What the probe view shows of a chain: P(next token) after each token of the
        example (T, V), and for order 1 the whole table P(next | previous) (V, V)."""
        length = int(batch.src_lengths[example])
        shown = {"P(next)": self(batch)[example, :length].exp().cpu().numpy()}
        if self.order == 1:
            shown["transitions"] = self.transition_matrix().cpu().numpy()
        return {MARKOV_STATES: shown}

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # The counts are as long as what was counted: take the saved sizes, once they make sense
        # (a file from someone else may hold anything).
        for j in range(1, self.order + 1):
            codes, counts = state_dict.get(f"{prefix}codes{j}"), state_dict.get(f"{prefix}counts{j}")
            if codes is None or counts is None:
                continue
            if codes.dim() != 1 or codes.shape != counts.shape or codes.dtype != torch.int64 \
                    or counts.dtype != torch.int64:
                raise SeqLabError(f"the Markov chain's counts of order {j} are not a list of codes "
                                  f"and a count for each")
            if len(codes) and (bool((codes[1:] <= codes[:-1]).any()) or int(codes[0]) < 0
                               or int(codes[-1]) >= self.vocab_size ** (j + 1) or int(counts.min()) < 0):
                raise SeqLabError(f"the Markov chain's counts of order {j} are out of order or out of range")
        for name, buffer in self._buffers.items():
            saved = state_dict.get(prefix + name)
            if saved is not None and saved.shape != buffer.shape:
                self._buffers[name] = torch.zeros(saved.shape, dtype=buffer.dtype, device=buffer.device)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
