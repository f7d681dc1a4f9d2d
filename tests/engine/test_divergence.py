"""A step whose loss or gradient is NaN or Inf is never applied: the run stops
there keeping the weights from before it, or (on_nonfinite=skip) drops it and
counts it."""

import math
import subprocess
import sys

import pytest
import torch

import engine.training
from engine.events import Checkpoint, Diverged, ProbeSnapshot, RunFinished, Scalars
from engine.project import Project, open_project, save_project
from engine.runner import RunControl, run_training
from engine.step_guard import SKIP_LIMIT
from engine.training import Trainer
from tests.engine.helpers import small_spec


@pytest.fixture
def poison(monkeypatch):
    """poison(steps): from now on, the loss of the training steps counted from
    here (0, 1, ...) that are in `steps` is NaN; returns the list of steps tried."""

    def install(steps) -> list[int]:
        computed = []
        real = engine.training.compute_loss

        def compute_loss(kind, output, batch):
            loss = real(kind, output, batch)
            computed.append(len(computed))
            return loss * math.nan if computed[-1] in steps else loss

        monkeypatch.setattr(engine.training, "compute_loss", compute_loss)
        return computed

    return install


def weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {name: value.clone() for name, value in trainer.model.state_dict().items()}


def optimizer_state(trainer: Trainer) -> list[torch.Tensor]:
    return [value.clone() for state in trainer.optimizer.state.values() for value in state.values()]


def run_events(trainer: Trainer, **options) -> list:
    events = []
    run_training(trainer, RunControl(), events.extend, checkpoint_at_end=True, **options)
    return events


def same(a: dict | list, b: dict | list) -> bool:
    pairs = zip(a.values(), b.values()) if isinstance(a, dict) else zip(a, b)
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in pairs)


@pytest.mark.parametrize("on_device", [True, False], ids=["fused-optimizer", "host-check"])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_run_stops_at_the_first_nan_step_and_keeps_the_weights_from_before_it(
        poison, on_device, optimizer):
    spec = small_spec(training__steps=40, training__optimizer=optimizer, model__dropout=0.1)
    reference = Trainer(spec)
    reference_losses = reference.run_steps(7)

    trainer = Trainer(spec)
    computed = poison({7})
    trainer.guard.on_device = trainer.guard.on_device and on_device
    # Flush only at the end: the host learns of the NaN late, after more steps ran.
    events = run_events(trainer, flush_interval=3600)
    assert len(computed) == 40  # every step was tried ...
    assert trainer.step == 7  # ... and the run is back where it diverged
    assert same(weights(trainer), weights(reference))
    assert same(optimizer_state(trainer), optimizer_state(reference))

    diverged = [e for e in events if isinstance(e, Diverged)]
    assert [(d.step, d.last_finite_step) for d in diverged] == [(7, 6)]
    assert math.isnan(diverged[0].loss) and diverged[0].last_finite_loss == float(reference_losses[-1])
    assert diverged[0].message.startswith("diverged at step 7: the loss became nan")
    assert "Last finite values, at step 6: loss" in diverged[0].message
    assert "The weights from before step 7 are kept" in diverged[0].message
    assert "training.lr (now 0.01)" in diverged[0].message
    steps = [int(s) for e in events if isinstance(e, Scalars) for s in e.steps]
    assert steps == list(range(7))
    finished = events[-1]
    assert isinstance(finished, RunFinished) and finished.reason == "diverged" and finished.step == 7
    assert finished.summary["diverged_at"] == 7 and finished.summary["train_loss"] is not None
    checkpoint = next(e for e in events if isinstance(e, Checkpoint))
    assert checkpoint.step == 7 and all(
        torch.equal(torch.from_numpy(checkpoint.tensors[f"model/{name}"]), value)
        for name, value in weights(reference).items())


def test_a_training_step_with_a_nan_loss_changes_nothing_when_skipped(poison):
    trainer = Trainer(small_spec(training__steps=12, training__on_nonfinite="skip"))
    poison({3, 5})
    trainer.run_steps(3)
    before, state_before = weights(trainer), optimizer_state(trainer)
    trainer.train_step()  # step 3: NaN
    assert same(weights(trainer), before) and same(optimizer_state(trainer), state_before)
    trainer.train_step()  # step 4: applied
    assert not same(weights(trainer), before)

    events = run_events(trainer)
    finished = events[-1]
    assert finished.reason == "completed" and finished.step == 12
    assert finished.summary["skipped_steps"] == 2 and finished.summary["diverged_at"] is None
    assert all(torch.isfinite(value).all() for value in trainer.model.state_dict().values())


def test_skipping_gives_up_after_a_long_run_of_nan_steps(poison):
    trainer = Trainer(small_spec(training__steps=200, training__on_nonfinite="skip"))
    poison(range(10, 10_000))
    events = run_events(trainer)
    diverged = next(e for e in events if isinstance(e, Diverged))
    assert diverged.step == 10 + SKIP_LIMIT - 1
    assert f"{SKIP_LIMIT} steps in a row were not finite" in diverged.message
    assert "None of those steps was applied" in diverged.message
    assert diverged.last_finite_step == 9 and "Last finite values, at step 9" in diverged.message
    assert events[-1].reason == "diverged" and trainer.skipped_steps == SKIP_LIMIT


def test_a_relu_rnn_with_a_large_learning_rate_diverges_for_real_and_keeps_finite_weights():
    trainer = Trainer(small_spec(model__cell="rnn_relu", training__optimizer="sgd", training__lr=5.0,
                                 training__clip_norm=0.0, training__steps=300))
    events = run_events(trainer)
    diverged = next(e for e in events if isinstance(e, Diverged))
    assert events[-1].reason == "diverged" and trainer.step == diverged.step < 300
    assert not (math.isfinite(diverged.loss) and math.isfinite(diverged.grad_norm))
    assert "gradient clipping (training.clip_norm, now 0: off)" in diverged.message
    assert all(torch.isfinite(value).all() for value in trainer.model.state_dict().values())


def test_the_command_line_says_where_a_project_diverged_in_one_line_and_saves_it(tmp_path):
    spec = small_spec(model__cell="rnn_relu", training__optimizer="sgd", training__lr=5.0,
                      training__clip_norm=0.0, training__steps=300)
    path = tmp_path / "wild.seqlab"
    project = Project(name="wild")
    project.add_run(spec)
    save_project(project, path)
    process = subprocess.run([sys.executable, "main.py", "train", str(path), "--quiet"],
                             capture_output=True, text=True, timeout=300)
    assert process.returncode == 1
    lines = process.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("seqlab: diverged at step "), process.stderr
    step = int(lines[0].split("step ")[1].split(":")[0])
    run = open_project(path).run()
    assert run.step == step and run.summary["diverged_at"] == step
    assert all(torch.isfinite(value).all() for value in run.state[0].values() if value.is_floating_point())


def test_skipped_steps_are_saved_with_the_run(poison, tmp_path):
    poison({2})
    project = Project(name="skips")
    run = project.add_run(small_spec(training__steps=5, training__on_nonfinite="skip"))
    trainer = run.trainer()
    run.keep(run_events(trainer))
    save_project(project, tmp_path / "skips.seqlab")
    reopened = open_project(tmp_path / "skips.seqlab").run()
    assert reopened.state[1]["skipped_steps"] == 1 and reopened.trainer().skipped_steps == 1


def test_a_run_saved_before_the_guard_existed_is_guarded_when_it_goes_on(poison):
    """Format 1.0 runs were saved with a foreach optimizer: restored, they run fused and skip NaN steps."""
    from tests.engine.test_project import SAMPLES

    run = open_project(SAMPLES / "format-1.0.seqlab").run()
    trainer = run.trainer()
    assert trainer.optimizer.param_groups[0]["fused"] is True and trainer.guard.on_device
    before = weights(trainer)
    poison({0})
    trainer.train_step()
    assert same(weights(trainer), before)


def test_no_probe_is_taken_once_a_flush_has_found_the_divergence(poison):
    """A probe due after the NaN step would look at a model the run has already given up on."""
    trainer = Trainer(small_spec(training__steps=40, probes__every=5, probes__max_time_fraction=1.0))
    poison({3})
    events = run_events(trainer, flush_interval=3600)  # the probe at step 5 is what flushes first
    assert [e.step for e in events if isinstance(e, ProbeSnapshot)] == [0]
    assert trainer.divergence.step == 3
