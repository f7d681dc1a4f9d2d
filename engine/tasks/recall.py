"""Long-range recall: see a cue, then T distractors; answer with the cue.

The answer depends only on the first input, T+1 steps before the output, so
the task measures how far back a model can carry information.
"""

from __future__ import annotations

import numpy as np

from engine.tasks.pairs import PairTask, joiner_for, symbols


class RecallTask(PairTask):
    name, title = "recall", "Long-range recall"
    kinds = ("classify",)

    def __init__(self, spec, kind, seed):
        self._symbols = symbols(spec.vocab_size)
        self.joiner = joiner_for(self._symbols)
        self.labels = list(self._symbols)
        super().__init__(spec, kind, seed)

    def alphabet(self):
        return self._symbols

    @classmethod
    def max_lengths(cls, spec):
        return spec.distractors + 1, 0

    def make_examples(self, gen: np.random.Generator, n: int):
        ids = gen.integers(0, len(self._symbols), size=(n, self.spec.distractors + 1))
        return [([self._symbols[i] for i in row], self._symbols[row[0]]) for row in ids]
