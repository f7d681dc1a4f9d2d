"""The cost of never applying a NaN or Inf step.

The engine's optimizers are fused and skip a non-finite step on the device
(`found_inf`, as torch's GradScaler uses it), so the host never waits for the
device to find out. Three trainers run the same steps, round-robin so load on
a shared machine hits all alike:

  foreach   the optimizer the engine had before: torch's foreach Adam, no guard
  fused     the fused optimizer with no guard
  guarded   what the engine runs: fused, with the on-device guard

    python benchmarks/nonfinite_guard.py [--device cpu|cuda] [--steps N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from harness import MODELS, spec_for, sync
from engine.runner import RunControl, run_training
from engine.training import Trainer


def steps_per_second(spec, steps: int, variant: str) -> float:
    trainer = Trainer(spec.with_overrides({"training.steps": steps}))
    trainer.evaluate = lambda: None
    trainer.shape_summary_text = lambda: ""
    if variant == "foreach":
        trainer.optimizer = torch.optim.Adam(trainer.parameters, lr=spec.training.lr, foreach=True)
    if variant in ("foreach", "fused"):
        never_bad = torch.zeros((), device=trainer.device)
        trainer.guard.step = lambda loss, grad_norm: (trainer.optimizer.step(), never_bad)[1]
    sync(trainer.device)
    began = time.perf_counter()
    run_training(trainer, RunControl(), lambda events: None)
    sync(trainer.device)
    assert trainer.step == steps
    return steps / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    variants = ("foreach", "fused", "guarded")
    print(f"steps per second, best of {args.rounds} round-robin rounds of {args.steps} steps, "
          f"device {args.device}, {torch.get_num_threads()} threads")
    print(f"{'model':<12} {'foreach':>9} {'fused':>9} {'guarded':>9}   guarded/fused  guarded/foreach")
    for name, overrides in MODELS.items():
        spec = spec_for({**overrides, "probes.every": 0}, args.device)
        for variant in variants:  # warm-up
            steps_per_second(spec, 10, variant)
        rates = {variant: [] for variant in variants}
        for round_ in range(args.rounds):
            order = variants[round_ % 3:] + variants[:round_ % 3]
            for variant in order:
                rates[variant].append(steps_per_second(spec, args.steps, variant))
        best = {variant: max(values) for variant, values in rates.items()}
        per_round = [g / f for g, f in zip(rates["guarded"], rates["fused"])]
        print(f"{name:<12} {best['foreach']:>9.1f} {best['fused']:>9.1f} {best['guarded']:>9.1f}   "
              f"{best['guarded'] / best['fused']:>13.3f}  {best['guarded'] / best['foreach']:>15.3f}"
              f"   (guarded/fused per round: median {statistics.median(per_round):.3f})")


if __name__ == "__main__":
    main()
