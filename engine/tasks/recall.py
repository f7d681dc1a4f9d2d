"""Long-range recall: see a cue, then T distractors; answer with the cue.

The answer depends only on the first input, T+1 steps before the output, so
the task measures how far back a model can carry information.
"""

from __future__ import annotations

import numpy as np

from engine.tasks.pairs import SymbolTask, symbols


class RecallTask(SymbolTask):
    name, title = "recall", "Long-range recall"
    kinds = ("classify",)

    def __init__(self, spec, kind, seed):
        self.labels = symbols(spec.vocab_size)  # the answer is one of the symbols
        super().__init__(spec, kind, seed)

    @classmethod
    def max_lengths(cls, spec):
        return spec.distractors + 1, 0

    def make_examples(self, gen: np.random.Generator, n: int):
        ids = gen.integers(0, len(self._symbols), size=(n, self.spec.distractors + 1))
        return [([self._symbols[i] for i in row], self._symbols[row[0]]) for row in ids]
