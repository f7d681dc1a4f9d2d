"""What every task shares: vocabulary, batches, pooled examples, task info.

A task builds its examples once, seeded, as padded tensors ("pools"); a
training batch is drawn by index and trimmed to its longest member, so taking
a batch costs microseconds next to a training step.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import torch

from engine.data import BOS, EOS, PAD, SPECIALS, UNK, Batch, TaskInfo

class Vocab:
    """Tokens <-> ids. Ids 0-3 are the specials; `joiner` glues decoded tokens."""

    def __init__(self, tokens: Iterable[str], joiner: str = ""):
        self.itos: list[str] = list(SPECIALS)
        self.stoi: dict[str, int] = {s: i for i, s in enumerate(self.itos)}
        for token in tokens:
            if token not in self.stoi:
                self.stoi[token] = len(self.itos)
                self.itos.append(token)
        self.joiner = joiner

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, tokens: Iterable[str]) -> list[int]:
        return [self.stoi.get(t, UNK) for t in tokens]

    def tokens(self, ids: Iterable[int], stop_at_eos: bool = True) -> list[str]:
        out = []
        for i in ids:
            i = int(i)
            if i == EOS and stop_at_eos:
                break
            if i in (PAD, BOS, EOS):  # EOS too, when not stopping at it
                continue
            out.append(self.itos[i] if 0 <= i < len(self.itos) else "<?>")
        return out

    def decode(self, ids: Iterable[int], stop_at_eos: bool = True) -> str:
        return self.joiner.join(self.tokens(ids, stop_at_eos))


def pad(sequences: Sequence[Sequence[int]], length: int | None = None) -> np.ndarray:
    length = length or max((len(s) for s in sequences), default=1)
    out = np.full((len(sequences), max(length, 1)), PAD, dtype=np.int64)
    for row, seq in enumerate(sequences):
        out[row, :len(seq)] = seq
    return out


class Pool:
    """Fixed examples as padded CPU tensors; batches are drawn by index."""

    def __init__(self, src, src_lengths, target, tgt_in=None, tgt_lengths=None):
        self.src = torch.as_tensor(src)
        self.src_lengths = torch.as_tensor(src_lengths, dtype=torch.int64)
        self.target = torch.as_tensor(target)
        self.tgt_in = None if tgt_in is None else torch.as_tensor(tgt_in)
        self.tgt_lengths = None if tgt_lengths is None else torch.as_tensor(tgt_lengths, dtype=torch.int64)
        self.target_is_sequence = self.target.dim() >= 2

    def __len__(self) -> int:
        return self.src.shape[0]

    def take(self, index: torch.Tensor) -> Batch:
        src_lengths = self.src_lengths[index]
        s = int(src_lengths.max())
        src = self.src[index, :s]
        tgt_in = tgt_lengths = None
        if self.tgt_in is not None:
            tgt_lengths = self.tgt_lengths[index]
            t = int(tgt_lengths.max())
            tgt_in = self.tgt_in[index, :t]
            target = self.target[index, :t]
        elif self.target_is_sequence:
            target = self.target[index, :s]
        else:
            target = self.target[index]
        return Batch(src, src_lengths, target, tgt_in, tgt_lengths)

    def sample(self, batch_size: int, generator: torch.Generator) -> Batch:
        return self.take(torch.randint(len(self), (batch_size,), generator=generator))

    def batches(self, batch_size: int, limit: int | None = None) -> list[Batch]:
        """The pool in order, in batches (for evaluation)."""
        n = len(self) if limit is None else min(len(self), limit)
        return [self.take(torch.arange(i, min(i + batch_size, n))) for i in range(0, n, batch_size)]


def pool_text(pool: Pool) -> torch.Tensor:
    """Next-token examples as one stream of ids: each one's inputs, then its last target."""
    rows = [torch.cat([pool.src[i, :n], pool.target[i, n - 1:n]]) for i, n in enumerate(pool.src_lengths.tolist())]
    return torch.cat(rows) if rows else torch.zeros(0, dtype=torch.int64)


def rng(seed: int, stream: int) -> np.random.Generator:
    """Independent, reproducible random streams for one task (0 train, 1 validation)."""
    return np.random.default_rng([seed, stream])


class Task:
    """A task: seeded data, vocabulary, metric, and text for examples."""

    name: str = ""
    title: str = ""
    kinds: tuple[str, ...] = ()  # supported layouts, preferred first
    labels: list[str] = []  # class names (classify); subclasses set their own

    def __init__(self, spec, kind: str, seed: int):
        if kind not in self.kinds:
            raise ValueError(f"task {self.name} has no {kind} layout")
        self.spec = spec
        self.kind = kind
        self.seed = seed
        self.vocab: Vocab | None = None
        self.train_pool: Pool
        self.val_pool: Pool

    @classmethod
    def max_lengths(cls, spec) -> tuple[int, int]:
        """(longest input, longest output incl. EOS) for a task spec, before building."""
        raise NotImplementedError

    @property
    def info(self) -> TaskInfo:
        raise NotImplementedError

    def train_batch(self, batch_size: int, generator: torch.Generator) -> Batch:
        return self.train_pool.sample(batch_size, generator)

    def val_batches(self, batch_size: int, limit: int | None = None) -> list[Batch]:
        return self.val_pool.batches(batch_size, limit)

    def train_text(self) -> torch.Tensor:
        """A next-token task's training data as one stream of ids, in order: what a Markov chain counts."""
        return pool_text(self.train_pool)

    def input_text(self, batch: Batch, i: int) -> str:
        return self.vocab.decode(batch.src[i, :int(batch.src_lengths[i])].tolist())

    def target_text(self, batch: Batch, i: int) -> str:
        if self.kind == "classify":
            return self.labels[int(batch.target[i])]
        return self.vocab.decode(batch.target[i].tolist())

    def output_text(self, output) -> str:
        """Text of one model output: a class id or a sequence of token ids."""
        if self.kind == "classify":
            return self.labels[int(output)]
        return self.vocab.decode(list(output))

    def token_labels(self, batch: Batch, i: int) -> dict[str, list[str]]:
        """Axis labels for example i: its input tokens, decoder inputs and targets."""
        def labels(ids, length):
            return [self.vocab.itos[t] for t in ids[:length].tolist()]

        n = int(batch.src_lengths[i])
        out = {"input": labels(batch.src[i], n)}
        if batch.tgt_in is not None:
            m = int(batch.tgt_lengths[i])
            out["decoder_input"] = labels(batch.tgt_in[i], m)
            out["target"] = labels(batch.target[i], m)
        elif self.kind == "classify":
            out["target"] = [self.labels[int(batch.target[i])]]
        else:
            out["target"] = labels(batch.target[i], n)
        return out

    def count_correct(self, batch: Batch, outputs: torch.Tensor) -> int:
        """How many generated sequences (B, T) equal their targets exactly."""
        return sum(self.vocab.tokens(out) == self.vocab.tokens(tgt)
                   for out, tgt in zip(outputs.tolist(), batch.target.tolist()))

    def describe_example(self, batch: Batch, i: int, output=None) -> str:
        line = f"{self.input_text(batch, i)!r} -> {self.target_text(batch, i)!r}"
        if output is not None:
            line += f" (model: {self.output_text(output)!r})"
        return line
