"""Devices and precision: training.device takes cuda:N, training.precision auto
picks bf16, fp16 (with a gradient scaler) or fp32 for the device, and an fp16
run's scaler skips its overflowing steps without their counting as divergence.

This machine has no GPU: CUDA's answers are monkeypatched, and the fp16 path
runs on the CPU (torch autocasts to fp16 and has a GradScaler there too; its
LSTM has no fp16 kernel, so these runs are Transformers)."""

import contextlib
import json

import numpy as np
import pytest
import torch
from safetensors.torch import load, save

import engine.training
from engine.checkpoint import capture, restore
from engine.describe import device_text, run_facts
from engine.errors import ProjectError, SpecError
from engine.precision import Precision, resolve_precision
from engine.project import Project, open_project, save_project
from engine.runner import RunControl, run_training
from engine.spec import ExperimentSpec
from engine.step_guard import OVERFLOW_LIMIT
from engine.training import Trainer, available_devices, resolve_device
from tests.engine.helpers import small_spec

TINY_TRANSFORMER = {"model__family": "transformer", "model__layers": 1, "task__name": "hello", "probes__every": 0}


def problems(**overrides) -> dict[str, str]:
    try:
        small_spec(**overrides).validate_fields()
    except SpecError as refused:
        return dict(refused.problems)
    return {}


@pytest.fixture
def gpus(monkeypatch):
    """gpus(count, bf16=True): CUDA as a machine with `count` GPUs would answer."""

    def install(count: int, bf16: bool = True) -> list:
        asked = []  # the device index each bf16 question was asked on (None: the current one)

        @contextlib.contextmanager
        def on_device(index):
            asked.append(index)
            yield

        monkeypatch.setattr(torch.cuda, "is_available", lambda: count > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
        monkeypatch.setattr(torch.cuda, "device", on_device)
        monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: bf16)
        monkeypatch.setattr(torch.cuda, "get_device_name", lambda device=None: "Tesla T4")
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
        return asked

    return install


@pytest.fixture
def fp16_on_cpu(monkeypatch):
    """Every Trainer made from here trains in fp16 with a gradient scaler, on the CPU."""
    monkeypatch.setattr(engine.training, "resolve_precision", lambda requested, device, strict=True:
                        Precision("fp16", device.type))


# ------------------------------------------------------------------ devices
@pytest.mark.parametrize("device", ["auto", "cpu", "cuda", "cuda:0", "cuda:1", "cuda:15", "mps"])
def test_training_device_takes_each_form(device):
    assert "training.device" not in problems(training__device=device)


@pytest.mark.parametrize("device", ["cuda:x", "cuda:-1", "cuda:", "cuda:01", "cuda:1.5", "CUDA", "gpu", " cuda",
                                    "cuda:0 ", "cuda:123456"])
def test_training_device_of_another_form_is_refused_in_one_line_naming_it(device):
    message = problems(training__device=device)["training.device"]
    assert message == f"training.device={json.dumps(device)} must be one of auto, cpu, cuda, cuda:N, mps"
    with pytest.raises(SpecError, match="must be one of auto, cpu, cuda, cuda:N, mps"):
        resolve_device(device)  # a device handed to a Trainer past the spec is checked too


def test_a_gpu_the_machine_lacks_is_refused_saying_how_many_it_has(gpus):
    gpus(2)
    assert available_devices() == ["cpu", "cuda", "cuda:0", "cuda:1"]
    assert resolve_device("cuda:1") == torch.device("cuda", 1)
    assert resolve_device("cuda") == torch.device("cuda") and resolve_device("auto") == torch.device("cuda")
    with pytest.raises(SpecError, match=r"training.device=cuda:2 is not available here: "
                                        r"this machine has 2 GPUs \(cuda:0 to cuda:1\)$") as refused:
        resolve_device("cuda:2")
    assert refused.value.problems[0][0] == "training.device"
    gpus(1)
    assert available_devices() == ["cpu", "cuda"]  # one GPU: cuda is the only name it needs
    assert resolve_device("cuda:0") == torch.device("cuda", 0)
    with pytest.raises(SpecError, match=r"this machine has 1 GPU \(cuda:0\)$"):
        resolve_device("cuda:1")
    gpus(0)
    with pytest.raises(SpecError, match=r"training.device=cuda:0 is not available here: this machine has no GPU$"):
        resolve_device("cuda:0")
    with pytest.raises(SpecError, match=r"training.device=cuda is not available here \(available: cpu\)"):
        resolve_device("cuda")


# ---------------------------------------------------------------- precision
def test_auto_picks_bf16_where_the_gpu_has_it_fp16_where_not_and_fp32_off_the_gpu(gpus):
    asked = gpus(2, bf16=True)
    assert resolve_precision("auto", torch.device("cuda")) == Precision("bf16", "cuda")
    assert resolve_precision("auto", torch.device("cuda", 1)) == Precision("bf16", "cuda")
    assert asked == [1]  # cuda:1 is asked about itself (plain cuda: the current device, no switch)
    gpus(1, bf16=False)
    assert resolve_precision("auto", torch.device("cuda")) == Precision("fp16", "cuda")
    assert resolve_precision("auto", torch.device("cpu")) == Precision("fp32", "cpu")
    assert resolve_precision("auto", torch.device("mps")) == Precision("fp32", "mps")
    assert resolve_precision("fp32", torch.device("cuda")) == Precision("fp32", "cuda")
    assert resolve_precision("fp16", torch.device("cuda")).grad_scaler() is not None
    assert resolve_precision("fp32", torch.device("cuda")).grad_scaler() is None


def test_bf16_or_fp16_where_the_device_cannot_is_refused_naming_the_precision(gpus):
    gpus(1, bf16=False)
    for precision in ("bf16", "fp16"):
        with pytest.raises(SpecError, match=rf"training.precision={precision} needs a CUDA device; this run is on "
                                            rf"cpu") as refused:
            resolve_precision(precision, torch.device("cpu"))
        assert refused.value.problems[0][0] == "training.precision"
        assert problems(training__precision=precision, training__device="cpu")["training.precision"] == \
            f"training.precision={precision} is for CUDA; training.device=cpu trains in fp32"
    with pytest.raises(SpecError, match=r"training.precision=bf16 needs a GPU that computes in bf16 \(compute "
                                        r"capability 8.0 or later\); cuda \(Tesla T4\) does not: use fp16 or auto"):
        resolve_precision("bf16", torch.device("cuda"))
    # a model that is only run (the playground, on the CPU) runs in fp32 instead
    assert resolve_precision("bf16", torch.device("cpu"), strict=False) == Precision("fp32", "cpu")
    assert problems(training__precision="fp8")["training.precision"] == \
        'training.precision="fp8" must be one of auto, fp32, bf16, fp16'


def test_auto_is_the_default_and_a_cpu_run_trains_exactly_as_in_fp32():
    assert ExperimentSpec().training.precision == "auto"
    auto = Trainer(small_spec(training__precision="auto"))
    fp32 = Trainer(small_spec(training__precision="fp32"))
    assert auto.precision == Precision("fp32", "cpu") and auto.scaler is None
    assert np.array_equal(auto.run_steps(8), fp32.run_steps(8))
    assert auto.summary()["precision"] == "fp32" and "overflow_steps" not in auto.summary()


def test_a_saved_project_keeps_the_precision_it_says():
    from tests.engine.test_project import SAMPLES

    for sample in sorted(SAMPLES.glob("format-*.seqlab")):
        assert open_project(sample).run().spec.training.precision == "fp32", sample.name


def test_the_resolved_precision_is_reported_beside_the_device():
    project = Project(name="facts")
    run = project.add_run(small_spec(training__steps=2))
    events = []
    run_training(run.trainer(), RunControl(), events.extend)
    run.keep(events)
    assert events[0].precision == "fp32"
    facts = dict(run_facts(run))
    assert facts["device"] == "cpu" and facts["precision"] == "fp32"
    assert dict(run_facts(project.add_run(small_spec())))["precision"] == "not trained"
    assert device_text("cuda:1", "bf16") == "cuda:1, bf16" and device_text("cpu", "fp32") == "cpu"


# ---------------------------------------------------------------- fp16 path
def weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {name: value.clone() for name, value in trainer.model.state_dict().items()}


def same(a: dict, b: dict) -> bool:
    return all(torch.equal(a[name], b[name]) for name in a)


def test_fp16_autocasts_training_and_evaluation_and_probes_stay_fp32(fp16_on_cpu):
    trainer = Trainer(small_spec(**TINY_TRANSFORMER))
    seen = []
    linear = next(m for m in trainer.model.modules() if isinstance(m, torch.nn.Linear))
    linear.register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    trainer.train_step()
    trainer.evaluate()
    assert set(seen) == {torch.float16}
    seen.clear()
    trainer.probe()  # unscaled gradients: fp16 would flush a vanishing gradient to zero
    assert set(seen) == {torch.float32}


@pytest.mark.parametrize("on_nonfinite", ["stop", "skip"])
def test_fp16_learns_and_the_overflows_its_scaler_skips_are_not_divergence(fp16_on_cpu, on_nonfinite):
    trainer = Trainer(small_spec(**TINY_TRANSFORMER, training__on_nonfinite=on_nonfinite))
    trainer.scaler = torch.amp.GradScaler("cpu", init_scale=2.0**30)  # far too high: the first steps overflow
    before = weights(trainer)
    trainer.train_step()
    assert same(weights(trainer), before)  # the overflowing step was skipped
    for _ in range(39):
        trainer.train_step()
    (scalars,) = trainer.flush()
    loss, norm = scalars.values["train_loss"], scalars.values["grad_norm"]
    overflowed = ~np.isfinite(norm)
    assert 10 <= overflowed.sum() == trainer.guard.overflow_steps < OVERFLOW_LIMIT  # 2**30 down to a fitting scale
    assert overflowed[:10].all() and trainer.scaler.get_scale() < 2.0**30
    assert trainer.divergence is None and trainer.skipped_steps == 0
    assert np.isfinite(loss).all() and loss[-5:].mean() < 0.2 * loss[0]
    assert trainer.last_train_loss == loss[-1]  # the last applied step's
    summary = trainer.summary()
    assert summary["precision"] == "fp16" and summary["overflow_steps"] == overflowed.sum()


def test_fp16_gradients_that_overflow_at_every_scale_stop_the_run(fp16_on_cpu):
    trainer = Trainer(small_spec(**TINY_TRANSFORMER, training__steps=100))
    for parameter in trainer.parameters:  # finite loss, gradients past any scale
        parameter.register_hook(lambda grad: grad * float("inf"))
    before = weights(trainer)
    events = []
    run_training(trainer, RunControl(), events.extend)
    assert trainer.divergence is not None and trainer.divergence.step == OVERFLOW_LIMIT - 1
    assert f"the gradients overflowed fp16 at {OVERFLOW_LIMIT} steps in a row" in trainer.divergence.message
    assert "training.precision=fp32" in trainer.divergence.message
    assert trainer.guard.overflow_steps == OVERFLOW_LIMIT - 1 and trainer.skipped_steps == 0
    assert same(weights(trainer), before)


def test_an_fp16_loss_that_is_not_finite_stops_the_run_at_once(fp16_on_cpu, monkeypatch):
    real = engine.training.compute_loss
    calls = []

    def compute_loss(kind, output, batch):
        calls.append(1)
        return real(kind, output, batch) * (float("nan") if len(calls) == 4 else 1.0)

    monkeypatch.setattr(engine.training, "compute_loss", compute_loss)
    trainer = Trainer(small_spec(**TINY_TRANSFORMER, training__steps=10))
    trainer.run_steps(10)
    assert trainer.divergence is not None and trainer.divergence.step == 3


def fp16_losses(trainer: Trainer, steps: int) -> np.ndarray:
    for _ in range(steps):
        trainer.train_step()
    return np.concatenate([s.values["train_loss"] for s in trainer.flush()])


def test_an_fp16_run_resumes_exactly_with_its_scaler(fp16_on_cpu):
    spec = small_spec(**TINY_TRANSFORMER, model__dropout=0.1, training__steps=24)  # dropout: the random state too

    def started() -> Trainer:
        trainer = Trainer(spec)
        trainer.scaler = torch.amp.GradScaler("cpu", init_scale=2.0**20)  # its scale changes early on
        return trainer

    uninterrupted = fp16_losses(started(), 24)
    first = started()
    head = fp16_losses(first, 10)
    scale, overflows = first.scaler.get_scale(), first.guard.overflow_steps
    assert scale != 2.0**20 and overflows > 0
    tensors, meta = capture(first)
    resumed = Trainer(spec)  # a fresh scaler at torch's default scale until restored
    restore(resumed, load(save(tensors)), json.loads(json.dumps(meta)))
    assert resumed.scaler.get_scale() == scale and resumed.guard.overflow_steps == overflows
    assert np.array_equal(np.concatenate([head, fp16_losses(resumed, 14)]), uninterrupted)


def test_an_fp16_run_keeps_its_scaler_in_the_project_file(fp16_on_cpu, tmp_path):
    project = Project(name="fp16")
    run = project.add_run(small_spec(**TINY_TRANSFORMER, training__steps=6))
    trainer = run.trainer()
    trainer.scaler = torch.amp.GradScaler("cpu", init_scale=2.0**30)
    events = []
    run_training(trainer, RunControl(), events.extend, checkpoint_at_end=True)
    run.keep(events)
    save_project(project, tmp_path / "fp16.seqlab")
    reopened = open_project(tmp_path / "fp16.seqlab").run()
    assert reopened.summary["precision"] == "fp16"
    assert reopened.trainer().scaler.get_scale() == trainer.scaler.get_scale() < 2.0**30

    tensors, meta = run.state
    run.state = (tensors, {**meta, "scaler": {**meta["scaler"], "scale": 0}})
    save_project(project, tmp_path / "bad.seqlab")
    with pytest.raises(ProjectError, match="state.json: scaler: scale=0 must be a finite number above 0"):
        open_project(tmp_path / "bad.seqlab")
