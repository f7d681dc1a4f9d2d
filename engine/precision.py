"""The number format a run trains in: fp32, or autocast to bf16 or fp16 on a GPU.

training.precision "auto" picks bf16 on a CUDA device that computes in it
natively (compute capability 8.0 and later, and ROCm), fp16 on an older CUDA
device, and fp32 on the CPU and MPS, where autocast is no faster and not exact.
bf16 keeps fp32's range, so it trains as fp32 does. fp16's range ends at 65504,
so it needs a gradient scaler (torch.amp.GradScaler): the loss is scaled up
before the backward pass so that small gradients do not flush to zero, the
gradients are unscaled before they are clipped or measured, and a step whose
scaled gradients overflowed is skipped while the scaler halves its scale
(engine.step_guard tells those steps from a run that diverges).

Weights, optimizer state and the loss stay fp32 in every precision: autocast
only runs the forward pass's matrix products in the narrower format.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch

from engine.errors import SpecError
from engine.translation import BF16_NEEDS_GPU, ONE_OF, PRECISION_NEEDS_CUDA, THIS_GPU

DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


@dataclass(frozen=True)
class Precision:
    name: str  # what the run trains in: fp32, bf16 or fp16 (never auto)
    device_type: str  # the device type autocast runs on: cuda, cpu, mps

    @property
    def dtype(self) -> torch.dtype:
        return DTYPES[self.name]

    @property
    def scaled(self) -> bool:
        """fp16: the loss is scaled for the backward pass, by a GradScaler."""
        return self.name == "fp16"

    def autocast(self):
        """A context in which the forward pass computes in this precision (a new one per call)."""
        if self.name == "fp32":
            return contextlib.nullcontext()
        return torch.autocast(self.device_type, dtype=self.dtype)

    def grad_scaler(self) -> torch.amp.GradScaler | None:
        """A fresh gradient scaler for fp16; None for the others, which need none."""
        return torch.amp.GradScaler(self.device_type) if self.scaled else None


def native_bf16(device: torch.device) -> bool:
    """Whether the CUDA device computes in bf16 itself (emulated bf16 is slower than fp32)."""
    # is_bf16_supported asks the current device: cuda:N's own answer, for "cuda" the current one's
    with torch.cuda.device(device.index) if device.index is not None else contextlib.nullcontext():
        try:
            return torch.cuda.is_bf16_supported(including_emulation=False)
        except TypeError:  # torch before 2.3: no emulation to leave out
            return torch.cuda.is_bf16_supported()


def gpu_name(device: torch.device) -> str:
    try:
        return torch.cuda.get_device_name(device)
    except Exception:  # a name is only for the message
        return THIS_GPU


def resolve_precision(requested: str, device: torch.device, *, strict: bool = True) -> Precision:
    """The precision a run on `device` trains in, for training.precision=`requested`.
    A precision the device cannot do is refused naming training.precision; with
    `strict=False` (a model that is only run, never trained) it falls back to fp32."""
    kind = device.type
    if requested == "auto":
        if kind == "cuda":
            return Precision("bf16" if native_bf16(device) else "fp16", kind)
        return Precision("fp32", kind)
    if requested in ("bf16", "fp16") and kind != "cuda":
        if not strict:
            return Precision("fp32", kind)
        raise SpecError([("training.precision", PRECISION_NEEDS_CUDA.format(precision=requested, kind=kind))])
    if requested == "bf16" and not native_bf16(device):
        if not strict:
            return Precision("fp32", kind)
        raise SpecError([("training.precision", BF16_NEEDS_GPU.format(device=device, gpu=gpu_name(device)))])
    if requested not in DTYPES:
        raise SpecError([("training.precision", ONE_OF.format(key="training.precision", value=requested,
                                                              options="auto, fp32, bf16, fp16"))])
    return Precision(requested, kind)
