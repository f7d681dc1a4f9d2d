"""Precision: tokens per second of the `shakespeare-gpt` preset trained through
SeqLab's engine against a bare PyTorch loop in the same precision (target: the
engine at 0.9 of the bare loop or better), for each precision the device does.

On a GPU: fp32, bf16 (where the GPU computes in it) and fp16 with a gradient
scaler. On the CPU: fp32 only (training.precision=auto trains in fp32 there).
Both contenders run in this process, alternating round by round, so load on a
shared machine hits both alike (benchmarks/engine_overhead.py's method). The
engine side is the real run loop (`run_training`) with probes and evaluation
off; the bare loop is what a person would write with torch.amp: autocast,
GradScaler for fp16, clipping, the same fused AdamW, batches ready on the device.

    python benchmarks/precision.py [--device cpu|cuda|cuda:N] [--precision auto|fp32|bf16|fp16]
                                   [--steps N] [--rounds R]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import time

import torch

from harness import alternate, engine_steps_per_second, ratio_row, sync
from engine.models import build_model, compute_loss
from engine.precision import native_bf16
from engine.presets import load_preset
from engine.training import Trainer, resolve_device

PRESET = "shakespeare-gpt"
TARGET = 0.9


def preset_spec(device: str, precision: str, steps: int):
    return load_preset(PRESET).with_overrides({
        "training.device": device, "training.precision": precision, "training.steps": steps,
        "training.eval_every": 10**9, "probes.every": 0})


def bare_steps_per_second(spec, steps: int) -> float:
    """torch.amp as its documentation shows it: autocast around the forward pass,
    and in fp16 scale, unscale, clip, step and update through a GradScaler."""
    reference = Trainer(spec)  # the same task, layout, device and resolved precision
    device, kind, precision = reference.device, reference.kind, reference.precision
    tr = spec.training
    torch.manual_seed(0)
    model = build_model(spec.model, reference.task.info).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=tr.lr, weight_decay=tr.weight_decay,
                                  fused=device.type in ("cpu", "cuda"))
    scaler = torch.amp.GradScaler(device.type) if precision.name == "fp16" else None
    dtype = precision.dtype
    autocast = (lambda: torch.autocast(device.type, dtype=dtype)) if precision.name != "fp32" \
        else contextlib.nullcontext
    generator = torch.Generator().manual_seed(0)
    batches = [reference.task.train_batch(tr.batch_size, generator).to(device) for _ in range(steps)]
    model.train()
    sync(device)
    began = time.perf_counter()
    for batch in batches:
        with autocast():
            loss = compute_loss(kind, model(batch), batch)
        optimizer.zero_grad(set_to_none=True)
        if scaler is None:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), tr.clip_norm, foreach=True)
            optimizer.step()
        else:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), tr.clip_norm, foreach=True)
            scaler.step(optimizer)
            scaler.update()
    sync(device)
    return steps / (time.perf_counter() - began)


def machine_line(device: torch.device) -> str:
    if device.type == "cuda":
        name = torch.cuda.get_device_name(device)
        bf16 = "native bf16" if native_bf16(device) else "no native bf16"
        where = f"{name} ({device}, {bf16}, CUDA {torch.version.cuda})"
    else:
        where = f"{platform.processor() or platform.machine()} CPU, {os.cpu_count()} cores, " \
                f"{torch.get_num_threads()} threads"
    return f"{where}; torch {torch.__version__}, Python {platform.python_version()}"


def precisions_for(device: torch.device, asked: str) -> list[str]:
    if device.type != "cuda":
        if asked not in ("auto", "fp32"):
            raise SystemExit(f"--precision {asked} needs a CUDA device; on {device.type} this benchmark runs fp32")
        return ["fp32"]
    if asked != "auto":
        return [asked]
    return ["fp32", "bf16", "fp16"] if native_bf16(device) else ["fp32", "fp16"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--precision", default="auto", help="auto: every precision the device does")
    parser.add_argument("--steps", type=int, default=None, help="steps per timed run (default 400 on a GPU, 20 on "
                                                                  "the CPU)")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    device = resolve_device(args.device)
    steps = args.steps or (400 if device.type == "cuda" else 20)
    reference = Trainer(preset_spec(args.device, "fp32", steps))
    tokens_per_step = reference.task.train_batch(reference.spec.training.batch_size, torch.Generator()).tokens()
    print(machine_line(device))
    print(f"{PRESET}: {tokens_per_step} tokens a step, {steps} steps x {args.rounds} rounds, alternating "
          f"bare/engine (probes and evaluation off)\n")
    print(f"{'precision':<12} {'bare tok/s':>13} {'engine tok/s':>15} {'ratio (best)':>13} "
          f"{'ratio (median)':>15}  per-round ratios")
    verdicts = []
    for precision in precisions_for(device, args.precision):
        spec = preset_spec(args.device, precision, steps)
        bare, engine = alternate(lambda: bare_steps_per_second(spec, steps),
                                 lambda: engine_steps_per_second(spec, steps), args.rounds)
        bare = [rate * tokens_per_step for rate in bare]
        engine = [rate * tokens_per_step for rate in engine]
        print(ratio_row(precision, bare, engine))
        verdicts.append((precision, max(engine) / max(bare)))
    print()
    for precision, ratio in verdicts:
        print(f"{precision}: engine/bare {ratio:.3f} ({'meets' if ratio >= TARGET else 'misses'} the target "
              f">= {TARGET})")


if __name__ == "__main__":
    main()
