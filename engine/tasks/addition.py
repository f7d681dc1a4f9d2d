"""Addition written as characters: "123+45=" -> "168"."""

from __future__ import annotations

import numpy as np

from engine.tasks.pairs import PairTask


class AdditionTask(PairTask):
    name, title = "addition", "Addition as characters"
    kinds = ("seq2seq",)

    def alphabet(self):
        return list("0123456789+=")

    @classmethod
    def max_lengths(cls, spec):
        return 2 * spec.digits + 2, spec.digits + 2

    def make_examples(self, gen: np.random.Generator, n: int):
        d = self.spec.digits
        # Draw the number of digits first, so short operands are as common as long ones.
        widths = gen.integers(1, d + 1, size=(n, 2))
        out = []
        for wa, wb in widths:
            a = int(gen.integers(10 ** (wa - 1) if wa > 1 else 0, 10 ** wa))
            b = int(gen.integers(10 ** (wb - 1) if wb > 1 else 0, 10 ** wb))
            out.append((list(f"{a}+{b}="), list(str(a + b))))
        return out
