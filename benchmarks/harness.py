"""Shared by the benchmarks: timing the engine's real run loop, and running two
contenders in alternating rounds so a shared machine's load hits both alike."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.runner import RunControl, run_training  # noqa: E402
from engine.spec import ExperimentSpec  # noqa: E402
from engine.training import Trainer  # noqa: E402

LM = {"task.name": "shakespeare", "task.length": 64, "training.batch_size": 32, "training.lr": 1e-3,
      "training.clip_norm": 1.0, "training.eval_every": 10**9, "training.seed": 0}
MODELS = {
    "LSTM": {**LM, "model.family": "rnn", "model.cell": "lstm", "model.embedding_size": 64, "model.hidden_size": 256},
    "GRU": {**LM, "model.family": "rnn", "model.cell": "gru", "model.embedding_size": 64, "model.hidden_size": 256},
    "Transformer": {**LM, "model.family": "transformer", "model.arch": "decoder", "model.d_model": 128,
                    "model.heads": 4, "model.layers": 2, "model.ff_size": 512},
}


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)  # cuda:N's work, not the current device's


def spec_for(overrides: dict, device: str) -> ExperimentSpec:
    return ExperimentSpec().with_overrides({**overrides, "training.device": device})


LAST_RUN: list = []  # the events of the latest engine_steps_per_second run


def engine_steps_per_second(spec: ExperimentSpec, steps: int) -> float:
    """The real run loop (sampling, schedules, buffered metrics, 30 Hz flushes,
    controls, probes at the spec's cadence); evaluation and the shape summary
    are left out, being no training steps."""
    trainer = Trainer(spec.with_overrides({"training.steps": steps}))
    trainer.evaluate = lambda: None
    trainer.shape_summary_text = lambda: ""
    events = []
    sync(trainer.device)
    began = time.perf_counter()
    run_training(trainer, RunControl(), events.extend)
    sync(trainer.device)
    elapsed = time.perf_counter() - began
    assert trainer.step == steps, events[-1]
    LAST_RUN[:] = events
    return steps / elapsed


def alternate(a: Callable[[], float], b: Callable[[], float], rounds: int) -> tuple[list, list]:
    """Rates of a and b over `rounds`, alternating which goes first."""
    a(), b()  # warm-up: allocator, kernels, caches
    rates_a, rates_b = [], []
    for round_ in range(rounds):
        if round_ % 2 == 0:
            rates_a.append(a())
            rates_b.append(b())
        else:
            rates_b.append(b())
            rates_a.append(a())
    return rates_a, rates_b


def ratio_row(name: str, base: list, other: list, width: int = 12) -> str:
    """Best-of-rounds rates and ratio (noise only ever slows a run, so the best
    is the steadiest figure), the median per-round ratio and every round's."""
    ratios = [o / b for o, b in zip(other, base)]
    return (f"{name:<{width}} {max(base):>13.1f} {max(other):>15.1f} {max(other) / max(base):>13.3f} "
            f"{statistics.median(ratios):>15.3f}  {' '.join(f'{r:.2f}' for r in ratios)}")


def add_machine_arguments(parser: argparse.ArgumentParser) -> None:
    """--threads and --load: the slower machines a benchmark must also hold on."""
    parser.add_argument("--threads", type=int, help="torch's threads (default: torch's own choice); 1 stands "
                                                    "in for an old laptop")
    parser.add_argument("--load", choices=("idle", "busy"), default="idle",
                        help="busy: one process per core spinning beside the benchmark, as a machine "
                             "shared with other work")


def set_threads(args) -> None:
    """--threads for this process and the processes it starts (the window's engine process)."""
    if args.threads:
        torch.set_num_threads(args.threads)
        os.environ["OMP_NUM_THREADS"] = str(args.threads)


def machine_line(args=None) -> str:
    """What the figures were measured on, printed beside them."""
    load = " with every core kept busy by another process" if args is not None and args.load == "busy" else ""
    return (f"machine: {os.cpu_count()} cores ({platform.machine()}, {platform.processor() or 'cpu'}), "
            f"torch {torch.__version__} with {torch.get_num_threads()} threads{load}"
            + (f"; load average {os.getloadavg()[0]:.2f} at the start" if hasattr(os, "getloadavg") else ""))


class BusyCores:
    """One process per core spinning, for as long as the `with` lasts: the machine
    busy with something else (a training run) while SeqLab runs."""

    def __init__(self, active: bool = True):
        self.active = active
        self.spinners: list = []

    def __enter__(self):
        if self.active:
            self.spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                             for _ in range(os.cpu_count() or 1)]
            time.sleep(0.5)
        return self

    def __exit__(self, *_exc):
        for spinner in self.spinners:
            spinner.kill()
            spinner.wait()
