"""The Trainer: one experiment, driven one step at a time.

A test (or a thread, or a process) calls `train_step()`; nothing here waits,
sleeps or starts a thread. Per-step values (loss, gradient norm, learning
rate) are written into buffers on the device and copied to the host only in
`flush()`, so a step never forces a host-device sync.
"""

from __future__ import annotations

import contextlib
import math
import time

import numpy as np
import torch

from engine.errors import SpecError
from engine.evaluation import evaluate
from engine.events import MARKOV_STATES, Diverged, Evaluation, ProbeSnapshot, Scalars
from engine.memory import check_model_fits
from engine.models import build_model, compute_loss, format_summary, parameter_count, shape_summary
from engine.optimizers import make_optimizer
from engine.precision import resolve_precision
from engine.probes import ParameterGroups, run_probe
from engine.spec import LIVE_SETTINGS, ExperimentSpec, device_problem
from engine.step_guard import StepGuard
from engine.task_file import TaskFile
from engine.tasks import build_task
from engine.validation import validate_experiment

FLUSH_CAPACITY = 1024  # steps buffered on the device before a flush is forced


def gpu_count() -> int:
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def available_devices() -> list[str]:
    """The devices this machine trains on: cpu, cuda (and cuda:0 ... cuda:N-1
    when it has several GPUs), mps."""
    devices = ["cpu"]
    count = gpu_count()
    if count:
        devices.append("cuda")
        if count > 1:
            devices += [f"cuda:{index}" for index in range(count)]
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        devices.append("mps")
    return devices


def resolve_device(requested: str) -> torch.device:
    """"auto" picks CUDA, then MPS, then the CPU; a device of the wrong form, or
    one this machine lacks, is refused naming training.device."""
    problem = device_problem(requested)
    if problem:
        raise SpecError([("training.device", problem)])
    if requested.startswith("cuda:"):
        count, index = gpu_count(), int(requested[len("cuda:"):])
        if index < count:
            return torch.device("cuda", index)
        gpus = {0: "no GPU", 1: "1 GPU (cuda:0)"}.get(count, f"{count} GPUs (cuda:0 to cuda:{count - 1})")
        raise SpecError([("training.device",
                          f"training.device={requested} is not available here: this machine has {gpus}")])
    devices = available_devices()
    if requested == "auto":
        for name in ("cuda", "mps", "cpu"):
            if name in devices:
                return torch.device(name)
    if requested not in devices:
        raise SpecError([("training.device",
                          f"training.device={requested} is not available here "
                          f"(available: {', '.join(devices)})")])
    return torch.device(requested)


def _total_norm(parameters) -> torch.Tensor:
    grads = [p.grad for p in parameters if p.grad is not None]
    if hasattr(torch.nn.utils, "get_total_norm"):
        return torch.nn.utils.get_total_norm(grads, foreach=True)
    return torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))


class Trainer:
    def __init__(self, spec: ExperimentSpec, device: str | None = None, task_file: TaskFile | None = None,
                 *, training: bool = True):
        """`task_file`: the content of the file task.path names, for the text_file and csv tasks.
        `training=False` (the playground runs the model, never trains it): only the weights need to fit."""
        self.kind = validate_experiment(spec)
        self.spec = spec
        tr = spec.training
        self.device = resolve_device(device or tr.device)
        # fp32, bf16 or fp16 (auto resolved for this device); a model that is only run
        # (the playground, on the CPU) falls back to fp32 where the device lacks the spec's
        self.precision = resolve_precision(tr.precision, self.device, strict=training)
        self.task = build_task(spec.task, self.kind, tr.seed, task_file)
        # A model too big for the free memory is refused here, measured on the meta
        # device, instead of being built until the allocator fails on gigabytes.
        check_model_fits(spec, self.task.info, str(self.device), training=training)
        with torch.random.fork_rng(devices=self._rng_devices()):  # leave the caller's random state be
            torch.manual_seed(tr.seed)  # model initialisation
            self.model = build_model(spec.model, self.task.info).to(self.device)
        # Dropout draws from torch's global generator. Each trainer keeps its own
        # state and swaps it in for its steps, so runs side by side in one
        # process do not disturb each other and a run can be resumed exactly.
        self.rng_state = self._seeded_rng_state(tr.seed)
        self.parameters = [p for p in self.model.parameters() if p.requires_grad]
        self.optimizer = make_optimizer(self.parameters, tr.optimizer, tr.lr, tr.momentum, tr.weight_decay,
                                        self.device.type)
        # fp16: the loss is scaled for the backward pass; None in fp32 and bf16
        self.scaler = self.precision.grad_scaler()
        self.guard = StepGuard(tr.on_nonfinite, self.optimizer, self.device,  # no NaN or Inf step is applied
                               scaled=self.scaler is not None)
        self.batch_generator = torch.Generator().manual_seed(tr.seed)
        self.sampling_generator = torch.Generator().manual_seed(tr.seed + 1)  # teacher forcing
        self.val_batches = self.task.val_batches(tr.batch_size, tr.eval_batches * tr.batch_size)
        # Probes look at the same fixed batch every time, so snapshots compare over time.
        probes = spec.probes
        self.probe_batch = self.task.val_batches(probes.batch_size, probes.batch_size)[0]
        self.probe_example = min(probes.example, self.probe_batch.size - 1)
        self.parameter_groups = ParameterGroups(self.model)
        self._group_grad_norms = None  # (step, device tensor) from the last probe step's gradients
        self.step = 0
        self.total_steps = tr.steps
        self._train_text = None  # what a Markov chain counts, read at its first step
        # Live settings start from the spec and may be changed between steps.
        self.base_lr = tr.lr
        self.clip_norm = tr.clip_norm
        self.teacher_forcing_override: float | None = None
        self._autocast = self.precision.autocast  # training, evaluation and probes
        # loss, grad norm, the step's flag (step_guard: applied, bad or skipped by the gradient scaler)
        self._device_buffers = torch.zeros((3, FLUSH_CAPACITY), device=self.device)
        self._host_steps = np.zeros(FLUSH_CAPACITY, dtype=np.int64)
        self._host_time = np.zeros(FLUSH_CAPACITY, dtype=np.float64)
        self._host_lr = np.zeros(FLUSH_CAPACITY, dtype=np.float32)
        self._host_tf = np.zeros(FLUSH_CAPACITY, dtype=np.float32)
        self._pending = 0
        self._overflow: list[Scalars] = []
        self.started = time.perf_counter()
        self.train_seconds = 0.0
        self.tokens_seen = 0
        self._window = (self.started, 0)  # (time, tokens) at the last flush
        self.tokens_per_second = 0.0  # over the steps of the last flush
        self.last_train_loss = math.nan
        self.last_evaluation: dict[str, float] = {}

    # ----------------------------------------------------------- building
    @property
    def parameter_count(self) -> int:
        return parameter_count(self.model)

    def shape_summary_text(self) -> str:
        batch = self.task.val_batches(2, 2)[0].to(self.device)
        return format_summary(shape_summary(self.model, batch), self.parameter_count)

    def _seeded_rng_state(self, seed: int) -> dict:
        with torch.random.fork_rng(devices=self._rng_devices()):
            torch.manual_seed(seed + 2)
            return self._capture_rng()

    def _rng_devices(self) -> list[int]:
        """The CUDA device whose generator a run draws from (cuda:N's, or the current one's for cuda)."""
        if self.device.type != "cuda":
            return []
        return [self.device.index if self.device.index is not None else torch.cuda.current_device()]

    def _capture_rng(self) -> dict:
        state = {"cpu": torch.get_rng_state()}
        if self.device.type == "cuda":
            state["cuda"] = torch.cuda.get_rng_state(self.device)
        return state

    @contextlib.contextmanager
    def _own_rng(self):
        with torch.random.fork_rng(devices=self._rng_devices()):
            torch.set_rng_state(self.rng_state["cpu"])
            if "cuda" in self.rng_state:
                torch.cuda.set_rng_state(self.rng_state["cuda"], self.device)
            yield
            self.rng_state = self._capture_rng()

    @property
    def divergence(self) -> Diverged | None:
        """Where the run diverged, once a flush has found out; None while it has not."""
        return self.guard.divergence

    @property
    def skipped_steps(self) -> int:
        return self.guard.skipped_steps

    @skipped_steps.setter
    def skipped_steps(self, count: int) -> None:
        self.guard.skipped_steps = count

    # ------------------------------------------------------------ schedules
    def lr_at(self, step: int) -> float:
        tr = self.spec.training
        factor = 1.0
        if tr.warmup_steps and step < tr.warmup_steps:
            factor = (step + 1) / tr.warmup_steps
        elif tr.schedule == "cosine":
            span = max(1, self.total_steps - tr.warmup_steps)
            progress = min(1.0, (step - tr.warmup_steps) / span)
            factor = 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.base_lr * factor

    def teacher_forcing_at(self, step: int) -> float:
        if self.teacher_forcing_override is not None:
            return self.teacher_forcing_override
        tr = self.spec.training
        if tr.teacher_forcing_end is None:
            return tr.teacher_forcing
        progress = min(1.0, step / max(1, self.total_steps))
        return tr.teacher_forcing + (tr.teacher_forcing_end - tr.teacher_forcing) * progress

    def set(self, key: str, value: float) -> None:
        """Change a live setting (a key of LIVE_SETTINGS) between steps, within the spec's own bounds."""
        if key not in LIVE_SETTINGS:
            raise SpecError([(key, f"{key} cannot be changed while training "
                                   f"(live settings: {', '.join(LIVE_SETTINGS)})")])
        value = float(value)
        self.spec.with_overrides({key: value}).validate_fields()  # raises SpecError naming the key
        if key == "training.lr":
            self.base_lr = value
        elif key == "training.clip_norm":
            self.clip_norm = value
        else:
            self.teacher_forcing_override = value

    # ---------------------------------------------------------------- steps
    def train_step(self) -> None:
        """One optimisation step. Never reads a value back from the device."""
        began = time.perf_counter()
        batch = self.task.train_batch(self.spec.training.batch_size, self.batch_generator)
        self.tokens_seen += batch.tokens()
        if getattr(self.model, "learns_by_counting", False):
            return self._count_step(batch, began)
        batch = batch.to(self.device)
        lr = self.lr_at(self.step)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        ratio = self.teacher_forcing_at(self.step)
        self.model.train()
        with self._own_rng():
            with self._autocast():
                output = self.model(batch, ratio, self.sampling_generator)
                loss = compute_loss(self.kind, output, batch)
            self.optimizer.zero_grad(set_to_none=True)
            (loss if self.scaler is None else self.scaler.scale(loss)).backward()
        if self.scaler is not None:  # fp16: the true gradients, to clip and measure (inf where they overflowed)
            self.scaler.unscale_(self.optimizer)
        if self.probe_due(self.step + 1):  # keep this step's gradients by group, before clipping
            self._group_grad_norms = (self.step + 1, self.parameter_groups.grad_norms())
        if self.clip_norm > 0:
            grad_norm = torch.nn.utils.clip_grad_norm_(self.parameters, self.clip_norm, foreach=True)
        else:
            grad_norm = _total_norm(self.parameters)
        loss, grad_norm = loss.detach(), grad_norm.detach()
        # The optimizer step, unless it is not finite. In fp16 the guard also skips a step whose
        # gradients overflowed, as GradScaler.step would (it hands the fused optimizer the
        # scaler's found_inf), and tells those apart from divergence.
        bad = self.guard.step(loss, grad_norm)
        if self.scaler is not None:
            self.scaler.update()  # halves the scale after an overflow, doubles it after 2000 steps without
        self._end_step(loss, grad_norm, bad, lr, ratio, began)

    def _count_step(self, batch, began: float) -> None:
        """A Markov chain's step: its loss on the step's batch, then as many more tokens of the
        training text counted as the batch holds (so one pass over the text takes as many
        steps as a gradient model takes to see as much of it). Past the text's end, it only
        measures."""
        tokens = batch.tokens()
        batch = batch.to(self.device)
        with torch.no_grad():
            loss = compute_loss(self.kind, self.model(batch), batch)
        if self._train_text is None:
            self._train_text = self.task.train_text()
        self.model.count(self._train_text, tokens)
        zero = torch.zeros((), device=self.device)
        self._end_step(loss, zero, zero, self.lr_at(self.step), 1.0, began)

    def _end_step(self, loss, grad_norm, flag, lr: float, ratio: float, began: float) -> None:
        """Every step's bookkeeping: its values buffered, the count, a flush when the buffer is full."""
        self._record(loss, grad_norm, flag, lr, ratio)
        self.step += 1
        if self._pending == FLUSH_CAPACITY:
            self._overflow.append(self._drain())
        self.train_seconds += time.perf_counter() - began

    def _record(self, loss, grad_norm, bad, lr: float, ratio: float) -> None:
        i = self._pending
        self._device_buffers[0, i] = loss
        self._device_buffers[1, i] = grad_norm
        self._device_buffers[2, i] = bad
        self._host_steps[i] = self.step
        self._host_time[i] = time.perf_counter() - self.started
        self._host_lr[i] = lr
        self._host_tf[i] = ratio
        self._pending += 1

    def _drain(self) -> Scalars:
        n = self._pending
        values = self._device_buffers[:, :n].float().cpu().numpy()  # the one sync
        self._pending = 0
        n = self.guard.account(self._host_steps[:n], values, self.base_lr, self.clip_norm)
        if self.guard.divergence is not None:
            self.step = self.guard.resume_step
        now = time.perf_counter()
        began, tokens = self._window
        if now > began and n:
            self.tokens_per_second = (self.tokens_seen - tokens) / (now - began)
        self._window = (now, self.tokens_seen)
        scalars = {"train_loss": values[0, :n].copy(), "grad_norm": values[1, :n].copy(),
                   "lr": self._host_lr[:n].copy(),
                   "tokens_per_second": np.full(n, self.tokens_per_second, dtype=np.float32)}
        if self.kind in ("seq2seq", "generate") and self.spec.model.family != "transformer":
            scalars["teacher_forcing"] = self._host_tf[:n].copy()
        if self.guard.last_finite is not None:
            self.last_train_loss = self.guard.last_finite[1]
        return Scalars(self._host_steps[:n].copy(), self._host_time[:n].copy(), scalars)

    def continue_clock(self, elapsed: float) -> None:
        """Wall times go on from `elapsed` seconds (a resumed run), not from zero."""
        now = time.perf_counter()
        self.started = now - elapsed
        self._window = (now, self.tokens_seen)

    def flush(self) -> list[Scalars]:
        """Per-step values recorded since the last flush (copied to the host now)."""
        out, self._overflow = self._overflow, []
        if self._pending:
            out.append(self._drain())
        return out

    def run_steps(self, n: int) -> np.ndarray:
        """Train n steps and return their losses (a convenience for tests and scripts)."""
        for _ in range(n):
            self.train_step()
        return np.concatenate([s.values["train_loss"] for s in self.flush()] or [np.zeros(0)])

    # --------------------------------------------------------------- probes
    def probe_due(self, step: int | None = None) -> bool:
        every = self.spec.probes.every
        return every > 0 and (self.step if step is None else step) % every == 0

    def probe(self) -> ProbeSnapshot:
        """Look inside the model now, on the fixed probe batch (syncs with the device)."""
        batch = self.probe_batch.to(self.device)
        # fp16 probes run in fp32: their backward pass is not scaled, and fp16 would flush
        # the small gradients a probe shows (a vanishing gradient) to zero
        with (contextlib.nullcontext() if self.precision.scaled else self._autocast()):
            parts = run_probe(self.model, self.kind, batch, self.probe_example)
        grad_norms = grad_total = None
        if self._group_grad_norms is not None and self._group_grad_norms[0] == self.step:
            grad_norms = self._group_grad_norms[1].cpu().numpy()
            grad_total = float((grad_norms.astype("float64") ** 2).sum() ** 0.5)
        return ProbeSnapshot(
            step=self.step, example=self.probe_example,
            tokens=self._probe_tokens(parts["states"]),
            input_gradients=parts["input_gradients"],
            example_input_gradients=parts["example_input_gradients"],
            hidden_gradients=parts["hidden_gradients"], states=parts["states"],
            attention=parts["attention"], group_names=list(self.parameter_groups.names),
            weight_norms=self.parameter_groups.weight_norms().cpu().numpy(),
            group_grad_norms=grad_norms, grad_norm_total=grad_total,
            lr=self.lr_at(max(self.step - 1, 0)), tokens_per_second=self.tokens_per_second,
            seconds=parts["seconds"])

    def _probe_tokens(self, states: dict) -> dict[str, list[str]]:
        tokens = self.task.token_labels(self.probe_batch, self.probe_example)
        if MARKOV_STATES in states:  # its probabilities are over the whole vocabulary
            tokens["vocabulary"] = list(self.task.vocab.itos)
        return tokens

    # ----------------------------------------------------------- evaluation
    def evaluate(self) -> Evaluation:
        values = evaluate(self.model, self.task, self.val_batches, self.device, self._autocast)
        self.last_evaluation = values
        return Evaluation(self.step, time.perf_counter() - self.started, values)

    def evaluation_due(self) -> bool:
        every = self.spec.training.eval_every
        return self.step % every == 0 or self.step == self.total_steps

    def summary(self) -> dict:
        metric = self.task.info.metric
        return {
            "name": self.spec.name,
            "final_step": self.step,
            "train_loss": _finite_or_none(self.last_train_loss),
            "val_loss": _finite_or_none(self.last_evaluation.get("val_loss", math.nan)),
            "metric": {"name": metric, "value": _finite_or_none(self.last_evaluation.get(metric, math.nan))},
            "parameter_count": self.parameter_count,
            "tokens_per_second": round(self.tokens_seen / self.train_seconds, 1) if self.train_seconds else None,
            "steps_per_second": round(self.step / self.train_seconds, 2) if self.train_seconds else None,
            "device": str(self.device),
            "precision": self.precision.name,
            **({"overflow_steps": self.guard.overflow_steps} if self.scaler is not None else {}),
            "task_layout": self.kind,
            "skipped_steps": self.skipped_steps,
            "diverged_at": None if self.divergence is None else self.divergence.step,
        }


def _finite_or_none(value: float):
    return float(value) if value is not None and math.isfinite(value) else None
