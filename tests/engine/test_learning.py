"""Training to a target: what a user is promised the models can learn."""

import pytest

from engine.evaluation import evaluate
from engine.presets import load_preset
from engine.training import Trainer


@pytest.mark.slow
def test_seq2seq_with_attention_reverses_sequences_up_to_length_8():
    spec = load_preset("reverse-attention").with_overrides({"training.device": "cpu"})
    assert spec.task.length == 8 and spec.model.attention != "none"
    trainer = Trainer(spec)
    trainer.run_steps(spec.training.steps)
    # The whole validation set (500 fresh sequences of length 1-8), free-running greedy decoding.
    values = evaluate(trainer.model, trainer.task, trainer.task.val_batches(100), trainer.device)
    assert values["sequence_accuracy"] >= 0.95, values


@pytest.mark.slow
def test_date_translation_with_attention_reaches_most_dates():
    spec = load_preset("dates-attention").with_overrides({"training.device": "cpu", "training.steps": 1500})
    trainer = Trainer(spec)
    trainer.run_steps(spec.training.steps)
    values = evaluate(trainer.model, trainer.task, trainer.task.val_batches(100), trainer.device)
    assert values["sequence_accuracy"] >= 0.9, values
