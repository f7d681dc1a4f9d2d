import re
import sys
import threading
import time

import numpy as np
import pytest
import torch
from torch.overrides import TorchFunctionMode

from engine.errors import SpecError
from engine.events import Evaluation, RunFinished, RunStarted, Scalars, SettingChanged, StateChanged, RunWarning
from engine.host import ThreadHost
from engine.runner import RunControl, run_training
from engine.training import FLUSH_CAPACITY, Trainer, resolve_device
from tests.engine.helpers import small_spec

READS = {"item", "tolist", "numpy", "cpu", "__float__", "__bool__", "__int__", "__index__"}


class DeviceReads(TorchFunctionMode):
    """Records reads of floating-point tensor values made by SeqLab's own code
    (engine.*): on a GPU each one is a host-device sync."""

    def __init__(self, watched=("engine",)):
        super().__init__()
        self.watched = watched
        self.reads = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if name in READS and args and isinstance(args[0], torch.Tensor) and args[0].is_floating_point():
            # Skip only torch's dispatch frames, so a read made inside torch
            # (Adam reading its CPU step counter) is not blamed on its caller.
            frame = sys._getframe(1)
            while frame and frame.f_globals.get("__name__", "") in ("torch.overrides", "torch._tensor"):
                frame = frame.f_back
            caller = frame.f_globals.get("__name__", "") if frame else ""
            if caller.startswith(self.watched):
                self.reads.append(f"{name} in {caller}:{frame.f_lineno}")
        return func(*args, **(kwargs or {}))


@pytest.mark.parametrize("overrides", [
    {"model__cell": "lstm", "probes__every": 2},  # probe steps keep their gradients by group
    {"model__family": "seq2seq", "model__attention": "additive", "task__name": "reverse",
     "training__teacher_forcing": 1.0, "training__teacher_forcing_end": 0.5},
    {"model__family": "transformer", "model__arch": "decoder", "task__name": "shakespeare", "training__clip_norm": 0.0},
    {"model__family": "rnn", "task__name": "sines", "training__schedule": "cosine", "training__warmup_steps": 3},
])
def test_a_training_step_never_reads_values_back_from_the_device(overrides):
    trainer = Trainer(small_spec(**overrides))
    trainer.train_step()  # warm-up outside the check
    with DeviceReads() as mode:
        for _ in range(5):
            trainer.train_step()
    assert mode.reads == []
    with DeviceReads() as mode:
        scalars = trainer.flush()
    # One copy per flush for all buffered steps (`.cpu().numpy()` on one line).
    assert mode.reads and len({read.rsplit(":", 1)[1] for read in mode.reads}) == 1
    assert [len(s) for s in scalars] == [6]


def test_the_reads_detector_catches_a_per_step_item():
    trainer = Trainer(small_spec())
    original = trainer._record

    def record_with_item(loss, *rest):
        loss.item()  # the mistake the check exists for
        original(loss, *rest)

    trainer._record = record_with_item
    with DeviceReads(watched=("engine", __name__)) as mode:
        trainer.train_step()
    assert mode.reads and "item" in mode.reads[0]


@pytest.mark.parametrize("overrides", [
    {"model__cell": "gru", "model__dropout": 0.2, "model__layers": 2},
    {"model__family": "seq2seq", "model__attention": "dot", "task__name": "reverse", "training__teacher_forcing": 0.5},
    {"model__family": "transformer", "model__arch": "encoder_decoder", "task__name": "addition", "model__dropout": 0.1},
])
def test_same_spec_and_seed_give_bit_identical_losses(overrides):
    a = Trainer(small_spec(**overrides)).run_steps(25)
    b = Trainer(small_spec(**overrides)).run_steps(25)
    assert np.array_equal(a, b)
    c = Trainer(small_spec(training__seed=1, **overrides)).run_steps(25)
    assert not np.array_equal(a, c)


def test_trainers_leave_the_global_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    trainer = Trainer(small_spec(model__dropout=0.3, model__layers=2))
    trainer.run_steps(3)
    assert torch.equal(torch.rand(3), expected)


def test_scalars_carry_every_step_once_in_order_even_past_the_buffer():
    trainer = Trainer(small_spec(task__name="hello", model__hidden_size=8, training__batch_size=2))
    n = FLUSH_CAPACITY + 37
    for _ in range(n):
        trainer.train_step()
    scalars = trainer.flush()
    steps = np.concatenate([s.steps for s in scalars])
    assert np.array_equal(steps, np.arange(n))
    for s in scalars:
        assert set(s.values) == {"train_loss", "grad_norm", "lr", "tokens_per_second"}
        assert np.all(s.values["tokens_per_second"] > 0)
        assert all(isinstance(v, np.ndarray) for v in s.values.values())
        assert np.all(np.diff(s.wall_time) >= 0)
    assert trainer.flush() == []


def test_learning_rate_schedules():
    trainer = Trainer(small_spec(training__steps=100, training__schedule="cosine", training__warmup_steps=10,
                                 training__lr=0.1))
    lrs = [trainer.lr_at(s) for s in range(100)]
    assert lrs[0] == pytest.approx(0.01) and lrs[9] == pytest.approx(0.1)
    assert lrs[10] == pytest.approx(0.1) and lrs[55] == pytest.approx(0.05, rel=0.05) and lrs[99] < 0.001
    warm = Trainer(small_spec(training__schedule="warmup", training__warmup_steps=4, training__lr=0.2))
    assert [warm.lr_at(s) for s in range(6)] == pytest.approx([0.05, 0.1, 0.15, 0.2, 0.2, 0.2])
    const = Trainer(small_spec(training__lr=0.3))
    assert {const.lr_at(s) for s in range(50)} == {0.3}


def test_the_optimizer_gets_the_scheduled_rate_and_the_recorded_rate_matches():
    trainer = Trainer(small_spec(training__schedule="warmup", training__warmup_steps=5, training__lr=0.05,
                                 training__optimizer="sgd"))
    trainer.run_steps(3)
    assert trainer.optimizer.param_groups[0]["lr"] == pytest.approx(trainer.lr_at(2))
    assert isinstance(trainer.optimizer, torch.optim.SGD)
    assert isinstance(Trainer(small_spec(training__optimizer="adamw")).optimizer, torch.optim.AdamW)


def test_scheduled_teacher_forcing_decays_linearly_and_can_be_overridden():
    trainer = Trainer(small_spec(model__family="seq2seq", task__name="reverse", training__steps=100,
                                 training__teacher_forcing=1.0, training__teacher_forcing_end=0.2))
    assert trainer.teacher_forcing_at(0) == 1.0
    assert trainer.teacher_forcing_at(50) == pytest.approx(0.6)
    assert trainer.teacher_forcing_at(100) == pytest.approx(0.2)
    for _ in range(4):
        trainer.train_step()
    trainer.set("training.teacher_forcing", 0.0)
    for _ in range(2):
        trainer.train_step()
    ratios = np.concatenate([s.values["teacher_forcing"] for s in trainer.flush()])
    assert ratios == pytest.approx([1.0, 0.992, 0.984, 0.976, 0.0, 0.0])


def test_gradient_clipping_limits_the_update_and_can_be_switched_live():
    trainer = Trainer(small_spec(model__cell="rnn_relu", training__lr=0.5, training__clip_norm=0.01,
                                 training__optimizer="sgd", training__momentum=0.0))
    before = [p.detach().clone() for p in trainer.parameters]
    trainer.train_step()
    moved = torch.sqrt(sum(((p.detach() - b) ** 2).sum() for p, b in zip(trainer.parameters, before)))
    assert float(moved) <= 0.5 * 0.01 * 1.0001  # lr * clip_norm
    norm = float(trainer.flush()[0].values["grad_norm"][0])
    assert norm > 0.01  # the recorded norm is the one before clipping
    trainer.set("training.clip_norm", 0.0)
    assert trainer.clip_norm == 0.0


def test_live_settings_are_checked():
    trainer = Trainer(small_spec())
    trainer.set("training.lr", 0.02)
    assert trainer.base_lr == 0.02
    for key, value, message in (("training.lr", -1, "training.lr=-1.0 must be in (0, 10]"),
                                ("training.clip_norm", -2, "training.clip_norm=-2.0 must be at least 0"),
                                ("training.teacher_forcing", 2, "training.teacher_forcing=2.0 must be in [0, 1]"),
                                ("training.batch_size", 3, "training.batch_size cannot be changed while training")):
        with pytest.raises(SpecError, match=re.escape(message)):
            trainer.set(key, value)


def test_evaluation_reports_the_task_metric():
    trainer = Trainer(small_spec(task__name="hello", training__lr=0.05, model__cell="gru"))
    trainer.run_steps(150)
    values = trainer.evaluate().values
    assert values["token_accuracy"] == 1.0 and values["val_loss"] < 0.1


def test_unavailable_devices_are_refused_by_name(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(SpecError, match="training.device=cuda is not available here"):
        resolve_device("cuda")
    assert resolve_device("auto").type in ("cpu", "mps")
    with pytest.raises(SpecError, match="training.precision=bf16 needs a CUDA device"):
        Trainer(small_spec(training__precision="bf16", training__device="auto"))


# ------------------------------------------------------------- run controls
def collect(events_list):
    return lambda events: events_list.extend(events)


def test_run_training_emits_started_scalars_evaluations_and_finished():
    events = []
    trainer = Trainer(small_spec(training__steps=40, training__eval_every=20))
    assert run_training(trainer, RunControl(), collect(events)) == "completed"
    assert isinstance(events[0], RunStarted) and events[0].parameter_count == trainer.parameter_count
    assert isinstance(events[-1], RunFinished) and events[-1].reason == "completed"
    assert [e.step for e in events if isinstance(e, Evaluation)] == [20, 40]
    steps = np.concatenate([e.steps for e in events if isinstance(e, Scalars)])
    assert np.array_equal(steps, np.arange(40))
    assert events[-1].summary["final_step"] == 40


def test_metrics_are_batched_as_often_as_flush_every_asks_from_then_on():
    """A fake clock, 10 ms a step: batches of about 4 steps at the default 1/30 s,
    of 10 once the window asks for one every 0.1 s."""
    now = [0.0]
    trainer = Trainer(small_spec(training__steps=200, training__eval_every=1000, probes__every=0))
    train_step = trainer.train_step

    def timed_step():
        train_step()
        now[0] += 0.01

    trainer.train_step = timed_step
    control = RunControl()
    batches = []

    def emit(events):
        batches.extend(len(e) for e in events if isinstance(e, Scalars))
        if trainer.step >= 100:
            control.flush_every(0.1)  # as the engine process does on the window's word

    run_training(trainer, control, emit, clock=lambda: now[0])
    assert sum(batches) == 200
    assert set(batches[2:20]) == {4}  # 1/30 s: four steps of 10 ms
    assert set(batches[-8:-1]) == {10}


def test_stop_from_another_thread_acts_within_one_step():
    trainer = Trainer(small_spec(training__steps=100_000))
    control = RunControl()
    seen = []
    stop_at = {}

    def emit(events):
        seen.extend(events)
        if trainer.step >= 30 and "step" not in stop_at:
            stop_at["step"] = trainer.step
            threading.Thread(target=control.stop).start()
            time.sleep(0.05)  # the stop lands while training goes on

    thread = threading.Thread(target=run_training, args=(trainer, control, emit, 0.0))
    thread.start()
    thread.join(30)
    assert not thread.is_alive()
    finished = seen[-1]
    assert isinstance(finished, RunFinished) and finished.reason == "stopped"
    assert finished.step - stop_at["step"] <= 1


def test_pause_step_resume_and_live_changes_from_another_thread():
    trainer = Trainer(small_spec(training__steps=400))
    control = RunControl()
    control.pause()
    events = []
    thread = threading.Thread(target=run_training, args=(trainer, control, collect(events), 0.0))
    thread.start()
    wait_for(lambda: any(isinstance(e, StateChanged) for e in events))
    assert trainer.step == 0  # paused before the first step
    control.step(7)
    wait_for(lambda: trainer.step == 7 and len([e for e in events if isinstance(e, StateChanged)]) == 2)
    time.sleep(0.2)
    assert trainer.step == 7  # exactly n steps, then paused again
    control.set("training.lr", 0.123)
    control.set("training.lr", -5)
    wait_for(lambda: any(isinstance(e, RunWarning) for e in events))
    assert trainer.base_lr == 0.123
    control.resume()
    thread.join(60)
    kinds = [type(e).__name__ for e in events if not isinstance(e, Scalars)]
    assert kinds[0] == "RunStarted" and kinds[-1] == "RunFinished"
    states = [(e.state, e.step) for e in events if isinstance(e, StateChanged)]
    assert states == [("paused", 0), ("paused", 7), ("running", 7)]
    changed = [e for e in events if isinstance(e, SettingChanged)]
    assert [(e.name, e.value) for e in changed] == [("training.lr", 0.123)]
    warning = next(e for e in events if isinstance(e, RunWarning))
    assert "training.lr=-5.0 must be in (0, 10]" in warning.message
    lrs = np.concatenate([e.values["lr"] for e in events if isinstance(e, Scalars)])
    assert lrs[0] == pytest.approx(small_spec().training.lr) and lrs[-1] == pytest.approx(0.123)


def test_thread_host_runs_in_the_background_and_shuts_down():
    host = ThreadHost()
    with pytest.raises(SpecError, match="model.hidden_size=0"):
        host.start(small_spec(model__hidden_size=0))
    host.start(small_spec(training__steps=100_000))
    wait_for(lambda: any(isinstance(e, Scalars) for e in host.poll()))
    assert host.running
    assert host.shutdown(10)
    assert not host.running
    leftover = host.poll()
    assert isinstance(leftover[-1], RunFinished) and leftover[-1].reason == "stopped"


def test_thread_host_reports_a_failure_to_build_as_an_event(tmp_path):
    from engine.task_file import TaskFile

    host = ThreadHost()
    short = str(tmp_path / "short.txt")
    host.start(small_spec(task__name="text_file", task__path=short), task_file=TaskFile(short, b"a few words"))
    wait_for(lambda: not host.running)
    events = host.poll()
    assert type(events[-1]).__name__ == "RunFailed" and f"{short}: 11 characters is too short" in events[-1].message


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)
