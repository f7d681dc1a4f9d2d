"""Running out of memory, at the start or mid-run, ends the run with a message
naming what to change; the memory is let go, the run so far is kept, and a
new run can start. Injected on the CPU with torch's own OutOfMemoryError."""

import gc
import weakref

import numpy as np
import pytest
import torch

import engine.host
from engine.events import Checkpoint, RunFailed, RunFinished, Scalars
from engine.failures import failure_event, is_out_of_memory
from engine.host import ThreadHost
from engine.training import Trainer
from tests.engine.helpers import small_spec
from tests.engine.test_hosts import _collect

CUDA_MESSAGE = ("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 79.10 GiB "
                "of which 1.06 GiB is free.")


def _ended(event) -> bool:
    return isinstance(event, (RunFinished, RunFailed))


def test_running_out_of_memory_mid_run_keeps_the_run_so_far_and_lets_go_of_the_model(monkeypatch):
    models = []
    real_step = Trainer.train_step

    def train_step(self):
        if not models:
            models.append(weakref.ref(self.model))
        if self.step == 5:
            raise torch.OutOfMemoryError(CUDA_MESSAGE)
        real_step(self)

    monkeypatch.setattr(Trainer, "train_step", train_step)
    host = ThreadHost()
    spec = small_spec(training__steps=20, training__batch_size=64)
    host.start(spec)
    events = _collect(host, _ended)
    assert host.shutdown(30)
    failed = events[-1]
    assert isinstance(failed, RunFailed) and failed.kind == "out_of_memory" and failed.step == 5
    assert failed.message.startswith(f"out of memory on cpu at step 5 ({CUDA_MESSAGE.splitlines()[0]})")
    assert "lower training.batch_size (now 64), task.length (now 6) or the model size" in failed.message
    assert "train on the CPU" not in failed.message  # it already is
    # The five steps done are kept: their losses and the weights they made.
    steps = np.concatenate([e.steps for e in events if isinstance(e, Scalars)])
    assert steps.tolist() == list(range(5))
    checkpoint = next(e for e in events if isinstance(e, Checkpoint))
    reference = Trainer(spec)
    reference.run_steps(5)
    assert all(np.array_equal(checkpoint.tensors[f"model/{name}"], value.numpy())
               for name, value in reference.model.state_dict().items())
    gc.collect()
    assert models[0]() is None  # nothing holds the failed run's model any more

    monkeypatch.setattr(Trainer, "train_step", real_step)
    host = ThreadHost()
    host.start(spec.with_overrides({"training.batch_size": 32}))
    assert isinstance(_collect(host, _ended)[-1], RunFinished)  # and training starts again
    assert host.shutdown(30)


def test_running_out_of_memory_while_building_the_model_says_so(monkeypatch):
    def trainer(spec, device=None, task_file=None):
        raise torch.OutOfMemoryError(CUDA_MESSAGE)

    monkeypatch.setattr(engine.host, "Trainer", trainer)
    host = ThreadHost()
    host.start(small_spec(training__batch_size=512))
    failed = _collect(host, _ended)[-1]
    assert host.shutdown(30)
    assert failed.kind == "out_of_memory" and failed.step == 0 and failed.device == "cpu"
    assert failed.message.startswith("out of memory on cpu while building the model (CUDA out of memory.")


@pytest.mark.parametrize("exc,expected", [
    (torch.OutOfMemoryError("CUDA out of memory."), True),
    (RuntimeError("[enforce fail at alloc_cpu.cpp:118] DefaultCPUAllocator: can't allocate memory: "
                  "you tried to allocate 68719476736 bytes."), True),
    (RuntimeError("MPS backend out of memory (MPS allocated: 17.00 GB)"), True),
    (MemoryError(), True),
    (RuntimeError("mat1 and mat2 shapes cannot be multiplied"), False),
])
def test_every_kind_of_out_of_memory_error_is_recognised(exc, expected):
    assert is_out_of_memory(exc) is expected


def test_on_a_gpu_the_message_also_offers_the_cpu():
    failed = failure_event(torch.OutOfMemoryError(CUDA_MESSAGE), 12, small_spec(training__batch_size=256), "cuda:0")
    assert failed.message.startswith("out of memory on cuda:0 at step 12")
    assert failed.message.endswith("lower training.batch_size (now 256), task.length (now 6) or the model size, "
                                   "or train on the CPU.")
