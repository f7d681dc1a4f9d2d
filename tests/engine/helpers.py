"""Small specs that train in a second on a CPU."""

from engine.spec import ExperimentSpec

SMALL = {
    "model.embedding_size": 16, "model.hidden_size": 32,
    "model.d_model": 32, "model.heads": 2, "model.ff_size": 64,
    "task.length": 6, "task.train_size": 512, "task.val_size": 64,
    "task.distractors": 3, "task.vocab_size": 6, "task.digits": 2,
    "training.batch_size": 16, "training.lr": 0.01, "training.eval_every": 1000,
    "training.eval_batches": 1, "training.device": "cpu",
}


def small_spec(**overrides) -> ExperimentSpec:
    """A tiny experiment; keyword names use __ for dots: model__cell="gru"."""
    merged = dict(SMALL)
    merged.update({k.replace("__", "."): v for k, v in overrides.items()})
    return ExperimentSpec().with_overrides(merged)
