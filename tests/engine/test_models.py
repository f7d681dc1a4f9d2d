import numpy as np
import pytest
import torch

from engine.models import build_model, compute_loss, parameter_count, shape_summary
from engine.task_file import read_task_file
from engine.tasks import TASKS
from engine.training import Trainer
from engine.validation import MODEL_KINDS, validate_experiment
from tests.engine.helpers import small_spec


@pytest.fixture(scope="module")
def data_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    text = folder / "text.txt"
    text.write_text("the quick brown fox jumps over the lazy dog. " * 60, encoding="utf-8")
    series = folder / "series.csv"
    series.write_text("v\n" + "\n".join(f"{np.sin(i / 4):.4f}" for i in range(600)) + "\n", encoding="utf-8")
    return {"text_file": str(text), "csv": str(series)}


MODELS = {
    "rnn_tanh": {"model.family": "rnn", "model.cell": "rnn_tanh"},
    "rnn_relu": {"model.family": "rnn", "model.cell": "rnn_relu", "training.lr": 0.003},
    "lstm": {"model.family": "rnn", "model.cell": "lstm"},
    "gru-2layer": {"model.family": "rnn", "model.cell": "gru", "model.layers": 2, "model.dropout": 0.1},
    "seq2seq-gru": {"model.family": "seq2seq", "model.cell": "gru"},
    "seq2seq-lstm-dot": {"model.family": "seq2seq", "model.cell": "lstm", "model.attention": "dot"},
    "seq2seq-rnn-general-bi": {"model.family": "seq2seq", "model.cell": "rnn_tanh", "model.attention": "general",
                               "model.bidirectional": True},
    "seq2seq-gru>lstm-additive": {"model.family": "seq2seq", "model.cell": "gru", "model.decoder_cell": "lstm",
                                  "model.attention": "additive", "model.layers": 2},
    "transformer-encoder": {"model.family": "transformer", "model.arch": "encoder", "training.lr": 0.003},
    "transformer-decoder-postnorm-learned": {"model.family": "transformer", "model.arch": "decoder",
                                             "model.norm": "post", "model.positional": "learned",
                                             "training.lr": 0.003},
    "transformer-encdec": {"model.family": "transformer", "model.arch": "encoder_decoder", "model.layers": 2,
                           "training.lr": 0.003},
}


def cases():
    for model_name, overrides in MODELS.items():
        key = (overrides["model.family"], overrides.get("model.arch") if overrides["model.family"] == "transformer" else None)
        for task_name, task in TASKS.items():
            if any(kind in task.kinds for kind in MODEL_KINDS[key]):
                yield model_name, task_name


@pytest.mark.parametrize("model_name,task_name", list(cases()))
def test_every_architecture_learns_each_task_it_applies_to(model_name, task_name, data_files):
    overrides = dict(MODELS[model_name])
    overrides["task.name"] = task_name
    if task_name in data_files:
        overrides["task.path"] = data_files[task_name]
    spec = small_spec(**{k.replace(".", "__"): v for k, v in overrides.items()})
    trainer = Trainer(spec, task_file=read_task_file(spec.task.path, task_name) if task_name in data_files else None)
    losses = trainer.run_steps(150)
    assert np.isfinite(losses).all()
    first, last = losses[:5].mean(), losses[-5:].mean()
    assert last < 0.9 * first, f"loss {first:.3f} -> {last:.3f}"
    values = trainer.evaluate().values
    assert np.isfinite(values["val_loss"])


def test_seq2seq_with_attention_returns_rows_that_sum_to_one_and_ignore_padding():
    for attention in ("dot", "general", "additive"):
        trainer = Trainer(small_spec(model__family="seq2seq", model__attention=attention, task__name="reverse",
                                     task__min_length=1, task__length=6))
        batch = trainer.task.val_batches(16)[0]
        assert int(batch.src_lengths.min()) < batch.src.shape[1]  # some inputs are padded
        trainer.model.eval()
        logits, weights = trainer.model.forward_with_attention(batch)
        assert weights.shape == (16, batch.tgt_in.shape[1], batch.src.shape[1])
        assert torch.allclose(weights.sum(-1), torch.ones(weights.shape[:2]), atol=1e-5)
        padded = batch.src == 0
        assert torch.all(weights.masked_select(padded[:, None, :].expand_as(weights)) == 0.0)


def test_seq2seq_without_attention_ignores_everything_but_the_final_state():
    trainer = Trainer(small_spec(model__family="seq2seq", task__name="reverse"))
    logits, weights = trainer.model.forward_with_attention(trainer.task.val_batches(4)[0])
    assert weights is None and logits.shape[0] == 4


def transformer_model(arch, task, **extra):
    trainer = Trainer(small_spec(model__family="transformer", model__arch=arch, task__name=task,
                                 model__dropout=0.0, **extra))
    trainer.run_steps(5)
    trainer.model.eval()
    return trainer


@pytest.mark.parametrize("arch,task,causal", [
    ("encoder", "sort", False), ("encoder", "sentiment", False), ("decoder", "shakespeare", True),
    ("decoder", "shakespeare", False), ("encoder_decoder", "reverse", True), ("encoder_decoder", "dates", True),
])
def test_fast_and_explicit_attention_paths_give_the_same_outputs(arch, task, causal):
    trainer = transformer_model(arch, task, model__causal=causal, model__norm="pre")
    batch = trainer.task.val_batches(16)[0]
    with torch.no_grad():
        fast, _ = trainer.model.forward_with_attention(batch, need_weights=False)
        explicit, maps = trainer.model.forward_with_attention(batch, need_weights=True)
    assert torch.allclose(fast, explicit, atol=1e-5, rtol=1e-4)
    for name, layers in maps.items():
        for weights in layers:
            assert weights is not None
            assert torch.allclose(weights.sum(-1), torch.ones(weights.shape[:-1]), atol=1e-5)


def test_transformer_masks_give_exactly_zero_weight():
    trainer = transformer_model("encoder_decoder", "reverse", task__min_length=1)
    batch = trainer.task.val_batches(32)[0]
    _, maps = trainer.model.forward_with_attention(batch, need_weights=True)
    pad = (batch.src == 0)[:, None, None, :]
    for weights in maps["self"] + maps["cross"]:
        assert torch.all(weights.masked_select(pad.expand_as(weights)) == 0.0)
    t = batch.tgt_in.shape[1]
    future = torch.ones(t, t, dtype=torch.bool).triu(1)
    for weights in maps["decoder_self"]:
        assert torch.all(weights[..., future] == 0.0)
    assert pad.any()


def test_a_causal_decoder_cannot_see_the_future_and_a_non_causal_one_can():
    for causal in (True, False):
        trainer = transformer_model("decoder", "shakespeare", model__causal=causal)
        batch = trainer.task.val_batches(2)[0]
        changed = batch.src.clone()
        changed[:, -1] = (changed[:, -1] % 10) + 4
        with torch.no_grad():
            a = trainer.model(batch)
            b = trainer.model(type(batch)(changed, batch.src_lengths, batch.target))
        earlier_same = torch.allclose(a[:, :-1], b[:, :-1], atol=1e-6)
        assert earlier_same == causal


def test_recurrent_final_state_is_taken_at_each_sequences_true_end():
    trainer = Trainer(small_spec(model__family="rnn", model__cell="gru", model__bidirectional=True,
                                 task__name="sentiment"))
    trainer.model.eval()
    batch = trainer.task.val_batches(8)[0]
    i = int(batch.src_lengths.argmin())
    alone = type(batch)(batch.src[i:i + 1, : int(batch.src_lengths[i])], batch.src_lengths[i:i + 1], batch.target[i:i + 1])
    with torch.no_grad():
        assert torch.allclose(trainer.model(batch)[i], trainer.model(alone)[0], atol=1e-5)


def test_beam_search_finds_sequences_at_least_as_likely_as_greedy():
    trainer = Trainer(small_spec(model__family="seq2seq", model__attention="general", task__name="reverse",
                                 training__lr=0.01))
    trainer.run_steps(80)
    model = trainer.model.eval()
    batch = trainer.task.val_batches(32)[0]

    def log_prob(tokens):
        """Log-probability of each decoded sequence (up to and including EOS) under the model."""
        rows = []
        for row in tokens.tolist():
            row = row[: row.index(2) + 1] if 2 in row else row
            rows.append(row)
        width = max(map(len, rows))
        target = torch.tensor([r + [0] * (width - len(r)) for r in rows])
        tgt_in = torch.cat([torch.ones(len(rows), 1, dtype=torch.long), target[:, :-1]], dim=1)
        scored = type(batch)(batch.src, batch.src_lengths, target, tgt_in.masked_fill(target == 0, 0),
                             torch.tensor([len(r) for r in rows]))
        with torch.no_grad():
            logp = torch.log_softmax(model(scored), -1).gather(2, target[..., None]).squeeze(-1)
        return (logp * (target != 0)).sum(1)

    greedy = model.generate(batch, beam=1)
    beam = model.generate(batch, beam=4)
    assert beam.shape[0] == 32
    # Beam search maximises length-normalised score; compare on that.
    def normalised(tokens):
        lengths = torch.tensor([(r.index(2) + 1) if 2 in r else len(r) for r in tokens.tolist()], dtype=torch.float)
        return log_prob(tokens) / lengths
    assert torch.all(normalised(beam) >= normalised(greedy) - 1e-4)


def test_beam_of_one_equals_greedy_decoding():
    trainer = Trainer(small_spec(model__family="transformer", model__arch="encoder_decoder", task__name="reverse"))
    trainer.run_steps(20)
    batch = trainer.task.val_batches(8)[0]
    model = trainer.model.eval()
    greedy, beam = model.generate(batch, beam=1), model.generate(batch, beam=1)
    assert torch.equal(greedy, beam)
    wide = model.generate(batch, beam=3)
    assert wide.shape[0] == 8


@pytest.mark.parametrize("cell,expected", [("rnn_tanh", 1), ("gru", 3), ("lstm", 4)])
def test_parameter_count_matches_the_recurrent_formula(cell, expected):
    spec = small_spec(model__cell=cell, task__name="hello")
    trainer = Trainer(spec)
    e, h = spec.model.embedding_size, spec.model.hidden_size
    recurrent = expected * (h * e + h * h + 2 * h)
    v = trainer.task.info.src_vocab_size
    assert trainer.parameter_count == v * e + recurrent + (h * v + v)
    assert parameter_count(trainer.model.rnn) == recurrent


def test_gru_has_three_quarters_of_the_lstms_recurrent_parameters():
    lstm = Trainer(small_spec(model__cell="lstm")).model.rnn
    gru = Trainer(small_spec(model__cell="gru")).model.rnn
    assert parameter_count(gru) * 4 == parameter_count(lstm) * 3


def test_shape_summary_lists_layers_with_shapes_and_parameters():
    trainer = Trainer(small_spec(model__family="transformer", model__arch="encoder_decoder", task__name="reverse"))
    rows = shape_summary(trainer.model, trainer.task.val_batches(4)[0])
    names = [r.name for r in rows]
    assert "encoder.embedding" in names and "decoder.blocks.0" in names and "head" in names
    head = rows[names.index("head")]
    assert head.output_shape[0] == 4 and head.output_shape[-1] == trainer.task.info.tgt_vocab_size
    assert sum(r.parameters for r in rows if r.name.count(".") == 0) == trainer.parameter_count
    text = trainer.shape_summary_text()
    assert f"{trainer.parameter_count:,}" in text


def test_scheduled_sampling_feeds_predictions_and_changes_the_loss():
    trainer = Trainer(small_spec(model__family="seq2seq", model__attention="dot", task__name="reverse"))
    trainer.run_steps(10)
    batch = trainer.task.val_batches(16)[0]
    model = trainer.model.eval()
    teacher = model(batch, 1.0)
    memory, state, mask = model.encode(model.embed(batch), batch)
    stepwise_teacher = model.decoder.scheduled(batch.tgt_in, state, memory, mask, 1.0, None)[0]
    assert torch.allclose(teacher, stepwise_teacher, atol=1e-5)  # the fused and step-by-step paths agree
    free = model(batch, 0.0, torch.Generator().manual_seed(0))
    assert not torch.allclose(teacher, free)
    loss_teacher = compute_loss("seq2seq", teacher, batch)
    loss_free = compute_loss("seq2seq", free, batch)
    assert torch.isfinite(loss_free) and loss_teacher != loss_free


def test_build_model_picks_the_head_for_the_task_layout():
    from engine.models.recurrent import RecurrentModel
    from engine.models.seq2seq import OneToManyModel, Seq2SeqModel
    from engine.models.transformer import TransformerModel

    for overrides, cls in (({"task__name": "sentiment_generation"}, OneToManyModel),
                           ({"task__name": "recall"}, RecurrentModel),
                           ({"model__family": "seq2seq", "task__name": "sentiment_generation"}, Seq2SeqModel),
                           ({"model__family": "transformer", "model__arch": "encoder", "task__name": "recall"},
                            TransformerModel)):
        spec = small_spec(**overrides)
        kind = validate_experiment(spec)
        task = TASKS[spec.task.name](spec.task, kind, 0)
        assert isinstance(build_model(spec.model, task.info), cls)
