"""Tasks given as (input tokens, output) pairs: sequence ops, recall, addition,
dates, sentiment. One place turns pairs into pools for every layout."""

from __future__ import annotations

import numpy as np

from engine.data import BOS, EOS, TaskInfo
from engine.tasks.base import Pool, Task, Vocab, pad, rng

Example = tuple[list[str], "list[str] | str"]


class PairTask(Task):
    joiner = ""
    metric_by_kind = {"seq2seq": "sequence_accuracy", "generate": "sequence_accuracy",
                      "tagging": "token_accuracy", "classify": "accuracy"}

    def alphabet(self) -> list[str]:
        """Every token, in a fixed order, so ids never depend on the drawn data."""
        raise NotImplementedError

    def make_examples(self, gen: np.random.Generator, n: int) -> list[Example]:
        raise NotImplementedError

    def __init__(self, spec, kind: str, seed: int):
        super().__init__(spec, kind, seed)
        self.vocab = Vocab(self.alphabet(), self.joiner)
        # Validation is a fresh draw from the same distribution (its own seed).
        # Removing validation inputs from training instead would bias the
        # training set: every short input would be held out, never learnt.
        self.train_pool = self._pool(self.make_examples(rng(seed, 0), spec.train_size))
        self.val_pool = self._pool(self.make_examples(rng(seed, 1), spec.val_size))

    def _pool(self, examples: list[Example]) -> Pool:
        srcs = [self.vocab.encode(src) for src, _ in examples]
        src_lengths = [len(s) for s in srcs]
        src = pad(srcs)
        if self.kind == "classify":
            target = np.array([self.labels.index(y) for _, y in examples], dtype=np.int64)
            return Pool(src, src_lengths, target)
        outs = [self.vocab.encode(y) for _, y in examples]
        if self.kind == "tagging":
            return Pool(src, src_lengths, pad(outs, src.shape[1]))
        tgt_in = pad([[BOS] + y for y in outs])
        target = pad([y + [EOS] for y in outs])
        return Pool(src, src_lengths, target, tgt_in, [len(y) + 1 for y in outs])

    @property
    def info(self) -> TaskInfo:
        src_len, tgt_len = self.max_lengths(self.spec)
        classify = self.kind == "classify"
        return TaskInfo(
            kind=self.kind,
            src_vocab_size=len(self.vocab),
            tgt_vocab_size=len(self.labels) if classify else len(self.vocab),
            input_features=0,
            max_src_len=src_len,
            max_tgt_len=0 if classify else tgt_len,
            metric=self.metric_by_kind[self.kind],
        )


def symbols(count: int) -> list[str]:
    """Readable one-character symbols where possible, numbered tokens beyond."""
    chars = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return list(chars[:count]) if count <= len(chars) else [f"s{i}" for i in range(count)]


def joiner_for(tokens: list[str]) -> str:
    return "" if all(len(t) == 1 for t in tokens) else " "


class SymbolTask(PairTask):
    """A pair task over `task.vocab_size` abstract symbols."""

    def __init__(self, spec, kind: str, seed: int):
        self._symbols = symbols(spec.vocab_size)
        self.joiner = joiner_for(self._symbols)
        super().__init__(spec, kind, seed)

    def alphabet(self):
        return self._symbols
