"""The models a course builds up to the RNN with: the fixed-window model and the Markov chain."""

import collections
import math

import numpy as np
import pytest
import torch

from engine.checkpoint import capture, restore
from engine.data import Batch, TaskInfo
from engine.errors import SpecError
from engine.models.markov import MarkovChain
from engine.presets import load_preset
from engine.spec import ModelSpec
from engine.training import Trainer
from engine.validation import validate_experiment


def chain(order: int, smoothing: float, vocab: int) -> MarkovChain:
    info = TaskInfo("lm", vocab, vocab, 0, 16, 0, "token_accuracy")
    return MarkovChain(ModelSpec(family="markov", order=order, smoothing=smoothing), info)


TEXT = [int(c) for c in "0120120210012201"]  # ids over a vocabulary of 3 (specials aside: any ids do)


def by_hand(order: int, alpha: float, vocab: int, context: tuple) -> list[float]:
    """P(next | context) from counts done the plain way."""
    counts = collections.Counter(tuple(TEXT[i - order:i + 1]) for i in range(order, len(TEXT)))
    row = [counts[context + (v,)] for v in range(vocab)]
    return [(c + alpha) / (sum(row) + alpha * vocab) for c in row]


@pytest.mark.parametrize("order", [1, 2, 3])
def test_the_chains_probabilities_are_the_counts_done_by_hand(order):
    model = chain(order, 0.5, 3)
    assert model.count(torch.tensor(TEXT), 1000) == len(TEXT)
    src = torch.tensor([[2, 1, 0, 1, 2, 2]])
    out = model(Batch(src, torch.tensor([6]), src)).exp()[0]
    for position in range(6):
        have = min(order, position + 1)  # the first tokens are predicted from the ones there are
        context = tuple(src[0, position + 1 - have:position + 1].tolist())
        expected = by_hand(have, 0.5, 3, context)
        np.testing.assert_allclose(out[position].numpy(), expected, rtol=1e-6)
        assert out[position].sum().item() == pytest.approx(1.0)


def test_counting_in_slices_is_counting_at_once_and_an_unseen_context_is_uniform():
    whole, sliced = chain(2, 0.1, 5), chain(2, 0.1, 5)
    whole.count(torch.tensor(TEXT), len(TEXT))
    for _ in range(6):
        sliced.count(torch.tensor(TEXT), 3)
    assert int(sliced.counted) == len(TEXT) and sliced.count(torch.tensor(TEXT), 3) == 0  # the text is done
    for j in (1, 2):
        assert torch.equal(getattr(whole, f"codes{j}"), getattr(sliced, f"codes{j}"))
        assert torch.equal(getattr(whole, f"counts{j}"), getattr(sliced, f"counts{j}"))
    src = torch.tensor([[4, 4]])  # token 4 never occurs
    out = whole(Batch(src, torch.tensor([2]), src)).exp()[0]
    np.testing.assert_allclose(out.numpy(), np.full((2, 5), 0.2), rtol=1e-6)


def test_a_counted_chain_loads_into_a_fresh_one():
    model = chain(3, 0.2, 3)
    model.count(torch.tensor(TEXT), 100)
    fresh = chain(3, 0.2, 3)
    fresh.load_state_dict(model.state_dict())
    src = torch.tensor([[0, 1, 2, 0]])
    batch = Batch(src, torch.tensor([4]), src)
    assert torch.equal(fresh(batch), model(batch))


def markov_spec(**overrides):
    return load_preset("shakespeare-lstm").with_overrides({
        "model.family": "markov", "model.order": 3, "training.device": "cpu", "probes.every": 0,
        "training.eval_every": 10**6, **overrides})


def test_training_a_chain_counts_its_text_once_and_resumes_exactly():
    spec = markov_spec(**{"training.steps": 200})
    trainer = Trainer(spec)
    text = trainer.task.train_text()
    losses = trainer.run_steps(5)
    assert int(trainer.model.counted) == 5 * 32 * 64  # a batch's worth of tokens per step
    assert losses[0] == pytest.approx(math.log(trainer.task.info.tgt_vocab_size), rel=1e-4)  # nothing counted yet
    assert losses[-1] < 0.75 * losses[0]
    tensors, meta = capture(trainer)
    resumed = Trainer(spec)
    restore(resumed, tensors, meta)
    rest, rest_resumed = trainer.run_steps(195), resumed.run_steps(195)
    np.testing.assert_array_equal(rest, rest_resumed)
    assert int(trainer.model.counted) == len(text)  # one pass, then it only measures
    counts_of_order_1 = int(trainer.model.counts1.sum())
    assert counts_of_order_1 == len(text) - 1  # every transition of the text, once
    assert trainer.evaluate().values["token_accuracy"] > 0.4


def test_the_probe_shows_a_chains_probabilities_and_for_order_1_its_table():
    trainer = Trainer(markov_spec(**{"model.order": 1}))
    trainer.run_steps(3)
    snapshot = trainer.probe()
    shown = snapshot.states["markov chain"]
    vocab = trainer.task.info.tgt_vocab_size
    assert shown["transitions"].shape == (vocab, vocab)
    assert shown["P(next)"].shape == (len(snapshot.tokens["input"]), vocab)
    np.testing.assert_allclose(shown["transitions"].sum(1), 1.0, rtol=1e-5)
    assert snapshot.input_gradients == {"last": {}, "full": {}}


def test_a_chain_only_predicts_tokens_and_its_order_fits_the_vocabulary():
    sentiment = markov_spec(**{"task.name": "sentiment"})
    with pytest.raises(SpecError, match="model.family") as caught:
        validate_experiment(sentiment)
    assert "Markov chain" in str(caught.value)
    with pytest.raises(SpecError, match="model.order=6 is too high for a vocabulary of 2000000 tokens: at most 1"):
        chain(6, 0.1, 2_000_000)
    with pytest.raises(SpecError, match="model.smoothing"):
        markov_spec(**{"model.smoothing": 0.0}).validate_fields()
    with pytest.raises(SpecError, match="model.order=7 must be at most 6"):
        markov_spec(**{"model.order": 7}).validate_fields()


@pytest.mark.parametrize("context", [3, 6])
def test_the_window_models_gradient_is_zero_before_its_window_and_not_inside(context):
    spec = load_preset("shakespeare-lstm").with_overrides({
        "model.family": "window", "model.context": context, "training.device": "cpu", "probes.every": 1})
    trainer = Trainer(spec)
    trainer.run_steps(1)
    gradient = trainer.probe().example_input_gradients["last"]["input"]
    assert gradient.shape == (64,)
    assert np.all(gradient[:64 - context] == 0.0)  # exactly: nothing outside the window reaches the output
    assert np.all(gradient[64 - context:] > 0.0)


@pytest.mark.parametrize("task", ["recall", "sines", "hello"])
def test_the_window_model_learns_many_to_one_series_and_next_token(task):
    spec = load_preset({"recall": "recall-lstm", "sines": "sines-lstm", "hello": "hello-rnn"}[task]).with_overrides({
        "model.family": "window", "model.context": 8, "training.device": "cpu", "probes.every": 0})
    if task == "recall":  # the cue inside the window (lesson 13 shows what happens when it is not)
        spec = spec.with_overrides({"task.distractors": 4})
    trainer = Trainer(spec)
    losses = trainer.run_steps(60)
    assert losses[-10:].mean() < 0.8 * losses[:5].mean()
    # its parameters grow with the window it sees
    wider = Trainer(spec.with_overrides({"model.context": 16}))
    assert wider.parameter_count > trainer.parameter_count
