"""Faults seen from the window: each ends in one clear message, the run so far
is kept, and the window offers the way on."""

import numpy as np
import torch

from engine.events import RunFailed
from engine.training import Trainer
from tests.gui.conftest import train_to_end, wait_until
from tests.gui.test_window import choose, quick, type_into

OOM = "CUDA out of memory. Tried to allocate 2.00 GiB."


def set_up_to_diverge(window, lr: float) -> None:
    """An unclipped ReLU RNN on plain SGD: at lr 5 it diverges within 300 steps."""
    quick(window, 300)
    window.document.set_draft(window.document.draft.with_overrides({
        "model.family": "rnn", "model.cell": "rnn_relu", "model.attention": "none", "task.name": "hello",
        "training.optimizer": "sgd", "training.lr": lr, "training.clip_norm": 0.0}))


def test_a_diverging_run_is_marked_kept_finite_and_can_be_retried_with_a_lower_rate(qtbot, make_window):
    window = make_window()
    set_up_to_diverge(window, 5.0)
    train_to_end(qtbot, window)
    run = window.session.run
    step = run.summary["diverged_at"]
    assert step is not None and run.step == step < 300
    assert window.status.banner.text().startswith(f"Diverged at step {step}: ")
    assert "The weights from before step" in window.status.banner.text()
    assert window.status.state_label.text() == "idle" and window.document.project.run() is run
    line = window.panels["loss"].divergence_line
    assert line.isVisible() and line.value() == step
    assert all(np.isfinite(t.numpy()).all() for t in run.state[0].values() if t.is_floating_point())
    assert len(run.history) == step  # the finite steps, each kept

    window.status.banner.trigger("Retry with learning rate 0.5")
    assert window.document.draft.training.lr == 0.5 and window.session.active
    wait_until(qtbot, lambda: not window.session.active, message="the retried run")
    retried = window.document.project.run()
    assert retried is not run and retried.summary["diverged_at"] is None and retried.step == 300
    assert not line.isVisible()  # the retried run did not diverge
    window.document.undo_stack.undo()
    assert window.document.draft.training.lr == 5.0  # the retry's change is an ordinary edit


def test_out_of_memory_mid_run_offers_half_the_batch_and_keeps_the_steps_done(qtbot, make_window, monkeypatch):
    real_step = Trainer.train_step

    def train_step(self):
        if self.step == 5 and self.spec.training.batch_size == 32:
            raise torch.OutOfMemoryError(OOM)
        real_step(self)

    monkeypatch.setattr(Trainer, "train_step", train_step)
    window = make_window()
    quick(window, 20)
    train_to_end(qtbot, window)
    run = window.session.run
    assert window.status.banner.text().startswith(f"Out of memory on cpu at step 5 ({OOM})")
    assert window.status.banner.action_labels() == ["Retry with batch size 16"]
    assert run.step == 5 and len(run.history) == 5  # the weights and history of the steps done

    window.status.banner.trigger("Retry with batch size 16")
    wait_until(qtbot, lambda: not window.session.active, message="the retried run")
    assert window.document.project.run().spec.training.batch_size == 16 and window.document.project.run().step == 20
    assert window.status.banner.isHidden() and len(window.document.project.runs) == 2


def test_out_of_memory_on_a_gpu_also_offers_the_cpu(qtbot, make_window):
    window = make_window()
    quick(window, 10)
    window.session.controller.run = window.document.project.run()
    window.session.controller.events_arrived.emit(  # as the engine reports it
        [RunFailed(0, f"out of memory on cuda:0 while building the model ({OOM}). ...",
                   kind="out_of_memory", device="cuda:0")])
    assert window.status.banner.action_labels() == ["Retry with batch size 16", "Retry on the CPU"]
    window.status.banner.trigger("Retry on the CPU")
    assert window.document.draft.training.device == "cpu"
    wait_until(qtbot, lambda: not window.session.active, message="the run on the CPU")
    assert window.document.project.run().step == 10


def test_unusable_user_files_are_named_in_the_window(qtbot, make_window, tmp_path):
    window = make_window()
    quick(window, 10)
    choose(window, "model.family", "rnn")
    picture = tmp_path / "holiday.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    type_into(qtbot, window, "task.path", str(picture))
    choose(window, "task.name", "text_file")
    assert window.document.draft.task.name == "text_file"
    assert f"{picture}: looks binary (it contains NUL bytes)" in window.diagram.message
    assert not window.session.train()  # the file is read before anything starts, and named
    assert f"{picture}: looks binary (it contains NUL bytes)" in window.status.banner.text()
    assert not window.session.active
    missing = tmp_path / "nowhere.txt"
    type_into(qtbot, window, "task.path", str(missing))
    assert not window.session.train()
    assert f"{missing}: no such file" in window.status.banner.text()
    assert window.isVisible()


def test_out_of_range_values_typed_or_pasted_never_reach_torch(qtbot, make_window, monkeypatch):
    built = []
    real_init = Trainer.__init__
    monkeypatch.setattr(Trainer, "__init__", lambda self, *a, **k: (built.append(a), real_init(self, *a, **k))[1])
    window = make_window()
    choose(window, "model.family", "transformer")
    before = window.document.draft
    for key, text, message in [("model.heads", "0", "model.heads=0 must be at least 1"),
                               ("model.d_model", "-64", "model.d_model=-64 must be at least 1"),
                               ("model.layers", "1e9", "model.layers"),
                               ("training.lr", "nan", "training.lr")]:
        form = type_into(qtbot, window, key, text)
        assert message in form.error_text(key), (key, form.error_text(key))
        assert window.document.draft == before
    choose(window, "task.name", "copy")
    before = window.document.draft
    form = type_into(qtbot, window, "task.vocab_size", "999999999")
    assert "task.vocab_size=999999999 must be at most 100000" in form.error_text("task.vocab_size")
    assert window.document.draft == before and built == []


def test_the_memory_estimate_warns_in_the_banner_or_refuses_the_run(qtbot, make_window, monkeypatch):
    import engine.memory

    window = make_window()
    quick(window, 10)
    estimate = engine.memory.estimate_memory(window.document.draft)
    needs, weights = estimate.total, estimate.parameters + estimate.gradients + estimate.optimizer
    assert weights * 1.05 < needs * 0.8  # room for the weights, not for the activations too
    monkeypatch.setattr(engine.memory, "available_memory", lambda device: int(needs * 1.1))
    train_to_end(qtbot, window)
    assert window.status.banner.text().startswith("Training anyway, but this run needs about")
    assert window.document.project.run().step == 10

    monkeypatch.setattr(engine.memory, "available_memory", lambda device: int(weights * 1.05))
    window.session.new_run()
    train_to_end(qtbot, window)
    assert window.status.banner.text().startswith("Not started: this run needs about")
    assert window.status.banner.action_labels() == ["Retry with batch size 16"]
    assert window.document.project.run().step == 0

    # too little even for the weights: refused before the model is built, naming what to lower
    monkeypatch.setattr(engine.memory, "available_memory", lambda device: weights // 2)
    train_to_end(qtbot, window)
    assert window.status.banner.text().startswith("This model cannot train here: its weights")
    assert "lower model.hidden_size" in window.status.banner.text() and window.document.project.run().step == 0


def test_what_a_nan_step_does_is_chosen_in_the_training_form(qtbot, make_window):
    window = make_window()
    choose(window, "training.on_nonfinite", "skip")
    assert window.document.draft.training.on_nonfinite == "skip"
    window.document.undo_stack.undo()
    assert window.document.draft.training.on_nonfinite == "stop"
