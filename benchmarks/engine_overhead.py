"""Engine overhead: training steps per second through SeqLab's engine divided by
a bare hand-written PyTorch loop of the same model and batches.

Both run in this process, alternating round by round, so load on a shared
machine hits both alike. Two ratios are printed: best engine rate over best
bare rate across rounds (noise only ever slows a run, so the best of several
is the steadiest figure, as `timeit` argues), and the median of the per-round
ratios, whose spread shows how noisy the machine was.
The engine side is the real run loop (`run_training`: batch sampling, LR
schedule, device-side metric buffers, 30 Hz flushes into events, control
checks); only evaluation and the shape summary are left out, being no
training steps. The bare loop gets its batches pre-made on the device, so it
pays nothing for data: the comparison is strict.

    python benchmarks/engine_overhead.py [--device cpu|cuda] [--steps N] [--rounds R] [--threads N] [--load busy]
"""

from __future__ import annotations

import argparse
import time

import torch

from harness import (MODELS, BusyCores, add_machine_arguments, alternate, engine_steps_per_second,
                     machine_line, ratio_row, set_threads, spec_for, sync)
from engine.models import build_model, compute_loss
from engine.training import Trainer


def bare_steps_per_second(spec, steps: int) -> float:
    """What a person would write: model, Adam, clip, step; batches ready on the device."""
    reference = Trainer(spec)  # the same task, layout and device
    device, kind = reference.device, reference.kind
    torch.manual_seed(0)
    model = build_model(spec.model, reference.task.info).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=spec.training.lr)
    generator = torch.Generator().manual_seed(0)
    batches = [reference.task.train_batch(spec.training.batch_size, generator).to(device) for _ in range(steps)]
    sync(device)
    began = time.perf_counter()
    for batch in batches:
        loss = compute_loss(kind, model(batch), batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=True)
        optimizer.step()
    sync(device)
    return steps / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=30, help="steps per timed run")
    parser.add_argument("--rounds", type=int, default=15)
    add_machine_arguments(parser)
    args = parser.parse_args()
    set_threads(args)
    print(machine_line(args))
    print(f"device {args.device}, {args.steps} steps x {args.rounds} rounds, alternating bare/engine (probes off: "
          f"this is the engine alone; benchmarks/probe_overhead.py measures probes)\n")
    print(f"{'model':<12} {'bare steps/s':>13} {'engine steps/s':>15} {'ratio (best)':>13} "
          f"{'ratio (median)':>15}  per-round ratios")
    with BusyCores(args.load == "busy"):
        for name, overrides in MODELS.items():
            spec = spec_for({**overrides, "probes.every": 0}, args.device)
            bare, engine = alternate(lambda: bare_steps_per_second(spec, args.steps),
                                     lambda: engine_steps_per_second(spec, args.steps), args.rounds)
            print(ratio_row(name, bare, engine), flush=True)


if __name__ == "__main__":
    main()
