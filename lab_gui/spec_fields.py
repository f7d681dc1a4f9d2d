"""What the forms show for each spec key: a label, the choices, and when the
key applies (the form hides keys the chosen family or task does not use)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from engine import spec as S
from engine.translation import QT_TRANSLATE_NOOP

Applies = Callable[[S.ExperimentSpec], bool]


def _always(_spec) -> bool:
    return True


def _recurrent(spec) -> bool:
    return spec.model.family in ("rnn", "seq2seq")


def _transformer(spec) -> bool:
    return spec.model.family == "transformer"


def _neural(spec) -> bool:
    """A network that trains by gradients (a Markov chain counts instead)."""
    return spec.model.family != "markov"


def _embedded(spec) -> bool:
    return spec.model.family in ("rnn", "seq2seq", "window")


def _tasks(*names: str) -> Applies:
    return lambda spec: spec.task.name in names


SYMBOL_TASKS = ("copy", "reverse", "sort", "recall")
SERIES_TASKS = ("sines", "random_walk", "csv")


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # marked for translation in the "Forms" context, shown translated
    choices: tuple = ()  # for a combo box; "" stands for None where the key allows it
    applies: Applies = _always
    help: str = ""  # as the label

    @property
    def live(self) -> bool:
        """A running training takes a new value at its next step (the engine's list, one for both)."""
        return self.key in S.LIVE_SETTINGS


MODEL_FIELDS = [
    Field("model.family", QT_TRANSLATE_NOOP("Forms", "Family"), S.FAMILIES,
          help=QT_TRANSLATE_NOOP("Forms", "rnn: one recurrent network; seq2seq: encoder-decoder; "
                                   "transformer: attention only")),
    Field("model.cell", QT_TRANSLATE_NOOP("Forms", "Cell"), S.CELLS, _recurrent,
          QT_TRANSLATE_NOOP("Forms", "rnn_tanh / rnn_relu: plain RNN; lstm; gru")),
    Field("model.decoder_cell", QT_TRANSLATE_NOOP("Forms", "Decoder cell"), ("",) + S.CELLS,
          lambda s: s.model.family == "seq2seq",
          QT_TRANSLATE_NOOP("Forms", "empty: the same as the encoder's cell")),
    Field("model.attention", QT_TRANSLATE_NOOP("Forms", "Attention"), S.ATTENTIONS,
          lambda s: s.model.family == "seq2seq",
          QT_TRANSLATE_NOOP("Forms", "none: the decoder sees one context vector; dot, general (Luong), "
                              "additive (Bahdanau)")),
    Field("model.arch", QT_TRANSLATE_NOOP("Forms", "Architecture"), S.TRANSFORMER_ARCHS, _transformer),
    Field("model.context", QT_TRANSLATE_NOOP("Forms", "Window (last inputs seen)"),
          applies=lambda s: s.model.family == "window"),
    Field("model.order", QT_TRANSLATE_NOOP("Forms", "Order (previous tokens)"),
          applies=lambda s: s.model.family == "markov"),
    Field("model.smoothing", QT_TRANSLATE_NOOP("Forms", "Smoothing (add-alpha)"),
          applies=lambda s: s.model.family == "markov"),
    Field("model.embedding_size", QT_TRANSLATE_NOOP("Forms", "Embedding size"), applies=_embedded),
    Field("model.hidden_size", QT_TRANSLATE_NOOP("Forms", "Hidden size"), applies=_embedded),
    Field("model.d_model", QT_TRANSLATE_NOOP("Forms", "Model width (d_model)"), applies=_transformer),
    Field("model.heads", QT_TRANSLATE_NOOP("Forms", "Attention heads"), applies=_transformer),
    Field("model.ff_size", QT_TRANSLATE_NOOP("Forms", "Feed-forward size"), applies=_transformer),
    Field("model.layers", QT_TRANSLATE_NOOP("Forms", "Layers"), applies=_neural),
    Field("model.bidirectional", QT_TRANSLATE_NOOP("Forms", "Bidirectional encoder"), applies=_recurrent),
    Field("model.forget_bias", QT_TRANSLATE_NOOP("Forms", "Keep-gate bias"),
          help=QT_TRANSLATE_NOOP("Forms", "Initial bias of the gate that keeps the state: the LSTM forget gate, "
                                   "the GRU update gate"),
          applies=lambda s: _recurrent(s) and bool({"lstm", "gru"} & {s.model.cell, s.model.decoder_cell})),
    Field("model.norm", QT_TRANSLATE_NOOP("Forms", "Layer norm"), S.NORMS, _transformer),
    Field("model.positional", QT_TRANSLATE_NOOP("Forms", "Positional encoding"), S.POSITIONALS, _transformer),
    Field("model.causal", QT_TRANSLATE_NOOP("Forms", "Causal mask (decoder)"),
          applies=lambda s: _transformer(s) and s.model.arch != "encoder"),
    Field("model.max_len", QT_TRANSLATE_NOOP("Forms", "Longest position"), applies=_transformer),
    Field("model.dropout", QT_TRANSLATE_NOOP("Forms", "Dropout"), applies=_neural),
]

TASK_FIELDS = [
    Field("task.name", QT_TRANSLATE_NOOP("Forms", "Task"), S.TASK_NAMES),
    Field("task.path", QT_TRANSLATE_NOOP("Forms", "File"), applies=_tasks("text_file", "csv"),
          help=QT_TRANSLATE_NOOP("Forms", "a UTF-8 text file, or a CSV")),
    Field("task.column", QT_TRANSLATE_NOOP("Forms", "CSV column"), applies=_tasks("csv"),
          help=QT_TRANSLATE_NOOP("Forms", "a name or 0-based index; empty: the first numeric")),
    Field("task.length", QT_TRANSLATE_NOOP("Forms", "Sequence length")),
    Field("task.min_length", QT_TRANSLATE_NOOP("Forms", "Shortest sequence"),
          applies=_tasks(*SYMBOL_TASKS, "sentiment", "sentiment_generation")),
    Field("task.vocab_size", QT_TRANSLATE_NOOP("Forms", "Symbols"), applies=_tasks(*SYMBOL_TASKS)),
    Field("task.distractors", QT_TRANSLATE_NOOP("Forms", "Distractors"), applies=_tasks("recall"),
          help=QT_TRANSLATE_NOOP("Forms", "tokens between the cue and the query: how far back the model must "
                                   "remember")),
    Field("task.digits", QT_TRANSLATE_NOOP("Forms", "Digits"), applies=_tasks("addition")),
    Field("task.horizon", QT_TRANSLATE_NOOP("Forms", "Forecast horizon"), applies=_tasks(*SERIES_TASKS)),
    Field("task.train_size", QT_TRANSLATE_NOOP("Forms", "Training examples")),
    Field("task.val_size", QT_TRANSLATE_NOOP("Forms", "Validation examples")),
]

TRAINING_FIELDS = [
    Field("training.steps", QT_TRANSLATE_NOOP("Forms", "Steps")),
    Field("training.batch_size", QT_TRANSLATE_NOOP("Forms", "Batch size")),
    Field("training.optimizer", QT_TRANSLATE_NOOP("Forms", "Optimizer"), S.OPTIMIZERS, _neural),
    Field("training.lr", QT_TRANSLATE_NOOP("Forms", "Learning rate"), applies=_neural),
    Field("training.schedule", QT_TRANSLATE_NOOP("Forms", "Schedule"), S.SCHEDULES, _neural),
    Field("training.warmup_steps", QT_TRANSLATE_NOOP("Forms", "Warm-up steps"),
          applies=lambda s: _neural(s) and s.training.schedule != "constant"),
    Field("training.momentum", QT_TRANSLATE_NOOP("Forms", "Momentum"),
          applies=lambda s: _neural(s) and s.training.optimizer == "sgd"),
    Field("training.weight_decay", QT_TRANSLATE_NOOP("Forms", "Weight decay"), applies=_neural),
    Field("training.clip_norm", QT_TRANSLATE_NOOP("Forms", "Clip gradient norm"), applies=_neural,
          help=QT_TRANSLATE_NOOP("Forms", "0 turns clipping off")),
    Field("training.teacher_forcing", QT_TRANSLATE_NOOP("Forms", "Teacher forcing"),
          applies=lambda s: s.model.family == "seq2seq"),
    Field("training.teacher_forcing_end", QT_TRANSLATE_NOOP("Forms", "Teacher forcing at end"), ("",),
          applies=lambda s: s.model.family == "seq2seq", help=QT_TRANSLATE_NOOP("Forms", "empty: no schedule")),
    Field("training.on_nonfinite", QT_TRANSLATE_NOOP("Forms", "On NaN or Inf"), S.NONFINITE_ACTIONS,
          help=QT_TRANSLATE_NOOP("Forms", "stop: end the run, keeping the weights from before that step; "
                                   "skip: drop the step and count it")),
    Field("training.eval_every", QT_TRANSLATE_NOOP("Forms", "Evaluate every")),
    Field("training.device", QT_TRANSLATE_NOOP("Forms", "Device"), S.DEVICES),
    Field("training.precision", QT_TRANSLATE_NOOP("Forms", "Precision"), S.PRECISIONS),
    Field("training.seed", QT_TRANSLATE_NOOP("Forms", "Seed")),
    Field("probes.every", QT_TRANSLATE_NOOP("Forms", "Probe every"),
          help=QT_TRANSLATE_NOOP("Forms", "steps between probe snapshots; 0 turns probes off")),
    Field("probes.gradient_loss", QT_TRANSLATE_NOOP("Forms", "Gradient of"), S.GRADIENT_LOSSES,
          help=QT_TRANSLATE_NOOP("Forms", "last: the loss at the last output position; full: the whole loss")),
]

# The choices that are words, shown in the window's language ("Choices" context);
# the others are names (lstm, gru, adam, cpu, fp32) and read the same in any.
CHOICE_WORDS = (
    QT_TRANSLATE_NOOP("Choices", "transformer"), QT_TRANSLATE_NOOP("Choices", "window"),
    QT_TRANSLATE_NOOP("Choices", "markov"), QT_TRANSLATE_NOOP("Choices", "none"),
    QT_TRANSLATE_NOOP("Choices", "dot"), QT_TRANSLATE_NOOP("Choices", "general"),
    QT_TRANSLATE_NOOP("Choices", "additive"), QT_TRANSLATE_NOOP("Choices", "encoder"),
    QT_TRANSLATE_NOOP("Choices", "decoder"), QT_TRANSLATE_NOOP("Choices", "encoder_decoder"),
    QT_TRANSLATE_NOOP("Choices", "pre"), QT_TRANSLATE_NOOP("Choices", "post"),
    QT_TRANSLATE_NOOP("Choices", "sinusoidal"), QT_TRANSLATE_NOOP("Choices", "learned"),
    QT_TRANSLATE_NOOP("Choices", "constant"), QT_TRANSLATE_NOOP("Choices", "warmup"),
    QT_TRANSLATE_NOOP("Choices", "cosine"), QT_TRANSLATE_NOOP("Choices", "auto"),
    QT_TRANSLATE_NOOP("Choices", "stop"), QT_TRANSLATE_NOOP("Choices", "skip"),
    QT_TRANSLATE_NOOP("Choices", "last"), QT_TRANSLATE_NOOP("Choices", "full"),
    QT_TRANSLATE_NOOP("Choices", "hello"), QT_TRANSLATE_NOOP("Choices", "shakespeare"),
    QT_TRANSLATE_NOOP("Choices", "text_file"), QT_TRANSLATE_NOOP("Choices", "copy"),
    QT_TRANSLATE_NOOP("Choices", "reverse"), QT_TRANSLATE_NOOP("Choices", "sort"),
    QT_TRANSLATE_NOOP("Choices", "recall"), QT_TRANSLATE_NOOP("Choices", "addition"),
    QT_TRANSLATE_NOOP("Choices", "dates"), QT_TRANSLATE_NOOP("Choices", "sentiment"),
    QT_TRANSLATE_NOOP("Choices", "sentiment_generation"), QT_TRANSLATE_NOOP("Choices", "sines"),
    QT_TRANSLATE_NOOP("Choices", "random_walk"), QT_TRANSLATE_NOOP("Choices", "csv"),
)

ALL_FIELDS = {f.key: f for f in MODEL_FIELDS + TASK_FIELDS + TRAINING_FIELDS}
