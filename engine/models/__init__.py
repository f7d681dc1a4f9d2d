"""Sequence models: recurrent, seq2seq (with attention), Transformer, and the two
the course builds up to the RNN with: a fixed window and a Markov chain."""

from __future__ import annotations

from torch import nn

from engine.data import TaskInfo
from engine.models.objectives import compute_loss
from engine.models.recurrent import RecurrentModel
from engine.models.seq2seq import OneToManyModel, Seq2SeqModel
from engine.models.summary import format_summary, parameter_count, shape_summary
from engine.models.markov import MarkovChain
from engine.models.transformer import TransformerModel
from engine.models.window import WindowModel


def build_model(spec, info: TaskInfo) -> nn.Module:
    """The model for a (validated) model spec and the task layout it will learn."""
    if spec.family == "rnn":
        return OneToManyModel(spec, info) if info.kind == "generate" else RecurrentModel(spec, info)
    if spec.family == "seq2seq":
        return Seq2SeqModel(spec, info)
    if spec.family == "window":
        return WindowModel(spec, info)
    if spec.family == "markov":
        return MarkovChain(spec, info)
    return TransformerModel(spec, info)


__all__ = ["build_model", "compute_loss", "parameter_count", "shape_summary", "format_summary"]
