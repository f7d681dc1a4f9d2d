"""Copy, reverse and sort variable-length symbol sequences."""

from __future__ import annotations

import numpy as np

from engine.tasks.pairs import SymbolTask


class SequenceOpTask(SymbolTask):
    kinds = ("seq2seq", "tagging")  # output length = input length, so it can also be tagged

    @classmethod
    def max_lengths(cls, spec):
        return spec.length, spec.length + 1

    def transform(self, seq: list[str]) -> list[str]:
        raise NotImplementedError

    def make_examples(self, gen: np.random.Generator, n: int):
        lengths = gen.integers(self.spec.min_length, self.spec.length + 1, size=n)
        ids = gen.integers(0, len(self._symbols), size=(n, self.spec.length))
        out = []
        for length, row in zip(lengths, ids):
            seq = [self._symbols[i] for i in row[:length]]
            out.append((seq, self.transform(seq)))
        return out


class CopyTask(SequenceOpTask):
    name, title = "copy", "Copy a sequence"

    def transform(self, seq):
        return list(seq)


class ReverseTask(SequenceOpTask):
    name, title = "reverse", "Reverse a sequence"

    def transform(self, seq):
        return seq[::-1]


class SortTask(SequenceOpTask):
    name, title = "sort", "Sort a sequence"

    def transform(self, seq):
        order = {s: i for i, s in enumerate(self._symbols)}
        return sorted(seq, key=order.__getitem__)
