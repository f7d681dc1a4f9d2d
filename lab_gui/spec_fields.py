"""What the forms show for each spec key: a label, the choices, and when the
key applies (the form hides keys the chosen family or task does not use)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine import spec as S

Applies = Callable[[S.ExperimentSpec], bool]


def _always(_spec) -> bool:
    return True


def _recurrent(spec) -> bool:
    return spec.model.family in ("rnn", "seq2seq")


def _transformer(spec) -> bool:
    return spec.model.family == "transformer"


def _tasks(*names: str) -> Applies:
    return lambda spec: spec.task.name in names


SYMBOL_TASKS = ("copy", "reverse", "sort", "recall")
SERIES_TASKS = ("sines", "random_walk", "csv")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    choices: tuple = ()  # for a combo box; "" stands for None where the key allows it
    applies: Applies = _always
    help: str = ""

    @property
    def live(self) -> bool:
        """A running training takes a new value at its next step (the engine's list, one for both)."""
        return self.key in S.LIVE_SETTINGS


MODEL_FIELDS = [
    Field("model.family", "Family", S.FAMILIES, help="rnn: one recurrent network; seq2seq: encoder-decoder; "
                                                     "transformer: attention only"),
    Field("model.cell", "Cell", S.CELLS, _recurrent, "rnn_tanh / rnn_relu: plain RNN; lstm; gru"),
    Field("model.decoder_cell", "Decoder cell", ("",) + S.CELLS, lambda s: s.model.family == "seq2seq",
          "empty: the same as the encoder's cell"),
    Field("model.attention", "Attention", S.ATTENTIONS, lambda s: s.model.family == "seq2seq",
          "none: the decoder sees one context vector; dot, general (Luong), additive (Bahdanau)"),
    Field("model.arch", "Architecture", S.TRANSFORMER_ARCHS, _transformer),
    Field("model.embedding_size", "Embedding size", applies=_recurrent),
    Field("model.hidden_size", "Hidden size", applies=_recurrent),
    Field("model.d_model", "Model width (d_model)", applies=_transformer),
    Field("model.heads", "Attention heads", applies=_transformer),
    Field("model.ff_size", "Feed-forward size", applies=_transformer),
    Field("model.layers", "Layers"),
    Field("model.bidirectional", "Bidirectional encoder", applies=_recurrent),
    Field("model.forget_bias", "Keep-gate bias",
          help="Initial bias of the gate that keeps the state: the LSTM forget gate, the GRU update gate",
          applies=lambda s: _recurrent(s) and bool({"lstm", "gru"} & {s.model.cell, s.model.decoder_cell})),
    Field("model.norm", "Layer norm", S.NORMS, _transformer),
    Field("model.positional", "Positional encoding", S.POSITIONALS, _transformer),
    Field("model.causal", "Causal mask (decoder)", applies=lambda s: _transformer(s) and s.model.arch != "encoder"),
    Field("model.max_len", "Longest position", applies=_transformer),
    Field("model.dropout", "Dropout"),
]

TASK_FIELDS = [
    Field("task.name", "Task", S.TASK_NAMES),
    Field("task.path", "File", applies=_tasks("text_file", "csv"), help="a UTF-8 text file, or a CSV"),
    Field("task.column", "CSV column", applies=_tasks("csv"), help="a name or 0-based index; empty: the first numeric"),
    Field("task.length", "Sequence length"),
    Field("task.min_length", "Shortest sequence", applies=_tasks(*SYMBOL_TASKS, "sentiment", "sentiment_generation")),
    Field("task.vocab_size", "Symbols", applies=_tasks(*SYMBOL_TASKS)),
    Field("task.distractors", "Distractors", applies=_tasks("recall"),
          help="tokens between the cue and the query: how far back the model must remember"),
    Field("task.digits", "Digits", applies=_tasks("addition")),
    Field("task.horizon", "Forecast horizon", applies=_tasks(*SERIES_TASKS)),
    Field("task.train_size", "Training examples"),
    Field("task.val_size", "Validation examples"),
]

TRAINING_FIELDS = [
    Field("training.steps", "Steps"),
    Field("training.batch_size", "Batch size"),
    Field("training.optimizer", "Optimizer", S.OPTIMIZERS),
    Field("training.lr", "Learning rate"),
    Field("training.schedule", "Schedule", S.SCHEDULES),
    Field("training.warmup_steps", "Warm-up steps", applies=lambda s: s.training.schedule != "constant"),
    Field("training.momentum", "Momentum", applies=lambda s: s.training.optimizer == "sgd"),
    Field("training.weight_decay", "Weight decay"),
    Field("training.clip_norm", "Clip gradient norm", help="0 turns clipping off"),
    Field("training.teacher_forcing", "Teacher forcing",
          applies=lambda s: s.model.family == "seq2seq"),
    Field("training.teacher_forcing_end", "Teacher forcing at end", ("",),
          applies=lambda s: s.model.family == "seq2seq", help="empty: no schedule"),
    Field("training.on_nonfinite", "On NaN or Inf", S.NONFINITE_ACTIONS,
          help="stop: end the run, keeping the weights from before that step; skip: drop the step and count it"),
    Field("training.eval_every", "Evaluate every"),
    Field("training.device", "Device", S.DEVICES),
    Field("training.precision", "Precision", S.PRECISIONS),
    Field("training.seed", "Seed"),
    Field("probes.every", "Probe every", help="steps between probe snapshots; 0 turns probes off"),
    Field("probes.gradient_loss", "Gradient of", S.GRADIENT_LOSSES,
          help="last: the loss at the last output position; full: the whole loss"),
]

ALL_FIELDS = {f.key: f for f in MODEL_FIELDS + TASK_FIELDS + TRAINING_FIELDS}
