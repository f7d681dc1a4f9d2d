"""Probe overhead: training steps per second with probes at their default
cadence divided by the same training with probes off, alternating in one run;
and the time one probe pass takes.

Probes are due every `probes.every` steps, but a due probe is skipped while
probing has taken more than `probes.max_time_fraction` of the run; the table
says how many snapshots each timed run took, counting the one at its start.

    python benchmarks/probe_overhead.py [--device cpu|cuda] [--steps N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

import harness
from harness import MODELS, alternate, engine_steps_per_second, ratio_row, spec_for, sync
from engine.events import ProbeSnapshot
from engine.spec import ProbeSpec
from engine.training import Trainer

SEQ2SEQ = {"task.name": "dates", "training.batch_size": 32, "training.lr": 3e-3, "training.eval_every": 10**9,
           "training.seed": 0, "model.family": "seq2seq", "model.cell": "gru", "model.embedding_size": 32,
           "model.hidden_size": 256, "model.attention": "general", "model.bidirectional": True}
CASES = {"LSTM": MODELS["LSTM"], "GRU": MODELS["GRU"], "seq2seq+attn": SEQ2SEQ, "Transformer": MODELS["Transformer"]}


def probe_seconds(spec, repeats: int = 7) -> tuple[float, float]:
    """Median seconds of one probe pass, and of one training step, on this spec."""
    trainer = Trainer(spec)
    for _ in range(3):
        trainer.train_step()
    trainer.probe()
    probes, steps = [], []
    for _ in range(repeats):
        sync(trainer.device)
        began = time.perf_counter()
        trainer.probe()
        sync(trainer.device)
        probes.append(time.perf_counter() - began)
        began = time.perf_counter()
        trainer.train_step()
        trainer.flush()
        steps.append(time.perf_counter() - began)
    return statistics.median(probes), statistics.median(steps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=150, help="steps per timed run")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    every, fraction = ProbeSpec().every, ProbeSpec().max_time_fraction
    print(f"torch {torch.__version__}, device {args.device}, {torch.get_num_threads()} threads, "
          f"probes due every {every} steps within {fraction:.0%} of the time (the defaults) on a batch of "
          f"{ProbeSpec().batch_size}, {args.steps} steps x {args.rounds} rounds, alternating off/on\n")
    print(f"{'model':<13} {'off steps/s':>13} {'probes steps/s':>15} {'ratio (best)':>13} "
          f"{'ratio (median)':>15}  per-round ratios")
    timings, snapshots = [], {}
    for name, overrides in CASES.items():
        off = spec_for({**overrides, "probes.every": 0}, args.device)
        on = spec_for({**overrides, "probes.every": every}, args.device)
        counts = []

        def probed_run():
            rate = engine_steps_per_second(on, args.steps)
            counts.append(sum(isinstance(e, ProbeSnapshot) for e in harness.LAST_RUN))
            return rate

        base, probed = alternate(lambda: engine_steps_per_second(off, args.steps), probed_run, args.rounds)
        print(ratio_row(name, base, probed, width=13))
        timings.append((name, *probe_seconds(on)))
        snapshots[name] = statistics.mean(counts[1:])  # the first was the warm-up
    # The ratio these timings imply, less exposed to the machine's noise than the
    # rates above: steps / (steps + snapshots * probe_time / step_time).
    print(f"\n{'model':<13} {'one probe pass':>15} {'one training step':>18} {'probe / step':>13} "
          f"{'snapshots per ' + str(args.steps) + ' steps':>24} {'implied ratio':>14}")
    for name, probe, step in timings:
        implied = args.steps / (args.steps + snapshots[name] * probe / step)
        print(f"{name:<13} {probe * 1000:>12.1f} ms {step * 1000:>15.1f} ms {probe / step:>13.2f} "
              f"{snapshots[name]:>24.1f} {implied:>14.3f}")


if __name__ == "__main__":
    main()
