"""Resume: a run saved at step k and continued gives exactly the losses the
uninterrupted run gives (on the CPU), through safetensors and JSON alone."""

import json

import numpy as np
import pytest
import torch
from safetensors.torch import load, save

from engine.checkpoint import capture, restore
from engine.errors import SeqLabError
from engine.training import Trainer
from tests.engine.helpers import small_spec

CASES = {
    "lstm-dropout-adam-cosine": {"model__cell": "lstm", "model__layers": 2, "model__dropout": 0.3,
                                 "training__schedule": "cosine", "training__warmup_steps": 3},
    "gru-sgd-momentum": {"model__cell": "gru", "training__optimizer": "sgd", "training__lr": 0.1},
    "seq2seq-scheduled-sampling": {"model__family": "seq2seq", "model__attention": "additive", "task__name": "reverse",
                                   "training__teacher_forcing_end": 0.3, "model__dropout": 0.2, "model__layers": 2},
    "transformer-adamw": {"model__family": "transformer", "model__arch": "encoder_decoder", "task__name": "addition",
                          "training__optimizer": "adamw", "training__weight_decay": 0.1, "model__dropout": 0.1},
}


def losses(trainer: Trainer, steps: int) -> np.ndarray:
    for _ in range(steps):
        trainer.train_step()
    return np.concatenate([s.values["train_loss"] for s in trainer.flush()])


@pytest.mark.parametrize("name", list(CASES))
def test_resuming_a_saved_run_gives_exactly_the_uninterrupted_losses(name):
    spec = small_spec(training__steps=24, **CASES[name])
    uninterrupted = losses(Trainer(spec), 24)

    first = Trainer(spec)
    head = losses(first, 10)
    first.set("training.lr", first.base_lr * 0.5)  # a live change must survive the save too
    tensors, meta = capture(first)
    data, text = save(tensors), json.dumps(meta)  # what a project file holds: no pickle
    del first

    resumed = Trainer(spec)
    restore(resumed, load(data), json.loads(text))
    assert resumed.step == 10 and resumed.base_lr == spec.training.lr * 0.5
    tail = losses(resumed, 14)

    halved = Trainer(spec)
    losses(halved, 10)
    halved.set("training.lr", halved.base_lr * 0.5)
    reference = np.concatenate([uninterrupted[:10], losses(halved, 14)])
    assert np.array_equal(np.concatenate([head, tail]), reference)
    assert not np.array_equal(reference, uninterrupted)  # the lr change mattered, so it was carried


def test_a_checkpoint_of_another_model_is_refused_by_name():
    tensors, meta = capture(Trainer(small_spec(model__hidden_size=32)))
    with pytest.raises(SeqLabError, match=r"rnn.weight_ih_l0 is \(128, 16\) in the checkpoint, \(64, 16\) in the model"):
        restore(Trainer(small_spec(model__hidden_size=16)), tensors, meta)
    with pytest.raises(SeqLabError, match="does not fit this model: missing"):
        restore(Trainer(small_spec(model__family="seq2seq", task__name="reverse")), tensors, meta)
    with pytest.raises(SeqLabError, match="checkpoint format 99"):
        restore(Trainer(small_spec()), tensors, {**meta, "format": 99})


def test_capture_holds_only_cpu_tensors_and_json():
    trainer = Trainer(small_spec())
    losses(trainer, 3)
    tensors, meta = capture(trainer)
    assert all(t.device.type == "cpu" and t.is_contiguous() for t in tensors.values())
    json.dumps(meta)
    assert meta["step"] == 3 and any(k.startswith("optimizer/") for k in tensors)
    assert torch.equal(load(save(tensors))["rng/batches"], trainer.batch_generator.get_state())
