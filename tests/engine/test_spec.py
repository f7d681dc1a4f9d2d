import json

import pytest

from engine.errors import SpecError
from engine.spec import INTEGER_BOUNDS, ExperimentSpec, TASK_NAMES, field_problems, parse_value, spec_keys
from engine.tasks import TASKS
from engine.validation import experiment_problems, validate_experiment


def test_every_field_has_a_default_and_the_default_spec_is_valid():
    spec = ExperimentSpec()
    assert validate_experiment(spec) == "lm"  # an LSTM language model on "hello"
    assert len(spec_keys()) > 40


def test_json_round_trip_is_exact():
    spec = ExperimentSpec().with_overrides({"model.family": "seq2seq", "model.attention": "additive",
                                            "task.name": "dates", "training.teacher_forcing_end": 0.5})
    again = ExperimentSpec.from_json(spec.to_json())
    assert again == spec
    assert json.loads(again.to_json()) == json.loads(spec.to_json())


def test_partial_specs_take_defaults():
    spec = ExperimentSpec.from_dict({"model": {"cell": "gru"}})
    assert spec.model.cell == "gru" and spec.model.hidden_size == ExperimentSpec().model.hidden_size


def test_unknown_fields_are_refused_with_a_suggestion():
    with pytest.raises(SpecError) as err:
        ExperimentSpec.from_dict({"model": {"hiden_size": 10}, "extra": 1})
    assert "model.hiden_size is not a spec key (did you mean model.hidden_size?)" in str(err.value)
    assert "extra is not a spec key" in str(err.value)


def test_wrong_types_are_refused_naming_the_field():
    with pytest.raises(SpecError) as err:
        ExperimentSpec.from_dict({"model": {"layers": "two", "bidirectional": 1}, "training": {"lr": True}})
    text = str(err.value)
    assert 'model.layers="two" must be an integer' in text
    assert "model.bidirectional=1 must be true or false" in text
    assert "training.lr=true must be a number" in text
    assert set(err.value.fields) == {"model.layers", "model.bidirectional", "training.lr"}


def test_json_syntax_errors_name_the_position():
    with pytest.raises(SpecError, match="not valid JSON.*line 1 column"):
        ExperimentSpec.from_json("{model: 1}")


def test_sections_must_be_objects():
    with pytest.raises(SpecError, match="model must be an object"):
        ExperimentSpec.from_dict({"model": 3})


def test_overrides_use_dotted_keys_and_refuse_unknown_ones():
    spec = ExperimentSpec().with_overrides({"model.cell": "gru", "task.length": 20})
    assert (spec.model.cell, spec.task.length) == ("gru", 20)
    with pytest.raises(SpecError, match=r"model.cel is not a spec key \(did you mean model.cell\?\)"):
        ExperimentSpec().with_overrides({"model.cel": "gru"})
    with pytest.raises(SpecError, match="model is a section"):
        ExperimentSpec().with_overrides({"model": "gru"})


@pytest.mark.parametrize("key,text,expected", [
    ("model.layers", "3", 3), ("training.lr", "0.01", 0.01), ("model.bidirectional", "true", True),
    ("model.bidirectional", "no", False), ("task.column", "3", "3"), ("model.decoder_cell", "null", None),
    ("model.decoder_cell", "gru", "gru"), ("training.teacher_forcing_end", "0.5", 0.5), ("name", "x", "x"),
])
def test_command_line_values_are_typed_by_their_field(key, text, expected):
    assert parse_value(key, text) == expected


def test_command_line_values_of_the_wrong_type_name_the_field():
    with pytest.raises(SpecError, match="model.layers=two must be an integer"):
        parse_value("model.layers", "two")
    with pytest.raises(SpecError, match="model.nope is not a spec key"):
        parse_value("model.nope", "1")


def test_task_names_in_the_spec_match_the_task_registry():
    assert tuple(TASKS) == TASK_NAMES


# Every validation rule, with the message a user sees.
RULES = [
    ({"model.family": "lstm"}, "model.family", 'model.family="lstm" must be one of rnn, seq2seq, transformer'),
    ({"model.cell": "tanh"}, "model.cell", 'model.cell="tanh" must be one of rnn_tanh, rnn_relu, lstm, gru'),
    ({"model.family": "seq2seq", "task.name": "reverse", "model.decoder_cell": "x"}, "model.decoder_cell", "must be one of"),
    ({"model.hidden_size": 0}, "model.hidden_size", "model.hidden_size=0 must be at least 1"),
    ({"model.embedding_size": -3}, "model.embedding_size", "model.embedding_size=-3 must be at least 1"),
    ({"model.layers": 5}, "model.layers", "model.layers=5 must be at most 4 for model.family=rnn (only the Transformer stacks more)"),
    ({"model.family": "transformer", "model.d_model": 64, "model.layers": 25}, "model.layers",
     "model.layers=25 must be at most 24"),
    ({"model.family": "transformer", "model.layers": 0}, "model.layers", "model.layers=0 must be at least 1"),
    ({"model.dropout": 1.0}, "model.dropout", "model.dropout=1.0 must be in [0, 1)"),
    ({"model.family": "transformer", "model.d_model": 30, "model.heads": 4}, "model.d_model",
     "model.d_model=30 is not divisible by model.heads=4"),
    ({"model.heads": 0}, "model.heads", "model.heads=0 must be at least 1"),
    ({"model.attention": "dot"}, "model.attention", "model.attention=dot needs an encoder-decoder: set model.family=seq2seq"),
    ({"model.family": "transformer", "model.attention": "dot"}, "model.attention", "needs an encoder-decoder"),
    ({"model.decoder_cell": "gru"}, "model.decoder_cell", "model.decoder_cell is only used by model.family=seq2seq"),
    ({"model.family": "transformer", "model.bidirectional": True}, "model.bidirectional",
     "a Transformer encoder already sees both directions"),
    ({"model.bidirectional": True, "task.name": "hello"}, "model.bidirectional",
     "a bidirectional decoder would read the tokens it must predict"),
    ({"model.bidirectional": True, "task.name": "sines"}, "model.bidirectional", "bidirectional decoder"),
    ({"model.bidirectional": True, "task.name": "sentiment_generation"}, "model.bidirectional", "bidirectional decoder"),
    ({"model.norm": "mid"}, "model.norm", "must be one of pre, post"),
    ({"model.positional": "rotary"}, "model.positional", "must be one of sinusoidal, learned, none"),
    ({"model.arch": "gpt"}, "model.arch", "must be one of encoder, decoder, encoder_decoder"),
    ({"model.family": "transformer", "model.arch": "decoder", "task.name": "sentiment"}, "model.arch",
     "task.name=sentiment is one label per sequence (many-to-one); a decoder-only language model "
     "(model.arch=decoder) cannot learn it. Use a single recurrent network (model.family=rnn) or "
     "an encoder-only Transformer (model.arch=encoder)"),
    ({"model.family": "seq2seq", "task.name": "hello"}, "model.family",
     "task.name=hello is next-token prediction (many-to-many, causal); a recurrent encoder-decoder "
     "(model.family=seq2seq) cannot learn it"),
    ({"model.family": "rnn", "task.name": "addition"}, "model.family", "task.name=addition is an output sequence"),
    ({"model.family": "transformer", "model.arch": "encoder", "task.name": "sines"}, "model.arch",
     "the next values of a time series"),
    ({"model.family": "transformer", "model.arch": "encoder", "task.name": "reverse", "task.length": 300,
      "model.max_len": 256}, "model.max_len",
     "task reverse has sequences of up to 301 positions but model.max_len=256 (the positional table) is shorter"),
    ({"model.family": "transformer", "model.arch": "decoder", "task.name": "shakespeare", "task.length": 64,
      "model.max_len": 32}, "model.max_len", "up to 64 positions"),
    ({"task.name": "wikipedia"}, "task.name", 'task.name="wikipedia" must be one of hello'),
    ({"task.length": 0}, "task.length", "task.length=0 must be at least 1"),
    ({"task.min_length": 9, "task.length": 8}, "task.min_length", "task.min_length=9 is longer than task.length=8"),
    ({"task.vocab_size": 1}, "task.vocab_size", "task.vocab_size=1 must be at least 2"),
    ({"task.digits": 31}, "task.digits", "task.digits=31 must be at most 30"),
    ({"task.name": "text_file"}, "task.path", "task.name=text_file needs task.path: the UTF-8 text file"),
    ({"task.name": "csv"}, "task.path", "task.name=csv needs task.path: the CSV file with a numeric column"),
    ({"training.lr": 0.0}, "training.lr", "training.lr=0.0 must be in (0, 10]"),
    ({"training.batch_size": 0}, "training.batch_size", "training.batch_size=0 must be at least 1"),
    ({"training.steps": -1}, "training.steps", "training.steps=-1 must be at least 0"),
    ({"training.optimizer": "lion"}, "training.optimizer", "must be one of sgd, adam, adamw"),
    ({"training.schedule": "step"}, "training.schedule", "must be one of constant, warmup, cosine"),
    ({"training.schedule": "warmup"}, "training.warmup_steps", "training.schedule=warmup needs training.warmup_steps >= 1"),
    ({"training.momentum": 1.0}, "training.momentum", "training.momentum=1.0 must be in [0, 1)"),
    ({"training.weight_decay": -0.1}, "training.weight_decay", "must be at least 0"),
    ({"training.clip_norm": -1.0}, "training.clip_norm", "training.clip_norm=-1.0 must be at least 0 (0 turns clipping off)"),
    ({"training.teacher_forcing": 1.5}, "training.teacher_forcing", "training.teacher_forcing=1.5 must be in [0, 1]"),
    ({"training.teacher_forcing_end": -0.5}, "training.teacher_forcing_end", "must be in [0, 1]"),
    ({"training.teacher_forcing": 0.5}, "training.teacher_forcing",
     "training.teacher_forcing below 1 needs a recurrent decoder"),
    ({"model.family": "transformer", "model.arch": "encoder_decoder", "task.name": "reverse",
      "training.teacher_forcing_end": 0.0}, "training.teacher_forcing", "needs a recurrent decoder"),
    ({"training.device": "tpu"}, "training.device", "must be one of auto, cpu, cuda, cuda:N, mps"),
    ({"training.precision": "fp8"}, "training.precision", "must be one of auto, fp32, bf16, fp16"),
    ({"training.precision": "bf16", "training.device": "cpu"}, "training.precision",
     "training.precision=bf16 is for CUDA; training.device=cpu trains in fp32"),
    ({"training.eval_every": 0}, "training.eval_every", "training.eval_every=0 must be at least 1"),
    ({"probes.every": -1}, "probes.every", "probes.every=-1 must be at least 0"),
    ({"probes.gradient_loss": "first"}, "probes.gradient_loss", "must be one of last, full"),
    ({"probes.max_time_fraction": 0.0}, "probes.max_time_fraction", "probes.max_time_fraction=0.0 must be in (0, 1]"),
    ({"probes.batch_size": 0}, "probes.batch_size", "probes.batch_size=0 must be at least 1"),
    ({"probes.example": 8, "probes.batch_size": 8}, "probes.example",
     "probes.example=8 must be below probes.batch_size=8"),
    ({"probes.example": 5, "task.val_size": 4}, "probes.example", "probes.example=5 must be below task.val_size=4"),
    ({"model.forget_bias": 20.0}, "model.forget_bias", "model.forget_bias=20.0 must be in [-10, 10]"),
]


@pytest.mark.parametrize("overrides,field,message", RULES, ids=[r[1] + ":" + r[2][:40] for r in RULES])
def test_each_validation_rule_names_the_field_and_the_reason(overrides, field, message):
    spec = ExperimentSpec().with_overrides(overrides)
    problems = experiment_problems(spec)
    assert problems, f"{overrides} should be refused"
    assert field in [f for f, _ in problems]
    assert any(message in m for _, m in problems), problems
    with pytest.raises(SpecError):
        validate_experiment(spec)


@pytest.mark.parametrize("key", sorted(INTEGER_BOUNDS))
def test_every_integer_bound_is_enforced_from_both_sides(key):
    low, high = INTEGER_BOUNDS[key]

    def problems(value):
        return field_problems(ExperimentSpec().with_overrides({key: value}))

    assert (key, f"{key}={low - 1} must be at least {low}") in problems(low - 1)
    if high is not None:
        assert (key, f"{key}={high + 1} must be at most {high}") in problems(high + 1)
    assert not [p for p in problems(low) if p[0] == key]


def test_all_problems_are_reported_at_once():
    spec = ExperimentSpec().with_overrides({"model.hidden_size": 0, "training.lr": -1.0, "task.length": 0})
    with pytest.raises(SpecError) as err:
        spec.validate_fields()
    assert {"model.hidden_size", "training.lr", "task.length"} <= set(err.value.fields)


@pytest.mark.parametrize("family,arch,task,kind", [
    ("rnn", "decoder", "hello", "lm"), ("rnn", "decoder", "recall", "classify"),
    ("rnn", "decoder", "reverse", "tagging"), ("rnn", "decoder", "sentiment_generation", "generate"),
    ("rnn", "decoder", "sines", "regression"), ("seq2seq", "decoder", "dates", "seq2seq"),
    ("seq2seq", "decoder", "sentiment_generation", "seq2seq"),
    ("transformer", "encoder", "sort", "tagging"), ("transformer", "encoder", "sentiment", "classify"),
    ("transformer", "decoder", "shakespeare", "lm"), ("transformer", "encoder_decoder", "addition", "seq2seq"),
])
def test_the_task_layout_follows_from_model_and_task(family, arch, task, kind):
    spec = ExperimentSpec().with_overrides({"model.family": family, "model.arch": arch, "task.name": task})
    assert validate_experiment(spec) == kind
