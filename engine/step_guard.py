"""Never apply a training step whose loss or gradient is NaN or Inf.

Each step's "bad" flag is computed on the device and handed to a fused
optimizer as `found_inf` (as torch's GradScaler does), which then skips the
step on the device: the host does not wait for the device to find out. The
flags are read with the step's loss at the next flush, where the guard
counts skipped steps or decides that the run diverged.

on_nonfinite="stop": from the first bad step on, no step is applied, so the
weights and optimizer state stay exactly those from before it, however many
steps ran before the flush. on_nonfinite="skip": bad steps are dropped and
counted; SKIP_LIMIT of them in a row end the run.

fp16 (`scaled`): a step whose loss is finite but whose scaled gradients
overflowed is the gradient scaler's business, not a bad step: it is skipped,
the scaler halves its scale, and the step is counted apart (`overflow_steps`),
as the first few steps of every fp16 run are. Only OVERFLOW_LIMIT of them in a
row (gradients that overflow however far the scale came down) make a bad step;
a loss that is not finite is one at once, as in every precision.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from engine.events import Diverged
from engine.optimizers import skips_on_device

SKIP_LIMIT = 50
# fp16: overflowing steps in a row the scaler may spend finding its scale. 24 of
# them divide the scale by 2**24 (65536 -> 1/256), so gradients still
# overflowing then are some hundred million times fp16's largest number.
OVERFLOW_LIMIT = 24
# The flag each step leaves in the Trainer's buffer: applied, not finite (bad),
# or skipped by the gradient scaler (an fp16 overflow that is not bad).
APPLIED, BAD, OVERFLOW = 0, 1, 2


class StepGuard:
    def __init__(self, on_nonfinite: str, optimizer: torch.optim.Optimizer, device: torch.device,
                 scaled: bool = False):
        """`scaled`: the run trains in fp16 with a gradient scaler (see the module's text)."""
        self.on_nonfinite = on_nonfinite
        self.scaled = scaled
        self._overflows = torch.zeros((), device=device)  # fp16: overflowing steps in a row, on the device
        self.overflow_steps = 0  # fp16: steps the gradient scaler skipped, counted at flushes
        self.optimizer = optimizer
        # Optimizers without a fused kernel are asked on the host, which waits for the device.
        self.on_device = skips_on_device(optimizer)
        self._halted = torch.zeros((), device=device)  # "stop": 1 from the first bad step on
        self.skipped_steps = 0
        self._bad_in_a_row = 0
        self.last_finite: tuple[int, float, float] | None = None  # (step, loss, grad norm)
        self.divergence: Diverged | None = None

    def step(self, loss: torch.Tensor, grad_norm: torch.Tensor) -> torch.Tensor:
        """Apply the optimizer step unless it is not finite (or, in fp16, overflowed);
        returns the step's flag, APPLIED, BAD or OVERFLOW (a device tensor)."""
        if self.scaled:
            finite_loss = torch.isfinite(loss)
            overflow = finite_loss & ~torch.isfinite(grad_norm)
            self._overflows.add_(1).mul_(overflow)  # in a row: back to 0 at any other step
            bad = (~finite_loss | (self._overflows >= OVERFLOW_LIMIT)).float()
            flag = bad + OVERFLOW * (overflow.float() - bad).clamp_(min=0)
        else:
            bad = (~torch.isfinite(loss) | ~torch.isfinite(grad_norm)).float()
            flag = bad
        if self.on_nonfinite == "stop":
            torch.maximum(self._halted, bad, out=self._halted)
            skip = self._halted
        else:
            skip = bad
        if self.scaled:
            skip = torch.maximum(skip, overflow.float())  # the scaler's skip: its found_inf
        if self.on_device:
            self.optimizer.grad_scale, self.optimizer.found_inf = None, skip
            self.optimizer.step()
        elif not bool(skip):
            self.optimizer.step()
        return flag

    @property
    def overflows_in_a_row(self) -> int:
        """fp16: how many of the latest steps overflowed, in a row (a checkpoint keeps it; syncs)."""
        return int(self._overflows)

    @overflows_in_a_row.setter
    def overflows_in_a_row(self, count: int) -> None:
        self._overflows.fill_(count)

    def account(self, steps: np.ndarray, values: np.ndarray, lr: float, clip_norm: float) -> int:
        """Look at flushed steps (values: loss, grad norm, flag rows); returns
        how many of them to report: all, or those before the run diverged."""
        if self.divergence is not None:  # steps after a stop: none of them was applied
            return 0
        count = len(steps)
        bad = values[2, :count] == BAD
        if bad.any():
            count = self._count_bad(steps, values, bad, lr, clip_norm)
        self.overflow_steps += int(np.count_nonzero(values[2, :count] == OVERFLOW))
        finite = np.flatnonzero(values[2, :count] == APPLIED)
        if len(finite):
            last = finite[-1]
            self.last_finite = (int(steps[last]), float(values[0, last]), float(values[1, last]))
        return count

    def _count_bad(self, steps, values, bad, lr: float, clip_norm: float) -> int:
        if self.on_nonfinite == "skip":
            for index, flag in enumerate(values[2, :len(bad)]):
                is_bad = flag == BAD
                self.skipped_steps += int(is_bad)
                # an fp16 overflow the scaler skipped neither ends a streak nor adds to it
                self._bad_in_a_row = self._bad_in_a_row + 1 if is_bad else \
                    self._bad_in_a_row if flag == OVERFLOW else 0
                if self._bad_in_a_row == SKIP_LIMIT:
                    self._diverge(index, steps, values, bad, f"{SKIP_LIMIT} steps in a row were not finite",
                                  lr, clip_norm)
                    return index + 1
            return len(bad)
        first = int(np.flatnonzero(bad)[0])
        self._diverge(first, steps, values, bad, "", lr, clip_norm)
        return first

    def _diverge(self, index: int, steps, values, bad, why: str, lr: float, clip_norm: float) -> None:
        finite = np.flatnonzero(values[2, :index] == APPLIED)
        if len(finite):
            last = finite[-1]
            self.last_finite = (int(steps[last]), float(values[0, last]), float(values[1, last]))
        step, loss, grad_norm = int(steps[index]), float(values[0, index]), float(values[1, index])
        last = self.last_finite or (None, None, None)
        self.divergence = Diverged(step, loss, grad_norm, *last,
                                   message=self._message(step, loss, grad_norm, why, lr, clip_norm))

    @property
    def resume_step(self) -> int:
        """The step count once diverged: the bad step itself ("stop": it was never
        applied, nor any after it) or the one after it ("skip")."""
        return self.divergence.step + (self.on_nonfinite == "skip")

    def _message(self, step: int, loss: float, grad_norm: float, why: str, lr: float, clip_norm: float) -> str:
        if why:
            what = why
        elif not math.isfinite(loss):
            what = f"the loss became {loss:g}"
            if not math.isfinite(grad_norm):
                what += f" and the gradient norm {grad_norm:g}"
        elif self.scaled:
            what = (f"the gradients overflowed fp16 at {OVERFLOW_LIMIT} steps in a row, however far the "
                    f"gradient scaler lowered its scale (loss {loss:.4g})")
        else:
            what = f"the gradient norm became {grad_norm:g} (loss {loss:.4g})"
        text = f"diverged at step {step}: {what}."
        if self.last_finite:
            at, last_loss, last_norm = self.last_finite
            text += f" Last finite values, at step {at}: loss {last_loss:.4g}, gradient norm {last_norm:.4g}."
        text += f" The weights from before step {step} are kept." if self.on_nonfinite == "stop" \
            else " None of those steps was applied."
        advice = f" Try a lower training.lr (now {lr:g})"
        if clip_norm == 0:
            advice += " or gradient clipping (training.clip_norm, now 0: off)"
        if self.scaled:
            advice += ", or training.precision=fp32"
        return text + advice + "."
