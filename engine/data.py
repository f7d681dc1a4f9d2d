"""Plain data shared by tasks and models: special token ids, task layouts,
batches and what a model needs to know about a task.

Tasks produce these and models consume them; neither imports the other.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch

PAD, BOS, EOS, UNK = 0, 1, 2, 3
SPECIALS = ("<pad>", "<bos>", "<eos>", "<unk>")

# How a task's examples are laid out, and so which model heads can learn it.
KINDS = {
    "lm": "next-token prediction (many-to-many, causal)",
    "tagging": "one label per input position (many-to-many, aligned)",
    "classify": "one label per sequence (many-to-one)",
    "seq2seq": "an output sequence for an input sequence (encoder-decoder)",
    "generate": "an output sequence from one start token (one-to-many)",
    "regression": "the next values of a time series",
}
TOKEN_KINDS = ("lm", "tagging", "seq2seq", "generate")



@dataclass
class Batch:
    """One batch. Lengths stay on the CPU: packing RNN inputs needs them there.

    lm / tagging:  src (B,S) ids, target (B,S) ids, PAD where there is no target
    classify:      src (B,S) ids, target (B,) class ids
    seq2seq / generate: src (B,S) ids, tgt_in (B,T) = BOS+y, target (B,T) = y+EOS
    regression:    src (B,S,1) values, target (B,S) the values `horizon` steps on
    """

    src: torch.Tensor
    src_lengths: torch.Tensor
    target: torch.Tensor
    tgt_in: torch.Tensor | None = None
    tgt_lengths: torch.Tensor | None = None

    @property
    def size(self) -> int:
        return self.src.shape[0]

    @property
    def all_full_length(self) -> bool:
        """True when no sequence is padded (the RNN need not be packed)."""
        return bool(self.src_lengths.min() == self.src.shape[1])

    def to(self, device: torch.device | str) -> "Batch":
        moved = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or f.name.endswith("lengths"):
                moved[f.name] = value
            else:
                moved[f.name] = value.to(device, non_blocking=True)
        return Batch(**moved)

    def tokens(self) -> int:
        """Input tokens in the batch (for tokens per second)."""
        return int(self.src_lengths.sum())


@dataclass(frozen=True)
class TaskInfo:
    """What a model builder needs to know about a task."""

    kind: str
    src_vocab_size: int  # 0 for regression
    tgt_vocab_size: int  # classes for classify, vocabulary for token kinds, 0 for regression
    input_features: int  # 1 for regression, 0 otherwise
    max_src_len: int
    max_tgt_len: int  # including EOS; 0 where there is no target sequence
    metric: str  # token_accuracy | sequence_accuracy | accuracy | mse | sentiment_match
