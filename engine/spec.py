"""The experiment spec: a small typed object with a default for every field.

It is plain data (JSON in, JSON out). `validate_fields()` checks everything that
can be checked from the spec alone and names the field that is wrong; checks
that need to know the task (its kind, its sequence lengths) live in
`engine.validation`.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
import types
import typing
from dataclasses import dataclass, field

from engine.errors import SpecError
from engine.translation import (AT_LEAST, AT_MOST, BIDIRECTIONAL_TRANSFORMER, LONGER_THAN_LENGTH, NOT_DIVISIBLE,
                                ONE_OF, PRECISION_IS_FOR_CUDA, WARMUP_NEEDS_STEPS)

# window and markov: the models a course builds up to the RNN (a fixed window of
# the last inputs; a count-based chain over the last few tokens)
FAMILIES = ("rnn", "seq2seq", "transformer", "window", "markov")
CELLS = ("rnn_tanh", "rnn_relu", "lstm", "gru")
CELL_NAMES = {"rnn_tanh": "tanh RNN", "rnn_relu": "ReLU RNN", "lstm": "LSTM", "gru": "GRU"}  # for people
ATTENTIONS = ("none", "dot", "general", "additive")
TRANSFORMER_ARCHS = ("encoder", "decoder", "encoder_decoder")
NORMS = ("pre", "post")
POSITIONALS = ("sinusoidal", "learned", "none")
OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("constant", "warmup", "cosine")
DEVICES = ("auto", "cpu", "cuda", "mps")  # and "cuda:N", the N-th GPU (device_problem)
CUDA_INDEX = re.compile(r"cuda:(0|[1-9][0-9]{0,3})")
# Keys a training run takes between steps: the form's live fields, the engine's
# Trainer.set, and a run's SettingChanged (which its project spec then follows).
LIVE_SETTINGS = ("training.lr", "training.clip_norm", "training.teacher_forcing")
# auto: bf16 on a GPU that computes in it, fp16 (with a gradient scaler) on one
# that does not, fp32 on the CPU and MPS (engine.precision)
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
NONFINITE_ACTIONS = ("stop", "skip")
GRADIENT_LOSSES = ("last", "full")


@dataclass
class ModelSpec:
    family: str = "rnn"
    # Recurrent and seq2seq
    cell: str = "lstm"
    decoder_cell: str | None = None  # seq2seq decoder; None = same as `cell`
    embedding_size: int = 32
    hidden_size: int = 64
    layers: int = 1
    dropout: float = 0.0
    bidirectional: bool = False  # encoders only
    # Bias of the gate that keeps the state, at initialisation: the LSTM forget gate
    # and the GRU update gate (PyTorch starts both at 0, a gate half shut).
    forget_bias: float = 1.0
    attention: str = "none"  # seq2seq only
    # Transformer
    arch: str = "decoder"
    d_model: int = 64
    heads: int = 4
    ff_size: int = 128
    norm: str = "pre"
    positional: str = "sinusoidal"
    causal: bool = True  # decoder self-attention mask
    max_len: int = 256  # size of the positional table
    # Fixed-window autoregressive model: how many of the last inputs it sees (tau)
    context: int = 8
    # Markov chain: how many previous tokens the next depends on, and add-alpha smoothing
    order: int = 2
    smoothing: float = 0.1


@dataclass
class TaskSpec:
    name: str = "hello"
    length: int = 8  # longest sequence (ops), context (LM), window (time series)
    min_length: int = 1
    vocab_size: int = 10  # symbols for copy/reverse/sort/recall
    distractors: int = 12  # long-range recall: tokens between the cue and the query
    digits: int = 3  # addition: most digits per operand
    horizon: int = 1  # time series: how far ahead to predict
    path: str = ""  # user text file or CSV
    column: str = ""  # CSV column name or 0-based index; "" = first numeric
    train_size: int = 10000
    val_size: int = 500


@dataclass
class TrainingSpec:
    steps: int = 500
    batch_size: int = 32
    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.9  # SGD only
    weight_decay: float = 0.0
    schedule: str = "constant"
    warmup_steps: int = 0
    clip_norm: float = 1.0  # 0 turns clipping off
    eval_every: int = 100
    eval_batches: int = 4
    teacher_forcing: float = 1.0  # ratio at the start
    teacher_forcing_end: float | None = None  # if set: linear schedule to this ratio
    device: str = "auto"
    precision: str = "auto"  # saved projects say what they trained with: fp32 stays fp32
    seed: int = 0
    # A step whose loss or gradient is NaN or Inf is never applied. "stop" ends
    # the run there, keeping the weights from before it; "skip" drops the step,
    # counts it and goes on (and stops after SKIP_LIMIT such steps in a row).
    on_nonfinite: str = "stop"


@dataclass
class ProbeSpec:
    every: int = 50  # probe cadence in steps; 0 turns probes off
    gradient_loss: str = "last"  # the loss a viewer shows first: "last" position or "full"
    batch_size: int = 8  # the fixed probe batch: the first examples of the validation set
    example: int = 0  # which of them has its gates and hidden states kept
    # A due probe is skipped while probing has taken more than this share of the
    # run's time, so probes never slow training by more (1 = probe at every due step).
    max_time_fraction: float = 0.02


def architecture(spec: "ExperimentSpec") -> str:
    """The model in a few words, for people: "LSTM 2x128", "GRU seq2seq 64, attention dot"."""
    m = spec.model
    if m.family == "transformer":
        return f"Transformer {m.arch.replace('_', '-')} {m.layers}x{m.d_model}, {m.heads} heads"
    cell = CELL_NAMES.get(m.cell, m.cell)
    if m.family == "seq2seq":
        return f"{cell} seq2seq {m.hidden_size}, attention {m.attention}"
    if m.family == "window":
        return f"window of {m.context}, MLP {m.layers}x{m.hidden_size}"
    if m.family == "markov":
        return f"Markov chain of order {m.order}"
    return f"{cell} {m.layers}x{m.hidden_size}"


@dataclass
class ExperimentSpec:
    name: str = "untitled"
    description: str = ""
    model: ModelSpec = field(default_factory=ModelSpec)
    task: TaskSpec = field(default_factory=TaskSpec)
    training: TrainingSpec = field(default_factory=TrainingSpec)
    probes: ProbeSpec = field(default_factory=ProbeSpec)

    # ----------------------------------------------------------------- JSON
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: typing.Any) -> "ExperimentSpec":
        """Build from plain data; unknown fields and wrong types are refused."""
        problems: list[tuple[str, str]] = []
        spec = _build(cls, data, "", problems)
        if problems:
            raise SpecError(problems)
        return spec

    @classmethod
    def from_json(cls, text: str) -> "ExperimentSpec":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError([("", f"the spec is not valid JSON: {exc.msg} "
                                  f"at line {exc.lineno} column {exc.colno}")]) from None
        except RecursionError:
            raise SpecError([("", "the spec is not valid JSON: it is nested too deep to read")]) from None
        except ValueError as exc:  # an integer past Python's int-str conversion limit
            what = "it holds an integer too long to read" if "integer" in str(exc) else str(exc)
            raise SpecError([("", f"the spec is not valid JSON: {what}")]) from None
        return cls.from_dict(data)

    def with_overrides(self, overrides: dict[str, typing.Any]) -> "ExperimentSpec":
        """A copy with dotted keys set, e.g. {"model.cell": "gru"}."""
        data = self.to_dict()
        problems = []
        for key, value in overrides.items():
            parts = key.split(".")
            node = data
            for depth, part in enumerate(parts):
                if not isinstance(node, dict) or part not in node:
                    problems.append((key, f"{key} is not a spec key"
                                          f"{_suggest(key)}"))
                    break
                if depth == len(parts) - 1:
                    if isinstance(node[part], dict):
                        problems.append((key, f"{key} is a section; set one of its "
                                              f"keys, e.g. {key}.{next(iter(node[part]))}"))
                    else:
                        node[part] = value
                else:
                    node = node[part]
        if problems:
            raise SpecError(problems)
        return ExperimentSpec.from_dict(data)

    def validate_fields(self) -> None:
        """Raise SpecError listing every problem found in the spec alone."""
        problems = field_problems(self)
        if problems:
            raise SpecError(problems)


def spec_keys() -> list[str]:
    """Every dotted key a user can set."""
    keys = []
    for section in dataclasses.fields(ExperimentSpec):
        hint = typing.get_type_hints(ExperimentSpec)[section.name]
        if dataclasses.is_dataclass(hint):
            keys += [f"{section.name}.{f.name}" for f in dataclasses.fields(hint)]
        else:
            keys.append(section.name)
    return keys


def parse_value(key: str, text: str):
    """A typed value for a dotted key from command-line text ("20", "true", "gru", "null")."""
    section, _, name = key.partition(".")
    hints = typing.get_type_hints(ExperimentSpec)
    section_type = hints.get(section)
    if not dataclasses.is_dataclass(section_type) or name not in typing.get_type_hints(section_type):
        if section in hints and not name and not dataclasses.is_dataclass(section_type):
            return text
        raise SpecError([(key, f"{key} is not a spec key{_suggest(key)}")])
    hint = typing.get_type_hints(section_type)[name]
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    lowered = text.strip().lower()
    if type(None) in options and lowered in ("null", "none", ""):
        return None
    if bool in options:
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
    for option in options:
        try:
            if option is int:
                digits = text.strip().lstrip("+-")
                if digits.isdigit() and len(digits) > MAX_INTEGER_DIGITS:  # int() refuses past 4300
                    raise SpecError([(key, f"{key}={text.strip()[:12]}... is too large "
                                           f"({len(digits)} digits; no spec key takes over {MAX_INTEGER_DIGITS})")])
                return int(text)
            if option is float:
                return float(text)
        except ValueError:
            continue
    if str in options:
        return text
    raise SpecError([(key, f"{key}={text} must be {_type_name(hint)}")])


# No integer field goes past 2**63 - 1, which has 19 digits.
MAX_INTEGER_DIGITS = 30


def shown(value) -> str:
    """A value for a message; an integer too long to print whole (str() refuses
    past 4300 digits) is shown by its size."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**50:
        if value.bit_length() <= 1000:
            return f"{float(value):.3g}"
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    return str(value)


def _suggest(key: str) -> str:
    import difflib

    close = difflib.get_close_matches(key, spec_keys(), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _type_name(hint) -> str:
    if isinstance(hint, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(hint))
    return {int: "an integer", float: "a number", bool: "true or false",
            str: "a string", type(None): "null"}.get(hint, getattr(hint, "__name__", str(hint)))


def _coerce(value, hint):
    """Return (ok, value) for a JSON value against a field type."""
    if isinstance(hint, types.UnionType):
        for option in typing.get_args(hint):
            ok, converted = _coerce(value, option)
            if ok:
                return True, converted
        return False, value
    if hint is type(None):
        return value is None, value
    if hint is bool:
        return isinstance(value, bool), value
    if hint is int:
        if isinstance(value, bool):
            return False, value
        if isinstance(value, int):
            return True, value
        if isinstance(value, float) and value.is_integer():
            return True, int(value)
        return False, value
    if hint is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True, float(value)
        return False, value
    if hint is str:
        return isinstance(value, str), value
    return False, value


@functools.cache
def _type_hints(cls) -> dict:
    return typing.get_type_hints(cls)  # evaluates every annotation's text: slow enough to cache


def _json_text(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return shown(value)
    try:
        return json.dumps(value)
    except (ValueError, RecursionError):  # NaN or a huge integer inside, or nested too deep
        return type(value).__name__


def _build(cls, data, prefix: str, problems: list):
    where = prefix.rstrip(".") or "the spec"
    if not isinstance(data, dict):
        problems.append((prefix.rstrip("."), f"{where} must be an object, not {type(data).__name__}"))
        return cls()
    hints = _type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    for name in data:
        if name not in known:
            key = f"{prefix}{name}"
            problems.append((key, f"{key} is not a spec key{_suggest(key)}"))
    values = {}
    for name in known:
        if name not in data:
            continue
        key, hint, value = f"{prefix}{name}", hints[name], data[name]
        if dataclasses.is_dataclass(hint):
            values[name] = _build(hint, value, f"{key}.", problems)
            continue
        ok, converted = _coerce(value, hint)
        if not ok:
            problems.append((key, f"{key}={_json_text(value)} must be {_type_name(hint)}"))
            continue
        if isinstance(converted, float) and not math.isfinite(converted):
            problems.append((key, f"{key}={converted} must be a finite number"))
            continue
        values[name] = converted
    return cls(**values)


MAX_STEPS = 1_000_000_000
# (lowest, highest) for every integer field.
INTEGER_BOUNDS: dict[str, tuple[int, int]] = {
    "model.embedding_size": (1, 4096), "model.hidden_size": (1, 8192), "model.layers": (1, 24),
    "model.d_model": (1, 8192), "model.heads": (1, 64), "model.ff_size": (1, 65536),
    "model.max_len": (1, 1_000_000), "model.context": (1, 64), "model.order": (1, 6),
    "task.length": (1, 100_000), "task.min_length": (1, 100_000), "task.vocab_size": (2, 100_000),
    "task.distractors": (0, 100_000), "task.digits": (1, 30), "task.horizon": (1, 10_000),
    "task.train_size": (1, 10_000_000), "task.val_size": (1, 1_000_000),
    # A billion steps is weeks of training, and far from where any counter downstream overflows.
    "training.steps": (0, MAX_STEPS), "training.batch_size": (1, 65536), "training.warmup_steps": (0, MAX_STEPS),
    "training.eval_every": (1, MAX_STEPS), "training.eval_batches": (1, 1_000_000),
    "training.seed": (0, 2**63 - 1),  # torch takes up to 2**64 - 1; seeds + 1 and + 2 are drawn too
    "probes.every": (0, MAX_STEPS), "probes.batch_size": (1, 256), "probes.example": (0, 255),
}
RECURRENT_MAX_LAYERS = 4


def device_problem(device) -> str | None:
    """Why `device` is not a training.device (None when it is one): auto, cpu,
    cuda, cuda:N or mps. Whether this machine has it is engine.training's question."""
    if device in DEVICES or (isinstance(device, str) and CUDA_INDEX.fullmatch(device)):
        return None
    text = json.dumps(device) if len(str(device)) <= 40 else json.dumps(str(device)[:40] + "…")
    return ONE_OF.format(key="training.device", value=text, options="auto, cpu, cuda, cuda:N, mps")


def get_key(spec: "ExperimentSpec", key: str):
    section, _, name = key.partition(".")
    return getattr(getattr(spec, section), name) if name else getattr(spec, section)


def field_problems(spec: ExperimentSpec) -> list[tuple[str, str]]:
    """Checks that need only the spec. Each problem names its field."""
    problems: list[tuple[str, str]] = []

    def bad(key: str, message: str) -> None:
        problems.append((key, message))

    def choice(key: str, value, options) -> None:
        if value not in options:
            bad(key, ONE_OF.format(key=key, value=json.dumps(value), options=", ".join(options)))

    for key, (low, high) in INTEGER_BOUNDS.items():
        value = get_key(spec, key)
        if value < low:
            bad(key, AT_LEAST.format(key=key, value=shown(value), low=low))
        elif value > high:
            bad(key, AT_MOST.format(key=key, value=shown(value), high=high))

    m, t, tr, p = spec.model, spec.task, spec.training, spec.probes
    choice("model.family", m.family, FAMILIES)
    choice("model.cell", m.cell, CELLS)
    if m.decoder_cell is not None:
        choice("model.decoder_cell", m.decoder_cell, CELLS)
    choice("model.attention", m.attention, ATTENTIONS)
    choice("model.arch", m.arch, TRANSFORMER_ARCHS)
    choice("model.norm", m.norm, NORMS)
    choice("model.positional", m.positional, POSITIONALS)
    if m.family != "transformer" and m.layers > RECURRENT_MAX_LAYERS:
        bad("model.layers", f"model.layers={m.layers} must be at most {RECURRENT_MAX_LAYERS} "
                            f"for model.family={m.family} (only the Transformer stacks more)")
    if not -10.0 <= m.forget_bias <= 10.0:
        bad("model.forget_bias", f"model.forget_bias={m.forget_bias} must be in [-10, 10]")
    if not 0.0 < m.smoothing <= 10.0:
        bad("model.smoothing", f"model.smoothing={m.smoothing} must be in (0, 10] "
                               f"(add-alpha: every next token keeps some probability)")
    if not 0.0 <= m.dropout < 1.0:
        bad("model.dropout", f"model.dropout={m.dropout} must be in [0, 1)")
    if m.family == "transformer" and m.heads >= 1 and m.d_model % m.heads:
        bad("model.d_model", NOT_DIVISIBLE.format(key="model.d_model", value=m.d_model, heads=m.heads))
    if m.attention != "none" and m.family != "seq2seq":
        bad("model.attention", f"model.attention={m.attention} needs an encoder-decoder: "
                               f"set model.family=seq2seq (the Transformer has its own attention)")
    if m.decoder_cell is not None and m.family != "seq2seq":
        bad("model.decoder_cell", f"model.decoder_cell is only used by model.family=seq2seq, "
                                  f"not {m.family}")
    if m.bidirectional and m.family == "transformer":
        bad("model.bidirectional", BIDIRECTIONAL_TRANSFORMER)

    choice("task.name", t.name, TASK_NAMES)
    if t.min_length > t.length:
        bad("task.min_length", LONGER_THAN_LENGTH.format(shortest=t.min_length, length=t.length))

    choice("training.optimizer", tr.optimizer, OPTIMIZERS)
    choice("training.schedule", tr.schedule, SCHEDULES)
    if problem := device_problem(tr.device):
        bad("training.device", problem)
    choice("training.precision", tr.precision, PRECISIONS)
    choice("training.on_nonfinite", tr.on_nonfinite, NONFINITE_ACTIONS)
    if not 0.0 < tr.lr <= 10.0:
        bad("training.lr", f"training.lr={tr.lr} must be in (0, 10]")
    if not 0.0 <= tr.momentum < 1.0:
        bad("training.momentum", f"training.momentum={tr.momentum} must be in [0, 1)")
    if tr.weight_decay < 0:
        bad("training.weight_decay", f"training.weight_decay={tr.weight_decay} must be at least 0")
    elif tr.weight_decay > 10.0:
        bad("training.weight_decay", f"training.weight_decay={tr.weight_decay} must be at most 10")
    if tr.clip_norm < 0:
        bad("training.clip_norm", f"training.clip_norm={tr.clip_norm} must be at least 0 (0 turns clipping off)")
    for key, value in (("training.teacher_forcing", tr.teacher_forcing),
                       ("training.teacher_forcing_end", tr.teacher_forcing_end)):
        if value is not None and not 0.0 <= value <= 1.0:
            bad(key, f"{key}={value} must be in [0, 1]")
    if tr.schedule == "warmup" and tr.warmup_steps == 0:
        bad("training.warmup_steps", WARMUP_NEEDS_STEPS)
    if tr.precision in ("bf16", "fp16") and tr.device in ("cpu", "mps"):
        bad("training.precision", PRECISION_IS_FOR_CUDA.format(precision=tr.precision, device=tr.device))

    choice("probes.gradient_loss", p.gradient_loss, GRADIENT_LOSSES)
    if not 0.0 < p.max_time_fraction <= 1.0:
        bad("probes.max_time_fraction", f"probes.max_time_fraction={p.max_time_fraction} must be in (0, 1]")
    if p.example >= p.batch_size:
        bad("probes.example", f"probes.example={p.example} must be below probes.batch_size={p.batch_size}")
    elif p.example >= t.val_size:
        bad("probes.example", f"probes.example={p.example} must be below task.val_size={t.val_size}")
    return problems


# The task names only, so the spec stays independent of the task code; a test
# checks this list against the task registry.
TASK_NAMES = (
    "hello", "shakespeare", "text_file",
    "copy", "reverse", "sort",
    "recall",
    "addition",
    "dates",
    "sentiment", "sentiment_generation",
    "sines", "random_walk", "csv",
)
