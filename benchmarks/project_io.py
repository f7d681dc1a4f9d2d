"""Save and open a project beside the floor: safetensors alone writing and
reading the same tensors.

The project holds one run of a ~10-million-parameter LSTM with its Adam state
(so 3 tensors per parameter: weights, exp_avg, exp_avg_sq) and 100 000 steps
of scalar history, 200 evaluations and the probe snapshots a run that long
keeps. Each round times, side by side:

  save    save_project (zip, XXH3-128 of every entry, fsync, atomic rename)
  floor   safetensors.torch.save_file of the same tensors, then fsync
  open    open_project (every check: listing, checksums, JSON, tensors, history)
  floor   safetensors.torch.load_file of those tensors, each touched (cloned)
          so the data is really read, as a model load would

Target: save and open each within 2x of their floor (best of the rounds).

    python benchmarks/project_io.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.events import Evaluation, Scalars  # noqa: E402
from engine.project import Project, open_project, save_project  # noqa: E402
from engine.spec import ExperimentSpec  # noqa: E402
from engine.training import Trainer  # noqa: E402

STEPS = 100_000


def big_project() -> Project:
    spec = ExperimentSpec().with_overrides({
        "model.cell": "lstm", "model.embedding_size": 256, "model.hidden_size": 880, "model.layers": 2,
        "task.name": "shakespeare", "task.length": 32, "training.batch_size": 4, "training.steps": STEPS,
        "training.device": "cpu", "probes.every": 50})
    project = Project(name="benchmark")
    run = project.add_run(spec)
    trainer = Trainer(spec)
    trainer.run_steps(1)  # so Adam has its state
    snapshot = trainer.probe()
    run.record(trainer)
    rng = np.random.default_rng(0)
    for begin in range(0, STEPS, 1000):  # what 100 flushes of 1000 steps add
        steps = np.arange(begin, begin + 1000)
        run.history.add(Scalars(steps, steps * 0.021 + rng.random(1000) * 1e-3, {
            "train_loss": rng.random(1000, dtype=np.float32) * 3, "grad_norm": rng.random(1000, dtype=np.float32),
            "lr": np.full(1000, 1e-3, dtype=np.float32),
            "tokens_per_second": np.full(1000, 5e4 + begin, dtype=np.float32)}))
        if begin % 500 == 0:
            run.history.add(Evaluation(begin, begin * 0.021, {"val_loss": 1.5, "token_accuracy": 0.5}))
    for step in range(0, STEPS, 50):
        snapshot.step = step
        run.probes.add(snapshot)
    return project


def floor_save(tensors: dict, path: Path) -> float:
    from safetensors.torch import save_file

    began = time.perf_counter()
    save_file(tensors, str(path))
    with open(path, "rb") as f:
        os.fsync(f.fileno())
    return time.perf_counter() - began


def floor_open(path: Path) -> float:
    from safetensors.torch import load_file

    began = time.perf_counter()
    tensors = {k: v.clone() for k, v in load_file(str(path)).items()}
    elapsed = time.perf_counter() - began
    assert tensors
    return elapsed


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    project = big_project()
    run = project.run()
    tensors = {k: v for k, v in run.state[0].items() if not k.startswith("rng/")}
    weights = {k: v for k, v in tensors.items() if k.startswith("model/")}
    parameters = sum(v.numel() for v in weights.values())
    print(f"run: {parameters / 1e6:.2f} M parameters, {len(tensors)} tensors with Adam state "
          f"({sum(v.numel() * v.element_size() for v in tensors.values()) / 2**20:.0f} MiB); "
          f"{len(run.history):,} steps of history, {len(run.history.evaluations)} evaluations, "
          f"{len(run.probes)} probe snapshots kept")
    results = {name: [] for name in ("save", "floor_save", "open", "floor_open", "floor_save_weights",
                                     "floor_open_weights")}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for _ in range(args.rounds):
            results["save"].append(timed(lambda: save_project(project, folder / "p.seqlab")))
            results["floor_save"].append(floor_save(tensors, folder / "t.safetensors"))
            results["floor_save_weights"].append(floor_save(weights, folder / "w.safetensors"))
            results["open"].append(timed(lambda: open_project(folder / "p.seqlab")))
            results["floor_open"].append(floor_open(folder / "t.safetensors"))
            results["floor_open_weights"].append(floor_open(folder / "w.safetensors"))
        size = (folder / "p.seqlab").stat().st_size
        floor_size = (folder / "t.safetensors").stat().st_size
    best = {name: min(times) for name, times in results.items()}
    median = {name: float(np.median(times)) for name, times in results.items()}
    print(f"file size: project {size / 2**20:.1f} MiB, safetensors of the same tensors {floor_size / 2**20:.1f} MiB "
          f"({size / floor_size:.2f}x)")
    print(f"{'':24}{'best s':>9}{'median s':>10}")
    for name in results:
        print(f"{name:24}{best[name]:9.3f}{median[name]:10.3f}")
    for action in ("save", "open"):
        ratio = best[action] / best[f"floor_{action}"]
        ratio_median = median[action] / median[f"floor_{action}"]
        verdict = "within" if ratio <= 2 else "OVER"
        print(f"{action}: {ratio:.2f}x the floor (median {ratio_median:.2f}x), {verdict} the 2x target; "
              f"{best[action] / best[f'floor_{action}_weights']:.2f}x writing/reading the weights alone")


if __name__ == "__main__":
    main()
