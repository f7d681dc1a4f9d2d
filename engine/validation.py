"""Checks that need the model and the task together, run before anything is built.

`resolve_kind` decides how a task's examples are laid out for a model (the
"head": many-to-many, many-to-one, one-to-many, encoder-decoder, regression).
"""

from __future__ import annotations

from engine.data import KINDS
from engine.errors import SpecError
from engine.spec import ExperimentSpec, ModelSpec, field_problems
from engine.tasks import TASKS

# Which task layouts each model can learn, preferred first.
MODEL_KINDS = {
    ("rnn", None): ("lm", "classify", "tagging", "generate", "regression"),
    ("seq2seq", None): ("seq2seq",),
    ("transformer", "encoder"): ("classify", "tagging"),
    ("transformer", "decoder"): ("lm",),
    ("transformer", "encoder_decoder"): ("seq2seq",),
    ("window", None): ("lm", "classify", "tagging", "regression"),
    ("markov", None): ("lm",),
}
DESCRIBE_MODEL = {
    ("rnn", None): "a single recurrent network (model.family=rnn)",
    ("seq2seq", None): "a recurrent encoder-decoder (model.family=seq2seq)",
    ("transformer", "encoder"): "an encoder-only Transformer (model.arch=encoder)",
    ("transformer", "decoder"): "a decoder-only language model (model.arch=decoder)",
    ("transformer", "encoder_decoder"): "an encoder-decoder Transformer (model.arch=encoder_decoder)",
    ("window", None): "a fixed-window model (model.family=window)",
    ("markov", None): "a Markov chain (model.family=markov)",
}


def model_key(model: ModelSpec) -> tuple[str, str | None]:
    return (model.family, model.arch if model.family == "transformer" else None)


def suitable_models(kind: str) -> list[str]:
    return [DESCRIBE_MODEL[key] for key, kinds in MODEL_KINDS.items() if kind in kinds]


def resolve_kind(spec: ExperimentSpec) -> str:
    """The task layout this model learns this task in; SpecError if none fits."""
    task = TASKS[spec.task.name]
    key = model_key(spec.model)
    for kind in MODEL_KINDS[key]:
        if kind in task.kinds:
            return kind
    needs = task.kinds[0]
    field = "model.arch" if spec.model.family == "transformer" else "model.family"
    raise SpecError([(field, f"task.name={task.name} is {KINDS[needs]}; {DESCRIBE_MODEL[key]} "
                             f"cannot learn it. Use {' or '.join(suitable_models(needs))}")])


def experiment_problems(spec: ExperimentSpec) -> list[tuple[str, str]]:
    problems = field_problems(spec)
    if problems:
        return problems  # cross-checks assume each field is valid on its own
    try:
        kind = resolve_kind(spec)
    except SpecError as exc:
        return exc.problems
    m, t, tr = spec.model, spec.task, spec.training
    if m.bidirectional and kind in ("lm", "generate", "regression"):
        # These predict what comes next at every step: a backward pass would read the answer.
        problems.append(("model.bidirectional",
                         f"model.bidirectional=true is for encoders; task.name={t.name} is "
                         f"{KINDS[kind]}, and a bidirectional decoder would read the tokens it "
                         f"must predict"))
    recurrent_decoder = m.family == "seq2seq" or kind == "generate"
    scheduled = tr.teacher_forcing < 1.0 or (tr.teacher_forcing_end is not None
                                             and tr.teacher_forcing_end < 1.0)
    if scheduled and not recurrent_decoder:
        problems.append(("training.teacher_forcing",
                         "training.teacher_forcing below 1 needs a recurrent decoder "
                         "(model.family=seq2seq or one-to-many generation); this model "
                         "always trains on the true previous tokens"))
    if m.family == "transformer" and m.positional != "none":
        src_len, tgt_len = TASKS[t.name].max_lengths(t)
        longest = max(src_len, tgt_len)
        if longest > m.max_len:
            problems.append(("model.max_len",
                             f"task {t.name} has sequences of up to {longest} positions but "
                             f"model.max_len={m.max_len} (the positional table) is shorter"))
    if t.name in ("text_file", "csv") and not t.path:
        what = "UTF-8 text file" if t.name == "text_file" else "CSV file with a numeric column"
        problems.append(("task.path", f"task.name={t.name} needs task.path: the {what} to learn from"))
    return problems


def validate_experiment(spec: ExperimentSpec) -> str:
    """Raise SpecError naming every problem; return the resolved task layout."""
    problems = experiment_problems(spec)
    if problems:
        raise SpecError(problems)
    return resolve_kind(spec)
