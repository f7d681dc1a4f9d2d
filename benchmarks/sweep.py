"""What Ray costs a sweep: a 12-trial sweep of small runs on this machine's cores,
against the same trials' own training time spread over the workers, and against
the same sweep run one trial after another in one process.

    python benchmarks/sweep.py [--steps 400,5000] [--cpus N] [--threads T]

Printed side by side from this one run:
- sweep wall time (Ray's start included) / (sum of the trials' own training times
  / workers): what Ray adds over perfect packing; the target is at most 1.15;
- the time to the first trial's result;
- one trial after another in this process (torch with T threads, default all
  cores), and how much faster the sweep was (for the longest trials only).
Ray's cost is mostly fixed (starting Ray, then its first worker importing torch),
so the ratio falls as trials grow: each --steps value is a sweep of its own.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import torch

from engine.presets import load_preset
from engine.sweep.plan import SweepPlan, parse_variation
from engine.sweep.ray_sweep import Placement, run_trials
from engine.sweep.record import trial_runs
from engine.sweep.trial import COMPLETED, train_trial


def plan(steps: int) -> SweepPlan:
    base = load_preset("recall-rnn").with_overrides({"training.steps": steps, "training.eval_every": 100})
    return SweepPlan(base, [parse_variation("model.cell=rnn_tanh,lstm,gru"),
                            parse_variation("task.distractors=5,10")], seeds=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="400,5000", help="steps per trial, a sweep for each (default 400,5000)")
    parser.add_argument("--cpus", type=int, default=os.cpu_count(), help="the embedded Ray's cores")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(),
                        help="torch threads for the one-after-another baseline")
    args = parser.parse_args()
    print(f"{platform.machine()} CPU, {os.cpu_count()} cores; torch {torch.__version__}; "
          f"12 trials of recall-rnn, cell x distractors x 2 seeds, on an embedded Ray of {args.cpus} cores")
    for steps in (int(text) for text in args.steps.split(",")):
        trials = plan(steps).trials()
        outcome = run_trials(trial_runs(trials, None), Placement(cpus=args.cpus))
        assert all(r.state == COMPLETED for r in outcome.results), [r.message for r in outcome.results]
        workers = min(args.cpus, len(trials))
        own = sum(r.seconds for r in outcome.results)
        ideal = own / workers
        print(f"{steps} steps a trial: wall {outcome.seconds:.1f} s; trials' own time {own:.1f} s / {workers} workers "
              f"= {ideal:.1f} s; Ray's overhead {outcome.seconds / ideal:.3f}x (target <= 1.15); "
              f"first result after {outcome.first_result_seconds:.1f} s")

    torch.set_num_threads(args.threads)
    began = time.perf_counter()
    for run in trial_runs(trials, None).values():  # the last (longest) sweep's trials
        result = train_trial("", run, lambda numbers: None, lambda kept, numbers: None)
        assert result.state == COMPLETED, result.message
    one_by_one = time.perf_counter() - began
    print(f"one after another in this process ({args.threads} torch threads): {one_by_one:.1f} s; "
          f"the sweep took {outcome.seconds / one_by_one:.2f}x that ({one_by_one / outcome.seconds:.2f}x faster)")


if __name__ == "__main__":
    main()
