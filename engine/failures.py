"""What a run that ended with an exception tells the user: one RunFailed
event whose message names the problem and what to change."""

from __future__ import annotations

import gc
import traceback

import torch

from engine.errors import RunTooBig, SeqLabError
from engine.events import RunFailed
from engine.spec import ExperimentSpec

# Out-of-memory errors that are not torch.OutOfMemoryError: the CPU allocator
# and the MPS backend raise plain RuntimeErrors.
_OUT_OF_MEMORY_TEXTS = ("can't allocate memory", "out of memory")


# torch.OutOfMemoryError is 2.5's name for what 2.4 has only as torch.cuda.OutOfMemoryError.
_TORCH_OUT_OF_MEMORY = getattr(torch, "OutOfMemoryError", torch.cuda.OutOfMemoryError)


def is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, (_TORCH_OUT_OF_MEMORY, MemoryError)):
        return True
    return isinstance(exc, RuntimeError) and any(text in str(exc).lower() for text in _OUT_OF_MEMORY_TEXTS)


def release_memory() -> None:
    """Give cached device memory back once the failed run's tensors are gone."""
    # Not where the process has turned automatic collection off: the window does, so
    # that only its GUI thread collects. Collecting here, in a training thread of the
    # window's process, finalised Qt objects off the GUI thread and crashed it.
    if gc.isenabled():
        gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def failure_event(exc: BaseException, step: int, spec: ExperimentSpec, device: str) -> RunFailed:
    if is_out_of_memory(exc):
        batch = spec.training.batch_size
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        where = "while building the model" if step == 0 else f"at step {step}"
        advice = f"lower training.batch_size (now {batch}), task.length (now {spec.task.length}) or the model size"
        if device != "cpu":
            advice += ", or train on the CPU"
        return RunFailed(step, f"out of memory on {device} {where} ({first_line}). The memory it held is "
                               f"released; {advice}.", kind="out_of_memory", device=device)
    if isinstance(exc, SeqLabError):
        kind = "out_of_memory" if isinstance(exc, RunTooBig) else "error"
        return RunFailed(step, str(exc), kind=kind, device=device)
    return RunFailed(step, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}", device=device)
